"""Findings do not depend on the number of worker processes, nor on what a Linter has seen before."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _dev_drafts(count: int = 12) -> list[tuple[str, str, str]]:
    """``count`` varied drafts from corpus/dev: taken in turn from each file (oral, short and
    standard; DA, safeguarding, proposals, traps), so the batch mixes lengths and findings."""
    rows = {path.stem: [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
            for path in sorted((REPO / "corpus" / "dev").glob("*.jsonl"))}
    picked: list[tuple[str, str, str]] = []
    depth = 0
    while len(picked) < count:
        for stem, cases in rows.items():
            index = depth * 7 + 3  # spread through each file, not just its first cases
            if index < len(cases) and len(picked) < count:
                case = cases[index]
                picked.append((case["id"], case["text"], case["report_type"]))
        depth += 1
    return picked


@pytest.fixture(scope="module")
def drafts(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("workers") / "drafts"
    folder.mkdir()
    for case_id, text, _ in _dev_drafts():
        (folder / f"{case_id}.txt").write_text(text, encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")  # an input error, reported in order too
    return folder


def test_the_batch_is_varied(drafts):
    picked = _dev_drafts()
    assert len({text for _, text, _ in picked}) == 12
    assert {"oral", "short"} <= {kind for _, _, kind in picked}
    assert len(list(drafts.glob("*.txt"))) == 13


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_two_workers_give_byte_identical_output(cli, drafts, fmt):
    runs = {}
    for workers in (1, 2):
        output = drafts.parent / f"out-{workers}.{fmt}"
        result = cli("lint", str(drafts), "--workers", str(workers), "--format", fmt, "--output", str(output),
                     cwd=drafts.parent)
        runs[workers] = (result.returncode, result.stderr, output.read_bytes())
    assert runs[1] == runs[2]
    code, stderr, content = runs[1]
    assert code == 2 and b"empty.txt" in stderr  # the empty draft is an input error in both
    if fmt == "json":
        data = json.loads(content)
        paths = [Path(d["path"]).name for d in data["documents"]]
        assert paths == sorted(paths) and len(paths) == 12  # input (folder) order, not finishing order
        assert sum(len(d["findings"]) for d in data["documents"]) > 0  # the comparison is not vacuous


def test_workers_option_is_validated(cli):
    result = cli("lint", "x.txt", "--workers", "0")
    assert result.returncode == 2


def test_a_second_run_in_the_same_process_gives_identical_results():
    """Caches (tokenizer, lookups, compiled patterns) never change findings: a fresh Linter's first
    answer equals its second, and equals the answer after it has linted other drafts."""
    from psr_check.lint import Linter

    linter = Linter()
    texts = [text for _, text, _ in _dev_drafts()]
    first = [linter.lint_text(text, source=f"d{i}").model_dump_json() for i, text in enumerate(texts)]
    again = linter.lint_text(texts[0], source="d0").model_dump_json()
    assert again == first[0]
    backwards = [linter.lint_text(texts[i], source=f"d{i}").model_dump_json() for i in reversed(range(len(texts)))]
    assert backwards[::-1] == first


def test_a_serial_batch_freezes_what_it_built_only_when_big_and_finds_the_same(tmp_path, monkeypatch):
    """settle_for_batch (gc.freeze once the Linter is built) runs for batches of BATCH drafts or
    more, not for a few; and the findings are the same either way."""
    import gc

    import psr_check.lint as lint_module
    from psr_check.commands import run_lint
    from psr_check.settings import Settings

    frozen = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(1))  # count, without freezing pytest's heap
    thresholds = []
    monkeypatch.setattr(gc, "set_threshold", lambda *values: thresholds.append(values))  # pytest's own stay
    folder = tmp_path / "drafts"
    folder.mkdir()
    example = (Path(__file__).resolve().parents[1] / "corpus" / "examples" / "oral-record-da.txt").read_text()
    for i in range(lint_module.BATCH):  # exactly BATCH drafts
        (folder / f"d{i:03}.txt").write_text(example.replace("Reece", f"Reece{i}"), encoding="utf-8")
    outputs = {}
    size = lint_module.BATCH
    for batch in (size, size + 1):
        monkeypatch.setattr(lint_module, "BATCH", batch)
        target = tmp_path / f"out{batch}.json"
        run_lint([str(folder)], Settings(), record=None, fmt="json", output=str(target), stdin=None)
        outputs[batch] = target.read_bytes()
    assert frozen == [1]  # the batch of BATCH froze; one short of the limit did not
    assert len(thresholds) == 1 and thresholds[0][0] == lint_module.YOUNG_COLLECTION  # and collects young objects less often
    assert outputs[size] == outputs[size + 1]
    run_lint([str(folder / "d000.txt")], Settings(), record=None, fmt="json", output=str(tmp_path / "one.json"), stdin=None)
    assert frozen == [1]
