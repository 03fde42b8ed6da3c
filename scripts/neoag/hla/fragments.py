"""Fragments -> classes: each read pair (or single read) reduced to the alleles that explain it best.

A fragment counts for an allele only when every mapped mate hits that allele;
its score is the sum of the mates' errors, and only the alleles with the
lowest score are kept. Fragments whose best alleles lie in more than one locus
are dropped. Fragments with the same best-allele set become one weighted
class, which is all the ILP (neoag.hla.ilp) needs to see.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from neoag.hla.names import LOCI


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
