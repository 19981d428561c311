"""People named beside a relation word are found again by name (annotate/names.py)."""

from __future__ import annotations


def _named(nlp, text: str) -> list[str]:
    doc = nlp(text)
    return [span.text for span in doc.spans["NAMED_PARTNER"]]


def test_forename_after_the_relation_word_is_found_again(nlp):
    text = "He lives with his partner, Jade Smith, in Leyland.\nJade did not support the prosecution."
    assert _named(nlp, text) == ["Jade", "Jade"]


def test_title_and_surname_before_the_relation_word(nlp):
    text = "Offence analysis\nHe punched Ms Lee.\nMs Lee (ex-partner) has a non-molestation order."
    assert _named(nlp, text) == ["Ms Lee", "Ms Lee"]


def test_a_bare_shared_surname_is_not_the_partner(nlp):
    """Ms Carter is his wife; Mr Carter (the person) is not found as the partner."""
    text = "Mr Carter lives with his wife, Ms Carter.\nMr Carter says he is sorry."
    assert _named(nlp, text) == ["Ms Carter"]


def test_places_months_and_sentence_starts_are_not_names(nlp):
    text = "Lives with his girlfriend in Walton. Girlfriend: March 2024 onwards.\nPartner. She came to court."
    assert _named(nlp, text) == []
