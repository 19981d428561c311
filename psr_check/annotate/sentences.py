"""Sentence boundaries for probation drafts.

Line breaks always end a sentence (headings, bullets, ``label: value`` lines and table rows are
units of their own), except a soft wrap: one newline inside running prose, where the line before
has no closing punctuation and the next begins in lower case. Full stops end sentences unless they
close a common abbreviation ("Mr.", "e.g.").
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from psr_check.annotate import sections as _sections  # noqa: F401  registers Doc._.sections

_ENDS = {".", "!", "?"}
_MIN_WRAPPED_LINE = 25  # hard-wrapped prose lines are long; notes are short
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "e.g", "i.e", "eg", "ie", "no", "st", "approx", "etc", "vs", "cf"}


@Language.component("psr_sentences")
def set_sentence_starts(doc: Doc) -> Doc:
    doc.user_data["psr_text"] = doc.text  # read once: spaCy rebuilds doc.text on every access
    previous_word = None  # last non-space token
    before = None
    for token in doc:
        if before is None:
            token.is_sent_start = True
        else:
            # every token is set, True or False: spaCy needs a complete annotation for doc.sents
            token.is_sent_start = _starts_sentence(token, before, previous_word)
            if not before.is_space:
                previous_word = before
        before = token
    return doc


def _starts_sentence(token, before, previous_word) -> bool:
    if token.is_space:
        return False
    if before.is_space and "\n" in before.text:
        return not _soft_wrap(token, before, previous_word)
    if "\n" in before.whitespace_:
        return True
    if before.text in _ENDS:
        prior = before.nbor(-1).lower_ if before.i > 0 else ""
        if prior in _ABBREVIATIONS:
            return False
        return token.is_title or token.is_upper or token.like_num or not token.is_alpha
    return False


def _soft_wrap(token, newline, previous_word) -> bool:
    if newline.text.count("\n") > 1 or previous_word is None:
        return False
    doc = token.doc
    text = doc.user_data.get("psr_text") or doc.text
    line_start = text.rfind("\n", 0, newline.idx) + 1
    line_start += len(text[line_start:newline.idx]) - len(text[line_start:newline.idx].lstrip())
    if len(text[line_start:newline.idx].strip()) < _MIN_WRAPPED_LINE:
        return False  # a short line (a label, a note) is its own unit, whatever follows
    heading_starts = {s.start for s in (doc._.sections or []) if s.heading}
    if line_start in heading_starts or token.idx in heading_starts:
        return False  # headings always break (the section component runs first)
    if previous_word.text in _ENDS or previous_word.text in {":", "|"}:
        return False
    first = token.text[:1]
    return first.isalpha() and first.islower()
