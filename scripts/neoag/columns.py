"""Every column of every table neoag writes, defined once.

The writers take their column order from here, and tests/unit/test_columns.py
checks that docs/output.md documents each name. Units and conventions are in
the descriptions; docs/output.md says the same in longer form.
"""

from __future__ import annotations

# Bumped whenever a column is added, renamed or changes meaning; recorded in
# results/manifest.json next to the tables.
SCHEMA_VERSION = "1.1"

VARIANT_KEY = {
    "variant_id": "chrom:pos:ref:alt, the join key of all tables",
    "chrom": "contig name as in the reference FASTA",
    "pos": "1-based position (VCF POS; indels include the padding base)",
    "ref": "reference allele (VCF REF)",
    "alt": "alternate allele (VCF ALT; one per row)",
    "variant_type": "snv, mnv, insertion, deletion or complex",
}

# A VCF-only sample (no BAMs; neoag.calling.from_vcf) fills these from the caller's FORMAT fields
# (tumor_dna_*) and leaves normal_dna_* empty: not measured (docs/output.md, Somatic status).
# A tumor-only sample (no normal BAM) leaves normal_dna_* empty too; it has no column of its own
# (the tables keep their columns): somatic.vcf.gz's header line ##neoag_somatic_decision=tumor_only,
# the report's summary and manifest.json's sample_kinds flag it (docs/output.md, Somatic status).
EVIDENCE = {
    "tumor_dna_depth": "tumor DNA fragments informative at the variant (support REF, ALT or another "
    "allele called at the site) that pass the read filters",
    "tumor_dna_alt_count": "of those, fragments carrying ALT",
    "tumor_dna_vaf": "tumor_dna_alt_count / tumor_dna_depth",
    "normal_dna_depth": "normal DNA fragments informative at the variant",
    "normal_dna_alt_count": "of those, fragments carrying ALT",
    "normal_dna_vaf": "normal_dna_alt_count / normal_dna_depth",
    "tumor_rna_depth": "tumor RNA fragments informative at the variant (empty without an RNA BAM)",
    "tumor_rna_alt_count": "of those, fragments carrying ALT",
    "tumor_rna_vaf": "tumor_rna_alt_count / tumor_rna_depth",
}

CALLER = {
    "callers": "callers that proposed the allele, comma-separated in config order ('vcf': the sample's own VCF)",
    "caller_tumor_vaf": "tumor VAF as the first of those callers reports it (AF, AD, Strelka2 tier-1 counts, "
    "VarScan2 FREQ or AO/RO), for comparison with neoag's count; empty when it reports none",
    "caller_normal_vaf": "normal VAF as that caller reports it",
}

EVIDENCE_TABLE = {
    **VARIANT_KEY,
    **EVIDENCE,
    **CALLER,
    "somatic_status": "somatic, or why the candidate is not somatic (see docs/output.md; tumor-only samples: "
    "panel_of_normals, population_af)",
}

EXPRESSION = {
    "gene_tpm": "tumor expression of the gene, TPM, from the sample's expression table (for a transcript-level "
    "table: the sum over its transcripts); empty without one or when the gene is not in it",
    "transcript_tpm": "tumor expression of the transcript, TPM (empty for gene-level tables)",
}

EXPRESSION_TABLE = {
    "feature": "gene or transcript",
    "id": "gene_id or transcript_id as in the GTF",
    "tpm": "transcripts per million, from the sample's expression table",
}

ANNOTATION = {
    "gene_id": "gene_id of the transcript (GTF)",
    "gene_name": "gene_name of the transcript (GTF)",
    "transcript_id": "transcript_id (GTF); empty for variants outside every transcript",
    "transcript_biotype": "transcript_biotype (GTF; VEP BIOTYPE), e.g. protein_coding, nonsense_mediated_decay",
    "transcript_tags": "the transcript's MANE_Select, Ensembl_canonical, basic, ..., cds_start_NF, cds_end_NF "
    "tags, comma-separated (see docs/output.md)",
    "transcript_support_level": "transcript_support_level (1-5 or NA; GTF or VEP TSL); empty when not given",
    "consequence": "effect on this transcript (see docs/output.md for the terms)",
    "protein_change": "HGVS-style protein change, 3-letter code (p.Gly12Asp, p.Lys45ArgfsTer12)",
    "protein_position": "1-based position of the first changed residue in the protein",
    "cds_position": "1-based position of the first changed base in the CDS (for an insertion, the base before it)",
    "cdna_position": "1-based position of the first changed base in the transcript (mRNA), as VEP's cDNA_position",
    "annotation_flags": "extra facts, comma-separated: splice_region, splice_donor, splice_acceptor, no_stop, "
    "and why a CDS is incomplete (see docs/output.md)",
    "cis_variants": "neighbouring variants that the reads put on the same haplotype, put into the peptides: "
    "variant_id(origin), comma-separated",
    "trans_variants": "neighbouring variants that the reads put on the other haplotype (not in the peptides)",
    "unphased_variants": "neighbouring variants in the peptide window whose phase the reads cannot tell "
    "(reported, not in the peptides)",
}

ANNOTATION_TABLE = {
    **VARIANT_KEY,
    **ANNOTATION,
    "mt_start": "0-based index of the first changed residue in mt_protein",
    "mt_end": "0-based index after the last changed residue in mt_protein",
    "wt_protein": "the patient's wild-type protein (one-letter code, no stop; cis germline neighbours applied)",
    "mt_protein": "mutant protein (one-letter code, up to the first stop; cis neighbours applied)",
}

PEPTIDE = {
    "peptide_length": "residues in the peptide",
    "mt_peptide": "mutant peptide",
    "wt_peptide": "wild-type peptide at the same position (missense and in-frame indels; "
    "empty for frameshifts and stop-losses, which have no wild-type counterpart)",
    "peptide_start": "1-based position of the peptide's first residue in the mutant protein",
    "mutation_positions": "1-based positions inside the peptide that differ from the wild type "
    "(missense: the differing residues; in-frame indels: the changed span; for a deletion, the two "
    "residues beside the junction)",
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

CLONALITY = {
    "ccf": "cancer cell fraction, VAF * (purity * CN + 2 * (1 - purity)) / purity clipped at 1 (sample sheet "
    "purity and copy_number, CN default 2); empty without a purity",
    "clonal": "true when ccf >= tiers.min_clonal_ccf; without a purity, when tumor_dna_vaf >= min_clonal_ccf "
    "times the sample's highest somatic VAF",
}

FLAGS = {
    "anchor_mutation": "true when every mutated position of the peptide is an anchor position of the allele "
    "(default 2 and the last residue; tiers.anchor_positions overrides)",
    "in_reference_proteome": "true when the mutant peptide occurs verbatim in a protein of the reference "
    "proteome (all coding transcripts of the GTF)",
    "problematic_residues": "residues of filters.problematic_residues found in the mutant peptide, "
    "comma-separated; empty when none",
}

TIER = {
    "tier": "Pass, Anchor, Subclonal, LowExpr, NoExpr or Poor (definitions in docs/output.md)",
}

ALL_EPITOPES = {
    "sample": "sample ID from the sample sheet",
    **VARIANT_KEY,
    **ANNOTATION,
    **PEPTIDE,
    **SCORES,
    **EVIDENCE,
    **EXPRESSION,
    **CLONALITY,
    **FLAGS,
    "passes_filters": "true when the row passes every config filter (then it is in candidates.tsv)",
    "filter_reasons": "the filters the row fails, comma-separated; empty when it passes",
    **TIER,
}

CANDIDATES = {
    "rank": "1 = best; order: tier, then presentation (or affinity) percentile, then affinity, then IDs",
    **TIER,
    **{name: text for name, text in ALL_EPITOPES.items() if name not in ("passes_filters", "filter_reasons", *TIER)},
}

VARIANTS = {
    "sample": ALL_EPITOPES["sample"],
    **VARIANT_KEY,
    **ANNOTATION,
    **EVIDENCE,
    **EXPRESSION,
    **CLONALITY,
    "n_peptides": "mutant peptides (all lengths, all transcripts) scored for the variant",
    "n_candidates": "rows of candidates.tsv from the variant",
    "best_peptide": "the variant's best-ranked mutant peptide (empty when none is scored)",
    "best_allele": "allele of best_peptide",
    "best_mt_affinity_nm": "affinity of best_peptide to best_allele, nM",
    "best_mt_affinity_percentile": "its affinity percentile rank",
    "tier": "tier of best_peptide, the variant's best tier (empty when no peptide is scored)",
}

COHORT_SUMMARY = {
    "sample": ALL_EPITOPES["sample"],
    "somatic_variants": "somatic variants (rows of variants.tsv)",
    "coding_variants": "somatic variants inside a CDS (peptide-making, stop_gained, start_lost, synonymous)",
    "peptide_variants": "somatic variants that make new peptides",
    "candidate_variants": "variants with at least one candidate epitope",
    "candidates": "rows of candidates.tsv",
    "callable_mb": "territory TMB is divided by, Mb (config cohort.callable_mb, else the GTF's coding bases)",
    "tmb_per_mb": "coding_variants / callable_mb",
    "tier_pass": "somatic variants whose best tier (variants.tsv tier) is Pass",
    "tier_anchor": "... is Anchor",
    "tier_subclonal": "... is Subclonal",
    "tier_lowexpr": "... is LowExpr",
    "tier_noexpr": "... is NoExpr",
    "tier_poor": "... is Poor",
}

SHARED_NEOANTIGENS = {
    "mt_peptide": PEPTIDE["mt_peptide"],
    "allele": SCORE_TABLE["allele"],
    "n_samples": "samples with this (peptide, allele) among their candidates",
    "samples": "those samples, comma-separated",
    "gene_names": "genes the peptide comes from, comma-separated",
    "protein_changes": "protein changes that make it, comma-separated",
}

HLA_ALLELES = {
    "allele": "HLA class I allele, two-field name normalised with mhcgnomes (HLA-A*02:01)",
    "source": "where the allele comes from: sample_sheet, builtin (neoag's typer) or optitype",
}

HLA_TYPING = {
    "locus": "HLA-A, HLA-B or HLA-C",
    "allele": "the typed allele, two-field name; for a tie the lowest-numbered of tied_alleles (among "
    "those the models support, when that is known); empty when the locus could not be typed",
    "copies": "2 when the locus is called homozygous (one row), else 1",
    "tied_alleles": "two-field names that explain the reads equally well in place of allele (allele included), "
    "comma-separated in allele order; empty when the reads single out one two-field name",
    "matched_records": "reference records (full names) of the allele and its ties, comma-separated",
    "reads": "fragments (read pairs or unpaired reads) that the allele explains best",
    "unique_reads": "of those, fragments that the locus's other typed allele does not explain",
    "margin_reads": "fragments the allele explains beyond the best non-tied allele that could replace it "
    "(confidence; empty when there is none)",
    "locus_reads": "fragments assigned to the locus",
    "flags": "comma-separated: homozygous, tie, low_coverage, not_typed, not_supported_by_model, "
    "differs_from_sample_sheet, subsampled",
}

TYPING_REPORT = {
    "sample": "sample ID from the sample sheet",
    **HLA_TYPING,
    "typer": "builtin, optitype or sample_sheet (config hla.typer)",
    "sample_sheet_alleles": "the sample sheet's alleles at this locus, comma-separated; empty when it gives none",
    "used_for_scoring": "true when the row's allele is in alleles.tsv (scored), false when the other source won",
}

# INFO fields of results/{sample}/somatic.neoag.vcf.gz (vcf_annotation.py): name -> (Number, Type, Description).
VCF_INFO = {
    "NEOAG_TIER": ("1", "String", "neoag tier of the variant's best peptide (variants.tsv tier)"),
    "NEOAG_BEST_PEPTIDE": ("1", "String", "the variant's best-ranked mutant peptide"),
    "NEOAG_BEST_ALLELE": ("1", "String", "HLA allele of the best peptide"),
    "NEOAG_BEST_AFFINITY": ("1", "Float", "predicted affinity of the best peptide to that allele, nM"),
    "NEOAG_N_CANDIDATES": ("1", "Integer", "rows of candidates.tsv from the variant"),
    "NEOAG_GENE": ("1", "String", "gene of the variant's main transcript"),
    "NEOAG_PROTEIN_CHANGE": ("1", "String", "HGVS-style protein change on the main transcript"),
    "NEOAG_CCF": ("1", "Float", "cancer cell fraction (needs the sample's purity)"),
    "NEOAG_CLONAL": ("0", "Flag", "the variant is called clonal (variants.tsv clonal)"),
}

SKIPPED = {
    "chrom": VARIANT_KEY["chrom"],
    "pos": VARIANT_KEY["pos"],
    "ref": VARIANT_KEY["ref"],
    "alt": "the ALT allele as the VCF writes it (one per row)",
    "caller": "the VCF's source: a caller of calling.callers, or 'vcf' (the sample sheet's VCF)",
    "skip_reason": "why the allele cannot be scored: symbolic allele, breakend, spanning deletion '*', "
    "N or IUPAC code in REF/ALT",
}

TABLES = {
    "calls/*/skipped.tsv": SKIPPED,
    "evidence.tsv": EVIDENCE_TABLE,
    "annotations.tsv": ANNOTATION_TABLE,
    "peptides.tsv": PEPTIDE_TABLE,
    "scores/chunks/*.tsv": SCORE_WORK,
    "scores.tsv": SCORE_TABLE,
    "all_epitopes.tsv": ALL_EPITOPES,
    "candidates.tsv": CANDIDATES,
    "variants.tsv": VARIANTS,
    "expression.tsv": EXPRESSION_TABLE,
    "cohort/summary.tsv": COHORT_SUMMARY,
    "cohort/shared_neoantigens.tsv": SHARED_NEOANTIGENS,
    "alleles.tsv": HLA_ALLELES,
    "typing.tsv": HLA_TYPING,
    "typing_report.tsv": TYPING_REPORT,
}

# Column types, for tables.read_table. A column named here means the same thing
# in every table that has it. Numbers: an empty cell is a missing value (NaN).
# Booleans: written by pandas as True/False. Every other column is text, even
# where it could pass for a number or a missing value ('NA' is a peptide;
# transcript_support_level NA; mutation_positions '3,4').
NUMERIC = frozenset(
    {
        "pos",
        *EVIDENCE,
        "caller_tumor_vaf",
        "caller_normal_vaf",
        *EXPRESSION,
        "tpm",
        "protein_position",
        "cds_position",
        "cdna_position",
        "mt_start",
        "mt_end",
        "peptide_length",
        "peptide_start",
        "affinity_nm",
        "affinity_percentile",
        "processing_score",
        "presentation_score",
        "presentation_percentile",
        *(name for name in SCORES if name not in ("allele", "binder")),
        "ccf",
        "rank",
        "n_peptides",
        "n_candidates",
        "best_mt_affinity_nm",
        "best_mt_affinity_percentile",
        *(name for name in COHORT_SUMMARY if name != "sample"),
        "n_samples",
        "copies",
        "reads",
        "unique_reads",
        "margin_reads",
        "locus_reads",
    }
)

BOOLEAN = frozenset(
    {"binder", "clonal", "anchor_mutation", "in_reference_proteome", "passes_filters", "used_for_scoring"}
)
