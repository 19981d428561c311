"""Reading allocation records: formats, column mapping, dates, and every bad-row class."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from psr_check.ingest import IngestError
from psr_check.ingest.records import load_mapping, read_records

HEADER = "case_id,court,sentence_date,allocation_date,rosh_level,allocated_to,registrations,report_path\n"


def _csv(tmp_path, body: str, header: str = HEADER, name: str = "records.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes((header + body).encode(encoding))
    return path


def _by_row(batch):
    return {r.row: r for r in batch.rows}


def test_csv_rows_become_records_with_reports(tmp_path):
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "X1.txt").write_text("Risk: RoSH high.", encoding="utf-8")
    path = _csv(tmp_path, "X1,Preston,14/03/2026,2026-03-20,High,crc,ADVP; RMRH,reports/X1.txt\n")
    batch = read_records(str(path))
    row = batch.rows[0]
    assert row.checked and row.case_id == "X1"
    assert row.record.sentence_date == dt.date(2026, 3, 14) and row.record.allocation_date == dt.date(2026, 3, 20)
    assert row.record.rosh_level == "high" and row.record.allocated_to == "CRC"
    assert row.record.registrations == ["ADVP", "RMRH"]
    assert row.report.text == "Risk: RoSH high." and row.report_source.endswith("X1.txt")


@pytest.mark.parametrize("body, row, reason, words", [
    (",Preston,14/03/2026,,,,,\n", 1, "missing_case_id", "no case_id"),
    ("X1,Preston,31/02/2026,,,,,\n", 1, "bad_date", "31/02/2026"),
    ("X1,Preston,03/14/2026,,,,,\n", 1, "bad_date", "03/14/2026"),     # US order: month 14
    ("X1,Preston,14/03/26,,,,,\n", 1, "bad_date", "14/03/26"),          # two-digit year: ambiguous
    ("X1,Preston,,,,NPSX,,\n", 1, "bad_value", "allocated_to"),
    ("X1,Preston,,,,,,nothere.txt\n", 1, "missing_report", "nothere.txt"),
    ("X1,Preston,,,,,,,extra,cells\n", 1, "unreadable_row", "10 cells but 8"),
    ('X1,"Pres"ton,,,,,,\n', 1, "unreadable_row", "quotes"),
])
def test_bad_rows_are_skipped_with_a_reason_and_the_rest_goes_on(tmp_path, body, row, reason, words):
    path = _csv(tmp_path, body + "X9,Bolton,01/03/2026,,,,,\n")
    batch = read_records(str(path))
    rows = _by_row(batch)
    assert rows[row].skip_reason == reason and words in rows[row].message
    assert rows[row + 1].checked and rows[row + 1].case_id == "X9"  # the batch goes on


def test_duplicate_case_id_keeps_the_first_and_names_it(tmp_path):
    batch = read_records(str(_csv(tmp_path, "X1,A,,,,,,\nX2,B,,,,,,\nX1,C,,,,,,\n")))
    rows = _by_row(batch)
    assert rows[1].checked and rows[1].record.court == "A"
    assert rows[3].skip_reason == "duplicate_case_id" and "row 1" in rows[3].message


def test_semicolon_csv_with_bom_from_excel(tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes("\ufeffcase_id;court;sentence_date\nX1;Preston;14/03/2026\n".encode("utf-8"))
    batch = read_records(str(path))
    assert batch.rows[0].checked and batch.rows[0].record.court == "Preston"
    assert any("';'" in n for n in batch.notices)


def test_cp1252_csv_is_read_with_a_notice(tmp_path):
    path = _csv(tmp_path, "X1,Ynys Môn – Caernarfon,,,,,,\n", encoding="cp1252")
    batch = read_records(str(path))
    assert batch.rows[0].record.court == "Ynys Môn – Caernarfon"
    assert any("cp1252" in n for n in batch.notices)


def test_unknown_columns_are_kept_and_reported_once(tmp_path):
    path = _csv(tmp_path, "X1,1\nX2,2\n", header="case_id,shoe_size\n")
    batch = read_records(str(path))
    assert all(r.checked for r in batch.rows)
    assert [n for n in batch.notices if "shoe_size" in n] and len(batch.notices) == 1
    assert batch.rows[0].record.model_extra["shoe_size"] == "1"


def test_missing_case_id_column_says_how_to_map_it(tmp_path):
    batch = read_records(str(_csv(tmp_path, "Preston\n", header="court\n")))
    assert batch.rows[0].skip_reason == "missing_case_id"
    assert any("--mapping" in n for n in batch.notices)


def test_default_and_user_column_mappings(tmp_path):
    path = _csv(tmp_path, "X1,14/03/2026,National Probation Service,PO-1,Nil trace\n",
                header="CRN,Sentence Date,Provider,Officer Code,DA Check Result\n")
    row = read_records(str(path)).rows[0]
    assert row.record.case_id == "X1" and row.record.sentence_date == dt.date(2026, 3, 14)
    assert row.record.allocated_to == "NPS" and row.record.allocated_officer == "PO-1"
    assert row.record.da_enquiry_result == "no_trace"
    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns:\n  Ref No: case_id\n  Disposal Date: sentence_date\n", encoding="utf-8")
    other = _csv(tmp_path, "Z9,01/02/2026\n", header="Ref No,Disposal Date\n", name="other.csv")
    row = read_records(str(other), mapping=load_mapping(str(mapping))).rows[0]
    assert row.checked and row.record.case_id == "Z9" and row.record.sentence_date == dt.date(2026, 2, 1)


def test_bad_mapping_file_names_the_file(tmp_path):
    mapping = tmp_path / "map.yaml"
    mapping.write_text("colums:\n  Ref: case_id\n", encoding="utf-8")
    with pytest.raises(IngestError) as info:
        load_mapping(str(mapping))
    assert "map.yaml" in str(info.value) and "colums" in str(info.value)


def test_jsonl_and_json_records(tmp_path):
    lines = [json.dumps({"case_id": "X1", "sentence_date": "2026-03-14"}), "{not json", json.dumps([1])]
    path = tmp_path / "r.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = _by_row(read_records(str(path)))
    assert rows[1].checked and rows[2].skip_reason == "unreadable_row" and rows[3].skip_reason == "unreadable_row"
    whole = tmp_path / "r.json"
    whole.write_text(json.dumps({"records": [{"case_id": "X1"}, {"case_id": "X2", "report_text": "Risk: RoSH low."}]}),
                     encoding="utf-8")
    rows = read_records(str(whole)).rows
    assert [r.case_id for r in rows] == ["X1", "X2"] and rows[1].report.text == "Risk: RoSH low."


def test_xlsx_records_with_real_dates(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["CRN", "Sentence Date", "MAPPA Category", "RoSH Level"])
    sheet.append(["X1", dt.datetime(2026, 3, 14), 2, "Very High"])
    sheet.append([None, None, None, None])
    sheet.append(["X2", "14/03/2026", None, "low"])
    path = tmp_path / "r.xlsx"
    book.save(path)
    rows = read_records(str(path)).rows
    assert [r.case_id for r in rows] == ["X1", "X2"]
    assert rows[0].record.sentence_date == dt.date(2026, 3, 14) and rows[0].record.mappa_category == 2
    assert rows[0].record.rosh_level == "very high" and rows[1].record.sentence_date == dt.date(2026, 3, 14)


@pytest.mark.parametrize("name, content, words", [
    ("r.xlsx", b"not a zip", "not a readable .xlsx"),
    ("r.csv", b"", "empty"),
    ("r.txt", b"case_id\nX1\n", "unsupported records file"),
    ("r.json", b"{\"records\": 3}", "list of records"),
])
def test_unreadable_records_files_fail_as_a_whole_with_one_line(tmp_path, name, content, words):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(IngestError) as info:
        read_records(str(path))
    assert name in str(info.value) and words in str(info.value)


def test_reports_folder_is_a_fallback_by_case_id(tmp_path):
    (tmp_path / "psrs").mkdir()
    (tmp_path / "psrs" / "X1.txt").write_text("Risk: RoSH medium.", encoding="utf-8")
    batch = read_records(str(_csv(tmp_path, "X1,,,,,,,\nX2,,,,,,,\n")), reports_dir=str(tmp_path / "psrs"))
    rows = _by_row(batch)
    assert rows[1].report.text == "Risk: RoSH medium."
    assert rows[2].checked and rows[2].report is None  # no report named: the record alone is checked


# ---------------------------------------------------------------- any bytes: a row error or IngestError, never a crash
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

CELLS = st.sampled_from(["X1", "X2", "", "14/03/2026", "2026-03-14", "31/02/2026", "03/14/2026", "high", "NPS",
                         "ADVP;RCHD", '"', '""', "a,b", ";", "\t", "\r\n", "reports/none.txt", "£", "\x00", "é"])
CSV_TEXT = st.lists(st.lists(st.one_of(CELLS, st.text(max_size=6)), max_size=8), max_size=8).map(
    lambda rows: "case_id,sentence_date,rosh_level,allocated_to,registrations,report_path\n"
    + "\n".join(",".join(r) for r in rows))


@settings(max_examples=int(__import__("os").environ.get("PSR_CHECK_EXAMPLES", "150")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=CSV_TEXT, encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
def test_any_csv_gives_rows_or_one_error_never_a_crash(tmp_path, text, encoding):
    path = tmp_path / "r.csv"
    path.write_bytes(text.encode(encoding, errors="replace"))
    try:
        batch = read_records(str(path))
    except IngestError as exc:
        assert "r.csv" in str(exc)
        return
    for row in batch.rows:
        assert row.checked or (row.skip_reason and row.message and "\n" not in row.message)
    assert len({r.case_id for r in batch.rows if r.checked}) == sum(r.checked for r in batch.rows)
