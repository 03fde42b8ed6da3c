"""Tumor and normal swapped on the demo patient: stopped before any job by the read-group names,
and after calling by the reads themselves (neoag.calling.swap), with a message saying "swapped?"."""

from pathlib import Path

import pandas as pd
import pytest

from neoag.calling.evidence import ReadFilters
from neoag.calling.somatic import SomaticFilters, select_somatic
from neoag.calling.swap import swap_evidence
from neoag.errors import NeoagInputError
from neoag.preflight.swap import check_sample_names, name_kind

DEMO = Path(__file__).resolve().parents[2] / "resources/demo"


def truth_candidates(path: Path) -> str:
    """The demo's planted variants (somatic and germline) as a candidates VCF."""
    truth = pd.read_csv(DEMO / "truth.tsv", sep="\t", dtype=str)
    header = "##fileformat=VCFv4.2\n" + "".join(
        f"##contig=<ID={name},length={length}>\n"
        for name, length in (line.split("\t")[:2] for line in (DEMO / "genome.fa.fai").read_text().splitlines())
    )
    header += '##INFO=<ID=CALLERS,Number=.,Type=String,Description="callers">\n'
    header += '##INFO=<ID=CALLER_TVAF,Number=A,Type=Float,Description="tumor VAF">\n'
    header += '##INFO=<ID=CALLER_NVAF,Number=A,Type=Float,Description="normal VAF">\n'
    header += "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
    rows = sorted(truth.itertuples(), key=lambda r: (r.chrom, int(r.pos)))
    path.write_text(
        header + "".join(f"{r.chrom}\t{r.pos}\t.\t{r.ref}\t{r.alt}\t.\tPASS\tCALLERS=truth\n" for r in rows)
    )
    return str(path)


def select(tmp_path, tumor, normal, policy="error"):
    return select_somatic(
        truth_candidates(tmp_path / "candidates.vcf"), str(tumor), str(normal), None, str(DEMO / "genome.fa"),
        str(tmp_path / "evidence.tsv"), str(tmp_path / "somatic.vcf.gz"), SomaticFilters(), ReadFilters(),
        swapped_calls=policy,
    )  # fmt: skip


def test_demo_patient_in_order_passes_the_swap_check(tmp_path):
    table = select(tmp_path, DEMO / "tumor.bam", DEMO / "normal.bam")
    normal_only, tumor_only = swap_evidence(table)
    assert tumor_only >= 5 and normal_only == 0
    assert (table.somatic_status == "somatic").sum() >= 5


def test_demo_patient_swapped_stops_after_calling(tmp_path):
    with pytest.raises(NeoagInputError, match=r"swapped\?") as caught:
        select(tmp_path, DEMO / "normal.bam", DEMO / "tumor.bam")
    assert "normal.bam" in str(caught.value) and "Swap tumor_bam and normal_bam" in str(caught.value)
    assert not (tmp_path / "evidence.tsv").exists()


def test_demo_patient_swapped_warns_loudly_when_asked(tmp_path, capsys):
    table = select(tmp_path, DEMO / "normal.bam", DEMO / "tumor.bam", policy="warn")
    assert "swapped?" in capsys.readouterr().err
    assert (table.somatic_status == "somatic").sum() == 0  # what a silent swap would have given


def test_demo_patient_swapped_names_stop_before_any_job():
    names = {"tumor_bam": ["demo_normal"], "normal_bam": ["demo_tumor"]}
    with pytest.raises(NeoagInputError, match=r"tumor_bam has read-group sample name demo_normal.*swapped\?"):
        check_sample_names(names, "sample sheet s.tsv, line 2 (sample 'demo')")
    check_sample_names({"tumor_bam": ["demo_tumor"], "normal_bam": ["demo_normal"]}, "here")


@pytest.mark.parametrize(
    "name, kind",
    [("demo_normal", "normal"), ("P12-T1", "tumor"), ("HCC1395_N", "normal"), ("blood", "normal"),
     ("Tumour.FFPE", "tumor"), ("NA12878", ""), ("P12", ""), ("tumor_normal_pool", "")],
)  # fmt: skip
def test_sample_name_kind(name, kind):
    assert name_kind(name) == kind
