"""Means and financial orders: relevant weekly income and what a proposed total would take to pay.

The figures and the words read around a sum of money ("a week", "rent", "in total") are in
rules/fines.yaml; facts/money_words.py compiles the words once per rule pack.

The model (rules/fines.yaml, Sentencing Council): net weekly income over the threshold is used
as it is; benefits only or a low income is deemed at the threshold; with no information the
court assumes a higher figure. The suggested weekly payment for that income, over the normal
payment period, is what a proposal is compared against.
"""

from __future__ import annotations

import re
from typing import Any

from psr_check.facts.lazy import read_lazily
from psr_check.facts.money_words import MoneyPatterns, compile_money_words
from psr_check.models import Mention
from psr_check.pack.fines import FinesFile

# "£1,200", "£85.50", and ranges "£250-300pw" / "£250–£300 a week" (the lower figure is used)
_MONEY = re.compile(r"£\s?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?(?!\d)(?:\s*[-–]\s*£?\s*\d[\d,]*(?:\.\d{1,2})?)?")


def suggested_weekly_payment(income: float, fines: FinesFile) -> float:
    """Linear between the guideline's points; the first and last ratios beyond them."""
    points = fines.suggested_weekly_payment
    if income <= points[0].income:
        return round(points[0].payment * income / points[0].income, 2)
    for low, high in zip(points, points[1:]):
        if income <= high.income:
            share = (income - low.income) / (high.income - low.income)
            return round(low.payment + share * (high.payment - low.payment), 2)
    return round(points[-1].payment * income / points[-1].income, 2)


def means_calculator(fines: FinesFile):
    """The calculator Facts calls: derives the "means" and "fine" groups from one reading."""
    words = compile_money_words(fines.money_words)

    def calculate(facts) -> dict[str, tuple[dict[str, Any], dict[str, list[Mention]]]]:
        """Each fact worked out when a check or message first reads it: most drafts propose no
        financial order, and then neither the sums of money nor the means words are read."""
        reading = _MeansReading(facts, words, fines)
        return {
            "means": (read_lazily(_MEANS, reading), read_lazily(_MEANS_EVIDENCE, reading)),
            "fine": (read_lazily(_FINE, reading), read_lazily(_FINE_EVIDENCE, reading)),
        }

    return calculate


_UNREAD = object()


class _MeansReading:
    """One draft's income and proposed financial orders, each worked out once, when first asked
    for. One object per draft rather than a closure per fact: every draft pays for setting the
    facts up, and only those proposing a fine read them."""

    __slots__ = ("facts", "words", "fines", "_income", "_info", "_relevant", "_rate", "_orders")

    def __init__(self, facts, words: MoneyPatterns, fines: FinesFile) -> None:
        self.facts, self.words, self.fines = facts, words, fines
        self._income = self._info = self._relevant = self._rate = self._orders = _UNREAD

    def income(self) -> tuple[float | None, list[Mention]]:
        if self._income is _UNREAD:
            self._income = net_weekly_income(self.facts, self.words)
        return self._income

    def info(self) -> bool:
        if self._info is _UNREAD:
            self._info = _has(self.facts, "MEANS_INFO") or self.income()[0] is not None \
                or _period_amounts(self.facts, self.words)
        return self._info

    def relevant(self) -> tuple[float, str]:
        if self._relevant is _UNREAD:
            self._relevant = relevant_weekly_income(self.income()[0], self.info, self.fines)
        return self._relevant

    def rate(self) -> float:
        if self._rate is _UNREAD:
            self._rate = suggested_weekly_payment(self.relevant()[0], self.fines)
        return self._rate

    def orders(self) -> tuple[float, list[tuple[str, float]], list[Mention]]:
        """The total, its parts and their evidence."""
        if self._orders is _UNREAD:
            self._orders = proposed_total(self.facts, self.words)
        return self._orders

    def weeks_to_pay(self) -> float | None:
        total, parts, _ = self.orders()
        return round(total / self.rate(), 1) if parts and self.rate() else None

    def over_payment_period(self) -> bool:
        total, parts, _ = self.orders()
        return bool(parts and self.rate() and total / self.rate() > self.fines.payment_period_weeks)


# each fact of a group, by name in the group's order, as read from a draft's _MeansReading
_MEANS = {
    "net_weekly_income": lambda r: r.income()[0], "relevant_weekly_income": lambda r: r.relevant()[0],
    "rwi_basis": lambda r: r.relevant()[1], "information_present": _MeansReading.info,
}
_FINE = {
    "total": lambda r: r.orders()[0], "total_text": lambda r: _total_text(*r.orders()[:2]),
    "amounts_stated": lambda r: bool(r.orders()[1]), "weekly_rate": _MeansReading.rate,
    "weeks_to_pay": _MeansReading.weeks_to_pay, "payment_weeks_limit": lambda r: r.fines.payment_period_weeks,
    "over_payment_period": _MeansReading.over_payment_period,
}
_MEANS_EVIDENCE = {"net_weekly_income": lambda r: r.income()[1]}
_FINE_EVIDENCE = {"weeks_to_pay": lambda r: r.orders()[2], "total": lambda r: r.orders()[2]}


def relevant_weekly_income(income: float | None, information_present, fines: FinesFile) -> tuple[float, str]:
    """The guideline's relevant weekly income and how it was reached; ``information_present`` is
    asked only when the income stated is not above the low-income threshold."""
    rules = fines.relevant_weekly_income
    if income is not None and income > rules.low_income_threshold:
        return income, f"actual: net £{income:,.0f} a week"
    if information_present():
        return rules.deemed, "deemed: benefits only or low income"
    return rules.no_information, "assumed: no information about means"


def _period_amounts(facts, words: MoneyPatterns) -> bool:
    """A sum of money per week or month outside the proposal says something about means."""
    return any(_weekly(m, facts.text, words) is not None and _section_at(facts, m.start()) != "proposal"
               for m in _MONEY.finditer(facts.text))


def _section_at(facts, offset: int) -> str:
    found = [s.id for s in facts.sections if s.start <= offset]
    return found[-1] if found else "other"


def net_weekly_income(facts, words: MoneyPatterns) -> tuple[float | None, list[Mention]]:
    """The largest income stated with a period ("£1,500 a month" → £346 a week, "£480 pw net").

    Any sum per week or month counts unless it is an outgoing (rent, debts, payments), sits in a
    clause about no or unlawful income, or is in the proposal (where only "on £520 pw" or
    "income of £…" is an income; other sums there are instalments).
    """
    set_aside = [(m.sent_start, m.sent_end) for name in ("NO_LAWFUL_INCOME", "ILLICIT_INCOME")
                 for m in facts.mentions.get(name, []) if not _set_aside(m)]
    best: float | None = None
    evidence: list[Mention] = []
    text = facts.text
    for match in _MONEY.finditer(text):
        weekly = _weekly(match, text, words)
        if weekly is None:
            continue
        before = text[max(0, match.start() - 30):match.start()]
        line_start = text.rfind("\n", 0, match.start()) + 1
        if words.outgoings.search(before[-(match.start() - line_start):] if match.start() - line_start < 30 else before):
            continue
        if any(start <= match.start() < end for start, end in set_aside):
            continue
        if words.others_income.search(text[line_start:match.start()]):
            continue  # the household's or a partner's income is not the person's means
        if _section_at(facts, match.start()) == "proposal" and not words.income_lead.search(before):
            continue
        if best is None or weekly > best:
            best = weekly
            evidence = [_plain_mention(facts, match.start(), match.end())]
    return (round(best, 2) if best is not None else None), evidence


def proposed_total(facts, words: MoneyPatterns) -> tuple[float, list[tuple[str, float]], list[Mention]]:
    """Sum of the amounts stated beside proposed fines, compensation, costs and surcharge."""
    orders = [m for m in facts.mentions.get("FINANCIAL_ORDER", []) if _is_proposed(facts, m)]
    if not orders:
        return 0.0, [], []
    clauses = sorted({(m.sent_start, m.sent_end) for m in orders + [
        c for c in facts.mentions.get("ORDER_COSTS", []) if _is_proposed(facts, c)]})
    parts: list[tuple[str, float]] = []
    evidence: list[Mention] = []
    seen: set[tuple[int, int, float]] = set()
    for start, end in clauses:
        clause = facts.text[start:end]
        for match in _MONEY.finditer(clause):
            if _weekly(match, clause, words) is not None:
                continue  # an instalment or an income, not an order
            if words.not_an_order.search(clause[max(0, match.start() - 30):match.start()]):
                continue  # "(RWI approx £565)", "goods worth £74": not an order
            amount = _amount(match)
            if words.total_lead.search(clause[max(0, match.start() - 20):match.start()]):
                # "£780 + £312 + £85 = £1,177": the stated total replaces its parts
                parts = [p for p in parts if p[2] != (start, end)]
                evidence = [e for e in evidence if not (start <= e.start < end)]
                parts.append(("total", amount, (start, end)))
                evidence.append(_amount_mention(facts, start + match.start(), start + match.end(), orders[0]))
                break
            key = (start, end, amount)
            if key in seen:
                continue
            seen.add(key)
            parts.append((_label(clause, match.start(), words), amount, (start, end)))
            evidence.append(_amount_mention(facts, start + match.start(), start + match.end(), orders[0]))
    return round(sum(a for _, a, _ in parts), 2), [(label, a) for label, a, _ in parts], evidence


def _is_proposed(facts, mention: Mention) -> bool:
    if _set_aside(mention) or "historical" in mention.states:
        return False
    if mention.section == "proposal":
        return True
    return any(mention.sent_start <= p.start < mention.sent_end for p in facts.places_of("PROPOSE_WORD"))


def _set_aside(mention: Mention) -> bool:
    return bool({"negated", "hypothetical", "other_person"} & set(mention.states))


def _has(facts, concept: str) -> bool:
    return any(not _set_aside(m) for m in facts.places_of(concept))


def _amount(match: re.Match) -> float:
    pounds = float(match.group(1).replace(",", ""))
    pence = match.group(2)
    return pounds + (float(pence.ljust(2, "0")) / 100 if pence else 0.0)


def _weekly(match: re.Match, clause: str, words: MoneyPatterns) -> float | None:
    period = words.period.match(clause[match.end():match.end() + 25])
    if not period:
        return None
    word = (period.group(1) or period.group(2) or "").lower()
    if word in words.not_a_period:
        return None
    return _amount(match) * words.to_weekly.get(word, 1.0)


def _label(clause: str, at: int, words: MoneyPatterns) -> str:
    before = clause[max(0, at - 40):at].lower()
    for word in words.order_labels:
        if word.lower() in before:
            return word
    return "order"


def _total_text(total: float, parts: list[tuple[str, float]]) -> str:
    if not parts:
        return "no amount stated"
    detail = ", ".join(f"{label} £{amount:,.0f}" for label, amount in parts)
    return f"£{total:,.0f} ({detail})"


def _amount_mention(facts, start: int, end: int, near: Mention) -> Mention:
    return Mention(concept="AMOUNT", text=facts.text[start:end], start=start, end=end,
                   line=facts.text.count("\n", 0, start) + 1, section=near.section, heading=near.heading,
                   sent_start=near.sent_start, sent_end=near.sent_end)


def _plain_mention(facts, start: int, end: int) -> Mention:
    """A mention for an amount found by pattern: its line, section and clause from the text."""
    line_start = facts.text.rfind("\n", 0, start) + 1
    line_end = facts.text.find("\n", end)
    return Mention(concept="AMOUNT", text=facts.text[start:end], start=start, end=end,
                   line=facts.text.count("\n", 0, start) + 1, section=_section_at(facts, start),
                   sent_start=line_start, sent_end=line_end if line_end >= 0 else len(facts.text))
