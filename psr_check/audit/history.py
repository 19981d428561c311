"""``--history audits.sqlite``: each run's aggregates, so an SPO sees whether rates improve.

One row per run, keyed by the records file's name and the period it covers (the months of its
sentence dates): auditing the same month again replaces that run instead of counting it twice.
Only aggregates are stored: no case ids, no report text.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from psr_check.audit.models import AuditOutput

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY, records TEXT NOT NULL, period TEXT NOT NULL, policy TEXT, check_mode TEXT,
  checked INTEGER NOT NULL, UNIQUE (records, period));
CREATE TABLE IF NOT EXISTS rates (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE, question_id TEXT NOT NULL,
  relevant INTEGER NOT NULL, yes INTEGER NOT NULL, percent REAL, PRIMARY KEY (run_id, question_id));
"""


class HistoryError(Exception):
    pass


def period_of(output: AuditOutput) -> str:
    months = sorted({c.groups["month"] for c in output.cases if c.status == "checked" and "month" in c.groups})
    if not months:
        return "no sentence dates"
    return months[0] if months[0] == months[-1] else f"{months[0]} to {months[-1]}"


def _connect(path: str) -> sqlite3.Connection:
    try:
        connection = sqlite3.connect(path)
        connection.execute("PRAGMA foreign_keys = ON")
        connection.executescript(_SCHEMA)
        return connection
    except sqlite3.DatabaseError as exc:
        raise HistoryError(f"{path}: not a psr-check history file ({exc}): give a new file name") from None


def earlier_runs(path: str, output: AuditOutput) -> list[dict]:
    """Earlier runs (other periods of any records file), oldest period first, then this run."""
    current = {"period": period_of(output),
               "rates": {q.id: q.overall.percent for q in output.questions if q.overall.percent is not None}}
    if not Path(path).exists():
        return [current]
    connection = _connect(path)
    try:
        runs = connection.execute("SELECT id, period FROM runs WHERE NOT (records = ? AND period = ?) ORDER BY period, id",
                                  (Path(output.records).name, current["period"])).fetchall()
        history = []
        for run_id, period in runs:
            rates = dict(connection.execute("SELECT question_id, percent FROM rates WHERE run_id = ?", (run_id,)))
            history.append({"period": period, "rates": rates})
    finally:
        connection.close()
    return history + [current]


def store_run(path: str, output: AuditOutput) -> None:
    """Add (or replace) this run's aggregates in one transaction: all or nothing."""
    connection = _connect(path)
    try:
        with connection:
            name, period = Path(output.records).name, period_of(output)
            connection.execute("DELETE FROM runs WHERE records = ? AND period = ?", (name, period))
            cursor = connection.execute(
                "INSERT INTO runs (records, period, policy, check_mode, checked) VALUES (?, ?, ?, ?, ?)",
                (name, period, output.policy, output.check_mode, output.summary.checked))
            connection.executemany(
                "INSERT INTO rates (run_id, question_id, relevant, yes, percent) VALUES (?, ?, ?, ?, ?)",
                [(cursor.lastrowid, q.id, q.overall.relevant, q.overall.yes, q.overall.percent)
                 for q in output.questions])
    except sqlite3.DatabaseError as exc:
        raise HistoryError(f"{path}: cannot write the history ({exc})") from None
    finally:
        connection.close()
