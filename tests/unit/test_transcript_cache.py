"""The parsed-GTF cache (rule parse_gtf): the same transcripts as read_gtf, refused when stale."""

import os
import pickle
from pathlib import Path

import pytest

from neoag import transcript_cache
from neoag.annotation.expression import gtf_transcript_genes, normalise_expression
from neoag.errors import NeoagInputError
from neoag.transcript_cache import gtf_transcripts, load_transcript_cache, write_transcript_cache
from neoag.transcripts import read_gtf
from tests.unit.test_transcripts import REFSEQ_GTF

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "resources" / "demo"
GTF, FASTA = str(DEMO / "annotation.gtf"), str(DEMO / "genome.fa")


def gencode_shaped(text: str) -> str:
    """The demo GTF as GENCODE writes it: versioned IDs, gene_type/transcript_type, level, a PAR_Y copy."""
    out = []
    for line in text.splitlines(keepends=True):
        if line.startswith("#"):
            out.append(line)
            continue
        line = line.replace('_biotype "', '_type "').replace('";', '.3";', 1)  # gene_id "X.3"
        line = line.replace('transcript_id "DEMOT00000000001"', 'transcript_id "DEMOT00000000001.2"')
        out.append(line.rstrip("\n") + ' level 2; tag "Ensembl_canonical";\n')
        if 'transcript_id "DEMOT00000000002' in line:  # the same transcript on a second contig (PAR genes)
            out.append(
                line.replace("chr1\t", "chr2\t").replace(
                    'transcript_id "DEMOT00000000002', 'transcript_id "DEMOT00000000002_PAR_Y'
                )
            )
    return "".join(out)


def without_stop_codon_rows(text: str) -> str:
    """A converter's shape: the stop codon in no row at all (neither CDS nor stop_codon)."""
    return "".join(line for line in text.splitlines(keepends=True) if "\tstop_codon\t" not in line)


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize("shape", ["demo", "gencode", "refseq", "no_stop_codon_rows"])
def test_the_cache_gives_read_gtf_s_transcripts(tmp_path, shape):
    demo = Path(GTF).read_text()
    gtf = {
        "demo": GTF,
        "gencode": write(tmp_path, "gencode.gtf", gencode_shaped(demo)),
        "refseq": write(tmp_path, "refseq.gtf", REFSEQ_GTF.replace("c\t", "chr1\t").replace("d\t", "chr2\t")),
        "no_stop_codon_rows": write(tmp_path, "converted.gtf", without_stop_codon_rows(demo)),
    }[shape]
    cache = str(tmp_path / "transcripts.pkl")
    assert write_transcript_cache(gtf, FASTA, cache) == len(read_gtf(gtf, FASTA))
    with_stops, from_text = gtf_transcripts(gtf, FASTA, cache), gtf_transcripts(gtf, None, cache)
    assert with_stops == read_gtf(gtf, FASTA) and with_stops
    assert from_text == read_gtf(gtf)
    # every field, also those that equality leaves out (stop_inferable)
    assert [vars(t) for t in with_stops] == [vars(t) for t in read_gtf(gtf, FASTA)]
    assert load_transcript_cache(cache, gtf).transcript_genes == gtf_transcript_genes(gtf)
    assert not [name for name in os.listdir(tmp_path) if name.startswith(".transcripts.")]  # no temporary left
    if shape == "no_stop_codon_rows":  # the genome's stop codons are kept apart from the GTF's own models
        assert with_stops != from_text
    if shape == "gencode":
        assert {t.chrom for t in with_stops if t.transcript_id.endswith("_PAR_Y")} == {"chr2"}


def test_a_cache_of_another_or_changed_gtf_is_refused(tmp_path):
    gtf = write(tmp_path, "a.gtf", Path(GTF).read_text())
    cache = str(tmp_path / "transcripts.pkl")
    write_transcript_cache(gtf, FASTA, cache)
    other = write(tmp_path, "b.gtf", Path(GTF).read_text())
    with pytest.raises(NeoagInputError, match=r"made from .*a\.gtf, but this step reads the GTF .*b\.gtf"):
        gtf_transcripts(other, FASTA, cache)
    status = os.stat(gtf)
    os.utime(gtf, ns=(status.st_atime_ns, status.st_mtime_ns + 10**9))
    with pytest.raises(NeoagInputError, match=r"another modification time.*Delete .*transcripts\.pkl.*parse_gtf"):
        gtf_transcripts(gtf, FASTA, cache)
    write_transcript_cache(gtf, FASTA, cache)  # rebuilt: read again
    assert gtf_transcripts(gtf, FASTA, cache) == read_gtf(gtf, FASTA)
    with pytest.raises(NeoagInputError, match="made with the genome"):
        gtf_transcripts(gtf, str(tmp_path / "other.fa"), cache)


def test_a_cache_of_another_format_version_is_refused(tmp_path, monkeypatch):
    cache = str(tmp_path / "transcripts.pkl")
    monkeypatch.setattr(transcript_cache, "VERSION", 0)
    write_transcript_cache(GTF, FASTA, cache)
    monkeypatch.undo()
    with pytest.raises(NeoagInputError, match=r"another version of neoag \(cache format 0, this neoag reads format 1"):
        load_transcript_cache(cache, GTF)
    with open(cache, "wb") as handle:  # a header whose Transcript had other fields
        header = transcript_cache.header(GTF, FASTA, transcript_cache.parse_gtf(GTF, FASTA))
        pickle.dump(header | {"transcript_fields": ["transcript_id", "exons"]}, handle)
    with pytest.raises(NeoagInputError, match="another version of neoag"):
        load_transcript_cache(cache, GTF)
    Path(cache).write_text("chr1\t1\t2\n")
    with pytest.raises(NeoagInputError, match=r"transcripts\.pkl is not a neoag transcript cache"):
        load_transcript_cache(cache, GTF)


def test_steps_give_the_same_tables_from_the_cache(tmp_path):
    from neoag.annotation.proteome import write_reference_proteome

    cache = str(tmp_path / "transcripts.pkl")
    write_transcript_cache(GTF, FASTA, cache)
    write_reference_proteome(GTF, FASTA, str(tmp_path / "text.fa"))
    write_reference_proteome(GTF, FASTA, str(tmp_path / "cache.fa"), transcripts_cache=cache)
    assert (tmp_path / "text.fa").read_text() == (tmp_path / "cache.fa").read_text()
    table = str(REPO / "tests" / "data" / "expression" / "quant.sf")
    normalise_expression(table, GTF, str(tmp_path / "text.tsv"))
    normalise_expression(table, GTF, str(tmp_path / "cache.tsv"), transcripts_cache=cache)
    assert (tmp_path / "text.tsv").read_text() == (tmp_path / "cache.tsv").read_text()


def test_germline_targets_are_the_same_from_the_cache(tmp_path):
    import pysam

    from neoag.calling.somatic import germline_targets

    gtf = write(tmp_path, "converted.gtf", without_stop_codon_rows(Path(GTF).read_text()))
    cache = str(tmp_path / "transcripts.pkl")
    write_transcript_cache(gtf, FASTA, cache)
    vcf = tmp_path / "somatic.vcf"
    vcf.write_text(
        "##fileformat=VCFv4.2\n##contig=<ID=chr1,length=11772>\n##contig=<ID=chr2,length=11686>\n"
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\nchr1\t3066\t.\tG\tA\t.\t.\t.\nchr2\t100\t.\tA\tC\t.\t.\t.\n"
    )
    pysam.tabix_index(str(vcf), preset="vcf")
    beds = [tmp_path / "text.bed", tmp_path / "cache.bed"]
    germline_targets(str(vcf) + ".gz", FASTA + ".fai", 150, str(beds[0]), gtf)
    germline_targets(str(vcf) + ".gz", FASTA + ".fai", 150, str(beds[1]), gtf, transcripts_cache=cache)
    assert beds[0].read_text() == beds[1].read_text() and beds[0].read_text().count("chr1") > 1
