"""Tumor-only samples: the germline filters (panel of normals, population AF from VEP CSQ or an INFO
field) on resource files shaped as gnomAD, VEP and GATK write them, the somatic decision on the demo
tumor BAM without its normal, the known germline variants as germline neighbours, and the preflight's
paragraphs for resources that cannot be used."""

from pathlib import Path

import pandas as pd
import pysam
import pytest

from neoag.calling.evidence import ReadFilters
from neoag.calling.somatic import SomaticFilters, germline_from_evidence, select_somatic
from neoag.calling.tumor_only import TumorOnlyFilters, parse_af, record_afs, resource_sites
from neoag.errors import NeoagInputError
from neoag.preflight.sheet import sample_kind
from neoag.preflight.tumor_only import check_resource, check_tumor_only
from neoag.report.html import tumor_only_decision
from neoag.variants import Variant

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "resources" / "demo"
FIELDS = TumorOnlyFilters().population_af_fields
CANDIDATE_INFO = (
    '##INFO=<ID=CALLERS,Number=.,Type=String,Description="Callers">\n'
    '##INFO=<ID=CALLER_TVAF,Number=1,Type=Float,Description="Tumor VAF">\n'
    '##INFO=<ID=CALLER_NVAF,Number=1,Type=Float,Description="Normal VAF">\n'
)
CONTIGS = "".join(
    f"##contig=<ID={name},length={length}>\n"
    for name, length in (line.split("\t")[:2] for line in (DEMO / "genome.fa.fai").read_text().splitlines())
)
# VEP --vcf --af_gnomade --af_gnomadg --max_af: the gnomAD fields at the end of the CSQ format.
CSQ_FORMAT = (
    "Allele|Consequence|IMPACT|SYMBOL|Gene|Feature_type|Feature|Existing_variation|gnomADe_AF|gnomADg_AF|MAX_AF"
)
VEP_HEADER = (
    "##fileformat=VCFv4.2\n##VEP=v110\n"
    + CONTIGS
    + '##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. '
    + f'Format: {CSQ_FORMAT}">\n'
    + "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
)
GNOMAD_HEADER = (
    "##fileformat=VCFv4.2\n##source=gnomAD sites (shape of gnomad.exomes.v4.1.sites)\n"
    + CONTIGS
    + '##INFO=<ID=AC,Number=A,Type=Integer,Description="Alternate allele count">\n'
    + '##INFO=<ID=AN,Number=1,Type=Integer,Description="Total number of alleles">\n'
    + '##INFO=<ID=AF,Number=A,Type=Float,Description="Alternate allele frequency">\n'
    + '##INFO=<ID=AF_grpmax,Number=A,Type=Float,Description="Maximum allele frequency across groups">\n'
    + "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
)


def csq(allele: str, gnomade: str = "", gnomadg: str = "", max_af: str = "", feature: str = "DEMOT00000000004") -> str:
    gene = "missense_variant|MODERATE|DMG4|DEMOG00000000004|Transcript"
    return f"{allele}|{gene}|{feature}|rs1|{gnomade}|{gnomadg}|{max_af}"


def indexed_vcf(path: Path, text: str) -> str:
    """text written, bgzipped and tabix-indexed (as a resource VCF is shipped)."""
    path.write_text(text)
    return pysam.tabix_index(str(path), preset="vcf", force=True)


def records(text: str, tmp_path: Path) -> list:
    path = tmp_path / "r.vcf"
    path.write_text(text)
    with pysam.VariantFile(str(path)) as vcf:
        return [(record, vcf.header) for record in vcf]


def test_parse_af_takes_the_highest_number_and_ignores_empty_values():
    assert parse_af("0.0001&0.2") == 0.2  # VEP joins co-located known variants with '&'
    assert parse_af("") is None and parse_af(".") is None and parse_af(None) is None
    assert parse_af("&0.03&") == 0.03
    assert parse_af((None, 0.5)) == 0.5 and parse_af(1.2e-05) == 1.2e-05
    assert parse_af("not_a_number") is None


def test_vep_csq_gnomad_fields_per_allele_of_a_multiallelic_record(tmp_path):
    """A multi-allelic record: each ALT gets the CSQ entries naming its allele; the highest of
    gnomADe_AF, gnomADg_AF and MAX_AF; '&'-joined values; an ALT with empty fields has none."""
    text = (
        VEP_HEADER
        + "\t".join(
            [
                "chr2",
                "3458",
                ".",
                "A",
                "C,G,T",
                ".",
                "PASS",
                "CSQ="
                + ",".join(
                    [
                        csq("C", "0.31", "0.29", "0.35"),
                        csq("C", "0.31", "0.29", "0.35", feature="DEMOT00000000099"),
                        csq("G", "0.0001&0.02", "", ""),
                        csq("T", "", "", ""),
                    ]
                ),
            ]
        )
        + "\n"
    )
    ((record, header),) = records(text, tmp_path)
    names = [name.strip() for name in CSQ_FORMAT.split("|")]
    assert record_afs(record, FIELDS, names) == {1: 0.35, 2: 0.02}  # T: empty values, no AF


def test_vep_allele_strings_of_indels_match_their_alt(tmp_path):
    """VEP drops the shared first base: a deletion's Allele is '-', an insertion's the inserted bases
    (CA>CAA: 'AA', the REF's A left after the C)."""
    text = VEP_HEADER + (
        "chr1\t6021\t.\tCA\tC,CAA\t.\tPASS\tCSQ=" + ",".join([csq("-", "0.004"), csq("AA", "", "0.0002")]) + "\n"
    )
    ((record, _),) = records(text, tmp_path)
    assert record_afs(record, FIELDS, [name.strip() for name in CSQ_FORMAT.split("|")]) == {1: 0.004, 2: 0.0002}


def test_gnomad_sites_info_af_is_per_alt_and_a_missing_value_is_none(tmp_path):
    text = GNOMAD_HEADER + "chr1\t2412\t.\tG\tT,C\t.\tPASS\tAC=3100,0;AN=10000;AF=0.31,.;AF_grpmax=0.4,.\n"
    ((record, _),) = records(text, tmp_path)
    assert record_afs(record, ("AF",), None) == {1: pytest.approx(0.31)}  # Type=Float: 32-bit
    assert record_afs(record, ("AF", "AF_grpmax"), None) == {1: pytest.approx(0.4)}  # the highest of the named fields
    assert record_afs(record, ("gnomADe_AF",), None) == {}  # a field the file does not have


def test_resource_sites_match_after_splitting_and_normalising(tmp_path):
    """A resource record written another way than the caller wrote the candidate still matches: a
    deletion right-shifted in a homopolymer, an indel padded with an extra base, a multi-allelic
    record; an allele that differs (another ALT at the same position) does not."""
    fasta = pysam.FastaFile(str(DEMO / "genome.fa"))
    assert fasta.fetch("chr1", 9328, 9334) == "GTTTTG"  # chr1:9329 G, then TTTT
    text = GNOMAD_HEADER + "".join(
        [
            "chr1\t2412\t.\tG\tC,T\t.\tPASS\tAF=0.002,0.31\n",  # multi-allelic, T second
            "chr1\t6020\t.\tACA\tAC\t.\tPASS\tAF=0.05\n",  # CA>C at 6021, padded one base to the left
            "chr1\t9332\t.\tTT\tT\t.\tPASS\tAF=0.2\n",  # a T deleted in TTTT, written at the right end
            "chr2\t3452\t.\tC\tG\t.\tPASS\tAF=0.4\n",  # another ALT than the candidate's
        ]
    )
    path = indexed_vcf(tmp_path / "gnomad.vcf", text)
    candidates = [
        Variant("chr1", 2412, "G", "T"),
        Variant("chr1", 6021, "CA", "C"),
        Variant("chr1", 9329, "GT", "G"),
        Variant("chr2", 3452, "C", "A"),
    ]
    found = resource_sites(path, candidates, fasta, ("AF",))
    assert sorted(found.values()) == pytest.approx([0.05, 0.2, 0.31])
    assert resource_sites(path, candidates, fasta) == dict.fromkeys(found)  # a panel: sites without AF


def test_an_unindexed_resource_is_one_clear_paragraph(tmp_path):
    path = tmp_path / "pon.vcf.gz"
    pysam.tabix_compress(_plain(tmp_path), str(path))
    fasta = pysam.FastaFile(str(DEMO / "genome.fa"))
    with pytest.raises(NeoagInputError, match=r"pon.vcf.gz: has no index \(.tbi or .csi\).*tabix -p vcf"):
        resource_sites(str(path), [Variant("chr1", 2412, "G", "T")], fasta)


def _plain(tmp_path: Path) -> str:
    path = tmp_path / "plain.vcf"
    path.write_text(GNOMAD_HEADER + "chr1\t2412\t.\tG\tT\t.\tPASS\tAF=0.31\n")
    return str(path)


PLANTED = [  # demo truth.tsv: three germline variants and four somatic ones
    ("chr1", 2412, "G", "T"),
    ("chr2", 3458, "A", "C"),
    ("chr2", 9640, "A", "G"),
    ("chr1", 3066, "G", "A"),
    ("chr1", 6021, "CA", "C"),
    ("chr2", 3452, "C", "A"),
    ("chr2", 6550, "T", "A"),
]


@pytest.fixture
def tumor_only_run(tmp_path):
    """select_somatic on the demo tumor BAM alone: a GATK-style panel of normals holding chr2:9640 A>G,
    a VEP-annotated population VCF with chr1:2412 G>T (gnomADe_AF 0.31), chr2:3458 A>C ('&'-joined
    MAX_AF) and the somatic chr2:6550 T>A at a hotspot-like gnomAD AF of 2e-5 (below the maximum)."""
    candidates = tmp_path / "candidates.vcf"
    candidates.write_text(
        "##fileformat=VCFv4.2\n"
        + CONTIGS
        + CANDIDATE_INFO
        + "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
        + "".join(f"{c}\t{p}\t.\t{r}\t{a}\t.\tPASS\tCALLERS=freebayes\n" for c, p, r, a in PLANTED)
    )
    pon = indexed_vcf(
        tmp_path / "pon.vcf",
        "##fileformat=VCFv4.2\n##source=CreateSomaticPanelOfNormals\n"
        + CONTIGS
        + '##INFO=<ID=FRACTION,Number=1,Type=Float,Description="Fraction of samples exhibiting artifact">\n'
        + "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\nchr2\t9640\t.\tA\tG\t.\t.\tFRACTION=0.4\n",
    )
    population = indexed_vcf(
        tmp_path / "vep.vcf",
        VEP_HEADER
        + f"chr1\t2412\t.\tG\tT\t.\tPASS\tCSQ={csq('T', '0.31', '', '')}\n"
        + f"chr2\t3458\t.\tA\tC\t.\tPASS\tCSQ={csq('C', '', '', '0.001&0.12')}\n"
        + f"chr2\t6550\t.\tT\tA\t.\tPASS\tCSQ={csq('A', '2e-05', '', '2e-05')}\n",
    )
    filters = TumorOnlyFilters(panel_of_normals=pon, population_vcf=population)
    evidence, somatic = tmp_path / "evidence.tsv", tmp_path / "somatic.vcf.gz"
    table = select_somatic(
        str(candidates), str(DEMO / "tumor.bam"), None, None, str(DEMO / "genome.fa"), str(evidence), str(somatic),
        SomaticFilters(), ReadFilters(), tumor_only=filters,
    )  # fmt: skip
    return table, evidence, somatic


def test_tumor_only_rejects_known_germline_variants_with_named_reasons(capsys, tumor_only_run):
    table, evidence, somatic = tumor_only_run
    status = dict(zip(table.variant_id, table.somatic_status))
    assert status == {
        "chr1:2412:G:T": "population_af",
        "chr2:3458:A:C": "population_af",
        "chr2:9640:A:G": "panel_of_normals",
        "chr1:3066:G:A": "somatic",
        "chr1:6021:CA:C": "somatic",
        "chr2:3452:C:A": "somatic",
        "chr2:6550:T:A": "somatic",  # in gnomAD, but at 2e-05
    }
    assert set(table.normal_dna_depth.isna()) == {True}  # no normal counted
    assert pd.read_csv(evidence, sep="\t").somatic_status.value_counts()["population_af"] == 2
    header = str(pysam.VariantFile(str(somatic)).header)
    assert "##neoag_somatic_decision=tumor_only" in header
    assert "rejected: panel_of_normals 1, population_af 2" in capsys.readouterr().err


def test_without_filters_the_germline_variants_pass_as_somatic(tmp_path):
    candidates = tmp_path / "candidates.vcf"
    candidates.write_text(
        "##fileformat=VCFv4.2\n" + CONTIGS + CANDIDATE_INFO + "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
        "chr1\t2412\t.\tG\tT\t.\tPASS\t.\n"
    )
    table = select_somatic(
        str(candidates), str(DEMO / "tumor.bam"), None, None, str(DEMO / "genome.fa"),
        str(tmp_path / "e.tsv"), str(tmp_path / "s.vcf.gz"), SomaticFilters(), ReadFilters(),
    )  # fmt: skip
    assert list(table.somatic_status) == ["somatic"]  # a germline SNP at tumor VAF 0.4: nothing tells


def test_known_germline_variants_are_the_germline_neighbours(tumor_only_run, tmp_path):
    _, evidence, _ = tumor_only_run
    out = tmp_path / "germline.vcf.gz"
    table = germline_from_evidence(str(evidence), str(DEMO / "genome.fa"), str(out), hom_vaf=0.85, min_vaf=0.15)
    assert sorted(f"{r.chrom}:{r.pos}" for r in table.itertuples()) == ["chr1:2412", "chr2:3458", "chr2:9640"]
    with pysam.VariantFile(str(out)) as vcf:
        rows = list(vcf)
    assert {r.info["ZYG"] for r in rows} == {"het"} and all("NVAF" not in r.info for r in rows)


def write_sheet(tmp_path: Path, **row: str) -> tuple[pd.DataFrame, str]:
    path = tmp_path / "samples.tsv"
    sheet = pd.DataFrame([{"sample": "p1", **row}])
    sheet.to_csv(path, sep="\t", index=False)
    sheet.attrs["lines"] = [2]
    return sheet, str(path)


def test_sample_kinds():
    assert sample_kind({"tumor_bam": "t.bam", "normal_bam": "n.bam"}) == "tumor_normal"
    assert sample_kind({"tumor_bam": "t.bam", "normal_bam": ""}) == "tumor_only"
    assert sample_kind({"tumor_bam": "t.bam"}) == "tumor_only"
    assert sample_kind({"vcf": "v.vcf"}) == "vcf_only"


def test_tumor_only_with_strelka2_is_one_clear_paragraph(tmp_path):
    sheet, path = write_sheet(tmp_path, tumor_bam=str(DEMO / "tumor.bam"))
    config = {"calling": {"callers": ["freebayes", "strelka2"]}, "tumor_only": {}}
    with pytest.raises(NeoagInputError, match=r"line 2 \(sample 'p1'\): a tumor-only sample.*strelka2.*freebayes"):
        check_tumor_only(sheet, path, config)
    check_tumor_only(sheet, path, {"calling": {"callers": ["freebayes"]}, "tumor_only": {}})  # a warning only


def reference() -> list[tuple[str, int]]:
    return [
        (line.split("\t")[0], int(line.split("\t")[1])) for line in (DEMO / "genome.fa.fai").read_text().splitlines()
    ]


def test_resource_missing_not_bgzipped_not_indexed(tmp_path):
    where = "config tumor_only.panel_of_normals"
    with pytest.raises(NeoagInputError, match=r"tumor_only.panel_of_normals: file '.*absent.vcf.gz' does not exist"):
        check_resource(str(tmp_path / "absent.vcf.gz"), where)
    plain = _plain(tmp_path)
    with pytest.raises(NeoagInputError, match="is not a bgzipped VCF.*bgzip file.vcf && tabix -p vcf"):
        check_resource(plain, where)
    unindexed = tmp_path / "pon.vcf.gz"
    pysam.tabix_compress(plain, str(unindexed))
    with pytest.raises(NeoagInputError, match=r"has no index \(.tbi or .csi\) beside it.*tabix -p vcf"):
        check_resource(str(unindexed), where)
    indexed = pysam.tabix_index(plain, preset="vcf", force=True)
    check_resource(indexed, where, reference())


def test_resource_named_without_chr_prefix_is_one_clear_paragraph(tmp_path):
    """A GRCh38 gnomAD file from Ensembl names contigs '1', '2'; the reference says 'chr1'."""
    text = GNOMAD_HEADER.replace("ID=chr", "ID=") + "1\t2412\t.\tG\tT\t.\tPASS\tAF=0.31\n"
    path = indexed_vcf(tmp_path / "gnomad.vcf", text)
    with pytest.raises(NeoagInputError) as error:
        check_resource(path, "config tumor_only.population_vcf", reference())
    message = str(error.value)
    assert "config tumor_only.population_vcf" in message and "none of its contigs (1)" in message
    assert "bcftools annotate --rename-chrs" in message and "\n" not in message


def test_the_report_says_tumor_only_and_which_filters():
    line = tumor_only_decision(TumorOnlyFilters(population_vcf="/data/gnomad.vcf.gz").__dict__)
    assert line.startswith("TUMOR-ONLY sample") and "population AF above 0.001 (gnomad.vcf.gz)" in line
    assert "germline variants pass as somatic" in tumor_only_decision(TumorOnlyFilters().__dict__)
