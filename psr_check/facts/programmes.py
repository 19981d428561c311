"""Programme matching: does the offence or need point to an accredited programme, is one
proposed or ruled out, and is a proposed one open to this person (sex, risk, date, region)?

The catalogue and its dates are data (rules/programmes.yaml). Risk scores are often missing from
short reports: stated RoSH or predictor levels are used when present, otherwise the decision
rests on offence and needs alone, and the messages say which.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from psr_check.facts.lazy import read_lazily
from psr_check.facts.stretches import check_words, holds_any, matches_in, matches_starting, stretches_holding
from psr_check.models import Mention, parse_date
from psr_check.pack.programmes import RISK_ORDER, Programme, ProgrammesFile

_SET_ASIDE = {"negated", "hypothetical", "other_person"}
_OFFENCE_ACCOUNT = ("offence", "details", "other")
_LEVEL = r"(very high|high|medium|med|low)"
_RISK_PATTERNS = [
    re.compile(rf"\b(?:RoSH|risk of serious harm|risk of harm)\b[^.\n]{{0,40}}?\b{_LEVEL}\b", re.IGNORECASE),
    re.compile(rf"\b{_LEVEL}\s+(?:RoSH|risk of serious harm|risk of harm)\b", re.IGNORECASE),
    re.compile(rf"\b{_LEVEL}[- ]risk\b", re.IGNORECASE),
    re.compile(rf"^\s*risk\s*[:\-–]?\s*{_LEVEL}\b", re.IGNORECASE | re.MULTILINE),   # "Risk low." in an oral record
    re.compile(rf"\b(?:assessed|assess|is|as)\s+(?:as\s+)?(?:posing\s+)?(?:a\s+)?{_LEVEL}\s+risk\b", re.IGNORECASE),
]
_PREDICTOR_LEVEL = re.compile(rf"\b(?:OGRS3?|OGRS4|OVP|OGP|RSR|OSP(?:-[A-Z]+)?|SARA|ROR|likelihood of re-?offending|"
                              rf"risk of re-?offending)\b[^.\n]{{0,20}}?\b{_LEVEL}\b", re.IGNORECASE)
# every match of the patterns above holds one of these words and no full stop (facts/stretches.py)
_RISK_WORDS = check_words(("risk", "rosh"))
_PREDICTOR_WORDS = check_words(("ogrs", "ovp", "ogp", "rsr", "osp", "sara", "ror", "offending"))
_SCORE = re.compile(r"\b(OGRS3?|OGRS4|OVP|OGP|RSR)\b[^0-9\n]{0,12}(\d{1,2}(?:\.\d+)?)\s*%", re.IGNORECASE)
_SCORE_WORDS = check_words(("ogrs", "ovp", "ogp", "rsr"))  # every match starts with one
_TITLE = re.compile(r"\b(Mr|Ms|Mrs|Miss)\.?\s+", re.IGNORECASE)  # a title, up to the name after it
_TITLE_WORDS = ("mr", "ms", "miss")  # every title starts with one ("mrs" with "mr")
_SEX_LABEL = re.compile(r"\b(?:sex|gender)\s*[:\-]\s*(female|male|f|m)\b", re.IGNORECASE)
# only the month names have a case: ignoring it just there lets the search skip to the digits
_DATE = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b|\b(\d{1,2})\s+(?i:(January|February|March|April|May|June|"
                   r"July|August|September|October|November|December))\s+(\d{4})\b")
_MONTHS = {m: i for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july", "august",
                                       "september", "october", "november", "december"], start=1)}
_NEED_LABELS = {
    "intimate_partner_violence": "intimate partner violence", "general_violence": "violence",
    "general_offending": "thinking and behaviour needs", "sexual": "sexual offending",
    "internet_sexual": "internet sexual offending", "learning_disability": "learning disability",
    "gang_extremism": "gang or extremist offending",
}


def programme_calculator(catalogue: ProgrammesFile):
    predictors = compile_predictors(catalogue)
    low_risk_cut = parse_date(catalogue.low_risk_not_offered_from) if catalogue.low_risk_not_offered_from else None

    def calculate(facts) -> dict[str, tuple[dict[str, Any], dict[str, list[Mention]]]]:
        """The programme facts, each worked out when a check or message first reads it: the risk
        level and the person's sex (regexes over the whole text) are needed only when the text
        shows a need or proposes a programme."""
        reading = _ProgrammeReading(facts, catalogue, predictors, low_risk_cut)
        evidence = {"indicated": reading.need_evidence, "ineligible": reading.proposed_evidence,
                    "retired": reading.proposed_evidence}
        return {"programme": (read_lazily(_PROGRAMME, reading), evidence)}

    return calculate


_UNREAD = object()


class _ProgrammeReading:
    """One draft's needs and proposed programmes (read at once: every draft's checks ask about
    both), and its date, sex, scores and risk level, each worked out once, when first asked for.
    One object per draft rather than a closure per fact: every draft pays for setting them up."""

    __slots__ = ("facts", "catalogue", "predictors", "low_risk_cut", "needs", "need_evidence", "proposed",
                 "proposed_evidence", "_date", "_sex", "_scores", "_risk")

    def __init__(self, facts, catalogue: ProgrammesFile, predictors: Predictors, low_risk_cut: dt.date | None) -> None:
        self.facts, self.catalogue, self.predictors, self.low_risk_cut = facts, catalogue, predictors, low_risk_cut
        self._date = self._sex = self._scores = self._risk = _UNREAD
        self.needs, self.need_evidence = offence_needs(facts)
        self.proposed, self.proposed_evidence = proposed_programmes(facts, catalogue)

    def date(self) -> dt.date | None:
        if self._date is _UNREAD:
            self._date = report_date(self.facts)
        return self._date

    def sex(self) -> str:
        if self._sex is _UNREAD:
            self._sex = person_sex(self.facts)
        return self._sex

    def scores(self) -> list[tuple[str, str]]:
        """Read by both risk_level and need_risks."""
        if self._scores is _UNREAD:
            self._scores = percentage_scores(self.facts.text)
        return self._scores

    def risk(self) -> tuple[str | None, str]:
        if self._risk is _UNREAD:
            self._risk = risk_level(self.facts, self.scores())
        return self._risk

    def needs_risk(self) -> str | None:
        """The level general needs are judged at: the stated one, else low for a first offence."""
        stated = self.risk()[0]
        if stated is None and self.catalogue.no_previous_unstated_risk and _has(self.facts, "NO_PREVIOUS"):
            return self.catalogue.no_previous_unstated_risk
        return stated

    def low_risk_excluded(self) -> bool:
        """Low risk, unless the report predates the cut. The level first: most drafts state a
        higher one, and then the report's date (a search of the header) is not needed."""
        # "is the highest stated level low" settles at the first higher level found
        if not (self.risk()[0] == "low" if self._risk is not _UNREAD else stated_risk_is_low(self.facts, self.scores())):
            return False
        cut = self.low_risk_cut
        return not (cut is not None and self.date() is not None and self.date() < cut)

    def indicated(self) -> bool:
        """A need calling for a programme, not excluded at low risk, with no custody proposed.
        Partner violence and sexual offending call for one at any level, so the levels of
        each kind of predictor are read only for needs judged by them."""
        needs = self.needs
        if not needs or _custody_proposed(self.facts):
            return False
        if not needs & _ALWAYS_INDICATING and not _indicating(
                needs, self.needs_risk(), need_risks(self.facts, self.needs_risk(), self.predictors, needs, self.scores())):
            return False
        return not self.low_risk_excluded()

    def suggestions(self) -> list[Programme]:
        return [] if self.low_risk_excluded() else suggest(self.catalogue, self.needs, self.sex(), self.risk()[0],
                                                           self.facts.region, self.date())

    def ineligible(self) -> list[tuple[Programme, str]]:
        if not self.proposed:
            return []  # nothing proposed: no partner context, sex or risk level to read
        eligible_for = self.needs | partner_context(self.facts)
        return [(p, why) for p in self.proposed
                for why in [_ineligible(p, eligible_for, self.sex(), self.risk()[0], self.date(), self.low_risk_cut)]
                if why]

    def suggestions_text(self) -> str:
        region = self.facts.region
        return _names(self.suggestions()) or (
            "none (accredited programmes are not offered at low risk)" if self.low_risk_excluded() else
            f"none in the catalogue for {region}" if region else "none in the catalogue")


# each programme fact, by name in the group's order, as read from a draft's _ProgrammeReading
_PROGRAMME = {
    "indicated": _ProgrammeReading.indicated,
    "considered": lambda r: bool(r.proposed) or programme_ruled_out(r.facts),
    "proposal_present": lambda r: _proposal_present(r.facts),
    "needs_text": lambda r: ", ".join(_NEED_LABELS[n] for n in sorted(r.needs)) or "none found",
    "risk_level": lambda r: r.risk()[0],
    "risk_basis": lambda r: r.risk()[1],
    "suggestions_text": _ProgrammeReading.suggestions_text,
    "proposed_text": lambda r: _names(r.proposed) or "none",
    "ineligible": lambda r: bool(r.ineligible()),
    "ineligible_text": lambda r: "; ".join(f"{p.name}: {why}" for p, why in r.ineligible()) or "none",
    "retired": lambda r: any(_retired(p, r.date()) for p in r.proposed),
    "retired_text": lambda r: "; ".join(_retired_text(p, r.catalogue) for p in r.proposed if _retired(p, r.date()))
    or "none",
}


def report_date(facts) -> dt.date | None:
    """The report's own date: a record date if there is one, else the latest date in the header."""
    record = facts.record
    for name in ("report_date", "court_date", "sentence_date"):
        value = getattr(record, name, None) if record else None
        if value:
            return value
    dates = []
    header = facts.text[:700]
    for match in _DATE.finditer(header):
        before = header[max(0, match.start() - 25):match.start()].lower()
        if "birth" in before or "dob" in before or "d.o.b" in before:
            continue
        try:
            if match.group(1):
                dates.append(dt.date(int(match.group(3)), int(match.group(2)), int(match.group(1))))
            else:
                dates.append(dt.date(int(match.group(6)), _MONTHS[match.group(5).lower()], int(match.group(4))))
        except ValueError:
            continue
    return max(dates) if dates else None


@dataclass(frozen=True)
class Predictors:
    """rules/programmes.yaml ``risk_predictors`` compiled: one pattern per kind (a predictor's name,
    then a level within its clause: "OVP 36% (medium)", "RoSH: low"; or the level first: "low RoSH"),
    and the kind of each name for banded percentages ("OGRS3 45%")."""

    patterns: dict[str, re.Pattern]
    score_kind: dict[str, str]
    words: dict[str, tuple[str, ...] | None]  # each kind's names' first words (facts/stretches.py)


def compile_predictors(catalogue: ProgrammesFile) -> Predictors:
    """Built once per rule pack, with the calculator; never per document."""
    kinds = catalogue.risk_predictors.model_dump()
    patterns = {}
    for kind, names in kinds.items():
        named = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(names, key=len, reverse=True))
        patterns[kind] = re.compile(rf"\b(?:{named})\b[^.\n]{{0,40}}?\b{_LEVEL}\b|\b{_LEVEL}\s+(?:{named})\b",
                                    re.IGNORECASE)
    return Predictors(patterns, {name.lower(): kind for kind, names in kinds.items() for name in names},
                      {kind: _first_words(names) for kind, names in kinds.items()})


def _first_words(names: list[str]) -> tuple[str, ...] | None:
    """Every match of a kind's pattern holds one of its names, so the first word of one; None
    (read the whole text) unless each is plain ASCII with no full stop."""
    words = tuple(sorted({name.split()[0].lower() for name in names if name.split()}))
    plain = len(words) > 0 and all(name.split() and name.isascii() and "." not in name for name in names)
    return check_words(words) if plain else None


def risk_levels_by_kind(facts, predictors: Predictors, kinds: Iterable[str] | None = None,
                        scores: list[tuple[str, str]] | None = None) -> dict[str, str | None]:
    """The highest stated level of each kind: "violence" (RoSH, OVP, RSR, SARA) and "reoffending"
    (OGRS, OGP, likelihood of reoffending); None where the draft states none of that kind.
    Only ``kinds`` are read when given; ``scores`` is ``_SCORE.findall`` of the text if known."""
    wanted = predictors.patterns if kinds is None else kinds
    found: dict[str, list[str]] = {kind: [] for kind in predictors.patterns if kind in wanted}
    if facts.record and facts.record.rosh_level and "violence" in found:
        found["violence"].append(facts.record.rosh_level)
    for kind in found:
        stretches = stretches_holding(facts.text, predictors.words[kind])
        found[kind] += [_level(m.group(1) or m.group(2)) for m in matches_in(predictors.patterns[kind], facts.text, stretches)]
    for name, score in percentage_scores(facts.text) if scores is None else scores:
        if predictors.score_kind.get(name.lower()) in found:
            value = float(score)
            found[predictors.score_kind[name.lower()]].append("high" if value >= 75 else "medium" if value >= 50 else "low")
    return {kind: max(levels, key=lambda x: RISK_ORDER[x]) if levels else None for kind, levels in found.items()}


def percentage_scores(text: str) -> list[tuple[str, str]]:
    """``_SCORE.findall(text)``: (predictor, percentage) pairs, "OGRS3 45%", tried only where a
    predictor's name starts."""
    return [match.group(1, 2) for match in matches_starting(_SCORE, text, _SCORE_WORDS)]


def _level(word: str) -> str:
    word = word.lower()
    return "medium" if word == "med" else word


def risk_level(facts, scores: list[tuple[str, str]] | None = None) -> tuple[str | None, str]:
    """The highest stated RoSH / risk level, or a band from OGRS, OVP or RSR percentages."""
    if facts.record and facts.record.rosh_level:
        return facts.record.rosh_level, f"RoSH {facts.record.rosh_level} in the record"
    levels = list(_stated_levels(facts.text, scores))
    if not levels:
        return None, "no risk level stated: judged from offence and needs"
    level = max(levels, key=lambda x: RISK_ORDER[x])
    return level, f"{level} risk stated in the report"


def stated_risk_is_low(facts, scores: list[tuple[str, str]] | None = None) -> bool:
    """``risk_level(facts)[0] == "low"``, stopping at the first level above low (a regex over the
    whole text per pattern: most drafts state a medium or high RoSH in the first)."""
    if facts.record and facts.record.rosh_level:
        return facts.record.rosh_level == "low"
    seen = False
    for level in _stated_levels(facts.text, scores):
        if level != "low":
            return False
        seen = True
    return seen


def _stated_levels(text: str, scores: list[tuple[str, str]] | None) -> Iterator[str]:
    """Every risk level the text states, pattern by pattern, then the bands of percentage scores."""
    readings = [(pattern, _RISK_WORDS) for pattern in _RISK_PATTERNS] + [(_PREDICTOR_LEVEL, _PREDICTOR_WORDS)]
    stretches: dict[tuple[str, ...], list[tuple[int, int]]] = {}
    for pattern, words in readings:
        if words not in stretches:
            stretches[words] = stretches_holding(text, words)
        for match in matches_in(pattern, text, stretches[words]):
            yield match.group(1).lower().replace("med", "medium").replace("mediumium", "medium")
    for _name, score in percentage_scores(text) if scores is None else scores:
        value = float(score)
        yield "high" if value >= 75 else "medium" if value >= 50 else "low"


def person_sex(facts) -> str:
    """Whom the report is about: the record's sex; a "Sex:"/"Gender:" label; the title used with
    the surname from the header ("Lewis HARDING" … "Mr Harding"); a title on the name line.
    Victims are often named more than the person, so pronoun counts are not used; men are the
    default because most PSRs are on men."""
    if facts.record and facts.record.sex in ("male", "female"):
        return facts.record.sex
    text = facts.text
    header = text[:600]
    label = _SEX_LABEL.search(header) if holds_any(header, ("sex", "gender")) else None
    if label:
        return "female" if label.group(1).lower().startswith("f") else "male"
    titles_here: list[tuple[int, int, str]] | None = None
    for surname in _header_surnames(header):
        if titles_here is None:
            titles_here = titles_in(text)
        titles = _titles_with(text, surname, titles_here)
        if titles:
            female = sum(t.lower() in ("ms", "mrs", "miss") for t in titles)
            if female != len(titles) - female:
                return "female" if female > len(titles) - female else "male"
            # a shared surname (husband and wife): the pronouns of the text decide
            she = len(re.findall(r"\b(she|her|herself)\b", text, re.IGNORECASE))
            he = len(re.findall(r"\b(he|his|him|himself)\b", text, re.IGNORECASE))
            return "female" if she > he else "male"
    name_line = re.search(r"(?im)^\s*(?:name|defendant|re|subject)\s*[:\-]\s*(Mr|Ms|Mrs|Miss)\b", header)
    if name_line:
        return "male" if name_line.group(1).lower() == "mr" else "female"
    # sentences usually open with the person the report is about: "She pushed him …" (each
    # pattern is read only when its word is in the text at all)
    she, he = _sentences_opening(text, _SHE), _sentences_opening(text, _HE)
    return "female" if she > he else "male"


_SHE, _HE = re.compile(r"She\b"), re.compile(r"He\b")  # a literal first: the search skips to it


def _sentences_opening(text: str, word: re.Pattern) -> int:
    """``len(re.findall(r"(?:^|[.!?]\\s+|\\n)She\\b", text))`` for ``word`` = ``She\\b``: the word
    where a text, a line or (after an end mark and white space) a sentence starts. The word is
    found first and what stands before it read back, instead of trying the lead at every character."""
    count = 0
    for match in word.finditer(text):
        at = match.start()
        if at == 0 or text[at - 1] == "\n":
            count += 1
            continue
        before = at - 1
        while before >= 0 and text[before].isspace():  # what \s matches in a str pattern
            before -= 1
        count += before < at - 1 and before >= 0 and text[before] in ".!?"
    return count


def titles_in(text: str) -> list[tuple[int, int, str]]:
    """Every title in the text ("Mr", "MRS."), where it starts and where its white space ends."""
    return [(m.start(), m.end(), m.group(1)) for m in matches_starting(_TITLE, text, _TITLE_WORDS)]


def _titles_with(text: str, surname: str, titles: list[tuple[int, int, str]]) -> list[str]:
    """The titles written before ``surname`` ("Mr Harding", "MRS. HARDING"): what
    ``re.findall(rf"\\b(Mr|Ms|Mrs|Miss)\\.?\\s+{re.escape(surname)}\\b", text, re.IGNORECASE)`` gives,
    read from the titles found once per text (``titles_in``), each followed by the name as
    lower() tells for ASCII, then a word boundary; a match resumes the search after the name.
    A name or a text after a title that is not ASCII is left to that regex (lower() cannot tell)."""
    name, size = surname.lower(), len(surname)
    if not name.isascii() or not all(text[end:end + size].isascii() for _, end, _ in titles):
        return re.findall(rf"\b(Mr|Ms|Mrs|Miss)\.?\s+{re.escape(surname)}\b", text, re.IGNORECASE)
    found: list[str] = []
    searched_to = 0
    for start, end, title in titles:
        if start < searched_to:
            continue  # inside the last match
        if text[end:end + size].lower() == name and _word_boundary(text, end + size):
            found.append(title)
            searched_to = end + size
    return found


def _word_boundary(text: str, at: int) -> bool:
    """``\\b`` at ``at`` (a word character on one side only), as a str pattern judges it."""
    def word(char: str) -> bool:
        return char.isalnum() or char == "_"
    return word(text[at - 1]) != (at < len(text) and word(text[at]))


def _header_surnames(header: str) -> list[str]:
    """Surnames from the header: "Name: Marcus Adebayo", "Lewis HARDING", "Re: Adam SZYMAŃSKI"."""
    names = []
    for match in re.finditer(r"(?im)^\s*(?:name|defendant|re|subject|offender)\s*[:\-]\s*(?:(?:Mr|Ms|Mrs|Miss)\.?\s+)?"
                             r"((?:[A-Z][\w'’-]+\s+){0,3}[A-Z][\w'’-]+)", header):
        names.append(match.group(1).split()[-1])
    names += re.findall(r"\b[A-Z][a-z]+\s+([A-Z]{3,}(?:-[A-Z]{2,})?)\b", header)
    return [n.title() if n.isupper() else n for n in names]


def offence_needs(facts) -> tuple[set[str], list[Mention]]:
    needs: set[str] = set()
    evidence: list[Mention] = []

    def take(concept: str, need: str, **kw) -> None:
        found = [m for m in facts.mentions.get(concept, []) if _counts(m, **kw)]
        if found:
            needs.add(need)
            evidence.extend(found[:1])

    partner_violence = [m for m in facts.mentions.get("DA_INDICATOR", []) if _counts(m)
                        and any(p.start >= m.start and p.end <= m.end for p in facts.places_of("INTIMATE_PARTNER"))]
    # a relationship may be over ("separated in 2024"): historical does not set it aside
    # the offence account: under its heading, or in a headingless report (as DA001 reads it)
    offence_partner = [m for m in facts.mentions.get("PARTNER_LINK", [])
                       if m.section in _OFFENCE_ACCOUNT and not (_SET_ASIDE & set(m.states)) and not m.in_heading]
    offence_violence = [m for m in facts.mentions.get("PERSONAL_OFFENCE", []) if _counts(m, _OFFENCE_ACCOUNT)]
    # what a police check found ("1 call-out 2019 (the incident leading to the NMO)") is history the
    # check reports, not the offence now
    partner_terms = [m for m in facts.mentions.get("IPV_TERM", []) if _counts(m) and m.section != "sources"
                     and not _in_clause(facts, m, "DA_ENQUIRY")]
    if partner_violence or partner_terms or (offence_partner and offence_violence):
        needs.add("intimate_partner_violence")
        evidence.extend((partner_violence or offence_violence)[:1])
    take("VIOLENCE_ACT", "general_violence", sections=("offence", "details", "other"))
    take("SEXUAL_OFFENCE", "sexual", sections=("offence", "details", "other", "risk"))
    take("INTERNET_SEXUAL", "internet_sexual", sections=("offence", "details", "other", "risk"))
    take("THINKING_NEED", "general_offending")
    take("LEARNING_DISABILITY", "learning_disability")
    take("GANG_EXTREMISM", "gang_extremism")
    return needs, evidence


def partner_context(facts) -> set[str]:
    """Partner abuse the report shows anywhere, for judging a proposed partner-violence programme.

    A need that *calls for* a programme must be in the offence; a programme proposed for partner
    abuse is only "not for this person" when the report shows no partner abuse at all: DA
    indicators, or violence in the offence account, with a partner in the report ("his partner, Ms
    Shaw" … "threatened to put her through the window") make BBR or Building Choices fit (AP002
    would otherwise tell the author to withdraw it).
    """
    indicators = [m for m in facts.places_of("DA_INDICATOR") if not (_SET_ASIDE & set(m.states))] + [
        m for m in facts.mentions.get("PERSONAL_OFFENCE", []) if _counts(m, _OFFENCE_ACCOUNT)]
    partners = [m for name in ("INTIMATE_PARTNER", "NAMED_PARTNER", "PARTNER_LINK")
                for m in facts.places_of(name) if not (_SET_ASIDE & set(m.states))]
    return {"intimate_partner_violence"} if indicators and partners else set()


def _counts(mention: Mention, sections: tuple[str, ...] | None = None) -> bool:
    if mention.in_heading or _SET_ASIDE & set(mention.states) or "historical" in mention.states:
        return False
    return sections is None or mention.section in sections


_ALWAYS_INDICATING = frozenset({"intimate_partner_violence", "sexual", "internet_sexual", "gang_extremism"})


def _indicating(needs: set[str], risk: str | None, risk_for: dict[str, str | None] | None = None) -> set[str]:
    """Needs that call for a programme: partner violence and sexual offending always; general
    violence, thinking needs and learning disability only at medium risk or above, or with the
    risk unknown unless violence alone is all there is (LABELLING: violence "at medium risk").
    ``risk_for`` gives a need its own level (violence by RoSH/OVP, thinking needs by OGRS)."""
    always = needs & _ALWAYS_INDICATING
    levels = {need: (risk_for or {}).get(need, risk)
              for need in needs & {"general_violence", "general_offending", "learning_disability"}}
    general = {need for need, level in levels.items() if level is None or RISK_ORDER[level] >= RISK_ORDER["medium"]}
    if general == {"general_violence"} and levels["general_violence"] is None:
        return always  # one act of violence, no risk level and no thinking needs: nothing shows medium risk
    return always | general


_NEED_KIND = {"general_violence": "violence", "general_offending": "reoffending", "learning_disability": "reoffending"}


def need_risks(facts, judged_at: str | None, predictors: Predictors, needs: set[str] | None = None,
               scores: list[tuple[str, str]] | None = None) -> dict[str, str | None]:
    """Each general need's level (of ``needs`` only, when given): its own kind when the draft
    states it, else ``judged_at``."""
    wanted = [need for need in _NEED_KIND if needs is None or need in needs]
    kinds = risk_levels_by_kind(facts, predictors, {_NEED_KIND[need] for need in wanted}, scores)
    return {need: kinds[_NEED_KIND[need]] or judged_at for need in wanted}


def proposed_programmes(facts, catalogue: ProgrammesFile) -> tuple[list[Programme], list[Mention]]:
    proposed: list[Programme] = []
    evidence: list[Mention] = []
    for programme, concept in _programme_concepts(catalogue):
        for mention in facts.mentions.get(concept, []):
            if not _counts(mention) or _in_clause(facts, mention, "RULE_OUT"):
                continue
            if mention.section == "proposal" or _in_clause(facts, mention, "PROPOSE_WORD") \
                    or _in_clause(facts, mention, "PROGRAMME_GENERIC") or _in_clause(facts, mention, "SENTENCE_ORDER"):
                if programme not in proposed:
                    proposed.append(programme)
                    evidence.append(mention)
    return proposed, evidence


_CONCEPTS: dict[int, tuple[ProgrammesFile, list[tuple[Programme, str]]]] = {}  # id → (catalogue, kept; its pairs)


def _programme_concepts(catalogue: ProgrammesFile) -> list[tuple[Programme, str]]:
    """Each programme with the concept naming it, in catalogue order: worked out once per
    catalogue (which never changes once loaded), not for every draft."""
    kept = _CONCEPTS.get(id(catalogue))
    if kept is None or kept[0] is not catalogue:
        kept = _CONCEPTS[id(catalogue)] = (catalogue, [(p, catalogue.concept_id(p)) for p in catalogue.programmes])
    return kept[1]


def programme_ruled_out(facts) -> bool:
    """A programme (named or in general) set aside with a reason, or negated ("no programme")."""
    for concept in ("PROGRAMME_NAME", "PROGRAMME_GENERIC"):
        for mention in facts.mentions.get(concept, []):
            if "historical" in mention.states and mention.section != "proposal":
                # "on licence in 2019 he completed TSP" is history; "he completed Resolve in 2023 …
                # repeating it is not proposed" gives a reason
                if _on_line(facts, mention, "RULE_OUT_REASON"):
                    return True
                continue
            if _in_clause(facts, mention, "RULE_OUT"):
                return True  # a label's value is in its clause: "Accredited programme: … she could not attend"
            if "negated" in mention.states and not mention.in_heading:
                return True
    return False


def suggest(catalogue: ProgrammesFile, needs: set[str], sex: str, risk: str | None, region: str | None,
            date: dt.date | None) -> list[Programme]:
    wanted = _indicating(needs, risk)
    options = []
    for programme in catalogue.programmes:
        if programme.status == "retired" or not wanted & set(programme.targets) or sex not in programme.sexes:
            continue
        if RISK_ORDER[risk or "medium"] < RISK_ORDER[programme.min_risk]:
            continue  # with no stated risk, only programmes open at medium risk are suggested
        if region and programme.regions and region not in programme.regions:
            continue
        if programme.available_from and date and date < parse_date(programme.available_from + "-01"):
            continue
        options.append(programme)
    current = [p for p in options if p.status == "current"]
    return current or options


def _ineligible(programme: Programme, needs: set[str], sex: str, risk: str | None, date: dt.date | None,
                low_risk_cut: dt.date | None) -> str:
    if sex not in programme.sexes:
        return f"it is for {' and '.join(programme.sexes)} participants only"
    specific = {"intimate_partner_violence", "sexual", "internet_sexual", "learning_disability", "gang_extremism"}
    required = set(programme.targets) & specific
    if required and set(programme.targets) <= specific and not (needs & required):
        return f"it is for {', '.join(_NEED_LABELS[t] for t in sorted(required))}, which the report does not describe"
    if risk is not None and RISK_ORDER[risk] < RISK_ORDER[programme.min_risk]:
        return f"it needs {programme.min_risk} risk or above and the report states {risk}"
    if risk == "low" and low_risk_cut and (date is None or date >= low_risk_cut):
        return f"from {low_risk_cut:%d %B %Y} accredited programmes are not offered to people assessed as low risk"
    return ""


def _retired(programme: Programme, date: dt.date | None) -> bool:
    if programme.status != "retired":
        return False
    cut = parse_date(programme.retired_from + "-01") if programme.retired_from and len(programme.retired_from) == 7 \
        else parse_date(programme.retired_from) if programme.retired_from else None
    return cut is None or date is None or date >= cut


def _retired_text(programme: Programme, catalogue: ProgrammesFile) -> str:
    replacement = next((p.name for p in catalogue.programmes if p.id == programme.replaced_by), None)
    since = f" since {programme.retired_from}" if programme.retired_from else ""
    return f"{programme.name} has been retired{since}" + (f"; propose {replacement} instead" if replacement else "")


def _custody_proposed(facts) -> bool:
    """Immediate custody proposed ("I propose 12 weeks' custody"), not "custody is likely"."""
    for mention in facts.mentions.get("CUSTODY_PROPOSAL", []):
        if _SET_ASIDE & set(mention.states) or not _in_clause(facts, mention, "PROPOSE_WORD"):
            continue
        if not _in_clause(facts, mention, "CUSTODY_NOT_PROPOSED"):
            return True
    return False


def _on_line(facts, mention: Mention, concept: str) -> bool:
    """A mention of ``concept`` in the same sentence or later on the same line: a reason often
    follows its history after a semicolon ("he completed Resolve in 2023 …; repeating it is not proposed")."""
    line_end = facts.text.find("\n", mention.end)
    line_end = len(facts.text) if line_end < 0 else line_end
    return any(mention.sent_start <= o.start < max(mention.sent_end, line_end) for o in facts.places_of(concept))


def _has(facts, concept: str) -> bool:
    return any(not (_SET_ASIDE & set(m.states)) for m in facts.places_of(concept))


def _in_clause(facts, mention: Mention, concept: str) -> bool:
    return any(mention.sent_start <= o.start < mention.sent_end for o in facts.places_of(concept))


def _names(programmes: list[Programme]) -> str:
    return ", ".join(p.name for p in programmes)


def _proposal_present(facts) -> bool:
    """A proposal to judge: a Proposal section, or a sentence or proposal word in the text."""
    if any(s.id == "proposal" for s in facts.sections):
        return True
    return any(not (_SET_ASIDE & set(m.states)) for name in ("PROPOSE_WORD", "SENTENCE_ORDER")
               for m in facts.places_of(name))
