"""Render an audit as JSON (psr-check/audit/v1), CSV (the same numbers, one row per cell) or a
printable HTML page with inline SVG charts (no JavaScript, no CDN: it opens offline)."""

from __future__ import annotations

import csv
import io

from psr_check.audit.models import AuditOutput, QuestionResult, Rate

CSV_COLUMNS = ["question_id", "question", "key", "dimension", "group", "relevant", "yes", "percent",
               "wilson_low", "wilson_high", "shown", "accepted", "inspection_percent"]


HTML_CASES = 500  # cases with findings listed in the HTML by default; every case is in audit.json


def render_audit(output: AuditOutput, fmt: str, history: list[dict] | None = None,
                 html_cases: int = HTML_CASES) -> str:
    if fmt == "json":
        return output.model_dump_json(indent=2, by_alias=True) + "\n"
    if fmt == "csv":
        return audit_csv(output)
    if fmt == "html":
        return audit_html(output, history or [], html_cases)
    raise ValueError(f"unknown audit format {fmt}")


def audit_csv(output: AuditOutput) -> str:
    stream = io.StringIO(newline="")
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for q in output.questions:
        ref = q.inspection.percent if q.inspection else ""
        writer.writerow(_csv_row(q, "overall", "all", q.overall, ref))
        for dim, cells in q.groups.items():
            for cell in cells:
                writer.writerow(_csv_row(q, dim, cell.value, cell, ref))
    return stream.getvalue()


def _csv_row(q: QuestionResult, dim: str, group: str, cell: Rate, ref) -> list:
    small = cell.shown.startswith("<")  # a group under the minimum size shows no percentage anywhere
    return [q.id, q.title, "yes" if q.key else "no", dim, group, cell.relevant, cell.yes,
            "" if small or cell.percent is None else cell.percent,
            "" if small or cell.low is None else cell.low, "" if small or cell.high is None else cell.high,
            cell.shown, cell.accepted, ref]


def audit_html(output: AuditOutput, history: list[dict], html_cases: int = HTML_CASES) -> str:
    """The report an SPO sends on. A year's audit can have thousands of cases with findings: the
    HTML lists the first ``html_cases`` of them in row order (0 lists all) and says where the
    rest are, so the file stays small enough to open and email."""
    from psr_check.render.output import environment

    template = environment().get_template("audit.html.j2")
    key = [q for q in output.questions if q.key]
    other = [q for q in output.questions if not q.key and q.overall.relevant]  # e.g. universal-mode checks
    with_findings = [c for c in output.cases if c.status == "checked" and any(not f.suppressed for f in c.findings)]
    shown = with_findings if html_cases == 0 else with_findings[:html_cases]
    return template.render(out=output, key_questions=key, other_questions=other, history=history,
                           cases_with_findings=shown, cases_with_findings_total=len(with_findings),
                           skipped=[c for c in output.cases if c.status == "skipped"],
                           bar=bar_geometry, trend=trend_points)


def bar_geometry(cell: Rate, reference: float | None = None, width: int = 220) -> dict:
    """Coordinates for one horizontal bar with its interval and the inspection's reference line."""
    scale = width / 100

    def x(value: float | None) -> float | None:
        return None if value is None else round(value * scale, 1)

    small = cell.shown.startswith("<") or cell.percent is None
    return {"width": width, "value": None if small else x(cell.percent), "low": None if small else x(cell.low),
            "high": None if small else x(cell.high), "reference": x(reference)}


def trend_points(history: list[dict], question_id: str, width: int = 220, height: int = 40) -> dict:
    """Polyline points for one question's % yes across earlier runs and this one."""
    values = [(run["period"], run["rates"].get(question_id)) for run in history]
    values = [(label, v) for label, v in values if v is not None]
    if not values:
        return {"points": "", "labels": [], "width": width, "height": height}
    step = width / max(1, len(values) - 1)
    points = " ".join(f"{round(i * step, 1)},{round(height - v * height / 100, 1)}" for i, (_, v) in enumerate(values))
    return {"points": points, "labels": values, "width": width, "height": height}
