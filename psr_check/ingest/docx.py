"""Word drafts (.docx): plain text with ``\\n`` newlines that reads like a typed draft.

What comes out, in document order:

- each body paragraph on its own line (a line break inside a paragraph stays a line break);
  empty paragraphs are dropped, and one blank line is kept before a heading (a Heading/Title
  style or outline level, or a short paragraph whose text runs are all bold);
- each table row on one line, cell texts joined with `` | `` (a horizontally merged cell once,
  a vertically merged cell repeated on every row it spans, as the row reads), paragraphs inside a
  cell joined with ``; `` -- so a sources table reads ``Police DA | 11/03/2026 | nil trace``;
- tick boxes as characters: typed ☒ ☑ ☐ stay as they are; Word content-control check boxes
  (``w14:checkbox`` in a ``w:sdt``), legacy FORMCHECKBOX fields and Wingdings tick symbols become
  ``☒`` (checked) or ``☐`` (not checked).

Left out: headers, footers, footnotes and comments (other parts of the package), deleted and
moved-from tracked changes, hidden (``w:vanish``) runs, field codes, and the numbering Word draws
for list paragraphs (it is not in the XML text).

Bad files give one IngestError line each: corrupt, password-protected (an encrypted .docx is an
OLE compound file, like the old .doc), a zip bomb, or an empty document.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from lxml import etree

from psr_check.ingest.errors import IngestError, read_limited

MAX_FILE_BYTES = 50_000_000          # on disk
MAX_UNCOMPRESSED_BYTES = 50_000_000  # sum of the zip members' declared sizes (zip bomb guard)
MAX_MEMBERS = 10_000
MAX_HEADING_WORDS = 8
OLE_MAGIC = b"\xd0\xcf\x11\xe0"

CHECKED, UNCHECKED = "\u2612", "\u2610"  # ☒ ☐

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


W_P, W_TBL, W_TR, W_TC, W_R = _w("p"), _w("tbl"), _w("tr"), _w("tc"), _w("r")
W_T, W_TAB, W_PTAB, W_BR, W_CR = _w("t"), _w("tab"), _w("ptab"), _w("br"), _w("cr")
W_SYM, W_NOBREAKHYPHEN, W_FLDCHAR = _w("sym"), _w("noBreakHyphen"), _w("fldChar")
W_SDT, W_SDTPR, W_SDTCONTENT, W_CUSTOMXML = _w("sdt"), _w("sdtPr"), _w("sdtContent"), _w("customXml")
W_TXBXCONTENT, W_RPR, W_PPR, W_TCPR, W_TRPR = _w("txbxContent"), _w("rPr"), _w("pPr"), _w("tcPr"), _w("trPr")
W_VAL = _w("val")
W14_CHECKBOX, W14_CHECKED, W14_VAL = f"{{{_W14}}}checkbox", f"{{{_W14}}}checked", f"{{{_W14}}}val"
MC_FALLBACK = f"{{{_MC}}}Fallback"

# Inline elements whose content is not visible text of the paragraph.
_SKIP_INLINE = {
    W_PPR, W_RPR, W_SDTPR, _w("del"), _w("moveFrom"), _w("instrText"), _w("delText"),
    _w("delInstrText"), _w("footnoteReference"), _w("endnoteReference"), _w("commentReference"),
    MC_FALLBACK,
}

# Tick-box glyphs in symbol fonts (w:sym w:font w:char): checked / unchecked.
_SYMBOL_BOXES = {
    "wingdings": {"F0FE": CHECKED, "F0FD": CHECKED, "F078": CHECKED, "F0A8": UNCHECKED, "F06F": UNCHECKED},
    "wingdings 2": {"F053": CHECKED, "F054": CHECKED, "F052": "\u2611", "F0A3": UNCHECKED, "F02A": UNCHECKED},
    "ms gothic": {"2612": CHECKED, "2610": UNCHECKED, "2611": "\u2611"},
    "segoe ui symbol": {"2612": CHECKED, "2610": UNCHECKED, "2611": "\u2611"},
}

_TRUE = {"1", "true", "on"}


def read_docx(path: Path) -> str:
    """Extract the text of a .docx draft (see the module docstring for what it looks like)."""
    return docx_bytes_to_text(read_limited(path, MAX_FILE_BYTES), str(path))


def docx_bytes_to_text(data: bytes, name: str) -> str:
    """The same for bytes already in memory; ``name`` is used in error messages."""
    if not data.strip():
        raise IngestError(name, "file is empty: nothing to check")
    if data.startswith(OLE_MAGIC):
        raise IngestError(name, "is password-protected or in the old .doc format: save an unprotected .docx copy")
    _check_zip(data, name)
    try:
        import docx  # python-docx; imported here so text-only runs never pay for it
        from docx.opc.exceptions import PackageNotFoundError
    except ImportError:  # pragma: no cover - a dependency of the package
        raise IngestError(name, "reading .docx needs python-docx: pip install python-docx") from None
    try:
        document = docx.Document(io.BytesIO(data))
        text = _DocxText(document).text()
    except IngestError:
        raise
    except PackageNotFoundError:
        raise _unreadable(name, "not a Word package") from None
    except etree.XMLSyntaxError as exc:
        raise _unreadable(name, f"bad XML: {exc.msg}") from None
    except KeyError as exc:
        raise _unreadable(name, f"missing part {exc}") from None
    except (ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise _unreadable(name, str(exc).split("\n")[0][:120] or type(exc).__name__) from None
    except RecursionError:
        raise _unreadable(name, "tables nested too deeply") from None
    if not text.strip():
        raise IngestError(name, "file is empty: nothing to check")
    return text


def _unreadable(name: str, why: str) -> IngestError:
    return IngestError(name, f"not a readable Word document ({why}): re-save it as .docx")


def _check_zip(data: bytes, name: str) -> None:
    """Refuse non-zips and zip bombs before python-docx inflates anything.

    Python's zipfile stops inflating a member at its declared size, so the sum of declared sizes
    bounds what reading the package can cost.
    """
    if data.lstrip()[:5] == b"{\\rtf":
        raise _unreadable(name, "it is an RTF file")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError):
        raise _unreadable(name, "not a zip package") from None
    if len(members) > MAX_MEMBERS:
        raise IngestError(name, f"Word package has {len(members)} parts: refused as a possible zip bomb; "
                          "check it is the right file")
    names = {member.filename for member in members}
    if "word/document.xml" not in names and "[Content_Types].xml" not in names:
        raise _unreadable(name, "a zip file with no Word document inside")
    total = sum(member.file_size for member in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise IngestError(name, f"Word package would unpack to {total // 1_000_000} MB, over the "
                          f"{MAX_UNCOMPRESSED_BYTES // 1_000_000} MB limit: refused as a possible zip bomb; "
                          "check it is the right file")


class _DocxText:
    """Walks the body XML in document order (python-docx's ``paragraph.text`` misses content
    controls, tracked insertions and text in fields, so the walk is done here)."""

    def __init__(self, document) -> None:
        self.document = document
        self.body = document.element.body
        self.lines: list[str] = []

    # -- output ----------------------------------------------------------------------------
    def text(self) -> str:
        for kind, element in _blocks(self.body):
            if kind == "p":
                self._paragraph(element)
            else:
                self._table(element)
        while self.lines and not self.lines[-1]:
            self.lines.pop()
        return "\n".join(self.lines)

    def _emit(self, text: str, heading: bool = False) -> None:
        parts = [_clean(line) for line in text.split("\n")]
        parts = [p for p in parts if p]
        if not parts:
            return
        if heading and self.lines and self.lines[-1]:
            self.lines.append("")
        self.lines.extend(parts)

    # -- paragraphs ------------------------------------------------------------------------
    def _paragraph(self, p) -> None:
        pieces: list[str] = []
        runs: list[tuple[object, bool]] = []  # (w:r, has visible text)
        boxes: list = []
        _inline(p, pieces, runs, boxes)
        text = "".join(pieces)
        if text.strip():
            self._emit(text, heading=self._is_heading(p, text, runs))
        for box in boxes:  # text boxes after their anchor paragraph
            for kind, element in _blocks(box):
                if kind == "p":
                    self._paragraph(element)
                else:
                    self._table(element)

    def _is_heading(self, p, text: str, runs) -> bool:
        from docx.text.paragraph import Paragraph

        paragraph = Paragraph(p, self.document._body)
        ppr = p.find(W_PPR)
        if ppr is not None:
            outline = ppr.find(_w("outlineLvl"))
            if outline is not None and (outline.get(W_VAL) or "9").isdigit() and int(outline.get(W_VAL)) < 9:
                return True
        try:
            style = paragraph.style
        except (KeyError, ValueError):
            style = None
        if _style_is_heading(style):
            return True
        if "\n" in text.strip() or len(text.split()) > MAX_HEADING_WORDS:
            return False
        text_runs = [r for r, has_text in runs if has_text]
        return bool(text_runs) and all(_run_is_bold(r, paragraph, style) for r in text_runs)

    # -- tables ----------------------------------------------------------------------------
    def _table(self, tbl) -> None:
        above: dict[int, str] = {}  # grid column -> text, for vertically merged cells
        for tr in _rows(tbl):
            column = _grid_before(tr)
            texts: list[str] = []
            here: dict[int, str] = {}
            for tc in _cells(tr):
                span, merge = _tc_span_merge(tc)
                if merge == "hcontinue":  # old-style horizontal merge: shown once, by the first cell
                    column += span
                    continue
                if merge == "continue":
                    cell = above.get(column, "")
                else:
                    cell = self._cell_text(tc)
                here[column] = cell
                texts.append(cell)
                column += span
            above = here
            if any(t for t in texts):
                self._emit(" | ".join(texts).rstrip())

    def _cell_text(self, tc) -> str:
        parts: list[str] = []
        for kind, element in _blocks(tc):
            if kind == "p":
                pieces: list[str] = []
                boxes: list = []
                _inline(element, pieces, [], boxes)
                parts.extend(_clean(line) for line in "".join(pieces).split("\n"))
                for box in boxes:
                    parts.extend(_clean(line) for k, e in _blocks(box) if k == "p"
                                 for line in _plain(e).split("\n"))
            else:  # a nested table: its rows, cells joined with ", "
                for tr in _rows(element):
                    cells = [self._cell_text(inner) for inner in _cells(tr)]
                    parts.append(", ".join(c for c in cells if c))
        return "; ".join(p for p in parts if p)


# -- XML helpers ---------------------------------------------------------------------------
def _blocks(container):
    """(kind, element) for the paragraphs and tables of a body, cell, text box or content control."""
    for child in container:
        tag = child.tag
        if tag == W_P:
            yield "p", child
        elif tag == W_TBL:
            yield "tbl", child
        elif tag == W_SDT:
            content = child.find(W_SDTCONTENT)
            if content is not None:
                yield from _blocks(content)
        elif tag == W_CUSTOMXML:
            yield from _blocks(child)


def _rows(tbl):
    return _wrapped(tbl, W_TR)


def _cells(tr):
    return _wrapped(tr, W_TC)


def _wrapped(parent, tag):
    """Children with ``tag``, looking through content controls and custom XML that wrap them."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag in (W_SDT, W_CUSTOMXML):
            inner = child.find(W_SDTCONTENT) if child.tag == W_SDT else child
            if inner is not None:
                yield from _wrapped(inner, tag)


def _grid_before(tr) -> int:
    trpr = tr.find(W_TRPR)
    before = trpr.find(_w("gridBefore")) if trpr is not None else None
    value = before.get(W_VAL) if before is not None else None
    return int(value) if value and value.isdigit() else 0


def _tc_span_merge(tc) -> tuple[int, str | None]:
    tcpr = tc.find(W_TCPR)
    if tcpr is None:
        return 1, None
    span_el = tcpr.find(_w("gridSpan"))
    span_val = span_el.get(W_VAL) if span_el is not None else None
    span = int(span_val) if span_val and span_val.isdigit() and int(span_val) > 0 else 1
    merge_el = tcpr.find(_w("vMerge"))
    merge = None
    if merge_el is not None:
        merge = "restart" if merge_el.get(W_VAL) == "restart" else "continue"
    hmerge = tcpr.find(_w("hMerge"))  # old-style horizontal merge: the continuation cell is empty
    if hmerge is not None and hmerge.get(W_VAL) != "restart":
        return span, "hcontinue"
    return span, merge


def _inline(element, out: list[str], runs: list, boxes: list) -> None:
    """Append the visible text under ``element`` to ``out`` in order."""
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP_INLINE:
            continue
        if tag == W_T:
            out.append(child.text or "")
        elif tag == W_R:
            if _hidden(child):
                continue
            start = len(out)
            _inline(child, out, runs, boxes)
            runs.append((child, bool("".join(out[start:]).strip())))
        elif tag in (W_TAB, W_PTAB):
            out.append("\t")
        elif tag in (W_BR, W_CR):
            out.append("\n")
        elif tag == W_NOBREAKHYPHEN:
            out.append("-")
        elif tag == W_SYM:
            out.append(_symbol(child))
        elif tag == W_FLDCHAR:
            out.append(_form_checkbox(child))
        elif tag == W_SDT:
            state = _sdt_checkbox(child)
            if state is not None:
                out.append(CHECKED if state else UNCHECKED)
            else:
                content = child.find(W_SDTCONTENT)
                if content is not None:
                    _inline(content, out, runs, boxes)
        elif tag == W_TXBXCONTENT:
            boxes.append(child)
        elif tag in (W_P, W_TBL):
            continue  # block content inside an inline container: only text boxes hold it
        else:  # hyperlink, ins, smartTag, fldSimple, customXml, drawing, AlternateContent/Choice, ...
            _inline(child, out, runs, boxes)


def _plain(p) -> str:
    pieces: list[str] = []
    _inline(p, pieces, [], [])
    return "".join(pieces)


def _hidden(run) -> bool:
    rpr = run.find(W_RPR)
    vanish = rpr.find(_w("vanish")) if rpr is not None else None
    return vanish is not None and (vanish.get(W_VAL) or "true").lower() in _TRUE


def _sdt_checkbox(sdt) -> bool | None:
    """The state of a content-control check box, or None when the control is not one."""
    sdtpr = sdt.find(W_SDTPR)
    box = sdtpr.find(W14_CHECKBOX) if sdtpr is not None else None
    if box is None:
        return None
    checked = box.find(W14_CHECKED)
    return checked is not None and (checked.get(W14_VAL) or "").lower() in _TRUE


def _form_checkbox(fldchar) -> str:
    """A legacy FORMCHECKBOX field: its begin mark carries the state."""
    if fldchar.get(_w("fldCharType")) != "begin":
        return ""
    box = fldchar.find(f"{_w('ffData')}/{_w('checkBox')}")
    if box is None:
        return ""
    for tag in ("checked", "default"):
        el = box.find(_w(tag))
        if el is not None:
            return CHECKED if (el.get(W_VAL) or "true").lower() in _TRUE else UNCHECKED
    return UNCHECKED


def _symbol(sym) -> str:
    font = (sym.get(_w("font")) or "").lower()
    char = (sym.get(_w("char")) or "").upper()
    box = _SYMBOL_BOXES.get(font, {}).get(char)
    if box:
        return box
    if font in ("symbol", "wingdings", "wingdings 2", "wingdings 3", "webdings"):
        return ""  # private-use glyphs: no text meaning
    try:
        return chr(int(char, 16))
    except ValueError:
        return ""


def _style_is_heading(style) -> bool:
    for _ in range(10):  # styles are based on styles; stop on cycles
        if style is None:
            return False
        name = (style.name or "").lower()
        if name.startswith("heading") or name in ("title", "subtitle"):
            return True
        style = style.base_style
    return False


def _run_is_bold(r, paragraph, paragraph_style) -> bool:
    from docx.text.run import Run

    run = Run(r, paragraph)
    if run.bold is not None:
        return bool(run.bold)
    for style in (_safe_style(run), paragraph_style):
        for _ in range(10):
            if style is None:
                break
            bold = style.font.bold
            if bold is not None:
                if bold:
                    return True
                break
            style = style.base_style
    return False


def _safe_style(run):
    try:
        return run.style
    except (KeyError, ValueError):
        return None


def _clean(line: str) -> str:
    """One output line: no-break spaces as spaces, no edge whitespace."""
    return line.replace("\xa0", " ").replace("\u202f", " ").strip()
