"""Section component: finds headings (rules/sections.yaml) and gives every character a section id.

Headings are matched on whole lines after removing numbering ("3.1", "2)", "A."), markdown
marks and a trailing colon; ``Sources: police DA check…`` is a heading with its content inline.
A line in capitals that is no known heading still starts a section (id ``other``), so text
under an unknown heading is not credited to the section above it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

_NUMBERING = re.compile(r"^\s*(?:#+\s*)?(?:\(?(?:\d+(?:\.\d+)*|[A-Za-z]|[ivxIVX]+)[.)]\s+|\d+(?:\.\d+)+\s+|\d+\s+(?=[A-Z]))?")
_MARKS = re.compile(r"[*_#=]+")
_NO_MARKS = frozenset("*_#=")
_BULLETS = "-•*–·▪►"
_BULLET = re.compile(rf"^[{_BULLETS}]\s+")  # "- Proposal: fine £80" is a labelled line in a bulleted record
_SENTENCE_ENDS = (".", ",", ";")  # a line ending so is prose, not a heading
_SPLIT = re.compile(r"\s*(?::|\s[-–—]\s)\s*")


@dataclass(frozen=True)
class SectionSpan:
    id: str
    heading: str
    start: int
    end: int


if not Doc.has_extension("sections"):
    Doc.set_extension("sections", default=None)


def doc_text(doc: Doc) -> str:
    """``doc.text``, read once per document: spaCy rebuilds it token by token on every access.
    The Linter stores the text it was given (the tokenizer keeps every character)."""
    text = doc.user_data.get("psr_text")
    if text is None:
        text = doc.user_data["psr_text"] = doc.text
    return text


def section_at(doc: Doc, char: int) -> str:
    """The id of the section holding character offset ``char``."""
    return section_finder(doc)(char)


def section_finder(doc: Doc):
    """``section_at`` for many offsets of one document: the section starts are listed once."""
    sections: list[SectionSpan] = doc._.sections or []
    starts = [s.start for s in sections]

    def at(char: int) -> str:
        index = bisect_right(starts, char) - 1
        return sections[index].id if index >= 0 else "other"
    return at


def normalise_heading(line: str) -> str:
    """A line as the heading lookup knows it: no numbering, bullet or markdown marks, no trailing
    colon, single spaces, "&" as "and", lower case."""
    text = line.strip()
    if text[:1] in _BULLETS:
        text = _BULLET.sub("", text, count=1)
    text = _NUMBERING.sub("", text, count=1)
    if not _NO_MARKS.isdisjoint(text):
        text = _MARKS.sub("", text)
    # str.split() splits on what the regex \s matches, and drops the ends strip() would
    return " ".join(text.strip().rstrip(":").split()).replace("&", "and").lower()


@Language.factory("psr_sections", default_config={"sections": {}})
class SectionFinder:
    def __init__(self, nlp: Language, name: str, sections: dict) -> None:
        self.max_words = sections.get("max_heading_words", 8)
        self.preamble = sections.get("preamble_section", "details")
        self.unknown = sections.get("unknown_section", "other")
        self.lookup: dict[str, str] = {}
        self.one_line = {s["id"] for s in sections.get("sections", []) if s.get("one_line_when_inline")}
        for section in sections.get("sections", []):
            for heading in section["headings"]:
                self.lookup[normalise_heading(heading)] = section["id"]
        self.longest = max((len(h.split()) for h in self.lookup), default=1)
        self.no_heading_ends_so = not any(h.endswith(_SENTENCE_ENDS) for h in self.lookup)

    def __call__(self, doc: Doc) -> Doc:
        doc._.sections = self.find(doc_text(doc))
        return doc

    def heading_id(self, line: str) -> str | None:
        """The section a line opens, or None when it is not a heading."""
        stripped = line.strip()
        if not stripped:
            return None
        label = _split_label(stripped)
        if len(label) == 2 and (sid := self.lookup.get(normalise_heading(label[0]))) is not None:
            return sid  # "Offence: …" however long the value
        if len(stripped) > 120 or (self.no_heading_ends_so and stripped.endswith(_SENTENCE_ENDS)):
            # prose: normalising keeps a line's last mark, so a line ending like a sentence is no
            # known heading (when none ends so), nor does it look like one (see below)
            return None
        norm = normalise_heading(stripped)
        if (sid := self.lookup.get(norm)) is not None:
            return sid
        words = norm.split()
        if 0 < len(words) <= self.max_words and not stripped.endswith(_SENTENCE_ENDS) \
                and _looks_like_heading(stripped):
            for n in range(min(self.longest, len(words)), 0, -1):
                prefix = " ".join(words[:n])
                if prefix in self.lookup:
                    return self.lookup[prefix]
            letters = [c for c in stripped if c.isalpha()]
            if len(letters) >= 4 and all(c.isupper() for c in letters) and ":" not in stripped:
                return self.unknown
            if stripped.startswith("#"):
                return self.unknown
        return None

    def find(self, text: str) -> list[SectionSpan]:
        headings: list[tuple[int, str, str]] = []
        offset = 0
        for line in text.split("\n"):
            sid = self.heading_id(line)
            if sid is not None:
                start = offset + (len(line) - len(line.lstrip()))
                headings.append((start, sid, _heading_text(line)))
                if sid in self.one_line and _inline_value(line):
                    headings.append((offset + len(line) + 1, self.unknown, ""))  # its list ends with the line
            offset += len(line) + 1
        headings = [h for i, h in enumerate(headings)
                    if h[0] < len(text) and not (i + 1 < len(headings) and headings[i + 1][0] <= h[0])]
        spans: list[SectionSpan] = []
        first = headings[0][0] if headings else len(text)
        if text[:first].strip():
            spans.append(SectionSpan(self.preamble if headings else self.unknown, "", 0, first))
        for index, (start, sid, heading) in enumerate(headings):
            end = headings[index + 1][0] if index + 1 < len(headings) else len(text)
            spans.append(SectionSpan(sid, heading, start, end))
        return spans


def _looks_like_heading(line: str) -> bool:
    """Title Case or CAPITALS: a short note line ("Family supportive") is not a heading."""
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'-]*", line) if w.lower() not in _SMALL_WORDS]
    if not words:
        return False
    capitalised = sum(w[0].isupper() for w in words)
    return capitalised / len(words) >= 0.6 or line.lstrip().startswith("#")


_SMALL_WORDS = {"and", "of", "the", "to", "for", "in", "on", "a", "an", "or", "with", "by"}


def _inline_value(line: str) -> str:
    """What follows the heading on its own line: "CPS; PNC" in ``Sources: CPS; PNC``, else ""."""
    parts = _split_label(line.strip())
    return parts[1].strip() if len(parts) == 2 and len(parts[0].split()) <= 6 else ""


def _heading_text(line: str) -> str:
    """The heading itself: "Sources" for an inline ``Sources: CPS, PNC`` line."""
    parts = _split_label(line.strip())
    return parts[0].strip() if len(parts) == 2 and len(parts[0].split()) <= 6 else line.strip()


def _split_label(line: str) -> list[str]:
    """``label: value`` (or ``label – value``) split once; the line alone when it has neither
    (most prose lines have no colon or dash, and the search for one is what costs)."""
    if ":" not in line and "-" not in line and "–" not in line and "—" not in line:
        return [line]
    return _SPLIT.split(line, maxsplit=1)
