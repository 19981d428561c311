"""The SPO batch audit: statistics, aggregation, history and the command end to end."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3

import pytest

from psr_check.audit.aggregate import case_answers, rate
from psr_check.audit.stats import draw_sample, sample_size, wilson_interval
from psr_check.models import CheckResult, DocumentResult, Finding

HEADER = ("case_id,court,team,report_author,allocated_officer,region,sentence_date,court_date,allocation_date,"
          "rosh_level,rosh_full_analysis_completed_date,allocated_to,allocated_grade,da_enquiry_sent_date,"
          "da_enquiry_response_date,registrations,report_path\n")
GAP = "Offence analysis\nMr Bloggs assaulted his partner, Jane Doe, on 3 May.\nRisk: RoSH high to a known adult.\n"
CLEAN = "Offence: theft from a shop. Lives alone, no children.\nRisk: RoSH low.\nProposal: conditional discharge.\n"


# ---------------------------------------------------------------- statistics
def test_wilson_interval_matches_published_values():
    low, high = wilson_interval(8, 10)
    assert round(low, 4) == 0.4902 and round(high, 4) == 0.9433
    low, high = wilson_interval(0, 5)          # stays inside [0, 1] at the edge
    assert low == 0.0 and 0.4 < high < 0.5
    assert wilson_interval(0, 0) is None


def test_sample_size_as_the_inspection_sized_it():
    # 80% confidence, ±5%, p = 0.5: n0 = 1.2816² × 0.25 / 0.0025 = 164.2; finite population correction
    assert sample_size(1000) == 142
    assert sample_size(120) == 70
    assert sample_size(20) == 18                # 164.2 / (1 + 163.2 / 20) = 17.9
    assert sample_size(1000, confidence=0.95) == 278


def test_sample_is_reproducible_and_ordered():
    first = draw_sample(100, 10, seed=7)
    assert first == draw_sample(100, 10, seed=7) and first == sorted(first) and len(set(first)) == 10
    assert first != draw_sample(100, 10, seed=8)


def test_small_groups_show_less_than_five_not_a_percentage():
    assert rate(3, 4, 0, 5).shown == "<5"
    assert rate(3, 4, 0, None).shown == "75%"
    assert rate(4, 5, 0, 5).shown == "80%"


# ---------------------------------------------------------------- per-case answers
def _doc(checks, findings=()):
    return DocumentResult(path="x", checks=[CheckResult(code=c, family="f", audit_question=q, applicable=a,
                                                        satisfied=s) for c, q, a, s in checks],
                          findings=list(findings))


def test_case_answers_combine_every_check_of_a_question():
    doc = _doc([("DA001", "q", True, True), ("DA002", "q", True, False), ("RH001", "r", False, False),
                ("AL004", "p", True, True)])
    answers, accepted = case_answers(doc)
    assert answers == {"q": False, "r": None, "p": True} and accepted == set()


def test_a_suppressed_finding_counts_as_yes_but_is_counted_apart():
    finding = Finding(code="DA002", family="f", severity="error", title="t", message="m", fix="f", rationale="r",
                      suppressed=True, suppression_reason="checked by phone, in nDelius")
    answers, accepted = case_answers(_doc([("DA002", "q", True, False)], [finding]))
    assert answers == {"q": True} and accepted == {"q"}


# ---------------------------------------------------------------- the command
def _batch(tmp_path, rows: list[str], reports: dict[str, str]):
    (tmp_path / "reports").mkdir(exist_ok=True)
    for name, text in reports.items():
        (tmp_path / "reports" / name).write_text(text, encoding="utf-8")
    path = tmp_path / "records.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


ROWS = [
    # high RoSH, CRC in 2019 England (AL001), analysis completed late (RH001), DA indicator, no enquiry (DA001)
    "X1,Preston,T1,PO-1,OM-1,North West,01/05/2019,01/05/2019,06/05/2019,high,10/05/2019,CRC,,,,,reports/gap.txt\n",
    # clean, allocated promptly to CRC
    "X2,Preston,T1,PO-1,OM-2,North West,02/05/2019,02/05/2019,07/05/2019,low,,CRC,,,,,reports/clean.txt\n",
    # DA enquiry sent before court, answered after allocation (AL002); late allocation (AL004)
    "X3,Bolton,T2,PO-2,OM-3,North West,03/05/2019,03/05/2019,20/05/2019,low,,CRC,,01/05/2019,25/05/2019,,reports/clean.txt\n",
    # bad date, and a missing report
    "X4,Bolton,T2,PO-2,OM-3,North West,31/02/2019,,,,,,,,,,reports/clean.txt\n",
    "X5,Bolton,T2,PO-2,OM-3,North West,03/05/2019,,,,,,,,,,reports/none.txt\n",
]


def test_audit_accounts_for_every_row_and_answers_the_questions(cli, decode, tmp_path):
    _batch(tmp_path, ROWS, {"gap.txt": GAP, "clean.txt": CLEAN})
    result = cli("audit", "records.csv", "--format", "json")
    stdout, stderr = decode(result)
    assert result.returncode == 1, stderr
    data = json.loads(stdout)
    assert data["schema"] == "psr-check/audit/v1"
    assert [(c["row"], c["status"], c["skip_reason"]) for c in data["cases"]] == [
        (1, "checked", None), (2, "checked", None), (3, "checked", None), (4, "skipped", "bad_date"),
        (5, "skipped", "missing_report")]
    assert "records.csv:row 4:" in stderr and "records.csv:row 5:" in stderr
    by_id = {c["case_id"]: c for c in data["cases"]}
    codes = {cid: sorted(f["code"] for f in c["findings"]) for cid, c in by_id.items()}
    assert {"AL001", "RH001", "DA001"} <= set(codes["X1"])
    assert codes["X2"] == []
    assert {"AL002", "AL004"} <= set(codes["X3"])
    questions = {q["id"]: q["overall"] for q in data["questions"]}
    assert (questions["allocation_consistent"]["relevant"], questions["allocation_consistent"]["yes"]) == (3, 2)
    assert (questions["rosh_analysis_before_allocation"]["relevant"],
            questions["rosh_analysis_before_allocation"]["yes"]) == (1, 0)
    assert (questions["allocated_promptly"]["relevant"], questions["allocated_promptly"]["yes"]) == (3, 2)
    assert by_id["X1"]["policy"] == "allocation-2018"


def test_audit_outputs_carry_no_names_or_report_text_and_are_deterministic(cli, tmp_path):
    _batch(tmp_path, ROWS[:3], {"gap.txt": GAP, "clean.txt": CLEAN})
    (tmp_path / "out").mkdir()
    (tmp_path / "out2").mkdir()
    first = cli("audit", "records.csv", "--format", "html,json,csv", "--output", "out")
    second = cli("audit", "records.csv", "--format", "html,json,csv", "--output", "out2", "--workers", "2")
    assert first.returncode == second.returncode == 1
    for name in ("audit.html", "audit.json", "audit.csv"):
        text = (tmp_path / "out" / name).read_text(encoding="utf-8")
        assert "Bloggs" not in text and "Jane Doe" not in text and "assaulted" not in text
        assert text == (tmp_path / "out2" / name).read_text(encoding="utf-8")  # 2 workers: same bytes
    html = (tmp_path / "out" / "audit.html").read_text(encoding="utf-8")
    assert "<script" not in html and "http" not in html.split("</style>")[0]
    assert "Tool-assessed" in html and "X1" in html and "OM-1" in html


def test_group_cells_under_five_are_suppressed_in_every_format(cli, tmp_path):
    _batch(tmp_path, ROWS[:3], {"gap.txt": GAP, "clean.txt": CLEAN})
    (tmp_path / "out").mkdir()
    cli("audit", "records.csv", "--format", "html,json,csv", "--output", "out", "--group-by", "court")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out" / "audit.csv").read_text(encoding="utf-8"))))
    grouped = [r for r in rows if r["dimension"] == "court"]
    assert grouped and all(r["shown"] == "<5" and r["percent"] == "" for r in grouped)
    overall = next(r for r in rows if r["dimension"] == "overall" and r["question_id"] == "allocation_consistent")
    assert overall["percent"] == "66.7" and overall["relevant"] == "3"


def test_record_fields_are_escaped_in_html(cli, tmp_path):
    row = ('"<script>alert(1)</script>",Pre"" onmouseover=""x,T1,PO-1,OM-1,North West,01/05/2019,01/05/2019,'
           '20/05/2019,low,,CRC,,,,,reports/clean.txt\n')
    _batch(tmp_path, [row], {"clean.txt": CLEAN})
    (tmp_path / "out").mkdir()
    cli("audit", "records.csv", "--output", "out")
    html = (tmp_path / "out" / "audit.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert 'Pre" onmouseover' not in html


def test_sample_and_confidence(cli, tmp_path):
    rows = [f"Y{i},Preston,T1,PO-1,OM-1,North West,01/05/2019,01/05/2019,06/05/2019,low,,CRC,,,,,reports/clean.txt\n"
            for i in range(40)]
    _batch(tmp_path, rows, {"clean.txt": CLEAN})
    one = json.loads(cli("audit", "records.csv", "--format", "json", "--sample", "7", "--seed", "3").stdout)
    two = json.loads(cli("audit", "records.csv", "--format", "json", "--sample", "7", "--seed", "3").stdout)
    assert one["sample"] == {"population": 40, "size": 7, "seed": 3, "confidence": None, "margin": None}
    assert [c["case_id"] for c in one["cases"]] == [c["case_id"] for c in two["cases"]]
    sized = json.loads(cli("audit", "records.csv", "--format", "json", "--confidence", "0.8").stdout)
    assert sized["sample"]["size"] == sample_size(40) == len(sized["cases"])


def test_history_stores_runs_and_shows_the_trend(cli, tmp_path):
    _batch(tmp_path, ROWS[:3], {"gap.txt": GAP, "clean.txt": CLEAN})
    (tmp_path / "out").mkdir()
    march = HEADER + ROWS[1].replace("2019", "2021").replace("05/2021", "03/2021")
    (tmp_path / "march.csv").write_text(march, encoding="utf-8")
    assert cli("audit", "march.csv", "--history", "h.sqlite", "--output", "out").returncode == 0
    assert cli("audit", "records.csv", "--history", "h.sqlite", "--output", "out").returncode == 1
    assert cli("audit", "records.csv", "--history", "h.sqlite", "--output", "out").returncode == 1  # replaces
    with sqlite3.connect(tmp_path / "h.sqlite") as db:
        assert db.execute("SELECT records, period FROM runs ORDER BY period").fetchall() == [
            ("records.csv", "2019-05"), ("march.csv", "2021-03")]
    html = (tmp_path / "out" / "audit.html").read_text(encoding="utf-8")
    assert "Trend against earlier audits" in html and "2021-03" in html


@pytest.mark.parametrize("args, words", [
    (["missing.csv"], "missing.csv"),
    (["records.csv", "--format", "pdf"], "--format pdf"),
    (["records.csv", "--format", "html,json"], "--output"),
    (["records.csv", "--group-by", "shoe_size"], "shoe_size"),
    (["records.csv", "--sample", "3", "--confidence", "0.8"], "not both"),
    (["records.csv", "--output", "nowhere/deeper"], "nowhere/deeper"),
    (["records.csv", "--output", "records.csv"], "is a file"),
])
def test_audit_usage_errors_are_one_line_exit_2(cli, decode, tmp_path, args, words):
    _batch(tmp_path, ROWS[1:2], {"clean.txt": CLEAN})
    result = cli("audit", *args)
    stdout, stderr = decode(result)
    assert result.returncode == 2 and words in stderr and "Traceback" not in stderr


def test_no_row_checked_exits_2(cli, decode, tmp_path):
    _batch(tmp_path, ROWS[3:5], {"clean.txt": CLEAN})
    result = cli("audit", "records.csv", "--format", "json")
    assert result.returncode == 2 and "no row could be checked" in decode(result)[1]
    assert len(json.loads(decode(result)[0])["cases"]) == 2


def test_audit_uses_no_network(monkeypatch, tmp_path):
    import socket

    from psr_check.audit.run import AuditOptions
    from psr_check.commands import run_audit_command
    from psr_check.settings import Settings

    def refuse(*args, **kwargs):
        raise AssertionError("psr-check tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    records = _batch(tmp_path, ROWS[:3], {"gap.txt": GAP, "clean.txt": CLEAN})
    (tmp_path / "out").mkdir()
    code = run_audit_command(AuditOptions(records=str(records)), Settings(), formats=["json"],
                             output_dir=str(tmp_path / "out"), history=None, show_progress=False)
    assert code == 1 and json.loads((tmp_path / "out" / "audit.json").read_text())["summary"]["checked"] == 3


def test_html_lists_at_most_html_cases_and_says_where_the_rest_are(cli, decode, tmp_path):
    _batch(tmp_path, ROWS[:3], {"gap.txt": GAP, "clean.txt": CLEAN})
    result = cli("audit", "records.csv", "--format", "html,json", "--output", "out", "--html-cases", "1")
    assert result.returncode == 1, decode(result)[1]
    page = (tmp_path / "out" / "audit.html").read_text(encoding="utf-8")
    listed = re.findall(r'<div class="case" id="case-(\d+)">', page)
    assert listed == ["1"]  # X1 and X3 have findings; the first in row order is listed
    assert "Cases with findings (2 of 3)" in page and "the first 1 of the 2 cases" in page
    assert "--html-cases 0" in page
    data = json.loads((tmp_path / "out" / "audit.json").read_text(encoding="utf-8"))
    assert sum(1 for c in data["cases"] if c["findings"]) == 2  # the JSON keeps them all
    result = cli("audit", "records.csv", "--format", "html", "--output", "all", "--html-cases", "0")
    page = (tmp_path / "all" / "audit.html").read_text(encoding="utf-8")
    assert re.findall(r'<div class="case" id="case-(\d+)">', page) == ["1", "3"]
    assert "Listed here" not in page


def test_formats_are_written_all_or_none_one_at_a_time(monkeypatch, tmp_path):
    """Each format is rendered and staged in turn (a year's JSON is tens of MB, so they are not all
    held at once); when a later one fails, no earlier one is left behind, nor any temp file."""
    import psr_check.render.audit as render
    from psr_check.audit.run import AuditOptions
    from psr_check.commands import run_audit_command
    from psr_check.ingest import IngestError
    from psr_check.settings import Settings

    records = _batch(tmp_path, ROWS[:3], {"gap.txt": GAP, "clean.txt": CLEAN})
    out = tmp_path / "out"
    rendered = []
    real = render.render_audit

    def render_then_fail_on_csv(output, fmt, trend):
        staged = os.listdir(out)
        assert all(name.startswith(".audit.") for name in staged), "a format was written before the last"
        assert len(staged) == len(rendered), "each format is staged before the next is rendered"
        rendered.append(fmt)
        if fmt == "csv":
            raise OSError(28, "No space left on device")
        return real(output, fmt, trend)

    monkeypatch.setattr(render, "render_audit", render_then_fail_on_csv)
    with pytest.raises((IngestError, OSError)):
        run_audit_command(AuditOptions(records=str(records)), Settings(), formats=["html", "json", "csv"],
                          output_dir=str(out), history=None, show_progress=False)
    assert rendered == ["html", "json", "csv"]
    assert os.listdir(out) == []

    monkeypatch.setattr(render, "render_audit", real)
    run_audit_command(AuditOptions(records=str(records)), Settings(), formats=["html", "json", "csv"],
                      output_dir=str(out), history=None, show_progress=False)
    assert sorted(os.listdir(out)) == ["audit.csv", "audit.html", "audit.json"]


def test_ctrl_c_mid_batch_writes_nothing(tmp_path):
    """Partial results are never written as if complete: Ctrl-C leaves the output folder empty."""
    import signal
    import subprocess
    import sys
    import time

    rows = [f"Z{i},Preston,T1,PO-1,OM-1,North West,01/05/2019,01/05/2019,06/05/2019,low,,CRC,,,,,reports/gap.txt\n"
            for i in range(4000)]
    _batch(tmp_path, rows, {"gap.txt": GAP * 20})
    (tmp_path / "out").mkdir()
    process = subprocess.Popen([sys.executable, "-m", "psr_check.cli", "audit", "records.csv", "--output", "out",
                                "--format", "html,json,csv", "--history", "h.sqlite"],
                               cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(4)
    assert process.poll() is None, "the batch finished before it could be interrupted: make it bigger"
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130 and b"nothing was written" in stderr and b"Traceback" not in stderr
    assert list((tmp_path / "out").iterdir()) == [] and not (tmp_path / "h.sqlite").exists()


def test_progress_bar_only_on_a_terminal(cli, decode, tmp_path):
    import os
    import pty
    import subprocess
    import sys

    _batch(tmp_path, ROWS[:3], {"gap.txt": GAP, "clean.txt": CLEAN})
    assert "Checking cases" not in decode(cli("audit", "records.csv", "--format", "json"))[1]  # a pipe: no bar
    master, slave = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "psr_check.cli", "audit", "records.csv", "--format", "json"],
                               cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    process.wait(timeout=60)
    os.close(master)
    assert b"Checking cases" in seen and process.returncode == 1
