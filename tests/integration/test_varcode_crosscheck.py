"""Independent cross-check: neoag vs varcode (+ pyensembl) on random demo variants.

Runs bench/crosscheck_varcode.py's comparison on 600 random SNVs, MNVs,
insertions, deletions and delins. Every (variant, transcript) pair must give
the same mutant protein (or consequence class), or a difference that
docs/annotation.md explains and that a third, deliberately simple translation
confirms in neoag's favour.
"""

import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))

import crosscheck_varcode  # noqa: E402


@pytest.fixture(scope="module")
def pairs(tmp_path_factory):
    return crosscheck_varcode.crosscheck(n=600, seed=7, workdir=tmp_path_factory.mktemp("pyensembl"))


def test_enough_random_variants_of_every_kind(pairs):
    variants = {p.variant_id: p.kind for p in pairs}
    assert len(variants) >= 500
    assert {"snv", "mnv", "insertion", "deletion", "complex"} <= set(variants.values())
    consequences = {p.neoag_consequence for p in pairs}
    assert {
        "missense",
        "frameshift",
        "inframe_insertion",
        "inframe_deletion",
        "stop_gained",
        "stop_lost",
    } <= consequences


def test_every_difference_is_explained_in_the_docs(pairs):
    unexplained = [p for p in pairs if p.reason == "unexplained"]
    assert not unexplained, unexplained[:5]
    documented = (REPO / "docs/annotation.md").read_text()
    for reason in {p.reason for p in pairs} - {"agree"}:
        assert f"`{reason}`" in documented, f"{reason} is not explained in docs/annotation.md"


def test_mutant_proteins_agree(pairs):
    changing = [p for p in pairs if p.neoag_consequence in crosscheck_varcode.PROTEIN_CONSEQUENCES]
    same = sum(p.neoag_protein == p.varcode_protein for p in changing)
    assert len(changing) >= 300
    assert same / len(changing) >= 0.99
    print("\n" + crosscheck_varcode.agreement_table(pairs))
