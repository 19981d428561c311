"""The money words of rules/fines.yaml (``money_words``) compiled into the patterns facts/means.py
reads a draft with. Built once per rule pack, when the calculator is made, never per document.

The words are data; the shapes of the patterns (where a per word goes, which word boundaries
apply) and how many weeks a unit is are here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from psr_check.pack.fines import MoneyWords

WEEKS_PER_UNIT = {"week": 1.0, "month": 12 / 52, "fortnight": 0.5, "year": 1 / 52}


@dataclass(frozen=True)
class MoneyPatterns:
    """Compiled patterns for one rule pack. ``period`` has two groups: a unit word alone (group 1)
    or a unit word after a per word (group 2); ``to_weekly`` turns either into a factor."""

    period: re.Pattern
    to_weekly: dict[str, float]
    not_a_period: frozenset[str]
    outgoings: re.Pattern
    others_income: re.Pattern
    income_lead: re.Pattern
    total_lead: re.Pattern
    not_an_order: re.Pattern
    order_labels: tuple[str, ...]


def compile_money_words(words: MoneyWords) -> MoneyPatterns:
    """Every pattern ignores case, as a draft may write "PCM" or "Rent"."""
    units = [(unit, getattr(words.periods, unit)) for unit in WEEKS_PER_UNIT]
    after_per = [w for _, p in units for w in p.after_per] + words.not_a_period
    alone = [w for _, p in units for w in p.alone]
    qualifier = f"(?:(?:{_one_of(map(re.escape, words.before_per))})\\s+)?" if words.before_per else ""
    hedge = f"({_one_of(words.hedges)})?"
    # a unit word alone is tried first, so "£100 pa" is per annum and not "p" + "a" (not_a_period)
    period = (rf"^\s*({_one_of(map(re.escape, alone))})(?!\w)|"
              rf"^\s*{qualifier}(?:{_one_of(map(re.escape, words.per))})\s*\.?\s*"
              rf"({_one_of(map(re.escape, after_per))})\b")
    return MoneyPatterns(
        period=_compile(period),
        to_weekly={w.lower(): WEEKS_PER_UNIT[unit] for unit, p in units for w in p.after_per + p.alone},
        not_a_period=frozenset(w.lower() for w in words.not_a_period),
        outgoings=_compile(_whole_words(words.outgoings)),
        others_income=_compile(_whole_words(words.others_income)),
        income_lead=_compile(rf"({_leads(words.income_leads)})\s*{hedge}\s*$"),
        total_lead=_compile(rf"({_leads(words.total_leads)})\s*(?:of\s*)?{hedge}\s*$"),
        not_an_order=_compile(_whole_words(words.not_an_order) + r"[^£]{0,15}$"),
        order_labels=tuple(words.order_labels),
    )


def _compile(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.IGNORECASE)


def _one_of(items) -> str:
    """Alternatives; an empty list matches nothing rather than everything."""
    return "|".join(items) or "(?!)"


def _whole_words(fragments: list[str]) -> str:
    """Whole words; an entry may end in an apostrophe ("parents'"), so the end is "no letter next"."""
    return rf"\b({_one_of(fragments)})(?!\w)"


def _leads(fragments: list[str]) -> str:
    """A lead that starts with a letter starts at a word ("on", not "upon"); "=" can touch a number."""
    return _one_of(rf"\b{f}" if re.match(r"\w", f) else f for f in fragments)
