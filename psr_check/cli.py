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
    from psr_check.startup import collector_paused

    with collector_paused():  # pydantic models of the contracts: see startup.py
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
                    redact=redact, building=collector_paused)
    raise typer.Exit(code)


@app.command()
@_guard
def audit(
    records: str = typer.Argument(..., help="Allocation records: .csv, .xlsx, .json or .jsonl."),
    reports: Optional[str] = typer.Option(None, "--reports", help="Folder of reports named by case id "
                                          "(when a record has no report_path)."),
    mapping: Optional[str] = typer.Option(None, "--mapping", help="YAML mapping other column names onto record fields."),
    policy: Optional[str] = typer.Option(None, "--policy", help="auto (by sentence date and region) or a policy name."),
    region: Optional[str] = typer.Option(None, "--region", help="Region for records that do not say."),
    group_by: str = typer.Option("court,team,report_author,allocated_officer,month", "--group-by",
                                 help="Comma-separated record fields to break the rates down by."),
    fmt: str = typer.Option("html", "--format", help="html, json or csv; several with commas (needs --output)."),
    output: Optional[str] = typer.Option(None, "--output", "-o", help="Folder to write audit.html/json/csv in."),
    workers: int = typer.Option(1, "--workers", min=1, max=64, help="Check cases on N processes (same output)."),
    sample: Optional[int] = typer.Option(None, "--sample", min=1, help="Audit a random sample of N rows."),
    confidence: Optional[float] = typer.Option(None, "--confidence", min=0.5, max=0.999,
                                               help="Size the sample for this confidence (the inspection used 0.8)."),
    margin: float = typer.Option(0.05, "--margin", min=0.005, max=0.5, help="Margin of error for --confidence."),
    seed: int = typer.Option(1, "--seed", help="Seed for the sample (same seed, same sample)."),
    history: Optional[str] = typer.Option(None, "--history", help="SQLite file of earlier runs, for the trend."),
    html_cases: int = typer.Option(500, "--html-cases", min=0,
                                   help="List at most N cases with findings in the HTML (0: all; all are in the JSON)."),
    check_mode: Optional[str] = typer.Option(None, "--check-mode", help="indicator-led (default) or universal."),
    select: Optional[List[str]] = typer.Option(None, "--select", help="Only these codes or prefixes."),
    ignore: Optional[List[str]] = typer.Option(None, "--ignore", help="Skip these codes or prefixes."),
    fail_on: Optional[str] = typer.Option(None, "--fail-on", help="error (default) or warning."),
    config: Optional[str] = typer.Option(None, "--config", help="A psr-check.toml or pyproject.toml."),
) -> None:
    """Audit a batch of allocations like an inspector: % yes per key question, by group."""
    from psr_check.audit.run import AuditOptions, validate_group_by
    from psr_check.commands import AUDIT_FORMATS, run_audit_command

    formats = [f.strip() for f in fmt.split(",") if f.strip()]
    if not formats or any(f not in AUDIT_FORMATS for f in formats):
        _fail(f"--format {fmt}: use html, json or csv (several with commas)")
    if len(formats) > 1 and not output:
        _fail("several --format values need --output FOLDER (one file each)")
    if sample is not None and confidence is not None:
        _fail("give --sample N or --confidence (with --margin), not both")
    if fail_on and fail_on not in ("error", "warning"):
        _fail(f"--fail-on {fail_on}: use error or warning")
    try:
        dims = validate_group_by([d.strip() for d in group_by.split(",") if d.strip()])
    except ValueError as exc:
        _fail(str(exc))
    settings = _settings(config, select=_codes(select), ignore=_codes(ignore), region=region,
                         check_mode=check_mode, policy=policy, fail_on=fail_on)
    options = AuditOptions(records=records, reports_dir=reports, mapping=mapping, group_by=dims, sample=sample,
                           confidence=confidence, margin=margin, seed=seed, workers=workers)
    code = run_audit_command(options, settings, formats=formats, output_dir=output, history=history,
                             show_progress=sys.stderr.isatty(), html_cases=html_cases)
    raise typer.Exit(code)


@app.command("eval")
@_guard
def evaluate(
    cases: str = typer.Argument(..., help="A .jsonl file of cases, a corpus folder, or a records corpus "
                                "folder (with audit-cases.yaml)."),
    fmt: str = typer.Option("text", "--format", help="text or json."),
    check_mode: Optional[str] = typer.Option(None, "--check-mode"),
    config: Optional[str] = typer.Option(None, "--config"),
) -> None:
    """Score the checks against labelled cases: tp, fp, fn, tn, precision, recall, F1 per family."""
    from psr_check.evaluation import evaluate_cases, format_report, load_cases

    settings = _settings(config, check_mode=check_mode)
    from psr_check.evaluation import evaluate_records, format_records_report, is_records_corpus

    if is_records_corpus(Path(cases)):  # records + reports + hand-worked answers (corpus/records/…)
        typer.echo(format_records_report(evaluate_records(Path(cases), settings), fmt), nl=False)
        return
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


@app.command()
@_guard
def serve(
    host: str = typer.Option("127.0.0.1", "--host",
                             help="Address to listen on. Keep the default: only this computer can reach it."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port to listen on (0 picks a free one)."),
    config: Optional[str] = typer.Option(None, "--config", help="A psr-check.toml or pyproject.toml."),
) -> None:
    """Open a page in your browser to paste or upload a draft and see the findings."""
    try:
        import python_multipart  # noqa: F401  (uploads)
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        _fail('the web page needs its extra packages: pip install "psr-check[web]"')
    from psr_check.lint import Linter
    from psr_check.web import create_app
    from psr_check.web.server import address, bind, exposure_warning, run

    warning = exposure_warning(host)
    if warning:
        typer.echo(warning, err=True)
    try:
        sock = bind(host, port)  # before the Linter is built: a port in use is said at once
    except OSError as exc:
        hint = "try another --port" if port else "check the --host address"
        _fail(f"cannot listen on {host}:{port} ({exc.strerror or exc}): {hint}")
    linter = Linter(_settings(config))  # built once: every check reuses it
    url = address(sock)
    if host.strip("[]") in ("0.0.0.0", "::"):
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/ on this computer"
    typer.echo(f"psr-check is ready: open {url} in your browser. Press Ctrl-C to stop.", err=True)
    run(create_app(linter, bound_host=host), sock)


def main() -> None:
    """The ``psr-check`` command."""
    try:
        app()
    except SystemExit as exc:
        _exit_without_teardown(exc)
        raise


def _exit_without_teardown(exc: SystemExit) -> None:
    """End the process as ``exc`` would, but without Python taking apart the spaCy pipeline,
    the rule pack and the lemma table object by object first: about 0.04 s of a one-report lint,
    a twentieth of the wait at court, for memory the operating system takes back anyway. As at
    a normal exit, the output streams are flushed and the exit handlers run (logging,
    multiprocessing, temporary files). Left to Python's own exit (by returning) when that may do
    more: a message as the exit code, a stream that cannot be flushed (a closed pipe is reported
    as before), or a thread still running, whose end a normal exit waits for."""
    import atexit
    import os
    import threading

    code = exc.code
    if code is not None and not isinstance(code, int) or threading.active_count() > 1:
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    atexit._run_exitfuncs()
    os._exit(code or 0)


if __name__ == "__main__":  # pragma: no cover
    main()
