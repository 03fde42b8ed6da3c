"""A persistent cache of MHCflurry predictions, so shared peptides are scored once.

One SQLite file (Python's standard library, no server) holds the raw model
outputs that are expensive to compute:

- the ensemble affinity (nM) of each (peptide, allele);
- the processing score of each (peptide, n_flank, c_flank).

Everything else in scores.tsv (percentile ranks, presentation score and
percentile) is recomputed from these by cheap, deterministic transforms, so a
cached pair gives the same row as the job that first scored it.

Rows are keyed by a model key (the models directory's content hash, the
MHCflurry version and the torch device type, see `neoag.scoring.predictor.Scorer.model_key`):
other models, or the same models on another kind of device, never read them.
Jobs that share the file may run at the same time; SQLite serialises their
writes. The first job to store a pair wins; later jobs read its value.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np

SCHEMA = """
CREATE TABLE IF NOT EXISTS models (
    model_id INTEGER PRIMARY KEY,
    model_key TEXT UNIQUE NOT NULL
);
CREATE TABLE IF NOT EXISTS affinity (
    model_id INTEGER NOT NULL,
    allele TEXT NOT NULL,
    peptide TEXT NOT NULL,
    affinity_nm REAL NOT NULL,
    PRIMARY KEY (model_id, allele, peptide)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS processing (
    model_id INTEGER NOT NULL,
    peptide TEXT NOT NULL,
    n_flank TEXT NOT NULL,
    c_flank TEXT NOT NULL,
    processing_score REAL NOT NULL,
    PRIMARY KEY (model_id, peptide, n_flank, c_flank)
) WITHOUT ROWID;
"""

# Seconds a job waits for another job's write to finish before giving up.
LOCK_TIMEOUT_S = 600


class ScoreCache:
    """Predictions of one model key in a SQLite file (created when missing).

    Parameters
    ----------
    path : str
        The SQLite file. Its folder is created when missing.
    model_key : str
        Identifies the models (and the code and device that ran them).
    """

    def __init__(self, path: str, model_key: str) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.connection = sqlite3.connect(path, timeout=LOCK_TIMEOUT_S, isolation_level=None)
        self.connection.executescript(SCHEMA)
        with self._write():
            self.connection.execute("INSERT OR IGNORE INTO models (model_key) VALUES (?)", (model_key,))
        (self.model_id,) = self.connection.execute(
            "SELECT model_id FROM models WHERE model_key = ?", (model_key,)
        ).fetchone()
        self.hits = 0
        self.misses = 0

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> ScoreCache:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _write(self):
        """A write transaction that takes the lock at once (no upgrade deadlocks)."""
        return _Transaction(self.connection)

    def _query_rows(self, rows: Sequence[tuple]) -> None:
        """Fill the temporary table `query` with (i, key columns...) rows."""
        width = len(rows[0]) if rows else 1
        columns = ", ".join(f"k{j}" for j in range(width))
        self.connection.execute("DROP TABLE IF EXISTS temp.query")
        self.connection.execute(f"CREATE TEMP TABLE query (i INTEGER PRIMARY KEY, {columns})")
        marks = ", ".join("?" * (width + 1))
        numbered = ((i, *row) for i, row in enumerate(rows))
        self.connection.executemany(f"INSERT INTO temp.query VALUES ({marks})", numbered)

    def get_affinity(self, peptides: Sequence[str], alleles: Sequence[str]) -> np.ndarray:
        """Cached nM of each peptide (rows) x allele (columns); NaN where not cached."""
        result = np.full((len(peptides), len(alleles)), np.nan)
        if len(peptides) == 0 or len(alleles) == 0:
            return result
        self._query_rows([(peptide,) for peptide in peptides])
        for j, allele in enumerate(alleles):
            # CROSS JOIN keeps the query rows outside: one primary-key lookup each.
            found = self.connection.execute(
                "SELECT q.i, a.affinity_nm FROM temp.query q CROSS JOIN affinity a "
                "ON a.model_id = ? AND a.allele = ? AND a.peptide = q.k0",
                (self.model_id, allele),
            ).fetchall()
            if found:
                rows, values = zip(*found)
                result[np.asarray(rows), j] = values
        hits = int(np.count_nonzero(~np.isnan(result)))
        self.hits += hits
        self.misses += result.size - hits
        return result

    def put_affinity(self, peptides: Sequence[str], alleles: Sequence[str], values: np.ndarray) -> None:
        """Store nM values (rows: peptides, columns: alleles); NaN entries are skipped."""
        rows = [
            (self.model_id, allele, peptide, value)
            for j, allele in enumerate(alleles)
            for peptide, value in zip(peptides, values[:, j].tolist())
            if value == value
        ]
        with self._write():
            self.connection.executemany("INSERT OR IGNORE INTO affinity VALUES (?, ?, ?, ?)", rows)

    def get_processing(self, peptides: Sequence[str], n_flanks: Sequence[str], c_flanks: Sequence[str]) -> np.ndarray:
        """Cached processing score of each (peptide, n_flank, c_flank); NaN where not cached."""
        result = np.full(len(peptides), np.nan)
        if len(peptides) == 0:
            return result
        self._query_rows(list(zip(peptides, n_flanks, c_flanks)))
        found = self.connection.execute(
            "SELECT q.i, p.processing_score FROM temp.query q CROSS JOIN processing p ON p.model_id = ? "
            "AND p.peptide = q.k0 AND p.n_flank = q.k1 AND p.c_flank = q.k2",
            (self.model_id,),
        ).fetchall()
        if found:
            rows, values = zip(*found)
            result[np.asarray(rows)] = values
        hits = int(np.count_nonzero(~np.isnan(result)))
        self.hits += hits
        self.misses += result.size - hits
        return result

    def put_processing(
        self, peptides: Sequence[str], n_flanks: Sequence[str], c_flanks: Sequence[str], values: np.ndarray
    ) -> None:
        """Store processing scores; NaN entries are skipped."""
        rows = [
            (self.model_id, peptide, n_flank, c_flank, value)
            for peptide, n_flank, c_flank, value in zip(peptides, n_flanks, c_flanks, values.tolist())
            if value == value
        ]
        with self._write():
            self.connection.executemany("INSERT OR IGNORE INTO processing VALUES (?, ?, ?, ?, ?)", rows)


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT (ROLLBACK on error) on an autocommit connection."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def __enter__(self) -> None:
        self.connection.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type, *exc) -> None:
        self.connection.execute("ROLLBACK" if exc_type else "COMMIT")
