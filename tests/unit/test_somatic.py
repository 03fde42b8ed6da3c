from pathlib import Path

import pytest

from neoag.calling.evidence import AlleleCounts
from neoag.calling.somatic import SomaticFilters, somatic_status

FILTERS = SomaticFilters()
DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo"


@pytest.mark.parametrize(
    "tumor, normal, status",
    [
        ((100, 70, 30), (60, 60, 0), "somatic"),
        ((100, 70, 30), (60, 59, 1), "somatic"),  # one normal read is tolerated as an error
        ((100, 50, 50), (60, 30, 30), "germline"),
        ((100, 70, 30), (60, 57, 3), "normal_alt_support"),
        ((100, 70, 30), (5, 5, 0), "low_normal_depth"),
        ((8, 4, 4), (60, 60, 0), "low_tumor_depth"),
        ((100, 97, 3), (60, 60, 0), "low_tumor_support"),
        ((400, 385, 15), (60, 60, 0), "low_tumor_support"),  # VAF 0.0375 < 0.05
    ],
)
def test_somatic_status(tumor, normal, status):
    assert somatic_status(AlleleCounts(*tumor), AlleleCounts(*normal), FILTERS) == status


def test_site_partners_are_the_alleles_that_overlap(tmp_path):
    import pysam

    from neoag.calling.somatic import site_partners
    from neoag.variants import Variant

    path = tmp_path / "ref.fa"
    path.write_text(">c\nGATAATCTTTACAACTTTTTCCCCCCCCCCAGTAAAATTATGCGT\n")
    pysam.faidx(str(path))
    fasta = pysam.FastaFile(str(path))
    deletion = Variant("c", 20, "TC", "T")  # one C of the run of ten (0-based 20-29)
    snv_in_run = Variant("c", 21, "C", "T")  # TTTTTT + 9 C: reads in the T run fit both
    snv_far = Variant("c", 35, "A", "G")
    other_allele = Variant("c", 35, "A", "C")
    partners = site_partners([deletion, snv_in_run, snv_far, other_allele], fasta)
    assert partners[snv_in_run] == [deletion]
    assert partners[deletion] == [snv_in_run]
    assert partners[snv_far] == [other_allele]


def test_germline_targets_cover_the_flank_and_the_exons_of_the_transcripts(tmp_path):
    from pathlib import Path

    import pysam

    from neoag.calling.somatic import germline_targets, split_targets

    demo = Path(__file__).resolve().parents[2] / "resources" / "demo"
    vcf = tmp_path / "somatic.vcf"
    vcf.write_text(
        "##fileformat=VCFv4.2\n##contig=<ID=chr1,length=11772>\n##contig=<ID=chr2,length=11686>\n"
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
        "chr1\t3066\t.\tG\tA\t.\t.\t.\n"  # DMG1 (+ strand, chr1:1423-3930)
        "chr2\t100\t.\tA\tC\t.\t.\t.\n"  # intergenic
    )
    pysam.tabix_index(str(vcf), preset="vcf")
    bed = tmp_path / "targets.bed"
    germline_targets(str(vcf) + ".gz", str(demo / "genome.fa.fai"), 150, str(bed), str(demo / "annotation.gtf"))
    regions = [(c, int(s), int(e)) for c, s, e in (line.split("\t") for line in bed.read_text().splitlines())]
    assert ("chr2", 0, 250) in regions  # flank only, clipped at the contig start
    chr1 = [r for r in regions if r[0] == "chr1"]
    assert chr1[0][1] == 1422 and any(s <= 3065 < e for _, s, e in chr1)  # first exon of DMG1 and the variant
    assert any(s <= 3930 and e >= 3930 + 3000 for _, s, e in chr1)  # genome read past the 3' end
    without_gtf = tmp_path / "flank.bed"
    germline_targets(str(vcf) + ".gz", str(demo / "genome.fa.fai"), 150, str(without_gtf))
    assert without_gtf.read_text() == "chr1\t2915\t3216\nchr2\t0\t250\n"
    pieces = [tmp_path / f"piece{i}.bed" for i in range(3)]
    split_targets(str(bed), [str(p) for p in pieces])  # germline.calls normal: rule germline_target_pieces
    assert "".join(p.read_text() for p in pieces) == bed.read_text()  # call_germline's jobs: the windows, in order
    assert all(p.read_text() for p in pieces)


def demo_candidates(step: int) -> list:
    """The demo's planted variants plus, every `step` bases of each demo contig, an SNV and
    a one-base deletion (mostly REF in the reads: real work for the evidence counter), and
    one allele with an N, which is not assessed."""
    import csv

    import pysam

    from neoag.calling.calls import Candidate

    fasta = pysam.FastaFile(str(DEMO / "genome.fa"))
    alleles = {}
    with open(DEMO / "truth.tsv") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            alleles[(row["chrom"], int(row["pos"]), row["ref"], row["alt"])] = None
    for chrom, length in zip(fasta.references, fasta.lengths):
        for pos in range(step, length - 10, step):
            bases = fasta.fetch(chrom, pos - 1, pos + 1).upper()
            alleles[(chrom, pos, bases[0], "ACGT"[("ACGT".index(bases[0]) + 1) % 4])] = None
            alleles[(chrom, pos + 3, fasta.fetch(chrom, pos + 2, pos + 4).upper(), bases[0])] = None
    alleles[("chr2", 5000, fasta.fetch("chr2", 4999, 5000).upper(), "N")] = None
    order = {name: i for i, name in enumerate(fasta.references)}
    return [
        Candidate(chrom, pos, ref, alt, ("freebayes",), None, None)
        for chrom, pos, ref, alt in sorted(alleles, key=lambda a: (order[a[0]], *a[1:]))
    ], list(zip(fasta.references, fasta.lengths))


def test_select_somatic_gives_the_same_tables_with_any_number_of_workers(tmp_path):
    from neoag.calling.calls import write_candidates
    from neoag.calling.evidence import ReadFilters
    from neoag.calling.somatic import select_somatic

    candidates, contigs = demo_candidates(step=300)
    write_candidates(candidates, str(tmp_path / "candidates.vcf.gz"), contigs)
    tables = {}
    for workers in (1, 2):
        out = tmp_path / str(workers)
        out.mkdir()
        select_somatic(str(tmp_path / "candidates.vcf.gz"), str(DEMO / "tumor.bam"), str(DEMO / "normal.bam"),
                       str(DEMO / "tumor_rna.bam"), str(DEMO / "genome.fa"), str(out / "evidence.tsv"),
                       str(out / "somatic.vcf.gz"), SomaticFilters(), ReadFilters(), workers=workers)  # fmt: skip
        tables[workers] = (out / "evidence.tsv").read_text()
    lines = tables[1].splitlines()
    assert len(lines) == len(candidates) + 1
    statuses = [line.split("\t")[-1] for line in lines[1:]]
    assert {"somatic", "unsupported_allele"} <= set(statuses)
    assert sum(status == "somatic" for status in statuses) >= 10
    assert tables[2] == tables[1]
