"""Ingest: plain-text drafts as Word and Notepad really save them, and clear errors for bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from psr_check.ingest import IngestError, expand_paths, load_case


def _write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return str(path)


def test_utf8(tmp_path):
    path = _write(tmp_path, "d.txt", "Mr O’Dowd owes £40 – café.\n".encode("utf-8"))
    case = load_case(path)
    assert case.report.text == "Mr O’Dowd owes £40 – café.\n"
    assert case.report.encoding_note is None
    assert case.source == path


def test_utf8_with_bom_is_stripped(tmp_path):
    path = _write(tmp_path, "d.txt", b"\xef\xbb\xbf" + "Offence analysis\nMr O’Dowd.".encode("utf-8"))
    text = load_case(path).report.text
    assert text == "Offence analysis\nMr O’Dowd."
    assert not text.startswith("\ufeff")


def test_utf16_with_bom(tmp_path):
    path = _write(tmp_path, "d.txt", "Offence analysis\r\nMr O’Dowd owes £40.".encode("utf-16"))
    assert load_case(path).report.text == "Offence analysis\nMr O’Dowd owes £40."


def test_cp1252_is_decoded_with_a_note(tmp_path):
    path = _write(tmp_path, "d.txt", b"Mr O\x92Dowd owes \xa340 \x96 fine proposed.")
    case = load_case(path)
    assert case.report.text == "Mr O\u2019Dowd owes £40 \u2013 fine proposed."
    assert "\ufffd" not in case.report.text
    assert case.report.encoding_note and "1252" in case.report.encoding_note


def test_crlf_and_cr_newlines_are_normalised(tmp_path):
    path = _write(tmp_path, "d.txt", b"Offence analysis\r\nHe hit his partner.\r\nProposal\rFine.\r\n")
    text = load_case(path).report.text
    assert "\r" not in text
    assert text == "Offence analysis\nHe hit his partner.\nProposal\nFine.\n"


def test_crlf_normalised_on_stdin():
    case = load_case("-", stdin_bytes=b"Line one\r\nLine two\r\n")
    assert case.report.text == "Line one\nLine two\n"
    assert case.source == "<stdin>"


@pytest.mark.parametrize("data", [b"", b"   \r\n\t\n  "], ids=["empty", "whitespace-only"])
def test_empty_and_whitespace_only_files_are_errors_naming_the_file(tmp_path, data):
    path = _write(tmp_path, "blank.txt", data)
    with pytest.raises(IngestError) as caught:
        load_case(path)
    assert caught.value.path == path
    assert "blank.txt" in str(caught.value)
    assert "empty" in caught.value.message


def test_empty_stdin_is_an_error():
    with pytest.raises(IngestError) as caught:
        load_case("-", stdin_bytes=b"")
    assert "<stdin>" in str(caught.value)


def test_binary_file_is_an_error(tmp_path):
    path = _write(tmp_path, "scan.txt", b"PK\x03\x04\x00\x00binary\x00\x01\x02 data")
    with pytest.raises(IngestError) as caught:
        load_case(path)
    assert "scan.txt" in str(caught.value)
    assert "binary" in caught.value.message


def test_unsupported_suffix(tmp_path):
    path = _write(tmp_path, "report.pdf", b"%PDF-1.4 Offence analysis")
    with pytest.raises(IngestError) as caught:
        load_case(path)
    assert "report.pdf" in str(caught.value)
    assert ".pdf" in caught.value.message


def test_missing_file_via_load_case(tmp_path):
    path = str(tmp_path / "nowhere.txt")
    with pytest.raises(IngestError) as caught:
        load_case(path)
    assert caught.value.path == path


def test_missing_path_in_expand_paths(tmp_path):
    present = _write(tmp_path, "here.txt", b"text")
    missing = str(tmp_path / "gone.txt")
    files, errors = expand_paths([present, missing])
    assert files == [present]
    assert [e.path for e in errors] == [missing]
    assert "no such file" in errors[0].message


def test_folder_expansion_is_sorted_and_only_drafts(tmp_path):
    folder = tmp_path / "drafts"
    for name in ["b.md", "a.txt", "C.TXT", "notes.csv", "scan.pdf", "x.docx.bak", "sub/d.txt"]:
        _write(folder, name, b"Offence: theft.")
    _write(folder, "sub/e.json", b'{"text": "Offence: theft."}')  # our own JSON report shape
    files, errors = expand_paths([str(folder)])
    assert errors == []
    names = sorted(Path(f).relative_to(folder).as_posix() for f in files)
    # .docx and .json reports are drafts too; .csv, .pdf and backups are not
    assert names == ["C.TXT", "a.txt", "b.md", "sub/d.txt", "sub/e.json"]
    assert files == sorted(files)
    # Every file found can actually be loaded.
    assert all(load_case(f).report.text == "Offence: theft." for f in files)


def test_empty_folder_is_an_error(tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / "readme.pdf").write_bytes(b"x")
    files, errors = expand_paths([str(folder)])
    assert files == []
    assert len(errors) == 1 and errors[0].path == str(folder)


def test_stdin_marker_passes_through_expand_paths():
    files, errors = expand_paths(["-"])
    assert files == ["-"] and errors == []
