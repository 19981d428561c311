"""Word drafts with text boxes and tracked changes: the visible text is read, once.

Court teams paste check results into text boxes on templates, and drafts go to court with
tracked changes still in them. Word shows a text box once (its drawing, or for old readers the
VML fallback: never both) and shows the document as if insertions were accepted and deletions
gone; psr-check must read the same.
"""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml

from psr_check.ingest import load_case

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = (
    f'xmlns:w="{W}" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:wp14="http://schemas.microsoft.com/office/word/2010/wordprocessingDrawing"'
)


def _paragraphs(*texts: str) -> str:
    return "".join(f"<w:p><w:r><w:t xml:space=\"preserve\">{t}</w:t></w:r></w:p>" for t in texts)


def _text_box_run(content: str) -> object:
    """A floating text box as Word 2010+ writes it: a DrawingML shape in mc:Choice and the same
    content again as a VML text box in mc:Fallback."""
    return parse_xml(
        f'<w:r {NS}><mc:AlternateContent>'
        '<mc:Choice Requires="wps"><w:drawing><wp:anchor distT="0" distB="0" distL="114300" distR="114300" '
        'simplePos="0" relativeHeight="1" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">'
        '<wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset>'
        '</wp:positionH><wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
        '<wp:extent cx="2000000" cy="600000"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapSquare wrapText="bothSides"/>'
        '<wp:docPr id="1" name="Text Box 1"/><wp:cNvGraphicFramePr/>'
        '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        f'<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr/><wps:txbx><w:txbxContent>{content}</w:txbxContent></wps:txbx>'
        '<wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>'
        '<mc:Fallback><w:pict><v:shape id="Text Box 1" type="#_x0000_t202" style="width:157pt;height:47pt">'
        f'<v:textbox><w:txbxContent>{content}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>'
        '</mc:AlternateContent></w:r>')


def _vml_only_text_box_run(content: str) -> object:
    """An older (Word 2007 / LibreOffice) text box: VML only, no AlternateContent."""
    return parse_xml(
        f'<w:r {NS}><w:pict><v:shape id="tb" type="#_x0000_t202"><v:textbox><w:txbxContent>{content}'
        '</w:txbxContent></v:textbox></v:shape></w:pict></w:r>')


def _ins(text: str, rid: int = 1) -> object:
    return parse_xml(f'<w:ins {NS} w:id="{rid}" w:author="PO 4471" w:date="2026-03-12T10:00:00Z">'
                     f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:ins>')


def _del(text: str, rid: int = 2) -> object:
    return parse_xml(f'<w:del {NS} w:id="{rid}" w:author="SPO" w:date="2026-03-12T11:00:00Z">'
                     f'<w:r><w:delText xml:space="preserve">{text}</w:delText></w:r></w:del>')


def _read(document, tmp_path: Path, name: str = "draft.docx") -> list[str]:
    path = tmp_path / name
    document.save(str(path))
    return load_case(str(path)).report.text.split("\n")


# -- text boxes -------------------------------------------------------------------------------
def test_text_box_from_word_2010_is_read_once_not_from_both_choice_and_fallback(tmp_path):
    document = docx.Document()
    anchor = document.add_paragraph("Sources of information")
    anchor._p.append(_text_box_run(_paragraphs("Police DA check: nil trace (11/03/2026)",
                                               "CSC: not known to children's services")))
    document.add_paragraph("Offence analysis")
    lines = _read(document, tmp_path)
    assert lines == ["Sources of information", "Police DA check: nil trace (11/03/2026)",
                     "CSC: not known to children's services", "Offence analysis"]
    assert sum("nil trace" in line for line in lines) == 1


def test_vml_only_text_box_is_read(tmp_path):
    document = docx.Document()
    document.add_paragraph("Sources:")._p.append(_vml_only_text_box_run(_paragraphs("DA check: nil trace")))
    assert _read(document, tmp_path) == ["Sources:", "DA check: nil trace"]


def test_text_box_with_a_table_inside(tmp_path):
    table = ('<w:tbl><w:tblPr/><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid>'
             '<w:tr><w:tc><w:p><w:r><w:t>Police DA</w:t></w:r></w:p></w:tc>'
             '<w:tc><w:p><w:r><w:t>nil trace</w:t></w:r></w:p></w:tc></w:tr></w:tbl>')
    document = docx.Document()
    document.add_paragraph("Checks")._p.append(_text_box_run(table + "<w:p/>"))
    assert _read(document, tmp_path) == ["Checks", "Police DA | nil trace"]


def test_text_box_inside_a_table_cell_is_read_once(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Police DA"
    table.cell(0, 1).paragraphs[0]._p.append(_text_box_run(_paragraphs("nil trace")))
    assert _read(document, tmp_path) == ["Police DA | nil trace"]


def test_text_box_in_the_header_is_ignored(tmp_path):
    document = docx.Document()
    header = document.sections[0].header.paragraphs[0]
    header.text = "OFFICIAL-SENSITIVE"
    header._p.append(_text_box_run(_paragraphs("Draft v2 – do not circulate")))
    document.add_paragraph("Offence analysis")
    lines = _read(document, tmp_path)
    assert lines == ["Offence analysis"]


def test_tracked_changes_inside_a_text_box(tmp_path):
    content = ('<w:p><w:r><w:t xml:space="preserve">DA check: </w:t></w:r>'
               '<w:del w:id="7" w:author="x"><w:r><w:delText>awaiting</w:delText></w:r></w:del>'
               '<w:ins w:id="8" w:author="x"><w:r><w:t>nil trace</w:t></w:r></w:ins></w:p>')
    document = docx.Document()
    document.add_paragraph("Sources")._p.append(_text_box_run(content))
    assert _read(document, tmp_path) == ["Sources", "DA check: nil trace"]


# -- tracked changes --------------------------------------------------------------------------
def test_inserted_text_is_read_and_deleted_text_is_not(tmp_path):
    document = docx.Document()
    p = document.add_paragraph("Police DA check: ")
    p._p.append(_del("awaiting reply", 1))
    p._p.append(_ins("nil trace, received 11/03/2026", 2))
    q = document.add_paragraph("He lives alone")
    q._p.append(_del(" with his partner and her two children", 3))
    q._p.append(_ins(" in a bedsit", 4))
    q.add_run(".")
    lines = _read(document, tmp_path)
    assert lines == ["Police DA check: nil trace, received 11/03/2026", "He lives alone in a bedsit."]
    assert not any("awaiting" in line or "children" in line for line in lines)


def test_an_insertion_inside_a_word_joins_it(tmp_path):
    document = docx.Document()
    p = document.add_paragraph("DA check: nil tr")
    p._p.append(_ins("ace"))
    assert _read(document, tmp_path) == ["DA check: nil trace"]


def test_a_wholly_deleted_paragraph_leaves_no_line(tmp_path):
    document = docx.Document()
    document.add_paragraph("First line.")
    gone = document.add_paragraph()
    gone._p.append(parse_xml(f'<w:pPr {NS}><w:rPr><w:del w:id="9" w:author="x"/></w:rPr></w:pPr>'))
    gone._p.append(_del("No safeguarding concerns.", 10))
    document.add_paragraph("Last line.")
    assert _read(document, tmp_path) == ["First line.", "Last line."]


def test_moved_text_is_read_once_where_it_now_is(tmp_path):
    document = docx.Document()
    document.add_paragraph("Offence analysis")._p.append(parse_xml(
        f'<w:moveFrom {NS} w:id="11" w:author="x"><w:r><w:t> He has two children.</w:t></w:r></w:moveFrom>'))
    document.add_paragraph("Circumstances")._p.append(parse_xml(
        f'<w:moveTo {NS} w:id="12" w:author="x"><w:r><w:t> He has two children.</w:t></w:r></w:moveTo>'))
    lines = _read(document, tmp_path)
    assert lines == ["Offence analysis", "Circumstances He has two children."]


def test_tracked_deletion_in_a_table_cell_and_a_deleted_row(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Police DA"
    cell = table.cell(0, 1).paragraphs[0]
    cell._p.append(_del("awaiting", 1))
    cell._p.append(_ins("nil trace", 2))
    row = table.rows[1]._tr
    row.get_or_add_trPr().append(parse_xml(f'<w:del {NS} w:id="3" w:author="x"/>'))
    for index, text in enumerate(("CSC", "pending")):
        table.cell(1, index).paragraphs[0]._p.append(_del(text, 4 + index))
    assert _read(document, tmp_path) == ["Police DA | nil trace"]


# -- what the checks then see -----------------------------------------------------------------
@pytest.mark.parametrize("accepted, expected", [("nil trace (11/03/2026)", []), ("awaiting reply", ["DA003"])])
def test_the_checks_read_the_text_box_and_the_accepted_changes(tmp_path, linter, accepted, expected):
    document = docx.Document()
    document.add_heading("Sources of information", level=1)
    sources = document.add_paragraph("Interview; CPS summary.")
    box = ('<w:p><w:r><w:t xml:space="preserve">Police DA call-out check: </w:t></w:r>'
           f'<w:del w:id="1" w:author="x"><w:r><w:delText>{"awaiting reply" if not expected else "nil trace"}'
           f'</w:delText></w:r></w:del><w:ins w:id="2" w:author="x"><w:r><w:t>{accepted}</w:t></w:r></w:ins></w:p>')
    sources._p.append(_text_box_run(box))
    document.add_heading("Offence analysis", level=1)
    document.add_paragraph("Mr A assaulted his partner at their home on 1 March 2026.")
    path = tmp_path / "boxed.docx"
    document.save(str(path))
    case = load_case(str(path))
    result = linter.lint_case(case)
    assert sorted(f.code for f in result.findings if f.family == "da-enquiry") == expected
