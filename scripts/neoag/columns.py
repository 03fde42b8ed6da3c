"""Every column of every table neoag writes, defined once.

The writers take their column order from here, and tests/unit/test_columns.py
checks that docs/output.md documents each name. Units and conventions are in
the descriptions; docs/output.md says the same in longer form.
"""

from __future__ import annotations

VARIANT_KEY = {
    "variant_id": "chrom:pos:ref:alt, the join key of all tables",
    "chrom": "contig name as in the reference FASTA",
    "pos": "1-based position (VCF POS; indels include the padding base)",
    "ref": "reference allele (VCF REF)",
    "alt": "alternate allele (VCF ALT; one per row)",
    "variant_type": "snv, mnv, insertion, deletion or complex",
}

EVIDENCE = {
    "tumor_dna_depth": "tumor DNA fragments spanning the variant that pass the read filters",
    "tumor_dna_alt_count": "of those, fragments carrying ALT",
    "tumor_dna_vaf": "tumor_dna_alt_count / tumor_dna_depth",
    "normal_dna_depth": "normal DNA fragments spanning the variant",
    "normal_dna_alt_count": "of those, fragments carrying ALT",
    "normal_dna_vaf": "normal_dna_alt_count / normal_dna_depth",
    "tumor_rna_depth": "tumor RNA fragments spanning the variant (empty without an RNA BAM)",
    "tumor_rna_alt_count": "of those, fragments carrying ALT",
    "tumor_rna_vaf": "tumor_rna_alt_count / tumor_rna_depth",
}

EVIDENCE_TABLE = {
    **VARIANT_KEY,
    **EVIDENCE,
    "somatic_status": "somatic, or why the candidate is not somatic (see docs/output.md)",
}

ANNOTATION = {
    "gene_id": "gene_id of the transcript (GTF)",
    "gene_name": "gene_name of the transcript (GTF)",
    "transcript_id": "transcript_id (GTF); empty for variants outside every transcript",
    "consequence": "effect on this transcript (see docs/output.md for the terms)",
    "protein_change": "HGVS-style protein change, 3-letter code (p.Gly12Asp, p.Lys45ArgfsTer12)",
    "protein_position": "1-based position of the first changed residue in the protein",
    "cds_position": "1-based position of the first changed base in the CDS",
}

ANNOTATION_TABLE = {
    **VARIANT_KEY,
    **ANNOTATION,
    "mt_start": "0-based index of the first changed residue in mt_protein",
    "mt_end": "0-based index after the last changed residue in mt_protein",
    "wt_protein": "wild-type protein (one-letter code, no stop)",
    "mt_protein": "mutant protein (one-letter code, up to the first stop)",
}

PEPTIDE = {
    "peptide_length": "residues in the peptide",
    "mt_peptide": "mutant peptide",
    "wt_peptide": "wild-type peptide at the same position (missense and in-frame indels; "
    "empty for frameshifts and stop-losses, which have no wild-type counterpart)",
    "peptide_start": "1-based position of the peptide's first residue in the mutant protein",
    "mutation_positions": "1-based positions inside the peptide that differ from the wild type "
    "(for a deletion, the two residues beside the junction)",
    "mt_n_flank": "up to flank_length residues before the mutant peptide (for the processing model)",
    "mt_c_flank": "up to flank_length residues after the mutant peptide",
    "wt_n_flank": "the same for the wild-type peptide",
    "wt_c_flank": "the same for the wild-type peptide",
}

PEPTIDE_TABLE = {
    "variant_id": VARIANT_KEY["variant_id"],
    "transcript_id": ANNOTATION["transcript_id"],
    **PEPTIDE,
}

SCORE_TABLE = {
    "peptide": "peptide scored",
    "n_flank": "N-terminal flank given to the processing model (empty in affinity-only mode)",
    "c_flank": "C-terminal flank given to the processing model (empty in affinity-only mode)",
    "allele": "HLA allele, normalised (HLA-A*02:01)",
    "affinity_nm": "predicted IC50 binding affinity, nM (lower binds better)",
    "affinity_percentile": "percentile rank of the affinity among random peptides for this allele (lower is better)",
    "processing_score": "MHCflurry antigen processing score, 0-1 (empty in affinity-only mode)",
    "presentation_score": "MHCflurry presentation score, 0-1 (empty in affinity-only mode)",
    "presentation_percentile": "percentile rank of the presentation score (empty in affinity-only mode)",
}

SCORE_WORK = {name: SCORE_TABLE[name] for name in ("peptide", "n_flank", "c_flank")}

SCORES = {
    "allele": SCORE_TABLE["allele"],
    "mt_affinity_nm": "mutant peptide's predicted affinity, nM",
    "mt_affinity_percentile": "mutant peptide's affinity percentile rank",
    "wt_affinity_nm": "wild-type peptide's predicted affinity, nM (empty without a wild-type peptide)",
    "wt_affinity_percentile": "wild-type peptide's affinity percentile rank",
    "agretopicity": "wt_affinity_nm / mt_affinity_nm (as pVACseq's fold change; > 1: the mutant binds better)",
    "mt_processing_score": "mutant peptide's processing score (empty in affinity-only mode)",
    "mt_presentation_score": "mutant peptide's presentation score (empty in affinity-only mode)",
    "mt_presentation_percentile": "mutant peptide's presentation percentile (empty in affinity-only mode)",
    "binder": "true when mt_affinity_nm <= max_affinity_nm or mt_affinity_percentile <= "
    "max_affinity_percentile (config filters)",
}

ALL_EPITOPES = {
    "sample": "sample ID from the sample sheet",
    **VARIANT_KEY,
    **ANNOTATION,
    **PEPTIDE,
    **SCORES,
    **EVIDENCE,
    "passes_filters": "true when the row passes every config filter (then it is in candidates.tsv)",
    "filter_reasons": "the filters the row fails, comma-separated; empty when it passes",
}

CANDIDATES = {
    "rank": "1 = best; order: presentation (or affinity) percentile, then affinity, then IDs",
    **{name: text for name, text in ALL_EPITOPES.items() if name not in ("passes_filters", "filter_reasons")},
}

VARIANTS = {
    "sample": ALL_EPITOPES["sample"],
    **VARIANT_KEY,
    **ANNOTATION,
    **EVIDENCE,
    "n_peptides": "mutant peptides (all lengths, all transcripts) scored for the variant",
    "n_candidates": "rows of candidates.tsv from the variant",
    "best_peptide": "the variant's best-ranked mutant peptide (empty when none is scored)",
    "best_allele": "allele of best_peptide",
    "best_mt_affinity_nm": "affinity of best_peptide to best_allele, nM",
    "best_mt_affinity_percentile": "its affinity percentile rank",
}

TABLES = {
    "evidence.tsv": EVIDENCE_TABLE,
    "annotations.tsv": ANNOTATION_TABLE,
    "peptides.tsv": PEPTIDE_TABLE,
    "scores/chunks/*.tsv": SCORE_WORK,
    "scores.tsv": SCORE_TABLE,
    "all_epitopes.tsv": ALL_EPITOPES,
    "candidates.tsv": CANDIDATES,
    "variants.tsv": VARIANTS,
}
