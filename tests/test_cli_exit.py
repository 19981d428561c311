"""The command ends without Python's object-by-object teardown (cli._exit_without_teardown), and
nothing a normal exit does for the user is lost: output, exit code, exit handlers."""

from __future__ import annotations

import atexit
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from psr_check import cli

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(str(p) for p in (REPO / "corpus" / "examples").glob("*.txt"))

_RUN_MAIN = """
import atexit, sys
marker = sys.argv[1]
atexit.register(lambda: open(marker, "w").write("exit handler ran"))
from psr_check.cli import main
sys.argv = ["psr-check", *sys.argv[2:]]
main()
"""


def _main(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    marker = tmp_path / "marker.txt"
    run = subprocess.run([sys.executable, "-c", _RUN_MAIN, str(marker), *args], capture_output=True,
                         cwd=REPO, timeout=120, check=False)
    assert marker.read_text() == "exit handler ran"  # exit handlers still run
    return run


def test_piped_output_arrives_whole_with_the_exit_code(tmp_path):
    """Far more than a pipe's buffer of JSON, read by another process: every byte, and exit 1
    (findings), as the command gave them."""
    texts = EXAMPLES * 12
    run = _main(tmp_path, "lint", "--format", "json", *texts)
    assert run.returncode == 1, run.stderr
    assert len(run.stdout) > 150_000  # several times a pipe buffer (64 kB)
    assert len(json.loads(run.stdout)["documents"]) == len(texts)


def test_usage_and_input_errors_keep_their_exit_codes_and_messages(tmp_path):
    run = _main(tmp_path, "lint", "--format", "nope", EXAMPLES[0])
    assert run.returncode == 2 and b"--format nope is not available" in run.stderr
    run = _main(tmp_path, "lint", str(tmp_path / "missing.txt"))
    assert run.returncode == 2 and b"no such file" in run.stderr


def test_files_written_by_the_command_are_complete(tmp_path):
    out = tmp_path / "out.json"
    run = _main(tmp_path, "lint", "--format", "json", "--output", str(out), *EXAMPLES)
    assert run.returncode == 1, run.stderr
    assert len(json.loads(out.read_text(encoding="utf-8"))["documents"]) == len(EXAMPLES)


class _Exited(Exception):
    pass


@pytest.fixture
def exits(monkeypatch):
    """os._exit and the exit handlers replaced, to see what the fast exit does in this process."""
    seen: list = []

    def fake_exit(code):
        seen.append(("exit", code))
        raise _Exited

    monkeypatch.setattr(os, "_exit", fake_exit)
    monkeypatch.setattr(atexit, "_run_exitfuncs", lambda: seen.append(("handlers",)))
    return seen


@pytest.mark.parametrize("code, expected", [(None, 0), (0, 0), (1, 1), (2, 2)])
def test_handlers_run_before_the_process_ends_with_its_code(exits, code, expected):
    with pytest.raises(_Exited):
        cli._exit_without_teardown(SystemExit(code))
    assert exits == [("handlers",), ("exit", expected)]


def test_python_exits_itself_for_a_message_or_a_running_thread(exits):
    cli._exit_without_teardown(SystemExit("a message to print"))
    release = threading.Event()
    worker = threading.Thread(target=release.wait)
    worker.start()
    try:
        cli._exit_without_teardown(SystemExit(0))  # a normal exit waits for the thread: left to it
    finally:
        release.set()
        worker.join()
    assert exits == []


def test_a_stream_that_cannot_be_flushed_is_left_to_python(exits, monkeypatch):
    class ClosedPipe:
        def flush(self):
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    cli._exit_without_teardown(SystemExit(1))
    assert exits == []
