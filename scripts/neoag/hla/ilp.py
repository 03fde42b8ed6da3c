"""Choosing one locus's alleles: an integer linear program over classes of fragments.

The model follows OptiType (Szolek et al., Bioinformatics 2014). The locus's
fragments come as classes (neoag.hla.fragments): all fragments of class c,
w_c of them, are explained best by exactly the same alleles. With x_a = 1
when allele a is chosen, h = 1 when two alleles are chosen and y_c = 1 when
class c is explained::

    maximise    sum_c w_c y_c - penalty * h
    subject to  sum_a x_a = 1 + h,   y_c <= sum_{a in c} x_a,   x, h binary

where penalty = max(het_penalty * locus fragments, min_het_reads): a second
allele must explain more fragments than that which the first does not, so
noise cannot make a homozygous locus heterozygous.

Before solving, the program is made smaller without changing its optimum:
alleles with identical classes are one column; a column whose classes are a
subset of another column's is dropped (swapping it for that column loses no
fragment); classes that every remaining column explains are dropped (they
count the same for every choice) and identical classes are merged.

After solving, nothing is silently resolved. The chosen alleles are reported
with their ties: every allele that, put in place of a chosen one, explains
exactly as many fragments of the locus, and as many on its own. (Beside the
other allele b, an allele u can explain as many fragments as the true a when
it differs from a only where b equals a; a then explains more fragments on
its own, and u would have had to leave no read at those positions. Such a u
is not a tie; it sets margin_reads to 0.) A heterozygous choice stands only if
the allele with fewer unique fragments (explained by it and not by the other)
holds at least min_allele_balance of both alleles' unique fragments:
sequencing errors, paralog and contaminating reads that favour another allele
are a small minority of the fragments that tell two alleles apart, while a
real second allele gives about half of them. Otherwise the locus is called
homozygous for the allele that explains the most fragments (what the program
maximises without a second allele).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class AlleleCall:
    """One chosen allele of a locus.

    ``tied`` holds every candidate (sequence id) that explains as many of the
    locus's fragments in its place, the chosen one included; ``reads`` the
    fragments it explains, ``unique_reads`` those the locus's other chosen
    allele does not explain, ``margin_reads`` how many fewer fragments the best
    non-tied replacement would explain (None when there is no other candidate).
    """

    tied: tuple[int, ...]
    reads: int
    unique_reads: int
    margin_reads: int | None


@dataclass(frozen=True)
class LocusCall:
    """The ILP's choice at one locus: one allele (homozygous) or two."""

    calls: tuple[AlleleCall, ...]
    locus_reads: int
    homozygous: bool
    explained_reads: int


def _membership(members: Sequence[np.ndarray], columns: np.ndarray):
    """Sparse class x column 0/1 matrix (CSC), columns indexed by position in ``columns``."""
    from scipy.sparse import csr_matrix

    position = {int(c): i for i, c in enumerate(columns)}
    indptr = np.zeros(len(members) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(m) for m in members])
    indices = np.fromiter((position[int(a)] for m in members for a in m), dtype=np.int64, count=int(indptr[-1]))
    data = np.ones(len(indices), dtype=np.int64)
    return csr_matrix((data, indices, indptr), shape=(len(members), len(columns))).tocsc()


def _undominated(matrix, candidates: np.ndarray, probes: int = 25) -> np.ndarray:
    """Columns of candidates not covered by another column's set of classes.

    A column whose classes are a subset of another column's can be swapped for
    that column without losing a fragment, so some optimal choice avoids it.
    Columns with identical class sets must be merged before (keep one each).
    First every column is tested against the ``probes`` largest ones (cheap),
    then the survivors against each other.
    """
    sizes = np.asarray(matrix.getnnz(axis=0))
    alive = np.ones(len(candidates), dtype=bool)
    sub = matrix[:, candidates]
    sub_sizes = sizes[candidates]
    largest = np.argsort(-sub_sizes, kind="stable")[:probes]
    for j in largest:
        overlap = np.asarray((sub.T @ sub[:, [j]]).todense()).ravel()
        covered = (overlap == sub_sizes) & (sub_sizes < sub_sizes[j])
        alive &= ~covered
    survivors = np.flatnonzero(alive)
    if len(survivors) > 1:
        small = sub[:, survivors]
        overlap = np.asarray((small.T @ small).todense())
        own = sub_sizes[survivors]
        contained = (overlap == own[:, None]) & (own[:, None] < own[None, :])
        survivors = survivors[~contained.any(axis=1)]
    return candidates[survivors]


def _solve_ilp(matrix, weights: np.ndarray, penalty: float) -> list[int]:
    """max sum w_c y_c - penalty * h  s.t.  sum x = 1 + h,  y_c <= sum_{a in c} x_a; x, h binary."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import csr_matrix, hstack, identity

    n_classes, n_columns = matrix.shape
    if n_columns == 1:
        return [0]
    objective = np.concatenate([np.zeros(n_columns), [penalty], -weights.astype(float)])
    choose = csr_matrix(np.concatenate([np.ones(n_columns), [-1.0], np.zeros(n_classes)])[None, :])
    explain = hstack(
        [-matrix.astype(float), csr_matrix((n_classes, 1)), identity(n_classes, format="csr")], format="csr"
    )
    result = milp(
        objective,
        constraints=[LinearConstraint(choose, 1, 1), LinearConstraint(explain, -np.inf, 0)],
        integrality=np.concatenate([np.ones(n_columns + 1), np.zeros(n_classes)]),
        bounds=Bounds(0, 1),
        options={"disp": False, "time_limit": 600},
    )
    if result.x is None:
        raise RuntimeError(f"the HLA typing ILP found no solution: {result.message}")
    return [int(i) for i in np.flatnonzero(result.x[:n_columns] > 0.5)]


def _pattern_groups(compressed) -> tuple[list[int], np.ndarray]:
    """Rows of a CSR matrix (columns of a CSC one) grouped by where their nonzeros are.

    Returns the first row of each group, in order, and each row's group number.
    """
    first: list[int] = []
    group = np.zeros(len(compressed.indptr) - 1, dtype=np.int64)
    seen: dict[bytes, int] = {}
    for i in range(len(group)):
        key = compressed.indices[compressed.indptr[i] : compressed.indptr[i + 1]].tobytes()
        if key not in seen:
            seen[key] = len(first)
            first.append(i)
        group[i] = seen[key]
    return first, group


def _candidate_columns(matrix) -> np.ndarray:
    """One column of each set of columns with identical classes, then those not dominated."""
    representatives, _ = _pattern_groups(matrix)
    return _undominated(matrix, np.asarray(representatives, dtype=np.int64))


def _distinguishing_classes(matrix, candidates: np.ndarray, weights: np.ndarray):
    """The classes over the candidates that not every candidate explains, identical ones merged.

    Returns their class x candidate matrix (CSR) and fragments per merged class.
    """
    sub = matrix[:, candidates].tocsr()
    varying = np.asarray(sub.getnnz(axis=1)) < len(candidates)
    rows = sub[varying]
    first, group = _pattern_groups(rows)
    merged_weights = np.zeros(len(first), dtype=np.int64)
    np.add.at(merged_weights, group, weights[varying])
    return (rows[first] if first else rows), merged_weights


def _ilp_choice(matrix, weights: np.ndarray, penalty: float) -> list[int]:
    """The column(s) the program chooses, from the candidates only."""
    candidates = _candidate_columns(matrix)
    rows, row_weights = _distinguishing_classes(matrix, candidates, weights)
    if len(row_weights) == 0:
        return [int(candidates[0])]  # every class holds every candidate: nothing to tell them apart
    return [int(candidates[i]) for i in _solve_ilp(rows.tocsc(), row_weights, penalty)]


def _beside(matrix, weights: np.ndarray, column_weight: np.ndarray, b: int, a: int):
    """Fragments explained by {u, b} for every column u; u tied with a; u eligible (not b)."""
    with_b = np.asarray(matrix.T @ (weights * np.asarray(matrix[:, b].todense()).ravel())).ravel()
    cover = column_weight + column_weight[b] - with_b
    eligible = np.ones(len(column_weight), dtype=bool)
    eligible[b] = False
    # Equally good beside b; of those, the ones with the most fragments of their own: an
    # allele that loses fragments to b only (b explains them too) is less likely present.
    tied = eligible & (cover == cover[a])
    tied &= column_weight == column_weight[tied].max()
    return cover, tied, eligible


def _settled_pair(matrix, weights: np.ndarray, column_weight: np.ndarray, chosen: list[int]) -> list[int]:
    """The chosen pair with each slot's best representative given the other's, until stable."""
    pair = list(chosen)
    for _ in range(4):
        before = list(pair)
        for i in (0, 1):
            pair[i] = int(np.flatnonzero(_beside(matrix, weights, column_weight, pair[1 - i], pair[i])[1])[0])
        if pair == before:
            break
    return pair


def _pair_calls(matrix, weights: np.ndarray, column_weight: np.ndarray, columns: np.ndarray, pair: list[int]):
    """The AlleleCall of each allele of a heterozygous pair, its ties and margin beside the other."""
    calls = []
    for a, b in (pair, pair[::-1]):
        cover, tied, eligible = _beside(matrix, weights, column_weight, b, a)
        others = cover[eligible & ~tied]
        margin = int(cover[a] - others.max()) if len(others) else None
        unique = int(cover[a] - column_weight[b])
        indices = np.flatnonzero(tied)
        calls.append(AlleleCall(tuple(int(columns[t]) for t in indices), int(column_weight[a]), unique, margin))
    return calls


def _homozygous_call(column_weight: np.ndarray, columns: np.ndarray, total: int) -> LocusCall:
    """The allele explaining the most fragments, with its ties, as a homozygous call."""
    a = int(np.argmax(column_weight))
    tied = np.flatnonzero(column_weight == column_weight[a])
    others = column_weight[column_weight != column_weight[a]]
    margin = int(column_weight[a] - others.max()) if len(others) else None
    call = AlleleCall(tuple(int(columns[t]) for t in tied), int(column_weight[a]), int(column_weight[a]), margin)
    return LocusCall((call,), total, True, int(column_weight[a]))


def solve_locus(
    members: Sequence[np.ndarray],
    weights: np.ndarray,
    het_penalty: float,
    min_het_reads: float,
    min_allele_balance: float = 0.0,
) -> LocusCall:
    """Choose one or two alleles for a locus from its classes of fragments (the module docstring
    gives the model and why ties and the allele balance are decided as they are).

    Parameters
    ----------
    members : sequence of int arrays
        For each class, the alleles (any integer ids) that explain its fragments best.
    weights : int array
        Fragments in each class.
    het_penalty : float
        A second allele costs max(het_penalty * locus fragments, min_het_reads)
        explained fragments: it is chosen only if it explains more than that
        which the first one does not.
    min_het_reads : float
        See het_penalty.
    min_allele_balance : float
        A heterozygous choice stands only if the allele with fewer unique
        fragments has at least this fraction of both alleles' unique
        fragments; else the locus is called homozygous for the best-supported
        allele.

    Returns the chosen alleles, each with its ties (alleles given by their ids in members).
    """
    weights = np.asarray(weights, dtype=np.int64)
    total = int(weights.sum())
    columns = np.unique(np.concatenate(list(members))) if members else np.zeros(0, np.int64)
    if total == 0 or len(columns) == 0:
        return LocusCall((), 0, False, 0)
    matrix = _membership(members, columns)
    chosen = _ilp_choice(matrix, weights, max(het_penalty * total, min_het_reads))
    column_weight = np.asarray(matrix.T @ weights).ravel()  # fragments each column explains
    if len(chosen) == 2:
        pair = _settled_pair(matrix, weights, column_weight, chosen)
        calls = _pair_calls(matrix, weights, column_weight, columns, pair)
        unique = [c.unique_reads for c in calls]
        if min(unique) >= min_allele_balance * sum(unique):
            return LocusCall(tuple(calls), total, False, int(unique[0] + column_weight[pair[1]]))
    return _homozygous_call(column_weight, columns, total)
