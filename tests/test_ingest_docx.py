"""Ingest of Word drafts: .docx files built here with python-docx, read back as typed-draft text."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml

from psr_check.ingest import IngestError, expand_paths, load_case
from psr_check.ingest.docx import MAX_UNCOMPRESSED_BYTES

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"


def _table(document, rows):
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    return table


def _bold_line(document, text):
    document.add_paragraph().add_run(text).bold = True


def _checkbox_sdt(checked: bool, glyph: str) -> object:
    """A Word content-control check box (w14:checkbox in a w:sdt); ``glyph`` is its displayed text."""
    return parse_xml(
        f'<w:sdt xmlns:w="{W}" xmlns:w14="{W14}"><w:sdtPr><w14:checkbox>'
        f'<w14:checked w14:val="{1 if checked else 0}"/>'
        f'<w14:checkedState w14:val="2612" w14:font="MS Gothic"/>'
        f'<w14:uncheckedState w14:val="2610" w14:font="MS Gothic"/>'
        f'</w14:checkbox></w:sdtPr><w:sdtContent><w:r><w:t>{glyph}</w:t></w:r></w:sdtContent></w:sdt>')


def _draft(tmp_path: Path, result: str = "nil trace", name: str = "draft.docx") -> Path:
    """A short-format draft the way court teams type them in Word."""
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "OFFICIAL-SENSITIVE header line"
    section.footer.paragraphs[0].text = "Page footer: Anytown Probation Delivery Unit"
    document.add_paragraph("Pre-sentence report", style="Title")
    document.add_paragraph("Name: Mr A")
    document.add_paragraph("")
    document.add_heading("Sources of information", level=1)
    _table(document, [["Check", "Sent", "Result"], ["Police DA", "11/03/2026", result]])
    document.add_paragraph("\u2612 Interview with Mr A")
    document.add_paragraph("")
    document.add_paragraph("")
    _bold_line(document, "Offence analysis")
    document.add_paragraph("Mr A assaulted his partner at their home on 1 March 2026. He punched her twice.")
    document.add_heading("Proposal", level=2)
    document.add_paragraph("Community order with 20 rehabilitation activity requirement days.")
    path = tmp_path / name
    document.save(str(path))
    return path


def test_docx_text_keeps_order_headings_tables_and_ticks(tmp_path):
    text = load_case(str(_draft(tmp_path))).report.text
    assert text.split("\n") == [
        "Pre-sentence report",
        "Name: Mr A",
        "",
        "Sources of information",
        "Check | Sent | Result",
        "Police DA | 11/03/2026 | nil trace",
        "\u2612 Interview with Mr A",
        "",
        "Offence analysis",
        "Mr A assaulted his partner at their home on 1 March 2026. He punched her twice.",
        "",
        "Proposal",
        "Community order with 20 rehabilitation activity requirement days.",
    ]
    assert "OFFICIAL-SENSITIVE" not in text and "footer" not in text and "Anytown" not in text
    assert "\r" not in text and "\n\n\n" not in text


def test_docx_is_picked_up_from_a_folder(tmp_path):
    _draft(tmp_path, name="b.docx")
    (tmp_path / "a.txt").write_text("Offence: theft.")
    (tmp_path / "~$b.docx").write_bytes(b"\x0bMr Officer" + b"\x00" * 150)  # Word's lock file while open
    files, errors = expand_paths([str(tmp_path)])
    assert errors == []
    assert [Path(f).name for f in files] == ["a.txt", "b.docx"]


def test_merged_cells_nested_paragraphs_and_vertical_merge(tmp_path):
    document = docx.Document()
    table = _table(document, [["Check", "Sent", "Result"],
                              ["CSC", "12/03/2026", ""],
                              ["", "", "No open cases"]])
    merged = table.cell(1, 1).merge(table.cell(1, 2))     # horizontal: one cell across two columns
    assert merged.text.strip() == "12/03/2026"
    table.cell(1, 0).merge(table.cell(2, 0))              # vertical: "CSC" spans both rows
    cell = table.cell(0, 2)
    cell.add_paragraph("(date received)")                 # two paragraphs in one cell
    path = tmp_path / "merged.docx"
    document.save(str(path))
    assert load_case(str(path)).report.text.split("\n") == [
        "Check | Sent | Result; (date received)",
        "CSC | 12/03/2026",
        "CSC |  | No open cases",
    ]


def test_content_control_checkboxes_follow_their_state(tmp_path):
    document = docx.Document()
    ticked = document.add_paragraph()
    ticked._p.append(_checkbox_sdt(True, "\u2610"))       # state wins over a stale glyph
    ticked.add_run(" Domestic abuse call out information")
    unticked = document.add_paragraph()
    unticked._p.append(_checkbox_sdt(False, "\u2612"))
    unticked.add_run(" Safeguarding checks")
    document.add_paragraph("\u2611 Victim statement \u2610 CPS summary")
    table = _table(document, [["Police DA", ""]])
    table.cell(0, 1).paragraphs[0]._p.append(_checkbox_sdt(True, "\u2612"))
    path = tmp_path / "boxes.docx"
    document.save(str(path))
    assert load_case(str(path)).report.text.split("\n") == [
        "\u2612 Domestic abuse call out information",
        "\u2610 Safeguarding checks",
        "\u2611 Victim statement \u2610 CPS summary",
        "Police DA | \u2612",
    ]


def test_legacy_form_checkbox_and_hidden_and_deleted_text(tmp_path):
    document = docx.Document()
    p = document.add_paragraph()
    p._p.append(parse_xml(
        f'<w:r xmlns:w="{W}"><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="Check1"/>'
        f'<w:checkBox><w:sizeAuto/><w:default w:val="1"/></w:checkBox></w:ffData></w:fldChar></w:r>'))
    p._p.append(parse_xml(f'<w:r xmlns:w="{W}"><w:instrText> FORMCHECKBOX </w:instrText></w:r>'))
    p._p.append(parse_xml(f'<w:r xmlns:w="{W}"><w:fldChar w:fldCharType="end"/></w:r>'))
    p.add_run(" Police DA check")
    q = document.add_paragraph("Result: nil trace")
    q._p.append(parse_xml(f'<w:r xmlns:w="{W}"><w:rPr><w:vanish/></w:rPr><w:t> hidden note</w:t></w:r>'))
    q._p.append(parse_xml(f'<w:del xmlns:w="{W}" w:id="1" w:author="x"><w:r><w:delText> deleted words'
                          f'</w:delText></w:r></w:del>'))
    q._p.append(parse_xml(f'<w:ins xmlns:w="{W}" w:id="2" w:author="x"><w:r><w:t> (inserted)</w:t></w:r></w:ins>'))
    path = tmp_path / "legacy.docx"
    document.save(str(path))
    assert load_case(str(path)).report.text.split("\n") == [
        "\u2612 Police DA check",
        "Result: nil trace (inserted)",
    ]


def test_text_box_is_read_once_after_its_paragraph(tmp_path):
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    wps = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
    box = '<w:txbxContent><w:p><w:r><w:t>DA check: nil trace</w:t></w:r></w:p></w:txbxContent>'
    document = docx.Document()
    document.add_paragraph("Anchor paragraph.")._p.append(parse_xml(
        f'<w:r xmlns:w="{W}" xmlns:mc="{mc}" xmlns:wps="{wps}"><mc:AlternateContent>'
        f'<mc:Choice Requires="wps"><w:drawing><wps:txbx>{box}</wps:txbx></w:drawing></mc:Choice>'
        f'<mc:Fallback><w:pict>{box}</w:pict></mc:Fallback></mc:AlternateContent></w:r>'))
    document.add_paragraph("After.")
    path = tmp_path / "textbox.docx"
    document.save(str(path))
    assert load_case(str(path)).report.text.split("\n") == ["Anchor paragraph.", "DA check: nil trace", "After."]


def test_bold_long_paragraph_is_not_a_heading_and_line_breaks_survive(tmp_path):
    document = docx.Document()
    document.add_paragraph("Intro line.")
    _bold_line(document, "This is a long bold sentence of more than eight words for emphasis.")
    p = document.add_paragraph("DA checks: nil trace")
    p.add_run().add_break()
    p.add_run("CSC: awaiting")
    _bold_line(document, "Risk assessment")
    document.add_paragraph("Low.")
    path = tmp_path / "bold.docx"
    document.save(str(path))
    assert load_case(str(path)).report.text.split("\n") == [
        "Intro line.",
        "This is a long bold sentence of more than eight words for emphasis.",
        "DA checks: nil trace",
        "CSC: awaiting",
        "",
        "Risk assessment",
        "Low.",
    ]


# -- bad files -----------------------------------------------------------------------------------
def _error(path: Path) -> IngestError:
    with pytest.raises(IngestError) as caught:
        load_case(str(path))
    assert caught.value.path == str(path)
    assert path.name in str(caught.value)
    return caught.value


def test_corrupt_docx(tmp_path):
    path = tmp_path / "corrupt.docx"
    path.write_bytes(random.Random(7).randbytes(4096))
    error = _error(path)
    assert error.message.startswith("not a readable Word document (")
    assert error.message.endswith("): re-save it as .docx")


def test_truncated_docx(tmp_path):
    good = _draft(tmp_path).read_bytes()
    path = tmp_path / "truncated.docx"
    path.write_bytes(good[: len(good) // 2])
    assert _error(path).message.startswith("not a readable Word document (")


def test_zip_that_is_not_word(tmp_path):
    path = tmp_path / "notword.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hello")
    assert _error(path).message.startswith("not a readable Word document (")


def test_bad_xml_inside_the_package(tmp_path):
    source = zipfile.ZipFile(_draft(tmp_path))
    path = tmp_path / "badxml.docx"
    with zipfile.ZipFile(path, "w") as archive:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                data = data[: len(data) // 2]
            archive.writestr(item, data)
    error = _error(path)
    assert error.message.startswith("not a readable Word document (")
    assert "bad XML" in error.message


def test_password_protected_or_old_doc(tmp_path):
    path = tmp_path / "locked.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000)
    assert _error(path).message == "is password-protected or in the old .doc format: save an unprotected .docx copy"


def test_zip_bomb_is_refused(tmp_path):
    good = _draft(tmp_path).read_bytes()
    path = tmp_path / "bomb.docx"
    buffer = io.BytesIO(good)
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/zeros.bin", b"\x00" * 60_000_000)
    path.write_bytes(buffer.getvalue())
    assert path.stat().st_size < 1_000_000  # small on disk, 60 MB unpacked
    error = _error(path)
    assert "zip bomb" in error.message
    assert f"{MAX_UNCOMPRESSED_BYTES // 1_000_000} MB" in error.message


@pytest.mark.parametrize("kind", ["no-paragraphs", "blank-paragraphs", "zero-bytes"])
def test_empty_document(tmp_path, kind):
    path = tmp_path / f"{kind}.docx"
    if kind == "zero-bytes":
        path.write_bytes(b"")
    else:
        document = docx.Document()
        if kind == "blank-paragraphs":
            document.add_paragraph("   ")
            document.add_paragraph("")
            _table(document, [["", ""]])
            document.sections[0].header.paragraphs[0].text = "Header only"
        document.save(str(path))
    assert _error(path).message == "file is empty: nothing to check"


# -- end to end through the linter ---------------------------------------------------------------
def _da_codes(result):
    return sorted(f.code for f in result.findings if f.family == "da-enquiry")


def _assert_offsets_slice(text, result):
    spans = [e for f in result.findings for e in f.evidence if e.source == "text"]
    for evidence in spans:
        assert text[evidence.start:evidence.end] == evidence.text
    return spans


def test_lint_docx_with_pending_da_check_gives_da003_not_da001(tmp_path, linter):
    case = load_case(str(_draft(tmp_path, result="awaiting")))
    result = linter.lint_case(case)
    assert _da_codes(result) == ["DA003"]
    assert _assert_offsets_slice(case.report.text, result)


def test_lint_docx_with_nil_trace_gives_no_da_finding(tmp_path, linter):
    case = load_case(str(_draft(tmp_path, result="nil trace")))
    result = linter.lint_case(case)
    assert _da_codes(result) == []
    assert {s.id for s in result.sections} >= {"sources", "offence", "proposal"}


def test_lint_docx_without_da_row_gives_da001_with_offsets_in_the_text(tmp_path, linter):
    document = docx.Document()
    document.add_heading("Sources of information", level=1)
    _table(document, [["Check", "Sent", "Result"], ["CPS summary", "10/03/2026", "received"]])
    document.add_heading("Offence analysis", level=1)
    document.add_paragraph("Mr A assaulted his partner at their home on 1 March 2026.")
    path = tmp_path / "noda.docx"
    document.save(str(path))
    case = load_case(str(path))
    result = linter.lint_case(case)
    assert "DA001" in _da_codes(result)
    assert _assert_offsets_slice(case.report.text, result)
