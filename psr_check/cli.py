"""Command line: thin commands over library functions. Heavy modules (spaCy) load inside commands,
so ``psr-check --help`` answers at once."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Check draft pre-sentence reports for the gaps inspectors found.")
rules_app = typer.Typer(no_args_is_help=True, help="List, explain and test the rule pack.")
app.add_typer(rules_app, name="rules")

_state = {"debug": False}


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"psr-check: {message}", err=True)
    raise typer.Exit(code)


def _guard(func):
    """Users see one line per problem, never a traceback, unless --debug."""
    import functools

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except typer.Exit:
            raise
        except KeyboardInterrupt:
            _fail("interrupted; nothing was written", 130)
        except Exception as exc:  # noqa: BLE001 - the last line of defence for users
            if _state["debug"]:
                raise
            from psr_check.pack import RulePackError
            from psr_check.settings import ConfigError

            if isinstance(exc, RulePackError):
                for line in exc.problems:
                    typer.echo(line, err=True)
                _fail("the rule pack has errors (listed above); fix them and run `psr-check rules test`")
            if isinstance(exc, ConfigError):
                _fail(str(exc))
            _fail(f"{type(exc).__name__}: {exc} (run with --debug for details)")
    return wrapper


@app.callback()
def main_options(debug: bool = typer.Option(False, "--debug", help="Show tracebacks for internal errors.")) -> None:
    _state["debug"] = debug


def _settings(config: Optional[str], **overrides):
    from psr_check.settings import Settings, load_config

    settings, _ = load_config(config)
    data = settings.model_dump()
    data.update({k: v for k, v in overrides.items() if v not in (None, [], "")})
    return Settings.model_validate(data)


def _codes(values: Optional[List[str]]) -> list[str]:
    return [c.strip().upper() for v in values or [] for c in v.split(",") if c.strip()]


@app.command()
@_guard
def lint(
    paths: List[str] = typer.Argument(..., help="Draft files or folders; - reads standard input."),
    record: Optional[str] = typer.Option(None, "--record", help="Allocation record (.json) for a single draft."),
    report_type: Optional[str] = typer.Option(None, "--report-type", help="oral, short or standard."),
    region: Optional[str] = typer.Option(None, "--region", help="Probation region (programme availability)."),
    policy: Optional[str] = typer.Option(None, "--policy", help="auto or a policy name."),
    check_mode: Optional[str] = typer.Option(None, "--check-mode", help="indicator-led (default) or universal."),
    fmt: str = typer.Option("text", "--format",
                            help="text, json, html (one printable page), sarif (2.1.0) or github (annotations)."),
    output: Optional[str] = typer.Option(None, "--output", "-o", help="Write here instead of the screen."),
    select: Optional[List[str]] = typer.Option(None, "--select", help="Only these codes or prefixes (DA, DA001)."),
    ignore: Optional[List[str]] = typer.Option(None, "--ignore", help="Skip these codes or prefixes."),
    fail_on: Optional[str] = typer.Option(None, "--fail-on", help="error (default) or warning."),
    config: Optional[str] = typer.Option(None, "--config", help="A psr-check.toml or pyproject.toml."),
    workers: int = typer.Option(1, "--workers", min=1, max=64,
                                help="Lint many drafts on N processes (same output as 1)."),
    redact: bool = typer.Option(False, "--redact",
                                help="Replace names of people with roles ([DEFENDANT], [PARTNER], …) in "
                                     "the output, for sharing outside the team. Rule-based: check it."),
) -> None:
    """Check one or more drafts before court."""
    from psr_check.commands import run_lint

    if fmt not in ("text", "json", "html", "sarif", "github"):
        _fail(f"--format {fmt} is not available: use text, json, html, sarif or github")
    if report_type and report_type not in ("oral", "short", "standard"):
        _fail(f"--report-type {report_type}: use oral, short or standard")
    if fail_on and fail_on not in ("error", "warning"):
        _fail(f"--fail-on {fail_on}: use error or warning")
    if record and (len(paths) != 1 or Path(paths[0]).is_dir()):
        _fail("--record goes with exactly one draft file")
    settings = _settings(config, select=_codes(select), ignore=_codes(ignore), region=region,
                         report_type=report_type, check_mode=check_mode, policy=policy, fail_on=fail_on)
    stdin = sys.stdin.buffer.read() if "-" in paths else None
    code = run_lint(paths, settings, record=record, fmt=fmt, output=output, stdin=stdin, workers=workers,
                    redact=redact)
    raise typer.Exit(code)


@app.command("eval")
@_guard
def evaluate(
    cases: str = typer.Argument(..., help="A .jsonl file of cases or a corpus folder."),
    fmt: str = typer.Option("text", "--format", help="text or json."),
    check_mode: Optional[str] = typer.Option(None, "--check-mode"),
    config: Optional[str] = typer.Option(None, "--config"),
) -> None:
    """Score the checks against labelled cases: tp, fp, fn, tn, precision, recall, F1 per family."""
    from psr_check.evaluation import evaluate_cases, format_report, load_cases

    settings = _settings(config, check_mode=check_mode)
    loaded, problems = load_cases(Path(cases))
    for problem in problems:
        typer.echo(problem, err=True)
    if not loaded:
        _fail(f"{cases}: no evaluation cases found")
    report = evaluate_cases(loaded, settings)
    typer.echo(format_report(report, fmt), nl=False)


@rules_app.command("list")
@_guard
def rules_list(config: Optional[str] = typer.Option(None, "--config")) -> None:
    """Every check with its code, severity and title."""
    from psr_check.pack import load_rule_pack

    settings = _settings(config)
    pack = load_rule_pack(extra_dirs=[Path(p) for p in settings.rules])
    for check in pack.checks:
        typer.echo(f"{check.code}  {check.severity:<7}  {check.family:<22} {check.title}")


@rules_app.command("explain")
@_guard
def rules_explain(code: str, config: Optional[str] = typer.Option(None, "--config")) -> None:
    """What a check finds, why it matters, an example, and what to write instead."""
    from psr_check.commands import explain

    settings = _settings(config)
    text = explain(code.upper(), settings)
    if text is None:
        _fail(f"no check has the code {code.upper()}: see `psr-check rules list`")
    typer.echo(text)


@rules_app.command("test")
@_guard
def rules_test(config: Optional[str] = typer.Option(None, "--config")) -> None:
    """Run the tests written beside every check; exit 1 if any fails."""
    from psr_check.engine.selftest import run_rule_tests

    settings = _settings(config)
    results = run_rule_tests(settings)
    failed = [r for r in results if not r.passed]
    for r in failed:
        typer.echo(f"FAIL {r.code} ({r.origin}) test {r.index}: expected {r.expected or 'nothing'}, "
                   f"got {r.got or 'nothing'}\n     text: {r.text[:120]!r}")
    checks = len({r.code for r in results})
    typer.echo(f"{len(results) - len(failed)} passed, {len(failed)} failed ({checks} checks)")
    raise typer.Exit(1 if failed else 0)


def main() -> None:
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
