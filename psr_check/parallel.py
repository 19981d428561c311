"""Lint many inputs on several processes (``psr-check lint --workers N``).

Each worker process builds its own ``Linter`` (rule pack + spaCy pipeline) once, then lints chunks
of the input list. Workers are started with the "spawn" method: a fresh interpreter, never a fork
of a parent that may hold spaCy or thread state. Results come back tagged with their input index
and are put back in input order, so the output is byte-identical to one worker.

Ctrl-C: workers ignore SIGINT (they inherit an ignored SIGINT when they start, and set it again
in their initializer); the parent catches KeyboardInterrupt, terminates the workers and re-raises,
so the command stops with "nothing was written" (run_lint writes its output only at the end) and
no worker tracebacks. A worker that dies (killed, out of memory) stops the batch with a
WorkerError instead of hanging it.
"""

from __future__ import annotations

import math
import multiprocessing
import pickle
import signal
from typing import Union

from psr_check.ingest import IngestError, load_case
from psr_check.models import AllocationRecord, Case, DocumentResult, InputError
from psr_check.settings import Settings

Outcome = Union[DocumentResult, InputError]


class WorkerError(Exception):
    """A worker process stopped without answering (killed, or out of memory)."""


START_METHOD = "spawn"
MAX_CHUNK = 32          # files per task: small enough to balance uneven drafts across workers
CHUNKS_PER_WORKER = 8   # aim for at least this many tasks per worker on small batches

# Per-worker state, set by _init_worker.
_linter = None
_settings: Settings | None = None
_record: AllocationRecord | None = None
_init_error: tuple | None = None


def lint_one(linter, path: str, settings: Settings, record: AllocationRecord | None,
             stdin: bytes | None) -> Outcome:
    """Read and lint one input; an unreadable input is an ``InputError``, never an exception."""
    try:
        case = load_case(path, stdin_bytes=stdin, report_type=settings.report_type)
    except IngestError as exc:
        return InputError(path=exc.path, row=exc.row, message=exc.message)
    case.record = record or case.record  # --record wins; else a record inside our own JSON shape
    return linter.lint_case(case)


def chunk_size(count: int, workers: int) -> int:
    return max(1, min(MAX_CHUNK, math.ceil(count / (workers * CHUNKS_PER_WORKER))))


def lint_in_workers(files: list[str | Case], settings: Settings, *, workers: int,
                    record: AllocationRecord | None = None, stdin: bytes | None = None,
                    on_done=None, reduce=None) -> list[Outcome]:
    """One outcome per file (a path, or a ``Case`` already read, as the audit has), in the order of
    ``files``, linted on ``workers`` processes. ``on_done(n)`` is told as each chunk of n finishes;
    ``reduce``, if given, is applied to each result in the worker (see _lint_chunk)."""
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    if not files:
        return []
    workers = max(1, min(workers, len(files)))
    size = chunk_size(len(files), workers)
    tasks = [[(i, path, stdin if path == "-" else None) for i, path in enumerate(files[start:start + size], start)]
             for start in range(0, len(files), size)]
    outcomes: list[Outcome | None] = [None] * len(files)
    executor = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(START_METHOD),
                                   initializer=_init_worker, initargs=(settings, record))
    try:
        # Workers are started by submit(): they inherit an ignored SIGINT, so Ctrl-C reaches only
        # this process (no tracebacks from the workers).
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            futures = [executor.submit(_lint_chunk, task, reduce) for task in tasks]
        finally:
            signal.signal(signal.SIGINT, previous)
        for future in as_completed(futures):
            error, chunk = future.result()  # a dead worker raises BrokenProcessPool here, never hangs
            if error is not None:
                _raise_portable(error)  # the worker could not build its Linter (e.g. a bad rule pack)
            for index, outcome in chunk:
                outcomes[index] = outcome
            if on_done is not None:
                on_done(len(chunk))
    except BrokenProcessPool:
        _stop(executor)
        raise WorkerError("a worker process stopped unexpectedly (killed, or out of memory?); "
                          "nothing was written: try again with fewer --workers") from None
    except BaseException:
        _stop(executor)  # Ctrl-C or an error: stop the workers now rather than finish the batch
        raise
    executor.shutdown(wait=True)
    return outcomes  # type: ignore[return-value]  # every index was filled


def _stop(executor) -> None:
    """Terminate the workers, then shut the executor down without waiting for queued chunks.
    (shutdown() forgets its processes, so they are collected first.)"""
    processes = list((getattr(executor, "_processes", None) or {}).values())
    for process in processes:
        if process.is_alive():
            process.terminate()
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.join(timeout=5)


def _init_worker(settings: Settings, record: AllocationRecord | None) -> None:
    global _linter, _settings, _record, _init_error
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _settings, _record = settings, record
    try:
        from psr_check.startup import collector_paused

        with collector_paused():  # a fresh process: all it holds after this is its Linter, frozen
            from psr_check.lint import Linter

            _linter = Linter(settings)
    except Exception as exc:  # noqa: BLE001 - reported to the parent with the first chunk
        _init_error = _portable(exc)


def _lint_chunk(task: list[tuple[int, str, bytes | None]],
                reduce=None) -> tuple[tuple | None, list[tuple[int, Outcome]]]:
    """``reduce`` (a module-level function, so it pickles by name) turns each result into what the
    caller keeps, in the worker: the audit keeps a small digest per case, never a year of full results."""
    if _init_error is not None:
        return _init_error, []
    results = []
    for index, item, stdin in task:
        outcome = _linter.lint_case(item) if isinstance(item, Case) else lint_one(_linter, item, _settings, _record, stdin)
        if reduce is not None and isinstance(outcome, DocumentResult):
            outcome = reduce(outcome)
        results.append((index, outcome))
    return None, results


def _portable(exc: Exception) -> tuple:
    """An exception in a form that survives pickling (RulePackError keeps its list of problems)."""
    from psr_check.pack import RulePackError
    from psr_check.settings import ConfigError

    if isinstance(exc, RulePackError):
        return ("rules", list(exc.problems))
    if isinstance(exc, ConfigError):
        return ("config", str(exc))
    try:
        pickle.loads(pickle.dumps(exc))
        return ("exception", exc)
    except Exception:  # noqa: BLE001
        return ("other", f"{type(exc).__name__}: {exc}")


def _raise_portable(error: tuple) -> None:
    from psr_check.pack import RulePackError
    from psr_check.settings import ConfigError

    kind, payload = error
    if kind == "rules":
        raise RulePackError(payload)
    if kind == "config":
        raise ConfigError(payload)
    if kind == "exception":
        raise payload
    raise RuntimeError(payload)
