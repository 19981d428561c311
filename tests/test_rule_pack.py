"""The rule pack: every check's embedded tests, and loud file:line errors for broken rule files."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from psr_check.pack import RulePackError, load_rule_pack
from psr_check.resources import data_dir


# ------------------------------------------------------------------ embedded tests, one case each
def _collect() -> list:
    """(code, index) of every embedded test, read at import time so each is its own pytest case."""
    try:
        pack = load_rule_pack()
    except RulePackError as exc:  # a broken shipped pack must fail loudly, not vanish from the run
        return [pytest.param("PACK", 0, "\n".join(exc.problems), id="rule-pack-loads")]
    return [pytest.param(check.code, index, None, id=f"{check.code}-{index}")
            for check in pack.checks for index, _ in enumerate(check.tests, start=1)]


CASES = _collect()


@pytest.fixture(scope="session")
def rule_test_results():
    from psr_check.engine.selftest import run_rule_tests

    return {(r.code, r.index): r for r in run_rule_tests()}


def test_pack_has_embedded_tests():
    assert len(CASES) >= 4 and all(p.values[0] != "PACK" for p in CASES), CASES[0].values[2]


@pytest.mark.parametrize(("code", "index", "load_error"), CASES)
def test_embedded_rule_test(code, index, load_error, rule_test_results):
    assert load_error is None, f"the shipped rule pack does not load:\n{load_error}"
    result = rule_test_results[(code, index)]
    assert result.passed, (f"{code} test {index} ({result.origin}): expected {result.expected or 'nothing'}, "
                           f"got {result.got or 'nothing'}\ntext: {result.text!r}")


def test_every_check_has_a_firing_and_a_silent_test():
    pack = load_rule_pack()
    for check in pack.checks:
        assert any(check.code in t.expect for t in check.tests), check.code
        assert any(check.code not in t.expect for t in check.tests), check.code


# ------------------------------------------------------------------ broken rule files
# A well-formed extra check appended to a copy of the shipped da-enquiry.yaml; each test breaks it in
# one way and expects the problem to name da-enquiry.yaml and the line of the break.
GOOD_CHECK = """\
- code: DA099
  family: da-enquiry
  severity: warning
  title: Test check appended by the test suite
  when:
    concept: DA_INDICATOR
  require:
    concept: DA_ENQUIRY
  message: "{{ trigger.text }} found"
  fix: Do something.
  rationale: Because.
  tests:
    - text: "He assaulted his partner."
      expect: [DA099]
    - text: "Offence theft."
      expect: []
"""


def _pack_copy(tmp_path: Path, block: str) -> tuple[Path, list[str]]:
    """Copy the whole rule pack, append ``block`` to checks/da-enquiry.yaml; return root and lines."""
    root = tmp_path / "rules"
    shutil.copytree(data_dir("rules"), root)
    target = root / "checks" / "da-enquiry.yaml"
    text = target.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + block
    target.write_text(text, encoding="utf-8")
    return root, text.split("\n")


def _line(lines: list[str], exact: str) -> int:
    """1-based line number of the (only) line equal to ``exact``."""
    hits = [i for i, line in enumerate(lines, start=1) if line == exact]
    assert len(hits) == 1, f"test setup: {exact!r} occurs {len(hits)} times"
    return hits[0]


def _problems(root: Path) -> list[str]:
    with pytest.raises(RulePackError) as caught:
        load_rule_pack(root=root)
    problems = caught.value.problems
    assert problems, "RulePackError without problems"
    return problems


def _assert_points_at(problems: list[str], lines: set[int], *words: str) -> None:
    wanted = [p for p in problems if any(f"da-enquiry.yaml:{n}:" in p for n in lines)
              and all(w in p for w in words)]
    assert wanted, f"no problem at da-enquiry.yaml:{sorted(lines)} mentioning {words}; got {problems}"


def test_copied_pack_with_good_extra_check_loads(tmp_path):
    root, lines = _pack_copy(tmp_path, GOOD_CHECK)
    pack = load_rule_pack(root=root)
    check = pack.check("DA099")
    assert check is not None
    assert check.origin.endswith(f"da-enquiry.yaml:{_line(lines, '- code: DA099')}"), check.origin


def test_bad_yaml_indentation(tmp_path):
    block = GOOD_CHECK.replace("  title: Test check", "    title: Test check")
    root, lines = _pack_copy(tmp_path, block)
    problems = _problems(root)
    _assert_points_at(problems, {_line(lines, "    title: Test check appended by the test suite")}, "YAML")


def test_bad_yaml_dedent(tmp_path):
    block = GOOD_CHECK.replace("  fix: Do something.", " fix: Do something.")
    root, lines = _pack_copy(tmp_path, block)
    _assert_points_at(_problems(root), {_line(lines, " fix: Do something.")}, "YAML")


def test_unknown_key(tmp_path):
    root, lines = _pack_copy(tmp_path, GOOD_CHECK.replace("  severity: warning", "  sevrity: warning"))
    _assert_points_at(_problems(root), {_line(lines, "  sevrity: warning")}, "sevrity")


def test_unknown_concept(tmp_path):
    root, lines = _pack_copy(tmp_path, GOOD_CHECK.replace("concept: DA_INDICATOR", "concept: DA_INDICATR"))
    # Either the line of the check or the line of the misspelt name is a usable pointer.
    _assert_points_at(_problems(root), {_line(lines, "- code: DA099"), _line(lines, "    concept: DA_INDICATR")},
                      "DA_INDICATR")


def test_code_with_wrong_family_prefix(tmp_path):
    block = GOOD_CHECK.replace("code: DA099", "code: SG099").replace("[DA099]", "[SG099]")
    root, lines = _pack_copy(tmp_path, block)
    _assert_points_at(_problems(root), {_line(lines, "- code: SG099")}, "SG099", "DA")


def test_check_without_a_silent_test(tmp_path):
    block = GOOD_CHECK.replace('    - text: "Offence theft."\n      expect: []\n',
                               '    - text: "He hit his wife."\n      expect: [DA099]\n')
    assert block != GOOD_CHECK
    root, lines = _pack_copy(tmp_path, block)
    _assert_points_at(_problems(root), {_line(lines, "- code: DA099")}, "DA099")


def test_message_template_typo_is_caught_at_load(tmp_path):
    root, lines = _pack_copy(tmp_path, GOOD_CHECK.replace("{{ trigger.text }} found", "{{ trigger.txt }} found"))
    _assert_points_at(_problems(root), {_line(lines, "- code: DA099"),
                                        _line(lines, '  message: "{{ trigger.txt }} found"')}, "txt")


def test_impossible_date_in_a_test_record_is_caught_at_load(tmp_path):
    """A rule test's record is validated like any record, so `rules test` cannot crash on it later."""
    block = GOOD_CHECK.replace('      expect: [DA099]\n',
                               '      record: {court_date: "31/02/2026"}\n      expect: [DA099]\n', 1)
    root, lines = _pack_copy(tmp_path, block)
    _assert_points_at(_problems(root), {_line(lines, "- code: DA099"),
                                        _line(lines, '    - text: "He assaulted his partner."'),
                                        _line(lines, '      record: {court_date: "31/02/2026"}')}, "31/02/2026")


def test_every_problem_is_file_colon_line(tmp_path):
    block = GOOD_CHECK.replace("  severity: warning", "  sevrity: warning")
    root, _ = _pack_copy(tmp_path, block)
    for problem in _problems(root):
        head = problem.split(": ", 1)[0]
        path, _, line = head.rpartition(":")
        assert path.endswith(".yaml") and line.isdigit() and int(line) > 0, problem


# ------------------------------------------------------------------ command line
def test_cli_rules_list(cli, decode):
    result = cli("rules", "list")
    stdout, stderr = decode(result)
    assert result.returncode == 0, stderr
    assert any(line.startswith("DA001") for line in stdout.splitlines()), stdout


BAD_EXTRA = """\
# A court's own extra check, with a misspelt key.
- code: DA098
  family: da-enquiry
  sevrity: warning
  title: Extra check
  when:
    concept: DA_INDICATOR
  message: "found"
  fix: Do something.
  rationale: Because.
  tests:
    - text: "He assaulted his partner."
      expect: [DA098]
    - text: "Offence theft."
      expect: []
"""


def test_cli_broken_extra_rules_folder_exits_2_with_file_and_line(cli, decode, tmp_path):
    (tmp_path / "extra" / "checks").mkdir(parents=True)
    (tmp_path / "extra" / "checks" / "bad.yaml").write_text(BAD_EXTRA, encoding="utf-8")
    (tmp_path / "psr-check.toml").write_text('rules = ["extra"]\n', encoding="utf-8")
    (tmp_path / "some.txt").write_text("Offence: theft from a shop.\n", encoding="utf-8")
    line = BAD_EXTRA.split("\n").index("  sevrity: warning") + 1
    result = cli("lint", "--config", str(tmp_path / "psr-check.toml"), "some.txt", cwd=tmp_path)
    stdout, stderr = decode(result)
    assert result.returncode == 2, (stdout, stderr)
    assert f"bad.yaml:{line}" in stderr, stderr
    assert "Traceback" not in stderr


def test_cli_config_found_from_cwd(cli, decode, tmp_path):
    """Without --config, psr-check.toml in the working folder is read (and its broken rules fail)."""
    (tmp_path / "extra" / "checks").mkdir(parents=True)
    (tmp_path / "extra" / "checks" / "bad.yaml").write_text(BAD_EXTRA, encoding="utf-8")
    (tmp_path / "psr-check.toml").write_text('rules = ["extra"]\n', encoding="utf-8")
    result = cli("rules", "list", cwd=tmp_path)
    stdout, stderr = decode(result)
    assert result.returncode == 2, (stdout, stderr)
    assert "bad.yaml:4" in stderr, stderr


def test_cli_rules_test_reports_failing_extra_check(cli, decode, tmp_path):
    """An extra folder's check whose embedded test is wrong makes `rules test` exit 1 naming it."""
    extra = GOOD_CHECK.replace("DA099", "ST901").replace("family: da-enquiry", "family: stalking-checks")
    # Its silent test is a text that does fire, so the embedded test must fail.
    extra = extra.replace('"Offence theft."', '"He hit his wife."')
    (tmp_path / "extra" / "checks").mkdir(parents=True)
    (tmp_path / "extra" / "checks" / "st.yaml").write_text(extra, encoding="utf-8")
    (tmp_path / "psr-check.toml").write_text('rules = ["extra"]\n', encoding="utf-8")
    result = cli("rules", "test", "--config", str(tmp_path / "psr-check.toml"))
    stdout, stderr = decode(result)
    assert result.returncode == 1, (stdout, stderr)
    assert re.search(r"FAIL ST901 \(.*st\.yaml:1\) test 2:", stdout), stdout
    assert stdout.count("FAIL ST901") == 1, f"only ST901's second test should fail:\n{stdout}"


def test_concept_named_like_a_catalogue_programme_is_an_error(tmp_path):
    """Programme concepts come from rules/programmes.yaml; a hand-written PROGRAMME_BBR must not
    silently replace the catalogue's aliases."""
    import shutil

    from psr_check.pack import RulePackError, load_rule_pack
    from psr_check.resources import data_dir

    root = tmp_path / "rules"
    shutil.copytree(data_dir("rules"), root)
    (root / "concepts" / "extra.yaml").write_text(
        "- id: PROGRAMME_BBR\n  description: shadow\n  phrases: [bbr]\n", encoding="utf-8")
    with pytest.raises(RulePackError) as caught:
        load_rule_pack(root=root)
    assert any("extra.yaml:1" in p and "PROGRAMME_BBR" in p for p in caught.value.problems)
