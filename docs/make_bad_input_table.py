"""Write docs/bad-input.md by running psr-check on every kind of bad input from issue #6.

Each case is built in a temporary folder and run through the real command line, so the
messages in the table are the ones a user sees. Run from the repository root:

    python docs/make_bad_input_table.py            # rewrites docs/bad-input.md
    python docs/make_bad_input_table.py --check    # exit 1 if docs/bad-input.md is out of date

Allocation-record cases need `psr-check audit`; while it does not exist they are listed as
"see audit" and skipped.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parents[1]
TARGET = REPO / "docs" / "bad-input.md"

GOOD = ("Sources of information\nPolice DA call-out check: nil trace (11/03/2026).\n"
        "Offence analysis\nMr A took food worth £12 from a shop.\n"
        "Proposal\nConditional discharge for 12 months.\n")


@dataclass
class Case:
    title: str
    build: Callable[[Path], list[str]]  # makes its files in the folder; returns the CLI arguments
    stdin: bytes = b""
    with_good: bool = True  # also lint a good draft, to show the batch goes on
    command: str = "lint"
    notes: str = ""


@dataclass
class Row:
    title: str
    command: str
    exit_code: int | None
    message: str
    batch_goes_on: str
    notes: str = ""
    extra: list[str] = field(default_factory=list)


# -- building the bad inputs -------------------------------------------------------------------
def _write(folder: Path, name: str, data: bytes | str) -> str:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return name


def _docx_bytes(*paragraphs: str) -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _replace_member(data: bytes, member: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, content if item.filename == member else source.read(item.filename))
    return out.getvalue()


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * 60_000_000)  # deflates to ~60 KB
    return out.getvalue()


def _plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("holiday.jpg", b"\xff\xd8\xff\xe0 not really a photo")
    return out.getvalue()


def _record(folder: Path, name: str, data: str) -> list[str]:
    _write(folder, "draft.txt", GOOD)
    return ["draft.txt", "--record", _write(folder, name, data)]


LINT_CASES = [
    Case("Missing file", lambda d: ["no-such-draft.txt"]),
    Case("Empty file (0 bytes)", lambda d: [_write(d, "empty.txt", b"")]),
    Case("Only spaces and blank lines", lambda d: [_write(d, "blank.txt", " \n\n\t\n")]),
    Case("Binary file named .txt", lambda d: [_write(d, "photo.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(64))]),
    Case("Unsupported type (.pdf)", lambda d: [_write(d, "report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")]),
    Case("Huge text file (6 MB)", lambda d: [_write(d, "huge.txt", ("Offence analysis. " * 350_000).encode())]),
    Case("Not UTF-8: Windows-1252 from Word/Notepad", lambda d: [_write(
        d, "cp1252.txt", "Offence analysis\nHe said \u201cI\u2019m sorry\u201d and repaid \u00a340.\n".encode("cp1252"))],
        notes="read as cp1252; smart quotes and £ survive"),
    Case("UTF-16 with a byte-order mark", lambda d: [_write(
        d, "utf16.txt", "Offence analysis\nHe took food worth \u00a312.\n".encode("utf-16"))]),
    Case("Corrupt .docx (random bytes)", lambda d: [_write(d, "corrupt.docx", bytes(range(256)) * 8)]),
    Case("Truncated .docx (half a file)", lambda d: [_write(d, "truncated.docx", _docx_bytes(GOOD)[:3000])]),
    Case("A zip that is not a Word document", lambda d: [_write(d, "photos.docx", _plain_zip())]),
    Case("Broken XML inside the Word package", lambda d: [_write(
        d, "badxml.docx", _replace_member(_docx_bytes("x"), "word/document.xml", b"<w:document><w:body>"))]),
    Case("Password-protected (encrypted) .docx or old .doc",
         lambda d: [_write(d, "protected.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))]),
    Case("Zip bomb named .docx", lambda d: [_write(d, "bomb.docx", _zip_bomb())]),
    Case("Word document with no text", lambda d: [_write(d, "blank.docx", _docx_bytes())]),
    Case("RTF saved with a .docx name", lambda d: [_write(d, "rtf.docx", b"{\\rtf1\\ansi Offence analysis}")]),
    Case("Malformed service JSON draft", lambda d: [_write(d, "draft.json", '{"pages": [ {"name": "offence"')]),
    Case("Folder with no drafts in it", lambda d: [(d / "empty-folder").mkdir() or "empty-folder"]),
    Case("Word's lock file (~$draft.docx) beside the draft in a folder", lambda d: [
        _write(d, "drafts/~$draft.docx", b"\x0bPO 4471" + bytes(150)) and _write(d, "drafts/draft.txt", GOOD)
        and "drafts"], notes="the lock file is skipped, the draft is checked"),
    Case("Empty standard input", lambda d: ["-"], stdin=b""),
    Case("Record: not valid JSON", lambda d: _record(d, "record.json", '{"case_id": "X1", '), with_good=False),
    Case("Record: impossible date", lambda d: _record(d, "record.json", '{"court_date": "31/02/2026"}'),
         with_good=False),
    Case("Record: US-order date", lambda d: _record(d, "record.json", '{"court_date": "03/14/2026"}'),
         with_good=False),
    Case("Record: a list, not one record", lambda d: _record(d, "record.json", '[{"case_id": "X1"}]'),
         with_good=False),
    Case("--output in a folder that does not exist",
         lambda d: [_write(d, "draft.txt", GOOD), "--output", "no-such-folder/report.html", "--format", "html"],
         with_good=False),
    Case("--output that is a folder",
         lambda d: [_write(d, "draft.txt", GOOD), "--output", (d / "out").mkdir() or "out"], with_good=False),
    Case("Unknown --format", lambda d: [_write(d, "draft.txt", GOOD), "--format", "pdf"], with_good=False),
    Case("--record with several drafts", lambda d: [_write(d, "a.txt", GOOD), _write(d, "b.txt", GOOD),
                                                    "--record", _write(d, "r.json", "{}")], with_good=False),
    Case("Config file that does not exist", lambda d: [_write(d, "draft.txt", GOOD), "--config", "nope.toml"],
         with_good=False),
]

_CSV_HEAD = "case_id,report_type,court,sentence_date,allocation_date,report_text\n"


def _records(folder: Path, body: str, head: str = _CSV_HEAD) -> list[str]:
    return [_write(folder, "records.csv", head + body), "--format", "json", "--output", "audit-out"]


AUDIT_CASES = [
    Case("Allocation records: malformed CSV (unclosed quote)", lambda d: _records(
        d, 'A1,short,Northtown,01/03/2026,05/03/2026,"Offence analysis\n'), command="audit", with_good=False),
    Case("Allocation records: unknown column", lambda d: _records(
        d, "A1,short,Northtown,01/03/2026,05/03/2026,Offence.,x\n", _CSV_HEAD.strip() + ",shoe_size\n"),
        command="audit", with_good=False),
    Case("Allocation records: missing case_id column", lambda d: _records(
        d, "short,Northtown,01/03/2026,05/03/2026,Offence.\n", "report_type,court,sentence_date,allocation_date,"
        "report_text\n"), command="audit", with_good=False),
    Case("Allocation records: impossible date", lambda d: _records(
        d, "A1,short,Northtown,31/02/2026,05/03/2026,Offence.\n"), command="audit", with_good=False),
    Case("Allocation records: ambiguous date (two-digit year)", lambda d: _records(
        d, "A1,short,Northtown,01/03/26,05/03/2026,Offence.\n"), command="audit", with_good=False),
    Case("Allocation records: duplicate case ids", lambda d: _records(
        d, "A1,short,Northtown,01/03/2026,05/03/2026,Offence.\nA1,short,Northtown,02/03/2026,06/03/2026,Offence.\n"),
        command="audit", with_good=False),
    Case("Allocation records: missing report file", lambda d: [_write(
        d, "records.csv", "case_id,report_type,report_path\nA1,short,reports/missing.docx\n"), "--format", "json",
        "--output", "audit-out"], command="audit", with_good=False),
]


# -- running them ------------------------------------------------------------------------------
def _psr_check(args: list[str], cwd: Path, stdin: bytes = b"") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "psr_check.cli", *args], cwd=str(cwd), input=stdin,
                          capture_output=True, timeout=300)


def audit_exists() -> bool:
    result = subprocess.run([sys.executable, "-m", "psr_check.cli", "audit", "--help"],
                            capture_output=True, timeout=120)
    return result.returncode == 0


def run_case(case: Case) -> Row:
    with tempfile.TemporaryDirectory(prefix="psr-bad-") as name:
        folder = Path(name)
        args = case.build(folder)
        if case.with_good:
            args = [*args, _write(folder, "good.txt", GOOD), "--format", "json"]
        result = _psr_check([case.command, *args], folder, case.stdin)
        stderr = result.stderr.decode("utf-8", errors="replace").replace(str(folder) + "/", "")
        lines = [line for line in stderr.splitlines() if line.strip()]
        message = "<br>".join(lines) if lines else "(no message)"
        goes_on = ""
        if case.with_good:
            try:
                paths = [d["path"] for d in json.loads(result.stdout)["documents"]]
                goes_on = "yes" if "good.txt" in paths else "no"
            except (ValueError, KeyError):
                goes_on = "no (no JSON output)"
        shown = " ".join(a for a in args if a not in ("good.txt",)).replace(" --format json", "")
        return Row(case.title, f"psr-check {case.command} {shown}".strip(), result.returncode, message, goes_on,
                   case.notes)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render(rows: list[Row], skipped: list[Case]) -> str:
    out = [
        "# Bad input: what psr-check says",
        "",
        "Every kind of bad input from issue #6, run through the real command line by",
        "`docs/make_bad_input_table.py` (rerun it after changing a message; `--check` tells whether",
        "this page is current). Each bad file is linted together with a good draft (`good.txt`),",
        "to show that one bad input never stops the rest of the batch. Exit codes: 2 when any input,",
        "usage or output error occurred; 1 when a finding at `--fail-on` was found; 0 otherwise.",
        "",
        "| bad input | command | exit | message (standard error) | good.txt still checked |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        note = f" ({row.notes})" if row.notes else ""
        out.append(f"| {_cell(row.title)}{_cell(note)} | `{_cell(row.command)}` | {row.exit_code} | "
                   f"{_cell(row.message)} | {row.batch_goes_on or 'n/a'} |")
    for case in skipped:
        out.append(f"| {_cell(case.title)} | `psr-check audit …` | – | see audit (not built yet: this row is "
                   "filled in when `psr-check audit` exists) | n/a |")
    out.append("")
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/bad-input.md is out of date")
    options = parser.parse_args()
    rows = [run_case(case) for case in LINT_CASES]
    skipped: list[Case] = []
    if audit_exists():
        rows += [run_case(case) for case in AUDIT_CASES]
    else:
        skipped = AUDIT_CASES
    text = render(rows, skipped)
    if options.check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET.relative_to(REPO)} is out of date: run python docs/make_bad_input_table.py")
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(REPO)}: {len(rows)} cases run, {len(skipped)} waiting for audit")
    return 0


if __name__ == "__main__":
    sys.exit(main())
