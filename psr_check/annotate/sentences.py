"""Sentence boundaries for probation drafts.

Line breaks always end a sentence (headings, bullets, ``label: value`` lines and table rows are
units of their own), except a soft wrap: one newline inside running prose, where the line before
has no closing punctuation and the next begins in lower case. Full stops end sentences unless they
close a common abbreviation ("Mr.", "e.g.").

Only tokens after a newline or after ``. ! ?`` can start a sentence, so those few are found with
numpy on spaCy's token arrays and decided one by one; every other token is marked "not a start"
in one ``Doc.from_array`` call (spaCy needs a complete annotation for ``doc.sents``). The starts are
also kept in ``doc.user_data`` so later components find a token's sentence by bisection instead
of ``Span.sent``, which walks the tokens each time.
"""

from __future__ import annotations

from bisect import bisect_right

import numpy
from spacy.attrs import IS_SPACE, ORTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from psr_check.annotate.sections import doc_text  # also registers Doc._.sections

_ENDS = {".", "!", "?"}
_MIN_WRAPPED_LINE = 25  # hard-wrapped prose lines are long; notes are short
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "e.g", "i.e", "eg", "ie", "no", "st", "approx", "etc", "vs", "cf"}
STARTS = "psr_sent_starts"  # doc.user_data key: the sorted token indices that start a sentence


@Language.component("psr_sentences")
def set_sentence_starts(doc: Doc) -> Doc:
    starts = find_sentence_starts(doc)
    if len(doc):
        flags = numpy.full(len(doc), -1, dtype=numpy.int32)  # every token is set, True or False
        flags[starts] = 1
        doc.from_array([SENT_START], flags.astype(numpy.uint64))
    doc.user_data[STARTS] = starts
    return doc


def find_sentence_starts(doc: Doc) -> list[int]:
    """The token indices that start a sentence, in order (token 0 always does)."""
    if not len(doc):
        return []
    table = doc.to_array([ORTH, IS_SPACE])
    orth, space = table[:, 0], table[:, 1].astype(bool)
    strings = doc.vocab.strings
    words = numpy.flatnonzero(~space)
    ends = numpy.array([strings.add(e) for e in _ENDS], dtype=numpy.uint64)
    # a candidate follows a space token or an end mark, and is not itself a space
    before = numpy.flatnonzero(space[:-1] | numpy.isin(orth[:-1], ends)) + 1
    starts = [0]
    context: dict = {}
    for i in before[~space[before]].tolist():
        if _starts_sentence(doc[i], doc[i - 1], _previous_word(doc, words, i - 1), context):
            starts.append(i)
    return starts


def _previous_word(doc: Doc, words, index: int):
    """The last non-space token before token ``index``, or None."""
    k = int(numpy.searchsorted(words, index)) - 1
    return doc[int(words[k])] if k >= 0 else None


def _starts_sentence(token, before, previous_word, context: dict) -> bool:
    if token.is_space:
        return False
    if before.is_space and "\n" in before.text:
        return not _soft_wrap(token, before, previous_word, context)
    if "\n" in before.whitespace_:
        return True
    if before.text in _ENDS:
        prior = before.nbor(-1).lower_ if before.i > 0 else ""
        if prior in _ABBREVIATIONS:
            return False
        return token.is_title or token.is_upper or token.like_num or not token.is_alpha
    return False


def _soft_wrap(token, newline, previous_word, context: dict) -> bool:
    if newline.text.count("\n") > 1 or previous_word is None:
        return False
    doc = token.doc
    text = doc_text(doc)
    line_start = text.rfind("\n", 0, newline.idx) + 1
    line_start += len(text[line_start:newline.idx]) - len(text[line_start:newline.idx].lstrip())
    if len(text[line_start:newline.idx].strip()) < _MIN_WRAPPED_LINE:
        return False  # a short line (a label, a note) is its own unit, whatever follows
    if "headings" not in context:
        context["headings"] = {s.start for s in (doc._.sections or []) if s.heading}
    heading_starts = context["headings"]
    if line_start in heading_starts or token.idx in heading_starts:
        return False  # headings always break (the section component runs first)
    if previous_word.text in _ENDS or previous_word.text in {":", "|"}:
        return False
    first = token.text[:1]
    return first.isalpha() and first.islower()


def sentence_starts(doc: Doc) -> list[int]:
    """The sentence starts psr_sentences found (recomputed from the Doc if it did not run)."""
    starts = doc.user_data.get(STARTS)
    if starts is None:
        starts = [s.start for s in doc.sents]
        doc.user_data[STARTS] = starts
    return starts


def sentence_of(starts: list[int], length: int, index: int) -> tuple[int, int]:
    """The (start, end) tokens of the sentence holding token ``index``, as ``Span.sent`` gives."""
    k = bisect_right(starts, index) - 1
    start = starts[k] if k >= 0 else 0
    end = starts[k + 1] if k + 1 < len(starts) else length
    return start, end
