"""neoag's built-in HLA class I typer: reads -> razers3 hits -> an ILP picks the alleles.

The steps, each a function below:

1. ``read_hla_reference``: the allele reference (IMGT/HLA-style FASTA, e.g. exons
   2-3 of every HLA-A, -B and -C allele), with identical sequences collapsed, so
   alleles that the reference cannot tell apart are one candidate.
2. ``prefilter_fragments``: keep read pairs (or single reads) that share an exact
   k-mer with the reference; everything else (most of the region's and the
   unmapped reads) is dropped before mapping, which keeps memory small.
3. ``run_razers3`` + ``read_razers_hits``: every mate mapped on its own to every
   distinct allele sequence. Bases below ``min_base_quality`` are masked (N, which
   razers3 lets match any base), so most sequencing errors neither support nor
   contradict an allele. razers3 searches at ``mapping_identity`` (95 %; its
   filter counts N as an error) and hits with more than ``100 - min_identity``
   % errors (97 %: 3 in 100 bases) are then dropped, which keeps reads of
   paralogs and pseudogenes out.
4. ``fragment_classes``: per fragment (read pair or single read) the alleles that
   explain it best: only alleles hit by all of its mapped mates count, scored by
   the sum of the mates' errors, and only the minimum is kept. A fragment whose
   best alleles lie in more than one locus is dropped. Fragments with the same
   best-allele set become one weighted "class".
5. ``solve_locus``: per locus an integer linear program in the spirit of OptiType
   (Szolek et al., Bioinformatics 2014): choose one or two alleles that explain
   the most fragments, a second allele costing ``het_penalty`` x the locus's
   fragments (at least ``min_het_reads``), so noise cannot make a homozygous
   locus heterozygous; a second allele must also hold ``min_allele_balance`` of
   the fragments that tell the two apart. Alleles that explain the same
   fragments equally well are reported as ties, never silently resolved.

docs/hla_typing.md explains the model and the accuracy measured by bench/hla_typing.py.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from neoag.columns import HLA_TYPING
from neoag.hla.fastx import read_fastq, read_fastq_pairs
from neoag.hla.names import LOCI, allele_sort_key, normalise_allele, two_field_name
from neoag.hla.prefilter import prefilter_fragments, reference_kmers
from neoag.hla.razers import find_razers3, read_razers_hits, run_razers3, write_mapping_fasta
from neoag.hla.reference import HlaReference, read_hla_reference

# ----------------------------------------------------------------------------
# Fragments -> classes of equally explained fragments
# ----------------------------------------------------------------------------


@dataclass
class HitClasses:
    """Fragments grouped by the set of alleles (sequence ids) that explain them best.

    ``members[c]`` is a sorted int array of sequence ids, ``weights[c]`` the
    number of fragments with exactly that best set, ``locus[c]`` its locus.
    """

    members: list[np.ndarray]
    weights: np.ndarray
    locus: list[str]
    counts: dict[str, int] = field(default_factory=dict)


def fragment_classes(
    read_ids: np.ndarray,
    allele_ids: np.ndarray,
    errors: np.ndarray,
    read_fragment: np.ndarray,
    allele_locus: Sequence[str],
) -> HitClasses:
    """Best-allele sets of the fragments, grouped.

    For each fragment, an allele counts only if every mate of the fragment that
    has a hit at all hits it; its score is the sum of those mates' errors (a
    mate's best hit per allele); the fragment's best set is the alleles with
    the lowest score. Fragments whose mates share no allele ('discordant') or
    whose best set spans loci ('multi_locus') are dropped and counted.
    """
    counts = {"mapped": 0, "discordant": 0, "multi_locus": 0, "typed": 0}
    if len(read_ids) == 0:
        return HitClasses([], np.zeros(0, np.int64), [], counts)
    locus_code = {locus: i for i, locus in enumerate(LOCI)}
    allele_locus_code = np.array([locus_code[locus] for locus in allele_locus], dtype=np.int8)

    # One row per (read, allele): the mate's fewest errors on that allele.
    order = np.lexsort((errors, allele_ids, read_ids))
    read_ids, allele_ids, errors = read_ids[order], allele_ids[order], errors[order]
    first = np.ones(len(read_ids), dtype=bool)
    first[1:] = (read_ids[1:] != read_ids[:-1]) | (allele_ids[1:] != allele_ids[:-1])
    read_ids, allele_ids, errors = read_ids[first], allele_ids[first], errors[first]
    fragments = read_fragment[read_ids]

    # Mapped mates per fragment.
    mapped_reads = np.unique(read_ids)
    mapped_per_fragment = np.bincount(read_fragment[mapped_reads], minlength=int(read_fragment.max()) + 1)
    counts["mapped"] = int(np.count_nonzero(mapped_per_fragment))

    # Per (fragment, allele): how many mates hit it and their summed errors.
    order = np.lexsort((allele_ids, fragments))
    fragments, allele_ids, errors = fragments[order], allele_ids[order], errors[order]
    starts = np.flatnonzero(np.r_[True, (fragments[1:] != fragments[:-1]) | (allele_ids[1:] != allele_ids[:-1])])
    pair_fragment = fragments[starts]
    pair_allele = allele_ids[starts]
    pair_mates = np.diff(np.r_[starts, len(fragments)])
    pair_errors = np.add.reduceat(errors.astype(np.int64), starts)
    complete = pair_mates == mapped_per_fragment[pair_fragment]
    counts["discordant"] = counts["mapped"] - len(np.unique(pair_fragment[complete]))
    pair_fragment, pair_allele, pair_errors = pair_fragment[complete], pair_allele[complete], pair_errors[complete]
    if len(pair_fragment) == 0:
        return HitClasses([], np.zeros(0, np.int64), [], counts)

    # Keep each fragment's lowest score.
    group_starts = np.flatnonzero(np.r_[True, pair_fragment[1:] != pair_fragment[:-1]])
    best = np.minimum.reduceat(pair_errors, group_starts)
    group_sizes = np.diff(np.r_[group_starts, len(pair_fragment)])
    keep = pair_errors == np.repeat(best, group_sizes)
    pair_fragment, pair_allele = pair_fragment[keep], pair_allele[keep]

    # Drop fragments whose best alleles span loci.
    group_starts = np.flatnonzero(np.r_[True, pair_fragment[1:] != pair_fragment[:-1]])
    codes = allele_locus_code[pair_allele]
    one_locus = np.minimum.reduceat(codes, group_starts) == np.maximum.reduceat(codes, group_starts)
    counts["multi_locus"] = int(np.count_nonzero(~one_locus))
    counts["typed"] = int(np.count_nonzero(one_locus))

    # Group fragments with identical best sets (exact, keyed by the member bytes).
    bounds = np.r_[group_starts, len(pair_fragment)]
    classes: dict[bytes, int] = {}
    members: list[np.ndarray] = []
    weights: list[int] = []
    for g in np.flatnonzero(one_locus):
        alleles = pair_allele[bounds[g] : bounds[g + 1]]
        key = alleles.tobytes()
        index = classes.get(key)
        if index is None:
            classes[key] = len(members)
            members.append(alleles.copy())
            weights.append(1)
        else:
            weights[index] += 1
    loci = [allele_locus[int(m[0])] for m in members]
    return HitClasses(members, np.asarray(weights, dtype=np.int64), loci, counts)


# ----------------------------------------------------------------------------
# The integer linear program, one locus at a time
# ----------------------------------------------------------------------------


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


def solve_locus(
    members: Sequence[np.ndarray],
    weights: np.ndarray,
    het_penalty: float,
    min_het_reads: float,
    min_allele_balance: float = 0.0,
) -> LocusCall:
    """Choose one or two alleles for a locus from its classes of fragments.

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
        fragments (explained by it and not by the other) has at least this
        fraction of both alleles' unique fragments; else the locus is called
        homozygous for the best-supported allele. Sequencing errors, paralog
        and contaminating reads that favour another allele are a small
        minority of the fragments that tell two alleles apart; a real second
        allele gives about half of them.

    Returns the chosen alleles with their ties: every allele that, put in
    place of a chosen one, explains exactly as many fragments of the locus,
    and as many on its own. (Beside the other allele b, an allele u can
    explain as many fragments as the true a when it differs from a only where
    b equals a; a then explains more fragments on its own, and u would have
    had to leave no read at those positions. Such a u is not a tie; it sets
    margin_reads to 0.)
    """
    weights = np.asarray(weights, dtype=np.int64)
    total = int(weights.sum())
    columns = np.unique(np.concatenate(list(members))) if members else np.zeros(0, np.int64)
    if total == 0 or len(columns) == 0:
        return LocusCall((), 0, False, 0)
    matrix = _membership(members, columns)

    # Columns with identical class sets are one candidate for the ILP.
    signature: dict[bytes, int] = {}
    representative = []
    for j in range(matrix.shape[1]):
        key = matrix.indices[matrix.indptr[j] : matrix.indptr[j + 1]].tobytes()
        if key not in signature:
            signature[key] = j
            representative.append(j)
    candidates = _undominated(matrix, np.asarray(representative, dtype=np.int64))

    # Classes over the candidates; those holding every candidate are explained anyway.
    sub = matrix[:, candidates].tocsr()
    per_class = np.asarray(sub.getnnz(axis=1))
    varying = per_class < len(candidates)
    rows = sub[varying]
    keys: dict[bytes, int] = {}
    merged_rows, merged_weights = [], []
    for i, weight in zip(range(rows.shape[0]), weights[varying]):
        key = rows.indices[rows.indptr[i] : rows.indptr[i + 1]].tobytes()
        if key in keys:
            merged_weights[keys[key]] += int(weight)
        else:
            keys[key] = len(merged_rows)
            merged_rows.append(i)
            merged_weights.append(int(weight))
    ilp_matrix = rows[merged_rows] if merged_rows else rows
    penalty = max(het_penalty * total, min_het_reads)
    if merged_rows:
        chosen = [int(candidates[i]) for i in _solve_ilp(ilp_matrix.tocsc(), np.asarray(merged_weights), penalty)]
    else:
        chosen = [int(candidates[0])]  # every class holds every candidate: nothing to tell them apart

    # Fragments explained, ties and margins, over all columns.
    column_weight = np.asarray(matrix.T @ weights).ravel()
    if len(chosen) == 2:

        def beside(b: int, a: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            """Fragments explained by {u, b} for every u; u tied with a; u eligible (not b)."""
            with_b = np.asarray(matrix.T @ (weights * np.asarray(matrix[:, b].todense()).ravel())).ravel()
            cover = column_weight + column_weight[b] - with_b
            eligible = np.ones(len(columns), dtype=bool)
            eligible[b] = False
            # Equally good beside b; of those, the ones with the most fragments of their own: an
            # allele that loses fragments to b only (b explains them too) is less likely present.
            tied = eligible & (cover == cover[a])
            tied &= column_weight == column_weight[tied].max()
            return cover, tied, eligible

        pair = list(chosen)
        for _ in range(4):  # each slot's best representative given the other's, until stable
            before = list(pair)
            for i in (0, 1):
                pair[i] = int(np.flatnonzero(beside(pair[1 - i], pair[i])[1])[0])
            if pair == before:
                break
        calls = []
        for a, b in (pair, pair[::-1]):
            cover, tied, eligible = beside(b, a)
            others = cover[eligible & ~tied]
            margin = int(cover[a] - others.max()) if len(others) else None
            unique = int(cover[a] - column_weight[b])
            indices = np.flatnonzero(tied)
            calls.append(AlleleCall(tuple(int(columns[t]) for t in indices), int(column_weight[a]), unique, margin))
        unique = [c.unique_reads for c in calls]
        if min(unique) >= min_allele_balance * sum(unique):
            return LocusCall(tuple(calls), total, False, int(unique[0] + column_weight[pair[1]]))
    # Homozygous: the allele explaining the most fragments (what the ILP maximises without a second one).
    a = int(np.argmax(column_weight))
    tied = np.flatnonzero(column_weight == column_weight[a])
    others = column_weight[column_weight != column_weight[a]]
    margin = int(column_weight[a] - others.max()) if len(others) else None
    call = AlleleCall(tuple(int(columns[t]) for t in tied), int(column_weight[a]), int(column_weight[a]), margin)
    return LocusCall((call,), total, True, int(column_weight[a]))


# ----------------------------------------------------------------------------
# The whole typer
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TypingSettings:
    """Settings of the built-in typer (config key hla.builtin; see config/README.md)."""

    mapping_identity: float = 95.0
    min_identity: float = 97.0
    distance_range: int = 1
    het_penalty: float = 0.03
    min_het_reads: float = 2.5
    min_allele_balance: float = 0.15
    min_locus_reads: int = 20
    kmer: int = 20
    kmer_step: int = 10
    min_base_quality: int = 20
    max_masked_fraction: float = 0.2
    max_hits: int = 100000
    razers3: str = "razers3"


@dataclass
class TypingResult:
    """Per locus the ILP's call (None when no fragment reached the locus), and counts."""

    loci: dict[str, LocusCall | None]
    counts: dict[str, int]


def type_reads(
    reference: HlaReference,
    pairs: Iterable[tuple[str, str]],
    singles: Iterable[str],
    settings: TypingSettings,
    workdir: str | os.PathLike,
) -> tuple[TypingResult, HitClasses]:
    """Type HLA-A, -B and -C from read pairs and single reads (sequences)."""
    workdir = Path(workdir)
    kmers = reference_kmers(reference, settings.kmer)
    reads_fasta, reference_fasta, hits_path = workdir / "reads.fa", workdir / "alleles.fa", workdir / "hits.razers"
    kept = prefilter_fragments(
        pairs,
        singles,
        kmers,
        settings.kmer,
        settings.kmer_step,
        settings.min_base_quality,
        settings.max_masked_fraction,
        reads_fasta,
    )
    del kmers
    counts = {"fragments": kept.fragments_in, "prefiltered": kept.fragments_kept}
    print(
        f"prefilter: {kept.fragments_kept} of {kept.fragments_in} fragments share a {settings.kmer}-mer "
        "with the reference",
        file=sys.stderr,
    )
    if kept.fragments_kept:
        write_mapping_fasta(reference, reference_fasta)
        run_razers3(
            find_razers3(settings.razers3),
            reference_fasta,
            reads_fasta,
            hits_path,
            settings.mapping_identity,
            settings.distance_range,
            settings.max_hits,
        )
    read_ids, allele_ids, errors = read_razers_hits(hits_path, settings.min_identity)
    print(f"razers3: {len(read_ids)} hits of {len(np.unique(read_ids))} reads", file=sys.stderr)
    classes = fragment_classes(read_ids, allele_ids, errors, kept.read_fragment, reference.loci)
    del read_ids, allele_ids, errors
    counts.update(classes.counts)
    loci: dict[str, LocusCall | None] = {}
    for locus in LOCI:
        chosen = [i for i, class_locus in enumerate(classes.locus) if class_locus == locus]
        counts[f"fragments_{locus}"] = int(classes.weights[chosen].sum()) if chosen else 0
        if not chosen:
            loci[locus] = None
            continue
        loci[locus] = solve_locus(
            [classes.members[i] for i in chosen],
            classes.weights[chosen],
            settings.het_penalty,
            settings.min_het_reads,
            settings.min_allele_balance,
        )
    return TypingResult(loci, counts), classes


def call_rows(result: TypingResult, reference: HlaReference, min_locus_reads: int) -> list[dict[str, str]]:
    """Rows of the typing table (columns.HLA_TYPING), loci in order, alleles by name within a locus.

    The allele of a row is the lowest-numbered two-field name among its ties.
    """
    rows = []
    for locus in LOCI:
        call = result.loci.get(locus)
        if call is None or not call.calls:
            row = dict.fromkeys(HLA_TYPING, "")
            row.update(locus=f"HLA-{locus}", locus_reads="0", flags="not_typed")
            rows.append(row)
            continue
        locus_rows = []
        for allele_call in call.calls:
            records = sorted((n for s in allele_call.tied for n in reference.names[s]), key=allele_sort_key)
            two_field = list(dict.fromkeys(two_field_name(n) for n in records))
            two_field = [normalise_allele(n, "HLA reference") for n in two_field]
            flags = []
            if call.homozygous:
                flags.append("homozygous")
            if len(two_field) > 1:
                flags.append("tie")
            if call.locus_reads < min_locus_reads:
                flags.append("low_coverage")
            locus_rows.append(
                {
                    "locus": f"HLA-{locus}",
                    "allele": two_field[0],
                    "copies": "2" if call.homozygous else "1",
                    "tied_alleles": ",".join(two_field) if len(two_field) > 1 else "",
                    "matched_records": ",".join(records),
                    "reads": str(allele_call.reads),
                    "unique_reads": str(allele_call.unique_reads),
                    "margin_reads": "" if allele_call.margin_reads is None else str(allele_call.margin_reads),
                    "locus_reads": str(call.locus_reads),
                    "flags": ",".join(flags),
                    "_key": allele_sort_key(records[0]),
                }
            )
        for row in sorted(locus_rows, key=lambda r: r.pop("_key")):
            rows.append(row)
    return rows


def _log_candidates(classes: HitClasses, reference: HlaReference, top: int = 5) -> None:
    """The best-supported candidates of each locus (fragments explained), for the log."""
    for locus in LOCI:
        support: dict[int, int] = {}
        for members, weight, class_locus in zip(classes.members, classes.weights, classes.locus):
            if class_locus == locus:
                for allele in members:
                    support[int(allele)] = support.get(int(allele), 0) + int(weight)
        best = sorted(support.items(), key=lambda item: (-item[1], item[0]))[:top]
        text = ", ".join(f"{reference.names[a][0]} ({n})" for a, n in best)
        print(f"HLA-{locus} best-supported candidates (fragments): {text or 'none'}", file=sys.stderr)


def run_builtin_typing(
    reads_1: str, reads_2: str, reads_single: str, reference_fasta: str, out_tsv: str, settings: dict
) -> list[dict[str, str]]:
    """The built-in typer on extracted reads -> the typing table (TSV, columns.HLA_TYPING)."""
    import pandas as pd

    from neoag.tables import write_table

    options = TypingSettings(**settings)
    reference = read_hla_reference(reference_fasta)
    print(
        f"reference {reference_fasta}: {sum(len(n) for n in reference.names)} alleles, "
        f"{len(reference)} distinct sequences (skipped: {reference.skipped})",
        file=sys.stderr,
    )
    with tempfile.TemporaryDirectory(prefix="neoag_hla_") as workdir:
        result, classes = type_reads(
            reference, read_fastq_pairs(reads_1, reads_2), read_fastq(reads_single), options, workdir
        )
    print(f"fragments: {result.counts}", file=sys.stderr)
    _log_candidates(classes, reference)
    rows = call_rows(result, reference, options.min_locus_reads)
    write_table(pd.DataFrame(rows, columns=list(HLA_TYPING)), out_tsv, columns=HLA_TYPING)
    for row in rows:
        print(f"{row['locus']}: {row['allele'] or '-'} {row['flags']}", file=sys.stderr)
    return rows
