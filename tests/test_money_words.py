"""money_words in rules/fines.yaml: a word a policy lead adds there changes what the fine calculator
reads, and a bad entry stops the tool with file:line like any other rule file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pydantic import ValidationError

from psr_check.facts import build_facts
from psr_check.facts import means
from psr_check.pack import RulePackError, load_rule_pack
from psr_check.pack.fines import MoneyWords
from psr_check.resources import data_dir


def _derived(linter, fines, text: str) -> dict:
    """The means and fine facts for ``text`` with these fines rules (as Linter.lint_case builds them)."""
    doc = linter.nlp.make_doc(text)
    doc.user_data["psr_text"] = text
    facts = build_facts(linter.nlp(doc), record=None, check_mode=linter.check_mode,
                        calculators=(means.means_calculator(fines),))
    return facts.derived


def _rules_copy(tmp_path: Path, old: str, new: str) -> tuple[Path, list[str]]:
    """A copy of the shipped rules with one text replaced in fines.yaml; the root and its lines."""
    root = tmp_path / "rules"
    shutil.copytree(data_dir("rules"), root)
    path = root / "fines.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"test setup: {old!r} occurs {text.count(old)} times"
    text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return root, text.split("\n")


def _line_starting(lines: list[str], start: str) -> int:
    hits = [i for i, line in enumerate(lines, start=1) if line.startswith(start)]
    assert len(hits) == 1, f"test setup: {start!r} starts {len(hits)} lines"
    return hits[0]


def test_a_period_adverb_added_to_the_model_is_read(linter):
    text = "Financial circumstances\nHe earns £400 wkly from warehouse work.\n"
    assert _derived(linter, linter.pack.fines, text)["means"]["net_weekly_income"] is None
    fines = linter.pack.fines.model_copy(deep=True)
    fines.money_words.periods.week.alone.append("wkly")
    assert _derived(linter, fines, text)["means"]["net_weekly_income"] == 400.0
    fines.money_words.periods.week.alone.remove("wkly")
    fines.money_words.periods.month.alone.append("wkly")
    assert _derived(linter, fines, text)["means"]["net_weekly_income"] == round(400 * 12 / 52, 2)


def test_an_outgoing_added_to_the_yaml_is_not_income(linter, tmp_path):
    text = "Financial circumstances\nHe vapes, about £60 a week.\n"
    assert _derived(linter, linter.pack.fines, text)["means"]["net_weekly_income"] == 60.0
    root, _ = _rules_copy(tmp_path, "'drink\\w*']", "'drink\\w*', 'vap\\w*']")
    pack = load_rule_pack(root=root)
    assert "vap\\w*" in pack.fines.money_words.outgoings
    assert _derived(linter, pack.fines, text)["means"]["net_weekly_income"] is None


def test_an_order_label_added_to_the_yaml_names_the_amount(linter, tmp_path):
    text = "Proposal\nI propose a fine of £200 and a victim payment of £150.\n"
    assert _derived(linter, linter.pack.fines, text)["fine"]["total_text"] == "£350 (fine £200, fine £150)"
    root, _ = _rules_copy(tmp_path, "order_labels: [compensation,", "order_labels: [victim payment, compensation,")
    after = _derived(linter, load_rule_pack(root=root).fines, text)["fine"]
    assert after["total_text"] == "£350 (fine £200, victim payment £150)"


def test_an_unknown_key_in_money_words_fails_with_its_line(tmp_path):
    root, lines = _rules_copy(tmp_path, "money_words:\n", "money_words:\n  adverbs: [pw, pcm]\n")
    with pytest.raises(RulePackError) as caught:
        load_rule_pack(root=root)
    line = _line_starting(lines, "  adverbs:")
    assert f"{root / 'fines.yaml'}:{line}: money_words.adverbs: unknown key 'adverbs' (misspelt?)" \
        in caught.value.problems


def test_an_unknown_unit_fails_with_its_line(tmp_path):
    root, lines = _rules_copy(tmp_path, "    year:", "    day:       {after_per: [day], alone: [daily]}\n    year:")
    with pytest.raises(RulePackError) as caught:
        load_rule_pack(root=root)
    line = _line_starting(lines, "    day:")
    assert f"{root / 'fines.yaml'}:{line}: money_words.periods.day: unknown key 'day' (misspelt?)" \
        in caught.value.problems


def test_a_broken_regular_expression_fails_with_its_line(tmp_path):
    root, lines = _rules_copy(tmp_path, "outgoings: [rent,", "outgoings: ['(rent',")
    with pytest.raises(RulePackError) as caught:
        load_rule_pack(root=root)
    line = _line_starting(lines, "  outgoings:")
    [problem] = [p for p in caught.value.problems if "money_words" in p]
    assert problem.startswith(f"{root / 'fines.yaml'}:{line}: money_words.outgoings: '(rent' is not a valid")


def _words(**change) -> dict:
    data = load_rule_pack().fines.money_words.model_dump()
    data.update(change)
    return data


def test_the_model_refuses_unknown_keys_and_entries_that_would_match_everywhere():
    MoneyWords.model_validate(_words())
    with pytest.raises(ValidationError, match="adverbs"):
        MoneyWords.model_validate(_words(adverbs=["pw"]))
    with pytest.raises(ValidationError, match="matches an empty text"):
        MoneyWords.model_validate(_words(outgoings=["rent", "s?"]))
    with pytest.raises(ValidationError, match="without spaces around it"):
        MoneyWords.model_validate(_words(per=["per", " each"]))


def test_a_word_under_two_units_is_refused():
    data = _words()
    data["periods"]["year"]["alone"].append("PW")
    with pytest.raises(ValidationError, match="'PW' is listed under both week and year"):
        MoneyWords.model_validate(data)


def test_the_words_are_compiled_once_per_calculator_not_per_document(linter, monkeypatch):
    calls = []
    real = means.compile_money_words
    monkeypatch.setattr(means, "compile_money_words", lambda words: calls.append(1) or real(words))
    calculate = means.means_calculator(linter.pack.fines)
    for text in ("He earns £300 a week.\n", "Proposal\nA fine of £200.\n"):
        doc = linter.nlp.make_doc(text)
        doc.user_data["psr_text"] = text
        build_facts(linter.nlp(doc), record=None, check_mode=linter.check_mode, calculators=(calculate,))
    assert calls == [1]


@pytest.mark.parametrize("text, weekly", [
    ("He earns £24,000 pa from the warehouse.\nProposal: fine £600.", 461.54),
    ("He earns £24,000 p.a. from the warehouse.\nProposal: fine £600.", 461.54),
    ("He earns £300 pw.\nProposal: fine £600.", 300.0),
    ("He earns £1,300 per month.\nProposal: fine £600.", 300.0),
])
def test_a_unit_word_alone_is_read_before_a_per_word(linter, text, weekly):
    """"pa" is per annum: the unit words alone are tried before "p" + a unit ("a" is no unit)."""
    fines = linter.pack.fines
    assert _derived(linter, fines, text)["means"]["net_weekly_income"] == weekly


def test_an_entry_ending_in_an_apostrophe_is_a_whole_word(linter):
    """"His parents' income is £600 a week" is not the person's own means."""
    text = "His parents' income is £600 a week.\nProposal: fine £600."
    assert _derived(linter, linter.pack.fines, text)["means"]["net_weekly_income"] is None
