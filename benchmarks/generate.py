"""Deterministic generator of varied, realistic draft reports for the benchmarks.

Drafts are recombined from the labelled corpus (corpus/dev and corpus/test):

1. every corpus draft is cut into *units* — its preamble (title, court, name, offence), then one
   unit per heading or ``label: value`` line (sources, offence analysis, previous convictions,
   assessment, risk, proposal, footer), each unit with the lines under it;
2. a generated draft takes the layout of one corpus draft of the wanted report type (its
   *skeleton*) and fills each unit from a different draft of the same type (same section class);
3. it is lengthened towards its target word count with paragraphs of the same section from other
   drafts, or shortened by dropping trailing sentences;
4. names (the subject's and the people around them), dates (shifted), courts/towns and money
   amounts are substituted from seeded lists, so no two drafts share their particulars.

The tokenizer caches the strings it has seen, so a benchmark of one text repeated reads several
times faster than real work; these drafts share vocabulary as real reports do, but not their text.

Determinism: draft ``i`` depends only on (seed, i, words) and the corpus files, never on the
number of drafts asked for, so the first 400 of a 10,000-draft run are the 400-draft run.

The national mix (design.md): about half oral records (~150 words), 45% short format (~500 words),
3% standard (~1,200 words); the 2% left over is counted with the oral records. Each target is
jittered by ±20%.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS_DIRS = (REPO / "corpus" / "dev", REPO / "corpus" / "test")

# report type -> (share of drafts in 100, nominal words)
MIX = {"oral": (52, 150), "short": (45, 500), "standard": (3, 1200)}
COLD_WORDS = 1500
JITTER = 0.2

BODY = ("sources", "offence", "previous", "assessment", "risk", "proposal")
PROSE = {"offence": 3, "assessment": 4, "risk": 1, "proposal": 1, "sources": 1}

_NUMBERING = re.compile(r"^\s*(?:[-•*▪]\s*)?(?:#+\s*)?(?:\(?\d+(?:\.\d+)*[.)]?\s+|[A-Za-z][.)]\s+)?")
_LABEL = re.compile(r"^([^:|]{1,40}?)\s*(?::|\s[-–]\s)\s*(.*)$")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b")
_MONEY = re.compile(r"£(\d{1,3}(?:,\d{3})+|\d+)(\.\d{2})?")
_COURT = re.compile(r"\b([A-Z][a-z]+(?:(?: and | upon | under | on | & |-| )[A-Z][a-z]+)?)"
                    r"(?= (?:Magistrates'? Court|Crown Court|MC|Youth Court|Combined Court)\b)")
_TITLE_NAME = re.compile(r"\b(Mr|Mrs|Ms|Miss|Dr)\.? ((?:O')?[A-Z][a-zA-Z]+(?:-[A-Z][a-zA-Z]+)?)\b(?! [A-Z][a-z])")
_TITLE_FULL = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Dr)\.? ([A-Z][a-z]+) ((?:O')?[A-Z][a-zA-Z]+(?:-[A-Z][a-zA-Z]+)?)\b")
_TITLES = {"Mr", "Mrs", "Ms", "Miss", "Dr"}
_RELATIVE_NAME = re.compile(
    r"\b(?:partner|wife|husband|girlfriend|boyfriend|ex-partner|son|daughter|brother|sister|mother|"
    r"father|mum|dad|cousin|friend|tenant|victim|stepson|stepdaughter|nephew|niece|grandmother|"
    r"grandfather|uncle|aunt),? ([A-Z][a-z]{2,})\b")
_AGED_NAME = re.compile(r"\b([A-Z][a-z]{2,}) \((?:aged )?\d{1,2}\)")

_CLASS_WORDS: list[tuple[str, tuple[str, ...]]] = [
    ("footer", ("author", "countersigned", "signed", "equality", "prepared by", "report writer",
                "probation officer", "pso", "po", "spo", "diversity")),
    ("details", ("name", "dob", "date of birth", "court", "date", "hearing", "address", "plea",
                 "report type", "defendant", "def", "charge", "victim", "age", "re", "report date",
                 "date of report", "date of hearing", "hearing date", "crn", "pnc no")),
    ("sources", ("source", "information", "checks", "check", "enquir", "da check", "da chks",
                 "csc", "mash", "dau", "police", "children's services", "safeguarding")),
    ("previous", ("previous", "prev", "pnc", "convictions", "record of offending", "prevs")),
    ("proposal", ("proposal", "prop", "conclusion", "recommend", "sentencing")),
    ("risk", ("risk", "rosh", "ogrs", "oasys", "sara", "likelihood", "mappa", "protective")),
    ("offence", ("offence analysis", "analysis", "offence", "offences", "off", "facts",
                 "circumstances of the offence", "index offence")),
    ("assessment", ("assessment", "circs", "circumstances", "accommodation", "accom", "housing",
                    "home", "lives", "household", "employment", "emp", "ete", "education", "work",
                    "works", "finance", "income", "relationships", "children", "kids", "family",
                    "alcohol", "drink", "drugs", "substance", "su", "health", "wellbeing",
                    "emotional", "thinking", "lifestyle", "personal", "background", "maturity",
                    "motivation", "trauma", "response to", "attitude", "domestic abuse", "da")),
]

MALE = ("James Oliver Jack Harry George Noah Charlie Jacob Alfie Freddie Oscar Leo Thomas Joshua "
        "William Daniel Ryan Callum Connor Liam Kieran Jordan Jamie Nathan Lewis Aaron Dean Craig "
        "Wayne Lee Darren Scott Mark Paul Stephen Gareth Rhys Dylan Kyle Reece Bradley Mason Tyler "
        "Marcus Adam Samuel Mohammed Ali Omar Bilal Tariq Imran Kwame Tunde Emeka Dariusz Tomasz "
        "Marek Andrei Florin Sean Declan Aidan Owen Ewan Finlay Rory Ross Martin Gary Shaun Luke").split()
FEMALE = ("Olivia Amelia Isla Ava Mia Emily Grace Sophie Chloe Lily Ella Jessica Lucy Holly Megan "
          "Hannah Leah Leanne Kirsty Gemma Stacey Jade Danielle Kayleigh Natalie Rebecca Laura "
          "Sarah Emma Claire Michelle Louise Nicola Donna Kelly Tracey Joanne Amy Zoe Courtney "
          "Shannon Paige Aisha Fatima Zainab Amira Priya Anjali Nadia Agnieszka Katarzyna Ioana "
          "Siobhan Niamh Ffion Cerys Eleri Bethan Molly Poppy Evie Ruby Freya Tia Keeley").split()
SURNAMES = ("Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans "
            "Walker White Roberts Green Hall Wood Jackson Clarke Patel Khan Hussain Ahmed Begum "
            "Lewis Harris Martin Cooper Hughes Edwards Turner Hill Moore Clark Ward Morris King "
            "Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker Price Bennett "
            "Young Griffiths Mitchell Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy "
            "Miller Cox Richards Khan Marshall Anderson Simpson Ellis Adams Singh Begum Wilkinson "
            "Foster Chapman Powell Webb Rogers Gray Mason Ali Hunt Holmes Mills Owen Palmer Matthews "
            "Thomas Lloyd Reynolds Barker Kaur Fletcher Nowak Kowalski Popescu Okafor Mensah Osei "
            "Gallagher Doherty McCarthy Fairclough Ashworth Whitworth Brierley Pickering Haworth").split()
TOWNS = ("Preston Leeds Bradford Wakefield Sheffield Doncaster Hull York Manchester Bolton Wigan "
         "Oldham Blackburn Burnley Lancaster Carlisle Newcastle Sunderland Durham Middlesbrough "
         "Liverpool Birkenhead Chester Stoke Derby Nottingham Leicester Lincoln Northampton "
         "Coventry Birmingham Wolverhampton Walsall Worcester Hereford Gloucester Bristol Swindon "
         "Exeter Plymouth Truro Taunton Bournemouth Southampton Portsmouth Reading Oxford Luton "
         "Chelmsford Colchester Ipswich Norwich Cambridge Peterborough Maidstone Canterbury "
         "Brighton Guildford Croydon Stratford Uxbridge Cardiff Swansea Newport Wrexham").split()
TITLE_CASE_FIRST = set(MALE) | set(FEMALE)


@dataclass
class Unit:
    cls: str
    lines: list[str]
    inline: bool          # "Label: content" on one line (oral records) rather than a heading line
    blank_before: bool
    case: int             # index of the corpus draft it came from


@dataclass
class CorpusDraft:
    index: int
    report_type: str
    units: list[Unit]
    first: str | None
    surname: str | None
    others: set[str] = field(default_factory=set)   # given names of other people in the draft
    other_surnames: set[str] = field(default_factory=set)  # "Ms Roe", "Mr Osei"


@dataclass
class Draft:
    index: int
    report_type: str
    text: str

    @property
    def words(self) -> int:
        return len(self.text.split())

    @property
    def name(self) -> str:
        return f"{self.index:05d}-{self.report_type}.txt"


# --------------------------------------------------------------------------- corpus reading

def _label(line: str) -> tuple[str | None, str]:
    """(class of the heading or label on this line, or None; the content after a label)."""
    stripped = _NUMBERING.sub("", line.strip(), count=1).strip().strip("*#_").strip()
    if not stripped:
        return None, ""
    match = _LABEL.match(stripped)
    if match and len(match.group(1).split()) <= 6:
        label, content = match.group(1).strip().lower(), match.group(2)
    elif len(stripped.split()) <= 7 and not stripped.endswith((".", ",", ";")):
        label, content = stripped.lower(), ""
    else:
        return None, ""
    for cls, words in _CLASS_WORDS:
        if any(label == w or label.startswith(w + " ") or (len(w) > 4 and w in label) for w in words):
            return cls, content
    return None, ""


def split_units(text: str, case: int) -> list[Unit]:
    units: list[Unit] = [Unit("preamble", [], False, False, case)]
    in_body = False
    blank = False
    for line in text.split("\n"):
        if not line.strip():
            blank = True
            continue
        cls, content = _label(line)
        starts_body = cls in BODY and (cls != "offence" or not content or len(content.split()) > 15
                                       or not in_body and units[0].lines and blank)
        if cls is not None and (in_body or starts_body) and cls != "details":
            in_body = True
            units.append(Unit(cls, [line], bool(content), blank, case))
        elif in_body and cls == "details" and units[-1].cls == "footer":
            units[-1].lines.append(line)
        else:
            units[-1].lines.append(line)
            if blank and len(units[-1].lines) > 1:
                units[-1].lines[-1:] = ["", line]
        blank = False
    return [u for u in units if u.lines]


def _person(text: str) -> tuple[str | None, str | None]:
    """The subject's first name and surname, from a "Name:" line or the commonest "Mr X"."""
    match = re.search(r"(?im)^[\s•*-]*(?:name|defendant|def|re)\s*[:\-–]\s*(.+)$", text)
    if match:
        line = re.split(r",|\(|\s{2,}|\s[-–]\s|\bDOB\b|\baged\b|\d", match.group(1))[0]
        words = [w for w in re.findall(r"[A-Za-z'-]{2,}", line) if w.lower() not in {"mr", "mrs", "ms", "miss"}]
        if len(words) >= 2:
            return _name_case(words[0]), _name_case(words[-1])
    titled = [m.group(2) for m in _TITLE_NAME.finditer(text)]
    if titled:
        surname = max(set(titled), key=lambda s: (titled.count(s), s))
        before = re.search(rf"\b([A-Z][a-z]+) {re.escape(surname)}\b", text)
        return (before.group(1) if before and before.group(1) not in {"Mr", "Mrs", "Ms", "Miss"} else None), surname
    return None, None


def _name_case(word: str) -> str:
    return word.title() if word.isupper() or word.islower() else word


@lru_cache(maxsize=1)
def load_corpus() -> tuple[CorpusDraft, ...]:
    drafts = []
    for folder in CORPUS_DIRS:
        for path in sorted(folder.glob("*.jsonl")):
            for line in path.read_text(encoding="utf-8").splitlines():
                if not line.strip():
                    continue
                row = json.loads(line)
                if row.get("scope"):
                    continue  # youth / Welsh drafts are checked for scope only
                text = row["text"].replace("\r\n", "\n")
                index = len(drafts)
                first, surname = _person(text)
                others = {m.group(1) for m in _RELATIVE_NAME.finditer(text)}
                others |= {m.group(1) for m in _AGED_NAME.finditer(text)}
                others |= {w for w in re.findall(r"\b[A-Z][a-z]+\b", text) if w in TITLE_CASE_FIRST}
                others |= {m.group(1) for m in _TITLE_FULL.finditer(text)}
                other_surnames = {m.group(2) for m in _TITLE_NAME.finditer(text)}
                other_surnames |= {m.group(2) for m in _TITLE_FULL.finditer(text)}
                other_surnames -= {surname, first, None} | _TITLES
                others -= _TITLES
                others -= {first, surname, None} | other_surnames
                drafts.append(CorpusDraft(index, row.get("report_type") or "short", split_units(text, index),
                                          first, surname, others, other_surnames))
    return tuple(drafts)


@lru_cache(maxsize=1)
def _pools() -> tuple[dict, dict]:
    """Units by (report type, class, inline); prose paragraphs by class."""
    units: dict[tuple[str, str, bool], list[Unit]] = {}
    prose: dict[str, list[tuple[int, str]]] = {}
    for draft in load_corpus():
        for unit in draft.units:
            if unit.cls in BODY:
                units.setdefault((draft.report_type, unit.cls, unit.inline), []).append(unit)
                for line in unit.lines[0 if unit.inline else 1:]:
                    body = _label(line)[1] if unit.inline else line.strip()
                    if len(body.split()) >= 12 and not body.lstrip().startswith(("-", "•", "|")):
                        prose.setdefault(unit.cls, []).append((draft.index, body))
    return units, prose


# --------------------------------------------------------------------------- substitutions

class Particulars:
    """One generated person, court and calendar; maps every source draft's particulars onto them."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.female = rng.random() < 0.15
        self.first = rng.choice(FEMALE if self.female else MALE)
        self.surname = rng.choice(SURNAMES)
        self.town = rng.choice(TOWNS)
        self.shift = dt.timedelta(days=rng.randint(-1100, 400))
        self.money = rng.uniform(0.7, 1.45)
        self.names: dict[str, str] = {}

    def other_name(self, name: str) -> str:
        if name not in self.names:
            female = name in FEMALE or (name not in MALE and name.endswith(("a", "ie", "y", "ys", "ah", "ine", "elle")))
            pool = FEMALE if female else MALE
            self.names[name] = self.rng.choice([n for n in pool if n != self.first])
        return self.names[name]

    def other_surname(self, name: str) -> str:
        key = "~" + name
        if key not in self.names:
            self.names[key] = self.rng.choice([n for n in SURNAMES if n != self.surname])
        return self.names[key]

    def apply(self, text: str, source: CorpusDraft) -> str:
        names = {}
        for name in sorted(source.others):
            names[name] = self.other_name(name)
        for name in sorted(source.other_surnames):
            names[name] = self.other_surname(name)
        if source.first:
            names[source.first] = self.first
        if source.surname:
            names[source.surname] = self.surname
        text = _replace_words(text, names)
        if not self.female:
            text = re.sub(r"\b(Mrs|Ms|Miss) (?=" + re.escape(self.surname) + r"\b)", "Mr ", text)
        else:
            text = re.sub(r"\bMr (?=" + re.escape(self.surname) + r"\b)", "Ms ", text)
        text = _COURT.sub(self.town, text)
        text = _DATE.sub(self._date, text)
        return _MONEY.sub(self._amount, text)

    def _date(self, match: re.Match) -> str:
        day, month, year = match.groups()
        full = int(year) + (2000 if len(year) == 2 else 0)
        try:
            moved = dt.date(full, int(month), int(day)) + self.shift
        except ValueError:
            return match.group(0)
        text_year = f"{moved.year % 100:02d}" if len(year) == 2 else str(moved.year)
        return f"{moved.day:0{len(day)}d}/{moved.month:0{len(month)}d}/{text_year}"

    def _amount(self, match: re.Match) -> str:
        whole, pence = match.groups()
        value = float(whole.replace(",", "")) * self.money
        step = 10 if value >= 1000 else 5 if value >= 100 else 1
        value = max(step, round(value / step) * step)
        text = f"{int(value):,}" if "," in whole else str(int(value))
        return f"£{text}{'.' + pence[1:] if pence else ''}"


def _replace_words(text: str, names: dict[str, str]) -> str:
    """Replace names in Title and UPPER case, as whole words, all at once (no chains a→b→c)."""
    forms: dict[str, str] = {}
    for old, new in names.items():
        forms[old.upper()] = new.upper()
        forms[old] = new
    forms = {k: v for k, v in forms.items() if len(k) > 1}
    if not forms:
        return text
    pattern = re.compile(r"\b(" + "|".join(re.escape(k) for k in sorted(forms, key=lambda k: (-len(k), k))) + r")\b")
    return pattern.sub(lambda m: forms[m.group(1)], text)


# --------------------------------------------------------------------------- generation

@lru_cache(maxsize=1)
def _mix_slots() -> tuple[str, ...]:
    """100 slots holding the national mix, spread evenly (largest deficit first), repeated every
    100 drafts: any prefix of the stream is within one draft of the mix."""
    slots: list[str] = []
    counts = dict.fromkeys(MIX, 0)
    for j in range(1, 101):
        kind = max(MIX, key=lambda k: MIX[k][0] * j / 100 - counts[k])
        counts[kind] += 1
        slots.append(kind)
    return tuple(slots)


def report_type_for(words: int) -> str:
    return "oral" if words <= 300 else "short" if words <= 900 else "standard"


def generate_one(index: int, seed: int = 1, words: int | None = None,
                 report_type: str | None = None) -> Draft:
    """Draft ``index`` of the stream for ``seed``: of the national mix, or about ``words`` long."""
    rng = random.Random(f"psr-bench:{seed}:{index}:{words}:{report_type}")
    kind = report_type or (report_type_for(words) if words else _mix_slots()[index % 100])
    target = words or round(MIX[kind][1] * rng.uniform(1 - JITTER, 1 + JITTER))
    corpus = load_corpus()
    units_pool, prose_pool = _pools()
    skeletons = [d for d in corpus if d.report_type == kind and sum(u.cls in BODY for u in d.units) >= 3]
    skeleton = rng.choice(skeletons)
    who = Particulars(rng)
    units: list[Unit] = []
    for unit in skeleton.units:
        donors = units_pool.get((kind, unit.cls, unit.inline)) if unit.cls in BODY else None
        if donors and not unit.inline:
            donors = [d for d in donors if len(d.lines) > 1] or donors  # a heading with something under it
        if donors:
            donor = rng.choice(donors)
            lines = donor.lines if unit.inline else [unit.lines[0], *donor.lines[1:]]
            heading = who.apply(lines[0], corpus[unit.case]) if not unit.inline else None
            body = [who.apply(line, corpus[donor.case]) for line in lines[0 if unit.inline else 1:]]
            units.append(Unit(unit.cls, ([heading] if heading is not None else []) + body,
                              unit.inline, unit.blank_before, donor.case))
        else:
            units.append(Unit(unit.cls, [who.apply(line, skeleton) for line in unit.lines],
                              unit.inline, unit.blank_before, skeleton.index))
    _lengthen(units, target, rng, who, prose_pool, corpus)
    _shorten(units, target)
    return Draft(index, kind, _join(units))


def _join(units: list[Unit]) -> str:
    parts: list[str] = []
    for unit in units:
        if parts and unit.blank_before:
            parts.append("")
        parts.extend(unit.lines)
    return "\n".join(parts).strip("\n") + "\n"


def _count(units: list[Unit]) -> int:
    return sum(len(line.split()) for unit in units for line in unit.lines)


def _lengthen(units: list[Unit], target: int, rng: random.Random, who: Particulars,
              prose: dict, corpus: tuple) -> None:
    candidates = [u for u in units if u.cls in PROSE]
    if not candidates:
        return
    weights = [PROSE[u.cls] for u in candidates]
    for _ in range(200):
        if _count(units) >= target * 0.97:
            return
        unit = rng.choices(candidates, weights)[0]
        case, paragraph = rng.choice(prose[unit.cls])
        paragraph = who.apply(paragraph, corpus[case])
        if unit.inline:  # oral record: one line per label, so add sentences to that line
            sentences = _SENTENCE.split(paragraph)
            unit.lines[-1] = unit.lines[-1].rstrip() + " " + " ".join(sentences[:rng.randint(1, 2)])
        else:
            unit.lines.append(paragraph)


def _shorten(units: list[Unit], target: int) -> None:
    for _ in range(400):
        if _count(units) <= target * 1.08:
            return
        longest = max(((len(line.split()), ui, li) for ui, unit in enumerate(units) if unit.cls in PROSE
                       for li, line in enumerate(unit.lines) if len(_SENTENCE.split(line)) > 1), default=None)
        if longest is None:
            return
        _, ui, li = longest
        sentences = _SENTENCE.split(units[ui].lines[li])
        units[ui].lines[li] = " ".join(sentences[:-1])


def generate(count: int, seed: int = 1, words: int | None = None) -> list[Draft]:
    return [generate_one(i, seed, words) for i in range(count)]


def cold_report(seed: int = 1, words: int = COLD_WORDS) -> Draft:
    """The standard report (about 1,500 words) timed from a cold process start."""
    draft = generate_one(10**6, seed, words, report_type="standard")
    return Draft(draft.index, "standard", draft.text)


def write_drafts(drafts: list[Draft], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for draft in drafts:
        path = folder / draft.name
        path.write_text(draft.text, encoding="utf-8")
        paths.append(path)
    return paths


def write_records(drafts: list[Draft], folder: Path, seed: int, name: str = "records.csv") -> Path:
    """Allocation records for the audit benchmark: one row per draft (report_path into ``drafts/``),
    with varied but deterministic courts, teams, officers, dates, RoSH levels and enquiry dates, so
    every record check has work to do."""
    import csv
    import datetime as dt
    import random

    rng = random.Random(seed)
    path = folder / name
    fields = ["case_id", "report_type", "court", "region", "team", "report_author", "allocated_officer",
              "allocated_to", "allocated_grade", "court_date", "sentence_date", "allocation_date", "rosh_level",
              "rosh_full_analysis_required", "rosh_full_analysis_completed_date", "da_enquiry_sent_date",
              "da_enquiry_response_date", "registrations", "report_path"]
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(fields)
        for draft in drafts:
            sentence = dt.date(2025, 11, 1) + dt.timedelta(days=rng.randrange(120))
            allocated = sentence + dt.timedelta(days=rng.choice([3, 5, 7, 9, 12, 15]))
            rosh = rng.choice(["low", "medium", "medium", "high", "very high"])
            sent = sentence - dt.timedelta(days=rng.choice([1, 3, 6])) if rng.random() < 0.6 else None
            answered = sent + dt.timedelta(days=rng.choice([1, 2, 5, 20])) if sent and rng.random() < 0.85 else None
            completed = allocated + dt.timedelta(days=rng.choice([-4, -1, 0, 3])) if rng.random() < 0.8 else None
            writer.writerow([
                f"B{draft.index:06d}", draft.report_type, rng.choice(["Preston", "Bolton", "Cardiff", "Highbury"]),
                rng.choice(["North West", "Wales", "London"]), f"Team {rng.randrange(6)}",
                f"PO-{rng.randrange(20):03d}", f"OM-{rng.randrange(40):03d}", "PS", rng.choice(["PO", "PQiP", "PSO"]),
                sentence.strftime("%d/%m/%Y"), sentence.strftime("%d/%m/%Y"), allocated.strftime("%d/%m/%Y"), rosh,
                "true" if rosh in ("high", "very high") else "false",
                completed.isoformat() if completed else "", sent.isoformat() if sent else "",
                answered.isoformat() if answered else "", rng.choice(["", "", "ADVP", "RCHD", "RMRH;MAPP"]),
                f"drafts/{draft.name}"])
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.generate",
                                     description="Write generated benchmark drafts to a folder.")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--reports", type=int, default=100)
    parser.add_argument("--words", type=int, default=None, help="about this many words each (default: national mix)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    drafts = generate(args.reports, args.seed, args.words)
    write_drafts(drafts, args.folder)
    words = sum(d.words for d in drafts)
    print(f"wrote {len(drafts)} drafts ({words} words) to {args.folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
