"""``lint --redact``: names of people replaced by roles ([DEFENDANT], [PARTNER], …) in every output.

Why after linting, not before: the checks read the original draft, so the findings with and
without ``--redact`` are the same; only their words change. The redacted copy rewrites the
document text, every evidence span (offsets re-mapped, so ``text[start:end]`` still gives the
evidence), every message and every record value shown. A name never spans a line, so line
numbers do not move.

How names are found (cues and words live in rules/redact.yaml, not here):
1. cues that say who someone is: a label line ("Victim: Ryan Fairbrother"), a relation word next
   to a name ("his partner, Jane Smith", "Megan, his ex-partner"), a signature ("K. Dempsey, PO");
2. a title and a name ("Ms Doyle"): the role of that name if a cue gave one, else [PERSON];
3. every later use of a forename or surname found so far ("Reece", "REECE", "Mr Reece"), and the
   defendant's initials ("JW").
It is rule-based: a name with no cue anywhere in the draft stays. The docs say so.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from psr_check.models import DocumentResult, Finding, RecordEvidence, ScopeNotice, Section, TextEvidence
from psr_check.pack.redact import RedactFile, RoleWords


def _letters(upper: bool) -> str:
    """A-Z or a-z plus the accented Latin letters ("Wójcik", "Szymański", "Siân")."""
    extra = "".join(chr(c) for c in range(0xC0, 0x250) if (chr(c).isupper() if upper else chr(c).islower()))
    return ("A-Z" if upper else "a-z") + re.escape(extra)


_U = _letters(True)
_L = _letters(False)
# "Reece", "McDonald", "O'Brien", "Smith-Jones"; "REECE", "O'BRIEN"; an initial "K." / "A".
_TITLECASE = rf"(?:Ma?c|O['’]|D['’])?[{_U}][{_L}]+(?:['’][{_U}][{_L}]+)?(?:-[{_U}][{_L}]+)*"
_ALLCAPS = rf"(?:Ma?c|O['’])?[{_U}](?:[{_U}]|['’-](?=[{_U}]))+"  # "REECE", "McALLISTER", "O'BRIEN"
_INITIAL = rf"[{_U}]\.?"
_BEFORE = r"(?<![\w'’\-])"
_AFTER = r"(?![\w\-])"
WORD = re.compile(rf"{_BEFORE}(?:(?P<tc>{_TITLECASE})|(?P<caps>{_ALLCAPS})|(?P<ini>{_INITIAL}))(?![\w\-])")
_GAP = re.compile(r"[ \t]")  # words of one name are one space apart; two or more spaces end it (label lines)
_NICKNAME = re.compile(rf"[ \t]\((?:{_TITLECASE})\)(?=[ \t])")  # "Josephine (Jo) BIRTWISTLE"


@dataclass(frozen=True)
class NameSpan:
    start: int
    end: int
    role: str
    priority: int  # 3 a cue that says the role, 2 a title, 1 a later use of a known name
    words: tuple[str, ...] = ()


@dataclass
class Known:
    """Names learned from the cues, to find their later uses and give them a role."""

    tokens: dict[str, str] = field(default_factory=dict)        # "reece" -> DEFENDANT
    full: dict[tuple[str, ...], str] = field(default_factory=dict)
    initials: set[str] = field(default_factory=set)
    defendant_title: str | None = None  # "Mr": then "Mrs Reece" is someone else with his surname

    def copy(self) -> "Known":
        return Known(dict(self.tokens), dict(self.full), set(self.initials), self.defendant_title)

    def role_of(self, words: tuple[str, ...]) -> str | None:
        key = tuple(w.lower() for w in words)
        if len(key) > 1 and key in self.full:  # one word alone goes by who it named first
            return self.full[key]
        return next((self.tokens[w] for w in key if w in self.tokens), None)


class Redactor:
    """Finds names in a text from rules/redact.yaml; compiled once per run."""

    def __init__(self, rules: RedactFile) -> None:
        self.rules = rules
        self.stop = {w.lower() for w in rules.stop_words}
        self.org_words = {w.lower() for w in rules.org_words}
        self.titles = set(rules.titles)
        titles = "|".join(sorted(map(re.escape, rules.titles), key=len, reverse=True))
        self._title = re.compile(rf"{_BEFORE}(?:{titles})\.?[ \t]+")
        self._title_only = re.compile(rf"(?:{titles})\.?$")
        # at a line start, in a table cell ("Name | Daniel Reece"), after a wide gap on a header line
        # or after a full stop ("… 07/03/2026. Victim: Mr Adeel Hussain")
        self._labels = _cue_regex(rules.labels, r"(?im)(?:^|\|[ \t]*|[ \t]{2,}|[.;][ \t]+)(?:[-•*>][ \t]*)?(?:\d+(?:\.\d+)*\.?[ \t]+)?",
                                  r"[ \t]*[:|–—-][ \t]*")
        self._label_roles = _roles(rules.labels)
        self._relations = _cue_regex(rules.relations, rf"(?i){_BEFORE}", r"(?![\w\-])")
        self._relation_roles = _roles(rules.relations)
        self._listing = {w.lower() for r in rules.relations + rules.labels if r.lists for w in r.words}
        rel = "|".join(sorted((re.escape(w) for r in rules.relations for w in r.words), key=len, reverse=True))
        words = rf"(?:(?:{titles})\.?[ \t]+)?{_TITLECASE}(?:[ \t]+{_TITLECASE}){{0,{rules.max_name_words - 1}}}"
        addresses = "|".join(re.escape(a).replace(r"\ ", r"[ \t]+") for a in rules.address_labels) or "(?!)"
        self._address_line = re.compile(rf"(?i)[ \t]*(?:[-•*][ \t]*)?(?:\d+(?:\.\d+)*\.?[ \t]+)?(?:{addresses})[ \t]*[:|–-]")
        places = "|".join(map(re.escape, rules.place_words_before)) or "(?!)"
        self._place_before = re.compile(rf"(?im)(?:^|[^\w])(?:{places})[ \t]+$")
        homes = "|".join(re.escape(h).replace(r"\ ", r"[ \t]+") for h in rules.home_cues) or "(?!)"
        self._home_before = re.compile(rf"(?i)(?:{homes})(?![\w])[^\n.;]{{0,30}}$")
        self._name_then_relation = re.compile(
            rf"{_BEFORE}(?P<name>{words})[ \t]*[,(][ \t]*(?:(?i:his|her|their|the|my|a)[ \t]+)?"
            rf"(?P<rel>(?i:{rel})){_AFTER}")
        grades = "|".join(sorted(map(re.escape, rules.signature_grades), key=len, reverse=True))
        self._signature = re.compile(
            rf"(?m)^[ \t]*(?P<name>(?:{_INITIAL}[ \t]*)?{_TITLECASE}(?:[ \t]+{_TITLECASE})?)"
            rf"[ \t]*[,(–-][ \t]*(?:{grades})\)?[ \t]*$") if grades else None

    # -- finding names -----------------------------------------------------------------------
    def find(self, text: str, known: Known | None = None) -> tuple[list[NameSpan], Known]:
        """Non-overlapping name spans in ``text`` (sorted) and the names learned, seeded by
        ``known`` (a document's names, when redacting a message about it)."""
        known = known.copy() if known else Known()
        cued = sorted(self._cued(text), key=lambda s: (s.start, -s.priority))
        for span in cued:
            self._learn(span, known)
        titled = list(self._titled(text))
        known.defendant_title = self._defendant_title(text, titled, known)
        for index, span in enumerate(titled):
            role = self._titled_role(text[span.start:span.end], span.words, known)
            titled[index] = NameSpan(span.start, span.end, role, 2, span.words)
            self._learn(titled[index], known)
        later = list(self._later_uses(text, known))
        return _non_overlapping(cued + titled + later), known

    def _defendant_title(self, text: str, titled: list[NameSpan], known: Known) -> str | None:
        """"m" or "f": how the draft first titles the defendant ("I interviewed Mr Reece"), so
        that "Mrs Reece" can be told apart as someone sharing his surname. (A majority vote fails
        when a wife or mother of the same surname is the victim and is named more often.)"""
        for span in titled:
            if known.role_of(span.words) == self.rules.defendant_role and not self._other_forename(span.words, known):
                sex = _sex_of_title(text[span.start:span.end].split()[0].rstrip("."))
                if sex:
                    return sex
        return None

    def _other_forename(self, words: tuple[str, ...], known: Known) -> bool:
        """"Tracey Ward" when the defendant is "Graham Ward": same surname, another person."""
        key = tuple(w.lower() for w in words)
        if len(key) < 2 or key in known.full:
            return False
        return known.tokens.get(key[0]) != self.rules.defendant_role

    def _titled_role(self, name: str, words: tuple[str, ...], known: Known) -> str:
        """The role of "Mr Reece": the defendant's, unless it is another person with that surname:
        another title ("Mrs Reece" when he is "Mr Reece") or another forename ("Mrs Tracey Reece")."""
        role = known.role_of(words) or self.rules.default_role
        if role != self.rules.defendant_role:
            return role
        title = _sex_of_title(name.split()[0].rstrip("."))
        other_title = bool(title and known.defendant_title and title != known.defendant_title)
        if other_title or self._other_forename(words, known):
            return self.rules.family_role
        return role

    def _cued(self, text: str) -> Iterable[NameSpan]:
        for match in self._labels.finditer(text):
            word = _cue_word(match)
            role = self._label_roles[word]
            yield from self._names_at(text, match.end(), role, strict=False, lists=word in self._listing)
        for match in self._relations.finditer(text):
            if self._on_address_line(text, match.start()):
                continue
            word = _cue_word(match)
            position = _skip_separator(text, match.end())
            if position is None:
                continue
            for span in self._names_at(text, position, self._relation_roles[word], strict=True,
                                       lists=word in self._listing):
                if not self._is_home(text, match.start(), position, span):
                    yield span
        if self.rules.name_then_relation:
            for match in self._name_then_relation.finditer(text):
                span = self._trailing_name(text, match.start("name"), match.end("name"))
                line_start = text.rfind("\n", 0, match.start()) + 1
                if span and not self._place_before.search(text, line_start, span[0]) \
                        and not self._on_address_line(text, match.start()):
                    yield NameSpan(*span, self._relation_roles[match.group("rel").lower()], 3,
                                   self._words(text[span[0]:span[1]]))
        if self._signature is not None:
            for match in self._signature.finditer(text):
                words = self._words(match.group("name"))
                if words and not any(w.lower() in self.stop for w in words):
                    yield NameSpan(match.start("name"), match.end("name"), self.rules.default_role, 3, words)

    def _names_at(self, text: str, position: int, role: str, *, strict: bool, lists: bool) -> Iterable[NameSpan]:
        """The name (or, after a list cue, the names) starting at ``position``."""
        for _ in range(8 if lists else 1):
            span = self._name_at(text, position, strict=strict)
            if span is None:
                return
            yield NameSpan(span[0], span[1], role, 3, self._words(text[span[0]:span[1]]))
            following = re.compile(r"[ \t]*(?:\([^)\n]{0,24}\))?[ \t]*(?:,|&|\band\b)[ \t]*").match(text, span[1])
            if not following:
                return
            position = following.end()

    def _name_at(self, text: str, position: int, *, strict: bool) -> tuple[int, int] | None:
        """One name at ``position``: an optional title, then up to ``max_name_words`` words one
        space apart, none a stop word. ``strict`` (after a relation word) takes only Capitalised
        words unless a title came first, since "partner DA checks" is not a name."""
        start = position
        title = self._title.match(text, position)
        if title:
            position = title.end()
            strict = False
        end = None
        count = 0
        initial_only = False
        while count < self.rules.max_name_words:
            word = WORD.match(text, position)
            if not word or self._stopped(word, strict=strict, first=count == 0):
                break
            end = word.end()
            initial_only = count == 0 and bool(word.group("ini"))
            count += 1
            if word.group("ini"):
                strict = False  # "K. Dempsey": the surname follows the initial
            nickname = _NICKNAME.match(text, end)
            gap = _GAP.match(text, nickname.end() if nickname else end)
            if not gap:
                break
            position = gap.end()
        if initial_only and count == 1 and not title:
            return None  # a lone capital with no title is an article or a list letter, not a name
        if end is None or self._org_follows(text, end):
            return None
        return start, end

    def _org_follows(self, text: str, end: int) -> bool:
        """"Cardiff Children's Services", "Leeds CSC", "Bristol Magistrates' Court": a place or an
        organisation, not a person."""
        following = re.compile(r"[ \t]+([\w'’&-]+)").match(text, end)
        return bool(following) and following.group(1).lower() in self.org_words

    def _is_home(self, text: str, cue_start: int, position: int, span: NameSpan) -> bool:
        """"Lives with his mum, Farnworth." names where they live: after a home cue, a comma and
        one or two words that end the clause are a place. (Brackets are not read this way:
        "lives with wife (Maureen)." names her far more often than a place.)"""
        if "," not in text[cue_start:position] or len(span.words) > 2:
            return False
        if not re.compile(r"[ \t]*(?:[.;]|$)", re.M).match(text, span.end):
            return False
        line_start = text.rfind("\n", 0, cue_start) + 1
        return bool(self._home_before.search(text, line_start, cue_start))

    def _on_address_line(self, text: str, position: int) -> bool:
        """"Address: 14 Bramble Close, Bulwell, Nottingham (mother's address)": places, not people."""
        line_start = text.rfind("\n", 0, position) + 1
        return bool(self._address_line.match(text, line_start))

    def _stopped(self, word: re.Match, *, strict: bool, first: bool) -> bool:
        token = word.group(0).rstrip(".")
        if word.group("ini"):
            return not first  # "Mr A", "K. Dempsey": an initial only opens a name
        if token.lower() in self.stop or token in self.titles:
            return True
        return strict and not word.group("tc")

    def _trailing_name(self, text: str, start: int, end: int) -> tuple[int, int] | None:
        """The words just before a relation ("Victim Ryan (brother)" → "Ryan"): stop words
        and sentence words before them are left out."""
        words = list(WORD.finditer(text, start, end))
        keep = None
        for word in reversed(words):
            token = word.group(0)
            if token.lower() in self.stop and token not in self.titles:
                break
            keep = word
        if keep is None:
            return None
        named = [w for w in words if w.start() >= keep.start() and w.group(0) not in self.titles]
        return (keep.start(), end) if named else None

    def _titled(self, text: str) -> Iterable[NameSpan]:
        for match in self._title.finditer(text):
            span = self._name_at(text, match.start(), strict=False)
            if span and span[1] > match.end():
                yield NameSpan(span[0], span[1], self.rules.default_role, 2, self._words(text[span[0]:span[1]]))

    def _later_uses(self, text: str, known: Known) -> Iterable[NameSpan]:
        """Runs of known name words (and the defendant's initials), with a title before them."""
        run: list[re.Match] = []
        for word in WORD.finditer(text):
            token = word.group(0)
            hit = not word.group("ini") and token.lower() in known.tokens and token.lower() not in self.stop
            if not hit and word.group("caps") and token in known.initials and token.lower() not in self.stop:
                yield NameSpan(word.start(), word.end(), self.rules.defendant_role, 1, (token,))
                continue
            if hit and run and _GAP.fullmatch(text[run[-1].end():word.start()]):
                run.append(word)
                continue
            yield from self._run_spans(text, run, known)
            run = [word] if hit else []
        yield from self._run_spans(text, run, known)

    def _run_spans(self, text: str, run: list[re.Match], known: Known) -> Iterable[NameSpan]:
        if not run:
            return
        words = tuple(w.group(0) for w in run)
        start = run[0].start()
        title = re.search(rf"{self._title.pattern}$", text[max(0, start - 8):start])
        if title:
            start -= len(title.group(0))
        if self._org_follows(text, run[-1].end()):
            return
        yield NameSpan(start, run[-1].end(), known.role_of(words) or self.rules.default_role, 1, words)
        if len(run) > 1:  # each word alone too, in case a cue claims part of the run
            for w in run:
                yield NameSpan(w.start(), w.end(), known.role_of((w.group(0),)) or self.rules.default_role, 0,
                               (w.group(0),))

    def _words(self, name: str) -> tuple[str, ...]:
        return tuple(w.group(0).rstrip(".") for w in WORD.finditer(name) if w.group(0).rstrip(".") not in self.titles)

    def _learn(self, span: NameSpan, known: Known) -> None:
        names = [w for w in span.words if len(w) > 1 and w.lower() not in self.stop]
        if not names:
            return
        known.full.setdefault(tuple(w.lower() for w in names), span.role)
        for word in names:
            known.tokens.setdefault(word.lower(), span.role)
        if self.rules.initials and span.role == self.rules.defendant_role and len(names) >= 2:
            letters = [w[0].upper() for w in names]
            for initials in {letters[0] + letters[-1], "".join(letters)}:
                if initials.lower() not in self.stop:
                    known.initials.add(initials)

    # -- applying ----------------------------------------------------------------------------
    def redact_document(self, doc: DocumentResult) -> DocumentResult:
        """A redacted copy of one document's result: same findings, names replaced by roles."""
        text = doc.text or ""
        spans, known = self.find(text)
        shift = Shift(text, spans)

        def words(value: str) -> str:
            return self.redact_string(value, known)

        return doc.model_copy(update={
            "text": shift.text if doc.text is not None else None,
            "sections": [Section(id=s.id, heading=words(s.heading), start=shift.start(s.start),
                                 end=shift.end(s.end)) for s in doc.sections],
            "scope_notices": [ScopeNotice(code=n.code, severity=n.severity, message=words(n.message))
                              for n in doc.scope_notices],
            "findings": [self._finding(f, text, shift, words) for f in doc.findings],
        })

    def redact_string(self, value: str, known: Known | None = None) -> str:
        """Any other text shown with a document (messages, record values): its own cues plus the
        document's names."""
        if not value:
            return value
        spans, _ = self.find(value, known)
        if known is not None:  # a name the document already placed keeps its role there
            spans = [NameSpan(s.start, s.end, known.role_of(s.words) or s.role, s.priority, s.words)
                     if s.words else s for s in spans]
        return Shift(value, spans).text

    def _finding(self, finding: Finding, text: str, shift: "Shift", words) -> Finding:
        evidence = []
        for e in finding.evidence:
            if isinstance(e, TextEvidence):
                start, end = shift.start(e.start), shift.end(e.end)
                holds = 0 <= e.start <= e.end <= len(text) and text[e.start:e.end] == e.text
                quoted = shift.text[start:end] if holds else words(e.text)
                evidence.append(e.model_copy(update={"start": start, "end": end, "text": quoted}))
            elif isinstance(e, RecordEvidence):
                evidence.append(e.model_copy(update={"value": _redact_value(e.value, words)}))
            else:  # pragma: no cover - Evidence is one of the two
                evidence.append(e)
        return finding.model_copy(update={
            "title": words(finding.title), "message": words(finding.message), "fix": words(finding.fix),
            "rationale": words(finding.rationale), "evidence": evidence,
            "tried": [words(t) for t in finding.tried],
            "suppression_reason": words(finding.suppression_reason) if finding.suppression_reason else
            finding.suppression_reason,
        })


class Shift:
    """The redacted text and the map from original offsets to redacted ones.

    A start inside a replaced name moves to the start of its role label and an end inside one to
    the end of it, so an evidence span that cut a name now covers the whole label."""

    def __init__(self, text: str, spans: list[NameSpan]) -> None:
        pieces, self._starts, self._ends, self._new_starts, self._new_ends = [], [], [], [], []
        position = 0
        length = 0
        for span in spans:
            pieces.append(text[position:span.start])
            length += span.start - position
            label = f"[{span.role}]"
            self._starts.append(span.start)
            self._ends.append(span.end)
            self._new_starts.append(length)
            pieces.append(label)
            length += len(label)
            self._new_ends.append(length)
            position = span.end
        pieces.append(text[position:])
        self.text = "".join(pieces)

    def start(self, offset: int) -> int:
        return self._map(offset, inside_to_end=False)

    def end(self, offset: int) -> int:
        return self._map(offset, inside_to_end=True)

    def _map(self, offset: int, *, inside_to_end: bool) -> int:
        i = bisect.bisect_right(self._starts, offset) - 1  # the last name starting at or before offset
        if i < 0:
            return offset
        if offset == self._starts[i]:
            return self._new_starts[i]
        if offset < self._ends[i]:
            return self._new_ends[i] if inside_to_end else self._new_starts[i]
        return self._new_ends[i] + (offset - self._ends[i])


def redact_documents(documents: list[DocumentResult], rules: RedactFile | None = None) -> list[DocumentResult]:
    """Every document's result with names replaced by roles (rules/redact.yaml unless given)."""
    if rules is None:
        from psr_check.pack.load import load_redaction_rules

        rules = load_redaction_rules()
    redactor = Redactor(rules)
    return [redactor.redact_document(d) for d in documents]


# -- helpers ------------------------------------------------------------------------------------
def _cue_regex(groups: list[RoleWords], before: str, after: str) -> re.Pattern:
    words = sorted({w for g in groups for w in g.words}, key=len, reverse=True)
    pattern = "|".join(re.escape(w).replace(r"\ ", r"[ \t]+") for w in words)
    return re.compile(rf"{before}(?P<cue>{pattern}){after}")


def _roles(groups: list[RoleWords]) -> dict[str, str]:
    roles: dict[str, str] = {}
    for group in groups:
        for word in group.words:
            roles.setdefault(" ".join(word.lower().split()), group.role)
    return roles


def _cue_word(match: re.Match) -> str:
    return " ".join(match.group("cue").lower().split())


_SEPARATOR = re.compile(r"[ \t]*(?:[,(]|[–—-](?=[ \t]))?[ \t]*")


def _skip_separator(text: str, position: int) -> int | None:
    """After a relation word: ", " / " (" / " – " / " ", never a full stop or a new line."""
    match = _SEPARATOR.match(text, position)
    return match.end() if match and match.end() > position else None


def _sex_of_title(title: str) -> str | None:
    return {"Mr": "m", "Master": "m", "Mrs": "f", "Ms": "f", "Miss": "f"}.get(title)


def _non_overlapping(spans: list[NameSpan]) -> list[NameSpan]:
    """Cues before titles before later uses; longer first within each; then in text order."""
    chosen: list[NameSpan] = []
    taken: list[tuple[int, int]] = []
    for span in sorted(spans, key=lambda s: (-s.priority, -(s.end - s.start), s.start)):
        if span.end <= span.start or any(span.start < e and s < span.end for s, e in taken):
            continue
        chosen.append(span)
        taken.append((span.start, span.end))
    return sorted(chosen, key=lambda s: s.start)


def _redact_value(value: Any, words) -> Any:
    if isinstance(value, str):
        return words(value)
    if isinstance(value, list):
        return [_redact_value(v, words) for v in value]
    return value
