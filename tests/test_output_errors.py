"""An --output that cannot be written: one clear line naming it, exit 2, and no partial file."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from psr_check.commands import write_atomically
from psr_check.ingest import IngestError

DRAFT = "Offence analysis\nMr A assaulted his partner at home.\n"


def _draft(tmp_path: Path) -> Path:
    path = tmp_path / "draft.txt"
    path.write_text(DRAFT, encoding="utf-8")
    return path


def _one_line_naming(stderr: bytes, target: Path) -> str:
    lines = [line for line in stderr.decode("utf-8").splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert str(target) in lines[0] and "Traceback" not in lines[0]
    return lines[0]


def test_output_in_a_missing_folder(cli, tmp_path):
    _draft(tmp_path)
    target = tmp_path / "no-such-folder" / "report.html"
    result = cli("lint", "draft.txt", "--format", "html", "--output", str(target))
    assert result.returncode == 2
    line = _one_line_naming(result.stderr, target)
    assert "does not exist" in line
    assert result.stdout == b""  # the report is not dumped on the screen instead
    assert not target.parent.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["draft.txt"]


def test_output_in_a_read_only_folder(cli, tmp_path):
    _draft(tmp_path)
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as root (or with CAP_DAC_OVERRIDE): a read-only folder is still writable, "
                        "so this case cannot happen here; test_permission_error_leaves_nothing covers the code path")
        target = folder / "report.json"
        result = cli("lint", "draft.txt", "--format", "json", "--output", str(target))
        assert result.returncode == 2
        assert "no permission" in _one_line_naming(result.stderr, target)
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(stat.S_IRWXU)


def test_output_that_is_a_folder(cli, tmp_path):
    _draft(tmp_path)
    folder = tmp_path / "out"
    folder.mkdir()
    result = cli("lint", "draft.txt", "--output", str(folder))
    assert result.returncode == 2
    assert "is a folder" in _one_line_naming(result.stderr, folder)
    assert list(folder.iterdir()) == []
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]


def test_input_errors_and_an_unwritable_output_are_both_reported(cli, tmp_path):
    _draft(tmp_path)
    target = tmp_path / "missing" / "r.txt"
    result = cli("lint", "draft.txt", "nothere.txt", "--output", str(target))
    assert result.returncode == 2
    stderr = result.stderr.decode("utf-8")
    assert "nothere.txt" in stderr and str(target) in stderr
    assert len(stderr.strip().splitlines()) == 2


def test_permission_error_leaves_nothing(tmp_path, monkeypatch):
    """The read-only case without needing a non-root user: the temp file cannot be made."""
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    target = tmp_path / "report.txt"
    with pytest.raises(IngestError) as raised:
        write_atomically(str(target), "text")
    assert raised.value.path == str(target)
    assert "no permission to write" in raised.value.message
    assert list(tmp_path.iterdir()) == []


def test_a_failure_mid_write_keeps_the_old_report_and_no_temp_file(tmp_path, monkeypatch):
    target = tmp_path / "report.txt"
    target.write_text("yesterday's report", encoding="utf-8")

    def disk_full(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(IngestError) as raised:
        write_atomically(str(target), "today's report")
    assert "No space left on device" in raised.value.message
    assert target.read_text(encoding="utf-8") == "yesterday's report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]
