"""Build the one spaCy pipeline: blank English, lemmas, sentences, sections, concepts, context.

Built once per process by ``Linter``; no model is downloaded.
"""

from __future__ import annotations

from spacy.lang.en import English
from spacy.language import Language

from psr_check.annotate import concepts as _concepts  # noqa: F401  registers psr_concepts
from psr_check.annotate import context as _context  # noqa: F401  registers psr_context
from psr_check.annotate import lemma as _lemma  # noqa: F401  registers psr_lemma
from psr_check.annotate import sections as _sections  # noqa: F401  registers psr_sections
from psr_check.annotate import sentences as _sentences  # noqa: F401  registers psr_sentences
from psr_check.annotate.tokenizer import ChunkCachingTokenizer
from psr_check.pack import RulePack, RulePackError


def build_pipeline(pack: RulePack) -> Language:
    """The annotating pipeline for ``pack``. Bad token patterns surface as RulePackError."""
    nlp = English()  # what spacy.blank("en") gives, without its config round trip (~10 ms a start)
    nlp.tokenizer = ChunkCachingTokenizer(nlp.tokenizer)
    nlp.add_pipe("psr_lemma")
    nlp.add_pipe("psr_sections", config={"sections": pack.sections.model_dump()})
    nlp.add_pipe("psr_sentences")  # after sections: a heading line always ends a sentence
    concept_dicts = [dict(c.model_dump(), _origin=c.origin) for c in pack.concepts.values()]
    section_states = {s.id: list(s.implies) for s in pack.sections.sections if s.implies}
    try:
        nlp.add_pipe("psr_concepts", config={"concepts": concept_dicts})
        nlp.add_pipe("psr_context", config={
            "context": pack.context.model_dump(),
            "concepts": list(pack.concepts),
            "section_states": section_states,
        })
    except ValueError as exc:
        raise RulePackError([str(exc)]) from None
    return nlp
