"""Sentence boundaries for probation drafts.

Line breaks always end a sentence (headings, bullets, ``label: value`` lines and table rows are
units of their own), except a soft wrap: one newline inside running prose, where the line before
has no closing punctuation and the next begins in lower case. Full stops end sentences unless they
close a common abbreviation ("Mr.", "e.g.").

Only tokens after a newline or after ``. ! ?`` can start a sentence, so those few are found with
numpy on spaCy's token arrays and decided one by one from their strings and lexeme flags (a Token
object only where a soft wrap is possible); every other token is marked "not a start"
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

from psr_check.annotate.anchored import token_columns
from psr_check.annotate.sections import doc_text  # also registers Doc._.sections

_ENDS = {".", "!", "?"}
_MIN_WRAPPED_LINE = 25  # hard-wrapped prose lines are long; notes are short
_NO_WRAP_AFTER = _ENDS | {":", "|"}  # a line ending in these is not prose running on
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "e.g", "i.e", "eg", "ie", "no", "st", "approx", "etc", "vs", "cf"}
_NOT_A_START = numpy.uint64(2**64 - 1)  # SENT_START -1 as from_array reads it (a uint64)
STARTS = "psr_sent_starts"  # doc.user_data key: the sorted token indices that start a sentence


@Language.component("psr_sentences")
def set_sentence_starts(doc: Doc) -> Doc:
    starts = find_sentence_starts(doc)
    if len(doc):
        flags = numpy.full(len(doc), _NOT_A_START, dtype=numpy.uint64)  # every token is set, True or False
        flags[starts] = 1
        doc.from_array([SENT_START], flags)
    doc.user_data[STARTS] = starts
    return doc


def find_sentence_starts(doc: Doc) -> list[int]:
    """The token indices that start a sentence, in order (token 0 always does)."""
    if not len(doc):
        return []
    columns = token_columns(doc, [ORTH, IS_SPACE])  # read by psr_lemma, as a rule
    orth, space = columns[ORTH], columns[IS_SPACE].astype(bool)
    strings, vocab = doc.vocab.strings, doc.vocab
    ends = [strings.add(e) for e in _ENDS]
    # a candidate follows a space token or an end mark, and is not itself a space
    end_mark = (orth[:-1] == ends[0]) | (orth[:-1] == ends[1]) | (orth[:-1] == ends[2])
    before = numpy.flatnonzero(space[:-1] | end_mark) + 1
    candidates = before[~space[before]]
    if not len(candidates):
        return [0]
    words = numpy.flatnonzero(~space)
    word_before = (numpy.searchsorted(words, candidates - 1) - 1).tolist()  # the last word before each break
    orths, spaces, words = orth.tolist(), space.tolist(), words.tolist()
    starts = [0]
    wrap = None  # what a soft wrap is judged by, read when first needed
    for i, k in zip(candidates.tolist(), word_before):
        if not spaces[i - 1]:  # after ". ! ?": a start when the next word looks like one, unless "Mr."
            if i < 2 or strings[orths[i - 2]].lower() not in _ABBREVIATIONS:
                word = vocab[orths[i]]
                if word.is_title or word.is_upper or word.like_num or not word.is_alpha:
                    starts.append(i)
            continue
        breaks = strings[orths[i - 1]].count("\n")
        if breaks == 0:
            continue  # spaces within a line
        if breaks == 1 and k >= 0 and strings[orths[words[k]]] not in _NO_WRAP_AFTER:
            if wrap is None:
                wrap = doc_text(doc), {s.start for s in (doc._.sections or []) if s.heading}
            if _soft_wrap(*wrap, doc[i - 1].idx, doc[i]):
                continue
        starts.append(i)
    return starts


def _soft_wrap(text: str, heading_starts: set[int], newline_at: int, token) -> bool:
    """Whether the single line break at character ``newline_at``, after a word that is no end
    mark, wraps prose: a long line before it, not a heading, and the next word (``token``) in
    lower case."""
    first = token.text[:1]
    if not (first.isalpha() and first.islower()):
        return False
    line_start = text.rfind("\n", 0, newline_at) + 1
    line_start += len(text[line_start:newline_at]) - len(text[line_start:newline_at].lstrip())
    if len(text[line_start:newline_at].strip()) < _MIN_WRAPPED_LINE:
        return False  # a short line (a label, a note) is its own unit, whatever follows
    return line_start not in heading_starts and token.idx not in heading_starts  # headings always break


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
