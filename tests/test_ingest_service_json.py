"""Ingest of JSON reports: our own shape, the HMPPS pre-sentence-service report and the nDelius
short-format report (stored camelCase and PDF-generator UPPER_SNAKE keys)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from psr_check.ingest import IngestError, expand_paths, load_case
from psr_check.ingest.service_json import case_from_json, html_to_text, ndelius_key

FIXTURES = Path(__file__).parent / "fixtures"
HMPPS = FIXTURES / "hmpps_psr_report.json"
NDELIUS_STORED = FIXTURES / "moj" / "ndelius-new-tech__alfrescodata__existingReport.json"

# README §3 table (ndelius-new-tech ShortFormatPreSentenceReportData / OralReportData): PDF key -> stored key.
README_UPPER_KEYS = {
    "_NAME_": "name", "_DATE_OF_BIRTH_": "dateOfBirth", "_AGE_": "age", "_PNC_ID_": "pnc",
    "ADDRESS_LINES": "address", "_COURT_": "court", "_LOCAL_JUSTICE_AREA_": "localJusticeArea",
    "_DATE_OF_HEARING_": "dateOfHearing", "MAIN_OFFENCE": "mainOffence", "OTHER_OFFENCE": "otherOffences",
    "OFFENCE_SUMMARY": "offenceSummary", "OFFENCE_ANALYSIS": "offenceAnalysis",
    "PATTERN_OF_OFFENDING": "patternOfOffending", "ISSUE_ACCOMMODATION": "issueAccommodation",
    "ISSUE_ACCOMMODATION_DETAILS": "issueAccommodationDetails", "ISSUE_EMPLOYMENT": "issueEmployment",
    "ISSUE_FINANCE": "issueFinance", "ISSUE_RELATIONSHIPS": "issueRelationships",
    "ISSUE_SUBSTANCE_MISUSE": "issueSubstanceMisuse", "ISSUE_SUBSTANCE_MISUSE_DETAILS": "issueSubstanceMisuseDetails",
    "ISSUE_HEALTH": "issueHealth", "ISSUE_BEHAVIOUR": "issueBehaviour", "ISSUE_OTHER": "issueOther",
    "EXPERIENCE_TRAUMA": "experienceTrauma", "EXPERIENCE_TRAUMA_DETAILS": "experienceTraumaDetails",
    "CARING_RESPONSIBILITIES": "caringResponsibilities",
    "CARING_RESPONSIBILITIES_DETAILS": "caringResponsibilitiesDetails",
    "LIKELIHOOD_OF_RE_OFFENDING": "likelihoodOfReOffending", "RISK_OF_SERIOUS_HARM": "riskOfSeriousHarm",
    "PREVIOUS_SUPERVISION_RESPONSE": "previousSupervisionResponse",
    "ADDITIONAL_PREVIOUS_SUPERVISION": "additionalPreviousSupervision", "_PROPOSAL_": "proposal",
    "CONFIRM_EIF": "confirmEIF", "INTERVIEW_INFORMATION_SOURCE": "interviewInformationSource",
    "SERVICE_RECORDS_INFORMATION_SOURCE": "serviceRecordsInformationSource",
    "CPS_SUMMARY_INFORMATION_SOURCE": "cpsSummaryInformationSource",
    "OASYS_ASSESSMENTS_INFORMATION_SOURCE": "oasysAssessmentsInformationSource",
    "PREVIOUS_CONVICTIONS_INFORMATION_SOURCE": "previousConvictionsInformationSource",
    "VICTIM_STATEMENT_INFORMATION_SOURCE": "victimStatementInformationSource",
    "CHILDREN_SERVICES_INFORMATION_SOURCE": "childrenServicesInformationSource",
    "POLICE_INFORMATION_SOURCE": "policeInformationSource",
    "SENTENCING_GUIDELINES_INFORMATION_SOURCE": "sentencingGuidelinesInformationSource",
    "DOMESTIC_ABUSE_INFORMATION_SOURCE": "domesticAbuseInformationSource",
    "EQUALITY_INFORMATION_FORM_INFORMATION_SOURCE": "equalityInformationFormInformationSource",
    "OTHER_INFORMATION_SOURCE": "otherInformationSource", "OTHER_INFORMATION_DETAILS": "otherInformationDetails",
    "REPORT_AUTHOR": "reportAuthor", "_OFFICE_": "office", "COURT_OFFICE_PHONE_NUMBER": "courtOfficePhoneNumber",
    "COUNTER_SIGNATURE": "counterSignature", "REPORT_DATE": "reportDate", "_DELIUS_CRN_": "crn",
    "START_DATE": "startDate", "_WATERMARK_": "watermark", "ESCALATION_IN_SERIOUSNESS": "escalationInSeriousness",
    "ISSUE_MATURITY": "issueMaturity", "OFFENDER_ASSESSMENT_EVIDENCE": "offenderAssessmentEvidence",
    "LIKELIHOOD_TOOL_1": "likelihoodTool1", "LIKELIHOOD_LEVEL_1": "likelihoodLevel1",
    "LIKELIHOOD_ASSESSMENT": "likelihoodAssessment", "ROSH_EVIDENCE": "roshEvidence",
}


def _write(tmp_path: Path, name: str, obj) -> str:
    path = tmp_path / name
    path.write_text(obj if isinstance(obj, str) else json.dumps(obj, indent=2), encoding="utf-8")
    return str(path)


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _da_codes(result):
    return sorted(f.code for f in result.findings if f.family == "da-enquiry")


def _assert_offsets_slice(text, result):
    spans = [e for f in result.findings for e in f.evidence if e.source == "text"]
    for evidence in spans:
        assert text[evidence.start:evidence.end] == evidence.text
    return spans


# -- nDelius short format ------------------------------------------------------------------------
def test_ndelius_stored_report_fixture():
    case = load_case(str(NDELIUS_STORED))
    text = case.report.text
    assert case.report.report_type == "short"
    lines = _lines(text)
    for heading in ["Offender details", "Sources of information", "Offence summary", "Offence analysis",
                    "Offender assessment"]:
        assert heading in lines
    assert lines.index("Offender details") < lines.index("Sources of information") \
        < lines.index("Offence analysis") < lines.index("Offender assessment")
    assert "Name: Alan Smith" in lines and "Age: 41" in lines and "Date of birth: 06/02/1976" in lines
    assert "Court: Manchester and Salford Magistrates Court" in lines
    # Early (2017) field set: every source unticked, and no domestic-abuse source at all yet.
    assert "\u2610 Safeguarding checks" in lines and "\u2610 Interview" in lines
    assert not any("Domestic abuse" in line for line in lines)
    assert "\u2612" not in text
    assert "some assessment" in lines
    # Empty sections are left out, housekeeping keys are not rendered.
    assert "Risk assessment" not in lines and "Proposal" not in lines
    assert "DRAFT" not in text and "johnsmith" not in text and "[1,2,3" not in text


@pytest.mark.parametrize("upper,camel", sorted(README_UPPER_KEYS.items()))
def test_ndelius_upper_keys_map_to_stored_names(upper, camel):
    assert ndelius_key(upper) == camel


def _pdf_values() -> dict:
    """The fields sent to the PDF generator, upper-case keys, rich text as TinyMCE stores it."""
    return {
        "_NAME_": "Alan Smith", "_DATE_OF_BIRTH_": "06/02/1976", "_AGE_": 41, "_PNC_ID_": "2000/0002697F",
        "ADDRESS_LINES": ["1 Some Street", "", "Salford"], "_COURT_": "Manchester and Salford Magistrates Court",
        "MAIN_OFFENCE": "Assault by beating", "OFFENCE_SUMMARY": "<p>Assault on his partner at home.</p>",
        "OFFENCE_ANALYSIS": "<p>Mr Smith pushed his partner &amp; punched her.</p><p>He accepts it.</p>",
        "PATTERN_OF_OFFENDING": "<p>Two <strong>previous</strong> convictions.</p>",
        "ISSUE_ACCOMMODATION": True, "ISSUE_ACCOMMODATION_DETAILS": "<p>Sofa surfing.</p>",
        "ISSUE_SUBSTANCE_MISUSE": "true", "ISSUE_SUBSTANCE_MISUSE_DETAILS": "",
        "ISSUE_FINANCE": False, "ISSUE_FINANCE_DETAILS": "stale text for an unticked issue",
        "EXPERIENCE_TRAUMA": "no", "CARING_RESPONSIBILITIES": "yes",
        "CARING_RESPONSIBILITIES_DETAILS": "Sees his son (4) at weekends.",
        "LIKELIHOOD_OF_RE_OFFENDING": "<p>OGRS3 45%: medium.</p>",
        "RISK_OF_SERIOUS_HARM": "<ul><li>Medium to known adults</li><li>Low to children</li></ul>",
        "PREVIOUS_SUPERVISION_RESPONSE": "Poor", "_PROPOSAL_": "<p>Community order with Building Choices.</p>",
        "INTERVIEW_INFORMATION_SOURCE": True, "CPS_SUMMARY_INFORMATION_SOURCE": "true",
        "DOMESTIC_ABUSE_INFORMATION_SOURCE": True, "CHILDREN_SERVICES_INFORMATION_SOURCE": "false",
        "OTHER_INFORMATION_SOURCE": True, "OTHER_INFORMATION_DETAILS": "GP letter",
        "_WATERMARK_": "DRAFT", "_DELIUS_CRN_": "B56789", "REPORT_DATE": "18/12/2020",
    }


def test_ndelius_pdf_generator_upper_keys(tmp_path):
    case = load_case(_write(tmp_path, "pdf.json", {"templateName": "shortFormatPreSentenceReport",
                                                   "values": _pdf_values()}))
    assert case.report.report_type == "short"
    assert _lines(case.report.text) == [
        "Offender details",
        "Name: Alan Smith",
        "Date of birth: 06/02/1976",
        "Age: 41",
        "CRN: B56789",
        "PNC: 2000/0002697F",
        "Address: 1 Some Street, Salford",
        "Court: Manchester and Salford Magistrates Court",
        "Report date: 18/12/2020",
        "",
        "Sources of information",
        "\u2612 Interview",
        "\u2612 CPS summary",
        "\u2610 Safeguarding checks",
        "\u2612 Domestic abuse call out information",
        "\u2612 Other: GP letter",
        "",
        "Offence summary",
        "Main offence: Assault by beating",
        "Assault on his partner at home.",
        "",
        "Offence analysis",
        "Mr Smith pushed his partner & punched her.",
        "He accepts it.",
        "Pattern of offending: Two previous convictions.",
        "",
        "Offender assessment",
        "Issues: accommodation, substance misuse",
        "Accommodation: Sofa surfing.",
        "Experience of trauma: no",
        "Caring responsibilities: yes",
        "Sees his son (4) at weekends.",
        "",
        "Risk assessment",
        "Likelihood of re-offending: OGRS3 45%: medium.",
        "Risk of serious harm",
        "Medium to known adults",
        "Low to children",
        "Response to previous supervision: Poor",
        "",
        "Proposal",
        "Community order with Building Choices.",
    ]
    assert "<" not in case.report.text and "&amp;" not in case.report.text


def test_ndelius_bare_upper_keys_without_wrapper(tmp_path):
    case = load_case(_write(tmp_path, "bare.json", _pdf_values()))
    assert "\u2612 Domestic abuse call out information" in _lines(case.report.text)
    assert case.report.report_type == "short"


def test_ndelius_oral_report(tmp_path):
    values = {"offenceAnalysis": "Theft from a shop.", "patternOfOffending": "yes", "escalationInSeriousness": "no",
              "likelihoodTool1": "OGRS3", "likelihoodLevel1": "Medium", "riskOfSeriousHarm": "Low",
              "roshEvidence": "No violence.", "witnessStatementInformationSource": True,
              "medicalInformationSource": False, "issueMaturity": True, "proposal": "Fine."}
    case = load_case(_write(tmp_path, "oral.json", {"templateName": "oralReport", "values": values}))
    lines = _lines(case.report.text)
    assert case.report.report_type == "oral"
    assert "\u2612 Witness statement" in lines and "\u2610 Medical information" in lines
    assert "Pattern of offending: yes" in lines and "Escalation in seriousness: no" in lines
    assert "OGRS3: Medium" in lines and "Risk of serious harm: Low" in lines
    assert "Issues: maturity" in lines


def test_ndelius_ticked_da_source_counts_as_the_check_used(tmp_path, linter):
    values = _pdf_values()
    values["DOMESTIC_ABUSE_INFORMATION_SOURCE"] = True
    case = load_case(_write(tmp_path, "ticked.json", {"templateName": "shortFormatPreSentenceReport",
                                                       "values": values}))
    result = linter.lint_case(case)
    assert "DA001" not in _da_codes(result)
    _assert_offsets_slice(case.report.text, result)


def test_other_ndelius_template_is_refused(tmp_path):
    path = _write(tmp_path, "parole.json", {"templateName": "paroleParom1Report", "values": {"proposal": "x"}})
    with pytest.raises(IngestError) as caught:
        load_case(path)
    assert caught.value.message.startswith("JSON is not a report shape psr-check knows (")
    assert "paroleParom1Report" in caught.value.message


# -- HMPPS pre-sentence-service ------------------------------------------------------------------
def test_hmpps_report_renders_printed_headings_and_sources():
    case = load_case(str(HMPPS))
    text = case.report.text
    lines = _lines(text)
    headings = ["Defendant details", "Sources of information", "Offence analysis",
                "Defendant behaviour and lifestyle assessment", "Risk analysis", "Sentencing proposal"]
    assert [h for h in lines if h in headings] == headings       # each once, in the printed order
    assert all(lines[lines.index(h) - 1] == "" for h in headings[1:])
    assert "\u2612 Domestic abuse call out information" in lines
    assert lines[lines.index("Sources of information") + 1:lines.index("Sources of information") + 4] == [
        "\u2612 CPS summary", "\u2612 Interview", "\u2612 Domestic abuse call out information"]
    assert "Name: Lenore Marquez" in lines and "Age: 46" in lines and "CRN: X320741" in lines
    assert "Pattern of offending: No previous offences." in lines
    assert "Risk of serious harm to children: medium" in lines
    assert "Risk of serious harm to known adults: very high" in lines
    assert "The offence does not meet the custodial threshold." in lines
    assert "She works part time in a bakery." in lines and "She drinks at weekends." in lines
    assert "startDate" not in text and "not-threshold" not in text
    assert case.report.report_type is None                        # reportType "psr": not one of ours


def test_hmpps_da_source_counts_as_the_check_used(linter):
    case = load_case(str(HMPPS))
    result = linter.lint_case(case)
    assert "DA001" not in _da_codes(result)
    # Control: the same report without the source selected does get DA001, with offsets into the text.
    obj = json.loads(HMPPS.read_text(encoding="utf-8"))
    for page in obj["pages"]:
        for question in page["questions"]:
            if question["value"] == "sourcesOfInformation":
                question["answer"] = "cps_summary,interview"
    control = case_from_json(obj, "control.json")
    result = linter.lint_case(control)
    assert "DA001" in _da_codes(result)
    spans = _assert_offsets_slice(control.report.text, result)
    assert any(e.text.lower().startswith("assault") or e.text == "partner" for e in spans)


def test_hmpps_pages_later_override_earlier_aliases_custom_sources_and_wrapper(tmp_path):
    report = {"report": {"status": "STARTED", "reportType": "short-format", "pages": [
        {"name": "offence-analysis", "questions": [
            {"id": 0, "value": "offenceUnderConsideration", "answer": "First draft."},
            {"id": 1, "value": "offencePattern", "answer": "Old pattern text that is long enough."}]},
        {"name": "default", "questions": [
            {"id": 0, "value": "offenceUnderConsideration", "answer": "<p>Theft from a shop.</p><p>Second para.</p>"}]},
        {"name": "risk-analysis", "questions": [
            {"id": 0, "value": "riskOfHarmForChildren", "answer": "low"},
            {"id": 1, "value": "relevantRisksAndProtectiveFactors", "answer": "Supportive family."}]},
        {"name": "sentencing-proposal", "questions": [
            {"id": 0, "value": "custodialSentenceConsideration", "answer": "possible"},
            {"id": 1, "value": "custodialSentenceImpact", "answer": "He cares for his mother."}]},
        {"name": "sources-of-information", "questions": [
            {"id": 0, "value": "sourcesOfInformation",
             "answer": "safeguarding_checks,Police DA check by phone,interview,safeguarding_checks"}]}]}}
    case = load_case(_write(tmp_path, "wrapped.json", report))
    lines = _lines(case.report.text)
    assert case.report.report_type == "short"
    assert lines[:5] == ["Sources of information", "\u2612 Safeguarding checks", "\u2612 Police DA check by phone",
                         "\u2612 Interview", ""]
    assert "Theft from a shop." in lines and "Second para." in lines and "First draft." not in lines
    assert "Risk of serious harm to children: low" in lines
    assert "Relevant risks of harm and protective factors: Supportive family." in lines
    assert lines[-3:] == ["Impact of a custodial sentence", "A custodial sentence is possible or expected.",
                          "He cares for his mother."]


def test_hmpps_report_not_started_is_an_error(tmp_path):
    path = _write(tmp_path, "new.json", {"id": "x", "status": "NOT_STARTED", "pages": None})
    with pytest.raises(IngestError) as caught:
        load_case(path)
    assert "nothing to check" in caught.value.message


def test_hmpps_older_field_values_shape(tmp_path):
    path = _write(tmp_path, "old.json", {"id": 1, "fieldValues": [
        {"fieldId": 3, "value": "Assault on his partner.", "field": {"name": "offencesUnderConsideration"}},
        {"fieldId": 9, "value": "safeguarding_checks", "field": {"name": "sourcesOfInformation"}}]})
    lines = _lines(load_case(path).report.text)
    assert lines == ["Sources of information", "\u2612 Safeguarding checks", "",
                     "Offence analysis", "Assault on his partner."]


# -- our own shape -------------------------------------------------------------------------------
def test_own_shape_with_record(tmp_path):
    path = _write(tmp_path, "own.json", {
        "report": {"text": "Offence analysis\r\nMr A assaulted his partner.", "report_type": "short"},
        "record": {"case_id": "X1", "registrations": "ADVP; RMRH", "court_date": "14/03/2026"},
        "region": "North West"})
    case = load_case(path)
    assert case.report.text == "Offence analysis\nMr A assaulted his partner."
    assert case.report.report_type == "short"
    assert case.record.registrations == ["ADVP", "RMRH"] and str(case.record.court_date) == "2026-03-14"
    assert case.region == "North West" and case.source == path


def test_own_shape_text_only_and_report_type_override(tmp_path):
    path = _write(tmp_path, "t.json", {"text": "Proposal\nFine.", "id": "c-001", "expected": {}})
    assert load_case(path).report.text == "Proposal\nFine."
    assert load_case(path, report_type="oral").report.report_type == "oral"


def test_own_shape_bad_record_field(tmp_path):
    path = _write(tmp_path, "bad.json", {"text": "x", "record": {"court_date": "31/02/2026"}})
    with pytest.raises(IngestError) as caught:
        load_case(path)
    assert "court_date" in caught.value.message


# -- errors --------------------------------------------------------------------------------------
def test_invalid_json_names_the_line(tmp_path):
    path = _write(tmp_path, "broken.json", '{\n  "text": "a",\n  "report_type": short\n}\n')
    with pytest.raises(IngestError) as caught:
        load_case(path)
    assert caught.value.row == 3
    assert str(caught.value).startswith(f"{path}:3: invalid JSON")


@pytest.mark.parametrize("obj,detail", [
    ([{"registrationId": 1, "type": {"code": "ADVP"}}], "a JSON list"),
    ({"courtReportId": 2500032066, "dateRequested": "2017-07-27T00:00:00"}, "top-level keys: courtReportId"),
    ({"request": {"method": "GET"}, "response": {"jsonBody": {"crn": "X320741"}}}, "top-level keys: request"),
    ({}, "an empty object"),
], ids=["registrations", "court-report", "wiremock-context", "empty-object"])
def test_json_that_is_not_a_report(tmp_path, obj, detail):
    path = _write(tmp_path, "other.json", obj)
    with pytest.raises(IngestError) as caught:
        load_case(path)
    assert caught.value.message.startswith("JSON is not a report shape psr-check knows (")
    assert detail in caught.value.message and caught.value.message.endswith("): see docs")


def test_empty_json_file(tmp_path):
    path = _write(tmp_path, "empty.json", "  \n")
    with pytest.raises(IngestError) as caught:
        load_case(path)
    assert caught.value.message == "file is empty: nothing to check"


def test_json_picked_up_from_a_folder(tmp_path):
    _write(tmp_path, "r.json", {"text": "Offence: theft."})
    _write(tmp_path, "a.txt", "Offence: theft.")
    files, errors = expand_paths([str(tmp_path)])
    assert errors == [] and [Path(f).name for f in files] == ["a.txt", "r.json"]


def test_html_to_text_keeps_paragraphs_and_lists():
    html = ("<p>First <strong>para</strong>&nbsp;here.</p><p>Second<br>line</p>"
            "<ul><li>One</li><li>Two &lt;3&gt;</li></ul><script>x()</script>")
    assert html_to_text(html) == "First para here.\nSecond\nline\nOne\nTwo <3>"  # no-break space read as a space


def test_plain_text_with_angle_brackets_is_not_treated_as_html(tmp_path):
    values = {"offenceAnalysis": "Score < 50 and > 10 for 3 <weeks>.", "proposal": "Fine."}
    case = case_from_json({"templateName": "shortFormatPreSentenceReport", "values": copy.deepcopy(values)}, "x")
    assert "Score < 50 and > 10 for 3 <weeks>." in _lines(case.report.text)
