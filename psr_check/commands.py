"""What the CLI commands do, as plain functions (usable from scripts and tests)."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from psr_check.ingest import IngestError, expand_paths
from psr_check.models import AllocationRecord, InputError, describe_error
from psr_check.settings import Settings


def write_atomically(path: str, content: str) -> None:
    """Write to a temp file beside ``path`` then rename: never a half-written report.

    Any failure (no such folder, no permission, a full disk, ``path`` is a folder) raises one
    IngestError naming ``path``, and leaves neither the temp file nor a partial report."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    temp = None
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(content)
        os.replace(temp, target)
    except OSError as exc:
        if temp:
            Path(temp).unlink(missing_ok=True)
        raise IngestError(path, f"cannot write the output: {_write_problem(exc, folder, target)}") from None
    except BaseException:
        if temp:
            Path(temp).unlink(missing_ok=True)
        raise


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
    from pydantic import ValidationError

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise IngestError(path, f"cannot read record: {exc}") from None
    except json.JSONDecodeError as exc:
        raise IngestError(path, f"not valid JSON ({exc.msg})", row=exc.lineno) from None
    if not isinstance(data, dict):
        raise IngestError(path, "a record must be one JSON object with the record fields")
    try:
        return AllocationRecord.model_validate(data)
    except ValidationError as exc:
        raise IngestError(path, describe_error(exc)) from None


def run_lint(paths: list[str], settings: Settings, *, record: str | None, fmt: str,
             output: str | None, stdin: bytes | None, workers: int = 1, redact: bool = False) -> int:
    """Lint every input; exit 2 on any input error, else 1 on findings at --fail-on, else 0.

    With ``workers`` > 1 and more than one input, the inputs are linted on that many processes
    (psr_check/parallel.py); the output is byte-identical to one worker. With ``redact`` the
    findings are worked out on the original text and then names of people in everything shown
    are replaced by roles (psr_check/redact.py)."""
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
        from psr_check.lint import Linter

        linter = Linter(settings)  # built even with no files: a broken rule pack is always reported
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
    lines += ["", "Example that is flagged", *_indent(firing.text), "",
              "What to do", f"  {check.fix}", "", "Example that passes", *_indent(silent.text), "",
              f"Defined in {check.origin}"]
    return "\n".join(lines)


def _indent(text: str) -> list[str]:
    return [f"  | {line}" for line in text.split("\n")]
