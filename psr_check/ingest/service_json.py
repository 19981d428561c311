"""Reports as JSON: our own shape and the shapes real probation services store or export.

Each shape is rendered to plain text with ``\\n`` newlines and the headings of the printed report,
so the rest of the pipeline reads it like a typed draft and evidence offsets index that text.
Shapes (field lists: ``fixtures/moj/README.md`` in the shared folder):

- **own** -- ``{"report": {"text", "report_type"}, "record": {...}}`` or ``{"text": ...}``
  (also what an evaluation-case line looks like);
- **HMPPS pre-sentence-service** -- the stored ``report_details`` row,
  ``{"pages": [{"name", "questions": [{"id", "value", "answer"}]}]}`` (ministryofjustice/pre-sentence-service,
  README §2), and its older API shape ``{"fieldValues": [{"value", "field": {"name"}}]}``;
- **nDelius short-format / oral report** -- ``{"templateName": "shortFormatPreSentenceReport",
  "values": {camelCase...}}`` as stored in Alfresco, or the same fields with the UPPER_SNAKE keys
  sent to the PDF generator (noms-digital-studio/ndelius-new-tech, README §3).

A ticked source box is rendered as ``☒ <label>``: evidence that a check was used, not of its result.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from psr_check.ingest.errors import IngestError, read_limited
from psr_check.models import AllocationRecord, Case, Report

MAX_JSON_BYTES = 20_000_000
CHECKED, UNCHECKED = "\u2612", "\u2610"  # ☒ ☐
REPORT_TYPES = ("oral", "short", "standard")


# -- entry points ----------------------------------------------------------------------------
def read_json_file(path: Path, report_type: str | None = None) -> Case:
    """Load a ``.json`` report file into a Case (``report_type`` given by the user wins)."""
    return case_from_json_bytes(read_limited(path, MAX_JSON_BYTES, "report"), str(path), report_type)


def case_from_json_bytes(data: bytes, name: str, report_type: str | None = None) -> Case:
    """Parse JSON bytes, recognise the shape and render it."""
    if not data.strip():
        raise IngestError(name, "file is empty: nothing to check")
    note = None
    try:
        obj = json.loads(data)
    except UnicodeDecodeError:
        note = "not UTF-8; read as Windows-1252 (cp1252)"
        obj = _loads(data.decode("cp1252", errors="replace"), name)
    except json.JSONDecodeError as exc:
        raise _bad_json(exc, name) from None
    case = case_from_json(obj, name, report_type)
    if note and case.report is not None:
        case.report.encoding_note = note
    return case


def case_from_json(obj: Any, name: str, report_type: str | None = None) -> Case:
    """A Case from an already parsed JSON value, whichever known shape it has."""
    shape, body = detect_shape(obj)
    if shape == "own":
        case = _own_case(body, name)
        if report_type and case.report is not None:
            case.report.report_type = report_type
        return case
    if shape == "hmpps":
        text, detected = render_hmpps_report(body)
    elif shape == "hmpps-fields":
        text, detected = render_hmpps_report(body, answers=_field_values(body["fieldValues"]))
    elif shape == "ndelius":
        template = body.get("templateName")
        if template not in (None, "", *NDELIUS_TEMPLATES):
            raise IngestError(name, f"JSON is not a report shape psr-check knows (nDelius template "
                              f"'{template}' is not a pre-sentence report): see docs")
        text, detected = render_ndelius_report(body.get("values") or {}, template)
    else:
        raise IngestError(name, f"JSON is not a report shape psr-check knows ({_describe(obj)}): see docs")
    if not text.strip():
        raise IngestError(name, "report has no answers yet: nothing to check")
    return Case(source=name, report=Report(text=text, report_type=report_type or detected))


def detect_shape(obj: Any) -> tuple[str | None, Any]:
    """``(shape, the object holding it)``; shape is own, hmpps, hmpps-fields, ndelius or None.

    Service objects may come wrapped one level (``{"report": {...}}``, ``{"data": {...}}``).
    """
    if not isinstance(obj, dict):
        return None, obj
    if "pages" in obj and (obj["pages"] is None or isinstance(obj["pages"], list)):
        return "hmpps", obj
    if isinstance(obj.get("fieldValues"), list):
        return "hmpps-fields", obj
    if isinstance(obj.get("values"), dict) and ("templateName" in obj or _looks_ndelius(obj["values"])):
        return "ndelius", obj
    if _looks_ndelius(obj):
        return "ndelius", {"values": obj}
    report = obj.get("report")
    if isinstance(report, str) or (isinstance(report, dict) and "text" in report) or isinstance(obj.get("text"), str):
        return "own", obj
    for key in ("report", "data", "reportDetails", "body"):
        inner = obj.get(key)
        if isinstance(inner, dict):
            shape, body = detect_shape(inner)
            if shape in ("hmpps", "hmpps-fields", "ndelius"):
                return shape, body
    return None, obj


# -- our own shape ---------------------------------------------------------------------------
def _own_case(obj: dict, name: str) -> Case:
    """psr-check's own shape: ``{"report": {"text", "report_type"}, "record": {...}}`` or ``{"text"}``."""
    report = obj.get("report")
    if isinstance(report, dict):
        text, kind = report.get("text"), report.get("report_type")
    else:
        text, kind = (report if isinstance(report, str) else obj.get("text")), None
    kind = kind or obj.get("report_type")
    if not isinstance(text, str):
        raise IngestError(name, "report text must be a string: give \"text\": \"…\"")
    if kind is not None and kind not in REPORT_TYPES:
        raise IngestError(name, f"report_type '{kind}' is not one of {', '.join(REPORT_TYPES)}")
    record = None
    if obj.get("record") is not None:
        if not isinstance(obj["record"], dict):
            raise IngestError(name, "record must be an object of allocation record fields")
        try:
            record = AllocationRecord.model_validate(obj["record"])
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise IngestError(name, f"record field '{where}': {first['msg']}") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise IngestError(name, "file is empty: nothing to check")
    return Case(source=name, report=Report(text=text, report_type=kind), record=record,
                region=_str_or_none(obj.get("region")), policy=_str_or_none(obj.get("policy")))


# -- HMPPS pre-sentence-service --------------------------------------------------------------
HMPPS_SOURCE_LABELS = {
    # README §2.3: keys are stable, labels change; the labels here are the ones the checks read.
    "cps_summary": "CPS summary",
    "domestic_abuse_callout_information": "Domestic abuse call out information",
    "equality_information_form": "Equality information form",
    "diversity_inclusion_form": "Diversity and inclusion form",
    "interview": "Interview",
    "oasys_assessments": "OASys assessments",
    "previous_convictions": "Previous convictions",
    "safeguarding_checks": "Safeguarding checks",
    "sentencing_guidelines": "Sentencing guidelines",
    "service_records": "Service records",
    "victim_statement": "Victim statement",
    "substance_misuse_screening_tool": "Substance misuse screening tool",
    "address_enquiries": "Address enquiries",
    "probation_records": "Probation records",
}
HMPPS_RISK_LEVELS = (  # (live key, older alias, printed label)
    ("riskToChildren", "riskOfHarmForChildren", "Risk of serious harm to children"),
    ("riskToPublic", "riskOfHarmForPublic", "Risk of serious harm to the public"),
    ("riskToKnownAdults", "riskOfHarmForKnownAdults", "Risk of serious harm to known adults"),
    ("riskToStaff", "riskOfHarmForStaff", "Risk of serious harm to staff"),
)
HMPPS_CUSTODIAL = {
    "possible": "A custodial sentence is possible or expected.",
    "not-threshold": "The offence does not meet the custodial threshold.",
    "court-indicated": "The court has indicated a custodial sentence is not being considered.",
}
HMPPS_ADDRESS = ("address-buildingName", "address-number", "address-streetName", "address-district",
                 "address-town", "address-county", "address-postcode")


def hmpps_answers(pages: Any) -> dict[str, str]:
    """Flatten ``pages[].questions[]`` into ``{value: answer}``, later pages overriding earlier
    (as ``getStoredData`` in pre-sentence-service ``server/controllers/shared/sharedController.ts``)."""
    answers: dict[str, str] = {}
    for page in pages or []:
        if not isinstance(page, dict):
            continue
        for question in page.get("questions") or []:
            if isinstance(question, dict) and isinstance(question.get("value"), str):
                answers[question["value"]] = _as_text(question.get("answer"))
    return answers


def _field_values(rows: list) -> dict[str, str]:
    """The older API shape documented in pre-sentence-service's swagger.json:
    ``fieldValues: [{fieldId, value, field: {name}}]``."""
    answers: dict[str, str] = {}
    for row in rows:
        if isinstance(row, dict) and isinstance(row.get("field"), dict) and isinstance(row["field"].get("name"), str):
            answers[row["field"]["name"]] = _as_text(row.get("value"))
    return answers


def render_hmpps_report(report: dict, answers: dict[str, str] | None = None) -> tuple[str, str | None]:
    """Render a pre-sentence-service report (``report_details`` row / ``GET /api/v1/report/{id}``)
    with the headings of the printed PSR (``server/views/reports/psr.njk``), plus the sources of
    information, which the PDF leaves out but a checker needs. Returns (text, report_type)."""
    a = answers if answers is not None else hmpps_answers(report.get("pages"))
    person = report.get("person") if isinstance(report.get("person"), dict) else {}
    out = _Writer()

    address = ", ".join(v for v in (a.get(k, "").strip() for k in HMPPS_ADDRESS) if v)
    out.section("Defendant details", [
        _line("Name", a.get("name")),
        _line("Date of birth", a.get("dateOfBirth")),
        _line("Age", a.get("age")),
        _line("CRN", a.get("crn") or person.get("crn")),
        _line("PNC", a.get("pnc")),
        _line("Address", address),
        _line("Court", a.get("court") or a.get("courtName")),
    ])
    out.section("Sources of information", hmpps_sources(a.get("sourcesOfInformation", "")))

    pattern = _first(a, "offencesPattern", "offencePattern")
    if not pattern.strip() and a.get("noPreviousOffences", "").strip().lower() == "true":
        pattern = "No previous offences."
    out.section("Offence analysis", [
        *_paragraphs(_first(a, "offencesUnderConsideration", "offenceUnderConsideration")),
        *_block("Pattern of offending", pattern),
    ])
    out.section("Defendant behaviour and lifestyle assessment",
                _paragraphs(_first(a, "defendantBehaviour", "behaviourAndLifestyleAssessment")))
    out.section("Risk analysis", [
        *(_line(label, _level(_first(a, key, alias))) for key, alias, label in HMPPS_RISK_LEVELS),
        *_block("Risk predictors and likelihood of reoffending",
                _first(a, "riskPredictors", "riskPredictorsAndLikelihoodOfReoffending")),
        *_block("Relevant risks of harm and protective factors",
                _first(a, "riskAndHarmFactors", "relevantRisksAndProtectiveFactors")),
    ])
    consideration = a.get("custodialSentenceConsideration", "").strip()
    out.section("Sentencing proposal", [
        *_block("The proposed sentence", a.get("proposedSentence")),
        *_block("Rationale for the proposed sentence",
                _first(a, "proposedSentenceRationale", "rationaleForProposedSentence")),
        *_block("Alternative sentencing options", a.get("alternativeSentencingOptions")),
        *_block("Impact of a custodial sentence",
                "\n".join(v for v in (HMPPS_CUSTODIAL.get(consideration, consideration),
                                      a.get("custodialSentenceImpact", "")) if v)),
    ])
    out.section("Completion details", [_line("Signed", a.get("signReportName"))])
    kind = str(report.get("reportType") or "").lower()
    return out.text(), ("short" if kind in ("short-format", "short", "shortformat") else None)


def hmpps_sources(joined: str) -> list[str]:
    """``sourcesOfInformation`` is one comma-joined string of keys; a custom source's key is its
    label. Only selected sources are stored, so every one is rendered ticked."""
    lines: list[str] = []
    seen: set[str] = set()
    for key in (k.strip() for k in _as_text(joined).split(",")):
        if key and key not in seen:
            seen.add(key)
            lines.append(f"{CHECKED} {HMPPS_SOURCE_LABELS.get(key, key)}")
    return lines


# -- nDelius "new tech" short-format and oral reports --------------------------------------
NDELIUS_TEMPLATES = {"shortFormatPreSentenceReport": "short", "oralReport": "oral"}

# UPPER_SNAKE keys sent to the PDF generator whose stored (camelCase) name is not the plain
# camel-casing of the key (README §3); every other key converts mechanically:
# OFFENCE_ANALYSIS -> offenceAnalysis, _PROPOSAL_ -> proposal,
# DOMESTIC_ABUSE_INFORMATION_SOURCE -> domesticAbuseInformationSource, LIKELIHOOD_TOOL_1 -> likelihoodTool1.
NDELIUS_UPPER_EXCEPTIONS = {
    "_PNC_ID_": "pnc",
    "ADDRESS_LINES": "address",
    "OTHER_OFFENCE": "otherOffences",
    "_DELIUS_CRN_": "crn",
    "CONFIRM_EIF": "confirmEIF",
    "ROSH_LEVEL": "riskOfSeriousHarm",  # oral report: High | Medium | Low
}
# Sources of information, page 9 order; labels from app/views/*/page9.scala.html.
NDELIUS_SOURCES = (
    ("interview", "Interview"),
    ("serviceRecords", "Service records"),
    ("cpsSummary", "CPS summary"),
    ("oasysAssessments", "Previous OASys assessments"),
    ("previousConvictions", "Previous convictions"),
    ("victimStatement", "Victim statement"),
    ("witnessStatement", "Witness statement"),
    ("childrenServices", "Safeguarding checks"),
    ("police", "Police information"),
    ("sentencingGuidelines", "Sentencing guidelines"),
    ("domesticAbuse", "Domestic abuse call out information"),
    ("medical", "Medical information"),
    ("equalityInformationForm", "Equality information form"),
    ("other", "Other"),
)
NDELIUS_ISSUES = (
    ("issueAccommodation", "accommodation"),
    ("issueEmployment", "employment"),
    ("issueFinance", "finance"),
    ("issueRelationships", "relationships"),
    ("issueSubstanceMisuse", "substance misuse"),
    ("issueAlcohol", "alcohol"),      # early (2017) field set
    ("issueDrugs", "drugs"),          # early (2017) field set
    ("issueHealth", "health"),
    ("issueBehaviour", "behaviour"),
    ("issueMaturity", "maturity"),    # oral report
    ("issueOther", "other"),
)
_NDELIUS_CONTENT = {"offenceAnalysis", "proposal", "patternOfOffending", "offenceSummary", "offenderAssessment",
                    "riskOfSeriousHarm", "likelihoodOfReOffending", "previousSupervisionResponse", "mainOffence"}
_UPPER_KEY = re.compile(r"^_?[A-Z][A-Z0-9_]*_?$")


def ndelius_key(key: str) -> str:
    """The stored camelCase name of a PDF-generator UPPER_SNAKE key (other keys unchanged)."""
    if not _UPPER_KEY.match(key):
        return key
    if key in NDELIUS_UPPER_EXCEPTIONS:
        return NDELIUS_UPPER_EXCEPTIONS[key]
    words = [w.lower() for w in key.strip("_").split("_") if w]
    return words[0] + "".join(w[:1].upper() + w[1:] for w in words[1:]) if words else key


def _looks_ndelius(values: dict) -> bool:
    keys = {ndelius_key(k) for k in values if isinstance(k, str)}
    return bool(keys & _NDELIUS_CONTENT) or any(k.endswith("InformationSource") for k in keys)


def render_ndelius_report(values: dict, template: str | None = None) -> tuple[str, str | None]:
    """Render an nDelius "new tech" report generator report (ndelius-new-tech
    ``ShortFormatPreSentenceReportData`` / ``OralReportData``): stored camelCase ``values`` or the
    UPPER_SNAKE fields of the PDF request. Returns (text, report_type)."""
    v = {ndelius_key(k): val for k, val in values.items() if isinstance(k, str)}
    out = _Writer()

    address = v.get("address")
    if isinstance(address, list):
        address = ", ".join(_as_text(x).strip() for x in address if _as_text(x).strip())
    else:
        address = ", ".join(x.strip() for x in _as_text(address).split("\n") if x.strip())
    out.section("Offender details", [
        _line("Name", v.get("name")),
        _line("Date of birth", v.get("dateOfBirth")),
        _line("Age", v.get("age")),
        _line("CRN", v.get("crn")),
        _line("PNC", v.get("pnc")),
        _line("Address", address),
        _line("Court", v.get("court")),
        _line("Local justice area", v.get("localJusticeArea")),
        _line("Date of hearing", v.get("dateOfHearing")),
        _line("Report date", v.get("reportDate")),
    ])
    out.section("Sources of information", ndelius_sources(v))
    out.section("Offence summary", [
        _line("Main offence", v.get("mainOffence")),
        _line("Other offences", v.get("otherOffences")),
        *_paragraphs(v.get("offenceSummary")),
    ])
    escalation = _as_text(v.get("escalationInSeriousness")).strip()
    out.section("Offence analysis", [
        *_paragraphs(v.get("offenceAnalysis")),
        *_block("Pattern of offending", v.get("patternOfOffending")),
        _line("Escalation in seriousness", escalation),
    ])
    out.section("Offender assessment", ndelius_assessment(v))

    tools = [_line(_as_text(v.get(f"likelihoodTool{n}")).strip(), v.get(f"likelihoodLevel{n}"))
             for n in range(1, 5) if _as_text(v.get(f"likelihoodTool{n}")).strip()]
    out.section("Risk assessment", [
        *_block("Likelihood of re-offending", v.get("likelihoodOfReOffending")),
        *tools,
        *_paragraphs(v.get("likelihoodAssessment")),
        *_block("Risk of serious harm", v.get("riskOfSeriousHarm")),
        *_paragraphs(v.get("roshEvidence")),
        _line("Response to previous supervision", v.get("previousSupervisionResponse")),
        *_paragraphs(v.get("additionalPreviousSupervision")),
    ])
    out.section("Proposal", _paragraphs(v.get("proposal")))
    return out.text(), NDELIUS_TEMPLATES.get(template or "", "short" if template is None and "offenceSummary" in v else None)


def ndelius_sources(v: dict) -> list[str]:
    """One line per ``…InformationSource`` boolean: ``☒ <label>`` ticked, ``☐ <label>`` not."""
    lines: list[str] = []
    known = {f"{prefix}InformationSource" for prefix, _ in NDELIUS_SOURCES}
    items = [(f"{prefix}InformationSource", label) for prefix, label in NDELIUS_SOURCES]
    items += [(k, _camel_words(k[: -len("InformationSource")]).capitalize()) for k in v
              if k.endswith("InformationSource") and k not in known]
    for key, label in items:
        if key not in v:
            continue
        ticked = _truthy(v[key])
        if key == "otherInformationSource":
            details = " ".join(_paragraphs(v.get("otherInformationDetails")))
            label = f"{label}: {details}" if details and ticked else label
        lines.append(f"{CHECKED if ticked else UNCHECKED} {label}")
    return lines


def ndelius_assessment(v: dict) -> list[str]:
    """Offender assessment: the ticked issues on one line, then each issue's details."""
    known = {key for key, _ in NDELIUS_ISSUES}
    issues = list(NDELIUS_ISSUES) + [(k, _camel_words(k[len("issue"):])) for k in v
                                      if re.match(r"^issue[A-Z][A-Za-z]*$", k) and not k.endswith("Details")
                                      and k not in known]
    ticked = [(key, label) for key, label in issues if key in v and _truthy(v[key])]
    lines = [f"Issues: {', '.join(label for _, label in ticked)}"] if ticked else []
    for key, label in ticked:
        details = _paragraphs(v.get(f"{key}Details"))
        if details:
            lines.append(f"{label.capitalize()}: {details[0]}")
            lines.extend(details[1:])
    lines += _paragraphs(v.get("offenderAssessment"))          # early (2017) free text
    lines += _paragraphs(v.get("offenderAssessmentEvidence"))  # oral report
    for key, label in (("experienceTrauma", "Experience of trauma"),
                       ("caringResponsibilities", "Caring responsibilities")):
        answer = _as_text(v.get(key)).strip()
        if answer:
            lines.append(f"{label}: {answer}")
            lines += _paragraphs(v.get(f"{key}Details"))
    return lines


# -- text helpers ----------------------------------------------------------------------------
class _Writer:
    """Collects lines; a section's heading is written only when it has content, after one blank line."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def section(self, heading: str, lines: list[str | None]) -> None:
        body = [line for line in lines if line]
        if not body:
            return
        if self.lines:
            self.lines.append("")
        self.lines.append(heading)
        self.lines.extend(body)

    def text(self) -> str:
        return "\n".join(self.lines)


def _line(label: str, value: Any) -> str | None:
    """``Label: value`` on one line, or None when there is no value."""
    text = " ".join(_paragraphs(value))
    return f"{label}: {text}" if text else None


def _block(label: str, value: Any) -> list[str]:
    """A sub-heading line and the value's paragraphs under it (``Label: value`` when the value
    is a few words); nothing when there is no value."""
    paragraphs = _paragraphs(value)
    if not paragraphs:
        return []
    if len(paragraphs) == 1 and len(paragraphs[0].split()) <= 4:
        return [f"{label}: {paragraphs[0]}"]
    return [label, *paragraphs]


def _paragraphs(value: Any) -> list[str]:
    """A value as non-empty lines: HTML rich text stripped (paragraph breaks kept)."""
    text = _as_text(value)
    if not text.strip():
        return []
    if _HTML_TAG.search(text):
        text = html_to_text(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ").replace("\u202f", " ")
    return [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n") if line.strip()]


_HTML_TAG = re.compile(r"<\s*/?\s*(?:p|br|div|span|ul|ol|li|strong|b|em|i|u|h[1-6]|table|tr|td|th)\b[^>]*>", re.I)
_BLOCK_TAGS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
               "blockquote", "pre"}


class _HTMLText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append(" | ")

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    """Rich text (TinyMCE: p, span, ul/ol/li, strong/b, em/i, br) to plain lines."""
    parser = _HTMLText()
    parser.feed(html)
    parser.close()
    lines = (line.strip().strip("|").strip() for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _as_text(value: Any) -> str:
    """Answers as strings, the way pre-sentence-service stores them: lists joined with ','."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(_as_text(v) for v in value)
    if isinstance(value, dict):
        return ""
    return str(value)


def _first(answers: dict[str, str], *keys: str) -> str:
    for key in keys:
        value = answers.get(key)
        if value and value.strip():
            return value
    return ""


def _level(value: str) -> str:
    return value.strip().replace("_", " ").lower()


def _truthy(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return _as_text(value).strip().lower() in ("true", "yes", "y", "on", "1")


def _camel_words(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", " ", name).lower()


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _describe(obj: Any) -> str:
    if isinstance(obj, list):
        return "a JSON list; a report is one object"
    if isinstance(obj, dict):
        keys = ", ".join(list(obj)[:6]) + (", …" if len(obj) > 6 else "")
        return f"top-level keys: {keys}" if obj else "an empty object"
    return f"a JSON {type(obj).__name__}"


def _loads(text: str, name: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise _bad_json(exc, name) from None


def _bad_json(exc: json.JSONDecodeError, name: str) -> IngestError:
    return IngestError(name, f"invalid JSON ({exc.msg} at column {exc.colno}): fix the file or export it again",
                       row=exc.lineno)
