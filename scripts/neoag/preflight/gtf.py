"""The GTF's shape: a GTF that would give no transcript (and so 0 candidates with exit code 0) is an error.

One pass over the file (the preflight's contig check reads it anyway): contig
names, the feature counts, and the first row that is not GTF. Shapes that neoag
reads correctly are not errors: no exon rows (exons come from CDS and UTR rows),
no stop_codon rows (the stop is found in the genome: neoag.transcripts.read_gtf).
"""

from __future__ import annotations

from collections import Counter

from neoag.errors import NeoagInputError

# Features whose rows must name their transcript.
TRANSCRIPT_FEATURES = frozenset({"exon", "CDS", "stop_codon", "start_codon"})


def gtf_shape(path: str) -> tuple[list[str], Counter]:
    """(contig names in order of appearance, feature counts) of a GTF; raises NeoagInputError for a
    GFF3 file or a transcript row without transcript_id."""
    from neoag.files import open_text

    contigs: dict[str, None] = {}
    features: Counter = Counter()
    with open_text(path) as handle:
        for number, line in enumerate(handle, start=1):
            if line.startswith("#") or not line.strip():
                continue
            fields = line.split("\t", 3)
            contigs.setdefault(fields[0], None)
            feature = fields[2] if len(fields) > 2 else ""
            features[feature] += 1
            if feature in TRANSCRIPT_FEATURES and "transcript_id" not in line:
                raise NeoagInputError(_not_gtf(path, number, line))
    return list(contigs), features


def _not_gtf(path: str, number: int, line: str) -> str:
    """The paragraph for a transcript row without transcript_id (GFF3, or a GTF missing the attribute)."""
    gff3 = "Parent=" in line or "ID=" in line
    what = "is GFF3 (ID=/Parent= attributes), not GTF" if gff3 else "has no transcript_id attribute"
    return (
        f"config reference.gtf ({path}), line {number}: this row {what}. neoag reads GTF with gene_id and "
        "transcript_id attributes (Ensembl, GENCODE, RefSeq GTF). Download the GTF version of the annotation, "
        f"or convert it: gffread {path} -T -o annotation.gtf"
    )


def check_gtf_shape(path: str, features: Counter) -> None:
    """A GTF must have CDS rows: without them no transcript is protein-coding and every variant would
    be intergenic, a run that ends with exit code 0 and no candidate."""
    if features["CDS"]:
        return
    found = ", ".join(f"{name} {count}" for name, count in features.most_common(6)) or "no feature rows"
    raise NeoagInputError(
        f"config reference.gtf ({path}): the GTF has no CDS rows (found: {found}), so it describes no "
        "protein-coding transcript and every variant would be called intergenic, with 0 candidates. Use a "
        "gene annotation with coding sequences (Ensembl/GENCODE 'genes.gtf' or the RefSeq GTF), not an exon-only "
        "GTF such as a transcript assembler's output or an aligner's splice-junction GTF."
    )
