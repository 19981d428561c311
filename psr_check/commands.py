"""What the CLI commands do, as plain functions (usable from scripts and tests)."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from contextlib import nullcontext
from functools import partial
from pathlib import Path
from typing import Callable, ContextManager

from psr_check.ingest import IngestError, expand_paths
from psr_check.models import AllocationRecord, InputError, describe_error
from psr_check.settings import Settings


def write_atomically(path: str, content: str) -> None:
    """Write to a temp file beside ``path`` then rename: never a half-written report.

    Any failure (no such folder, no permission, a full disk, ``path`` is a folder) raises one
    IngestError naming ``path``, and leaves neither the temp file nor a partial report."""
    write_all_atomically([(path, lambda: content)])


def write_all_atomically(outputs) -> None:
    """Write several files, all or none: each is rendered (``(path, render)`` pairs, ``render()``
    giving the text) and written to a temp file beside its target one at a time, so only one
    rendered text is held at once; the temp files are renamed into place only when every one is
    written. Any failure leaves no temp file and no new file (IngestError naming the path)."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, render in outputs:
            staged.append((path, _stage(path, render())))
        for path, temp in staged:
            _commit(path, temp)
    finally:
        for _, temp in staged:
            temp.unlink(missing_ok=True)


def _stage(path: str, content: str) -> Path:
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    temp = None
    try:
        if target.is_dir():
            raise IsADirectoryError(path)
        handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(content)
        return Path(temp)
    except OSError as exc:
        if temp:
            Path(temp).unlink(missing_ok=True)
        raise IngestError(path, f"cannot write the output: {_write_problem(exc, folder, target)}") from None
    except BaseException:
        if temp:
            Path(temp).unlink(missing_ok=True)
        raise


def _commit(path: str, temp: Path) -> None:
    target = Path(path)
    try:
        os.replace(temp, target)
    except OSError as exc:
        folder = target.parent if str(target.parent) else Path(".")
        raise IngestError(path, f"cannot write the output: {_write_problem(exc, folder, target)}") from None


def _write_problem(exc: OSError, folder: Path, target: Path) -> str:
    """What went wrong, in words a duty officer can act on."""
    if isinstance(exc, FileNotFoundError) or not folder.is_dir():
        return f"the folder {folder} does not exist; create it or choose another --output"
    if isinstance(exc, IsADirectoryError) or target.is_dir():
        return "that is a folder; give a file name to --output"
    if isinstance(exc, PermissionError):
        return f"no permission to write in {folder}; choose another --output"
    return f"{exc.strerror or exc}; choose another --output"


def load_record(path: str) -> AllocationRecord:
    """A single allocation record as JSON (the record contract's field names)."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise IngestError(path, f"cannot read record: {exc}") from None
    return record_from_json(text, path)


def record_from_json(text: str, name: str) -> AllocationRecord:
    """A record from JSON text already in memory (a file's contents, or a web form's field)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise IngestError(name, f"not valid JSON ({exc.msg})", row=exc.lineno) from None
    return record_from_data(data, name)


def record_from_data(data, name: str) -> AllocationRecord:
    """A record from decoded JSON: one object with the record fields, else one IngestError line."""
    from pydantic import ValidationError

    if not isinstance(data, dict):
        raise IngestError(name, "a record must be one JSON object with the record fields")
    try:
        return AllocationRecord.model_validate(data)
    except ValidationError as exc:
        raise IngestError(name, describe_error(exc)) from None


def run_lint(paths: list[str], settings: Settings, *, record: str | None, fmt: str,
             output: str | None, stdin: bytes | None, workers: int = 1, redact: bool = False,
             building: Callable[[], ContextManager] = nullcontext) -> int:
    """Lint every input; exit 2 on any input error, else 1 on findings at --fail-on, else 0.

    With ``workers`` > 1 and more than one input, the inputs are linted on that many processes
    (psr_check/parallel.py); the output is byte-identical to one worker. With ``redact`` the
    findings are worked out on the original text and then names of people in everything shown
    are replaced by roles (psr_check/redact.py). The Linter is built inside ``building()``: the
    CLI, which owns its process, pauses the garbage collector there (startup.py); a library
    caller's process is left alone."""
    from psr_check.parallel import lint_in_workers, lint_one
    from psr_check.render import build_output, render

    files, problems = expand_paths(paths)
    errors = [InputError(path=p.path, row=p.row, message=p.message) for p in problems]
    documents = []
    the_record = None
    if record:
        try:
            the_record = load_record(record)
        except IngestError as exc:
            errors.append(InputError(path=exc.path, row=exc.row, message=exc.message))
            files = []
    if workers > 1 and len(files) > 1:
        outcomes = lint_in_workers(files, settings, workers=workers, record=the_record, stdin=stdin)
    else:
        with building():
            from psr_check.lint import BATCH, Linter, settle_for_batch

            linter = Linter(settings)  # built even with no files: a broken rule pack is always reported
        if len(files) >= BATCH:
            settle_for_batch()
        outcomes = [lint_one(linter, path, settings, the_record, stdin) for path in files]
    for outcome in outcomes:
        if isinstance(outcome, InputError):
            errors.append(outcome)
        else:
            documents.append(outcome)
    if redact:
        from psr_check.redact import redact_documents

        documents = redact_documents(documents)
    result = build_output(documents, errors)
    text = render(result, fmt, redacted=redact)
    if output:
        try:
            write_atomically(output, text)
        except IngestError as exc:
            errors.append(InputError(path=exc.path, message=exc.message))
    else:
        sys.stdout.write(text)
    for doc in documents:
        for note in doc.input_notes:
            print(f"psr-check: {doc.path}: note: {note}", file=sys.stderr)
    if errors:
        for error in errors:
            where = f"{error.path}:{error.row}" if error.row else error.path
            print(f"psr-check: {where}: {error.message}", file=sys.stderr)
        return 2
    threshold = {"error": {"error"}, "warning": {"error", "warning"}}[settings.fail_on]
    failing = any(f.severity in threshold and not f.suppressed for d in documents for f in d.findings)
    return 1 if failing else 0


def explain(code: str, settings: Settings) -> str | None:
    """Ruff-style rule page: what it finds, why it matters, an example, what to write instead."""
    from psr_check.pack import load_rule_pack

    pack = load_rule_pack(extra_dirs=[Path(p) for p in settings.rules])
    check = pack.check(code)
    if check is None:
        return None
    firing = next(t for t in check.tests if code in t.expect)
    silent = next(t for t in check.tests if code not in t.expect)
    family = pack.family(check.family)
    lines = [
        f"{check.code} ({family.title}, {check.severity}): {check.title}",
        "",
        "What it finds",
        f"  {check.title}.",
        "",
        "Why it matters",
        f"  {check.rationale}",
    ]
    if check.references:
        lines.append(f"  References: {'; '.join(check.references)}")
    lines += ["", "Example that is flagged", *_example(firing), "",
              "What to do", f"  {check.fix}", "", "Example that passes", *_example(silent), "",
              f"Defined in {check.origin}"]
    return "\n".join(lines)


def _example(test) -> list[str]:
    """The example text, and the allocation record it is checked with (record checks differ only there)."""
    lines = _indent(test.text)
    if test.record:
        fields = ", ".join(f"{k}: {v}" for k, v in test.record.items())
        lines.append(f"  with the record: {fields}")
    return lines


def _indent(text: str) -> list[str]:
    return [f"  | {line}" for line in text.split("\n")]


AUDIT_FORMATS = ("html", "json", "csv")


def run_audit_command(options, settings: Settings, *, formats: list[str], output_dir: str | None,
                      history: str | None, show_progress: bool, html_cases: int | None = None) -> int:
    """Audit, render every format asked for, then write them (all or none) and the history.

    Exit 2 when the records file cannot be read or no row could be checked; else 1 when a finding
    reaches --fail-on; else 0. Skipped rows are listed on stderr, one line each, either way."""
    from psr_check.audit.history import earlier_runs, store_run
    from psr_check.audit.run import run_audit
    from psr_check.render.audit import render_audit

    with _progress(show_progress) as progress:
        output = run_audit(options, settings, progress=progress)
    trend = earlier_runs(history, output) if history else []
    shown = {} if html_cases is None else {"html_cases": html_cases}
    if output_dir:
        folder = _output_folder(output_dir)
        # one format rendered and written at a time: a year's audit as JSON is tens of MB
        write_all_atomically([(str(folder / f"audit.{fmt}"), partial(render_audit, output, fmt, trend, **shown))
                              for fmt in formats])
    else:
        sys.stdout.write(render_audit(output, formats[0], trend, **shown))
    if history:
        store_run(history, output)
    for notice in output.notices:
        print(f"psr-check: {notice}", file=sys.stderr)
    for error in output.errors:
        print(f"psr-check: {error.path}:row {error.row}: {error.message}", file=sys.stderr)
    if output.summary.checked == 0:
        print(f"psr-check: {options.records}: no row could be checked", file=sys.stderr)
        return 2
    threshold = {"error": {"error"}, "warning": {"error", "warning"}}[settings.fail_on]
    return 1 if any(output.summary.findings_by_severity.get(s, 0) for s in threshold) else 0


def _output_folder(output_dir: str) -> Path:
    """The audit's --output folder: made if missing (its parent must exist), never a file."""
    folder = Path(output_dir)
    if folder.exists() and not folder.is_dir():
        raise IngestError(output_dir, "--output is a file: give a folder (the audit writes audit.html, "
                          "audit.json, audit.csv in it)")
    try:
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        raise IngestError(output_dir, f"cannot make the --output folder ({exc.strerror or exc}): "
                          "check the folder above it exists and you may write there") from None
    return folder


class _progress:
    """A progress bar on stderr for batches that take more than a moment (only on a terminal)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled, self.bar, self.task = enabled, None, None

    def __enter__(self):
        if not self.enabled:
            return None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        self.bar = Progress("Checking cases", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                            transient=True, console=_stderr_console())
        self.bar.start()
        return self.update

    def update(self, done: int, total: int) -> None:
        if self.task is None:
            self.task = self.bar.add_task("cases", total=total)
        self.bar.update(self.task, completed=done)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)
