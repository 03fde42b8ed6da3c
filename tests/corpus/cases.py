# ruff: noqa: E501 (a table: one case per line)
"""The corpus of bad and tricky inputs: one row per case (tests/corpus/test_corpus.py runs them).

Each case names the stage that must catch it and what must happen:
- level 'preflight': neoag.preflight.run_preflight, what rules/common.smk runs before any job;
- level 'calls': neoag.calling.calls.prepare_calls on a user VCF (the first job that reads its records);
- level 'annotation': neoag.annotation.annotate.annotate_vcf on a small GTF;
- level 'somatic': prepare_calls then select_somatic on the demo BAMs (evidence and the decision);
- level 'vep': annotate_vcf from a VEP-annotated VCF (tests/corpus/vep_file.py), then the peptides.
At the levels 'somatic' and 'vep' a control variant (a demo somatic SNV; a plain missense) rides
along in every case that is not an error, and must come through: one record never costs a sample.
outcome 'error': a NeoagInputError whose message holds every fragment (the file or record, and
the fix); 'skip': the run goes on and the fragments appear in the log / skipped table;
'ok': the run goes on (with the fragments, e.g. a warning, on stderr).
The `make` field names a function of test_corpus.py that writes the case's files.
"""

from dataclasses import dataclass, field

SNVS = ("chr1\t3066\t.\tG\tA", "chr1\t3498\t.\tA\tC", "chr1\t6640\t.\tA\tC")  # demo somatic SNVs (truth.tsv)


@dataclass(frozen=True)
class Case:
    name: str
    level: str
    outcome: str
    fragments: tuple[str, ...]
    make: str
    arguments: dict = field(default_factory=dict)


CASES = [
    # -- the sample sheet --------------------------------------------------------------------
    Case("sheet_missing_column", "preflight", "error", ("missing column(s) normal_bam", "tab-separated"),
         "sheet", {"header": "sample\ttumor_bam\thla_alleles", "rows": ["p1\t{tumor}\tHLA-A*02:01"]}),
    Case("sheet_space_in_id", "preflight", "error", ("line 2", "'p 1'", "Rename the sample"),
         "sheet", {"sample": "p 1"}),
    Case("sheet_unicode_id", "preflight", "error", ("line 2", "p\\xe4tient", "only contain letters"),
         "sheet", {"sample": "pätient"}),
    Case("sheet_dotdot_id", "preflight", "error", ("'../escape'", "names folders"), "sheet", {"sample": "../escape"}),
    Case("sheet_shell_id", "preflight", "error", ("p1;touch pwned", "Rename"), "sheet", {"sample": "p1;touch pwned"}),
    Case("sheet_substitution_id", "preflight", "error", ("$(id)", "Rename"), "sheet", {"sample": "$(id)"}),
    Case("sheet_absolute_id", "preflight", "error", ("/tmp/x", "Rename"), "sheet", {"sample": "/tmp/x"}),
    Case("sheet_duplicate_ids", "preflight", "error", ("p1 appear more than once", "lines 2, 3"),
         "sheet", {"rows": ["p1\t{tumor}\t{normal}\tHLA-A*02:01", "p1\t{tumor}\t{normal}\tHLA-A*02:01"]}),
    Case("sheet_crlf", "preflight", "ok", ("CRLF",), "sheet", {"newline": "\r\n"}),
    Case("sheet_bom", "preflight", "ok", ("byte order mark",), "sheet", {"bom": True}),
    Case("sheet_spaces_around_cells", "preflight", "ok", ("trimmed",),
         "sheet", {"rows": [" p1 \t{tumor} \t{normal}\t HLA-A*02:01 "]}),
    Case("sheet_comma_separated", "preflight", "error", ("line 1", "no tab", "tab-separated"),
         "sheet", {"header": "sample,tumor_bam,normal_bam,hla_alleles", "rows": ["p1,{tumor},{normal},HLA-A*02:01"]}),
    Case("sheet_ragged_row", "preflight", "error", ("line 2", "3 tab-separated cells", "header has 4"),
         "sheet", {"rows": ["p1\t{tumor}\t{normal}"]}),
    Case("sheet_latin1", "preflight", "error", ("line 2", "not UTF-8", "Save it as UTF-8"),
         "sheet", {"encoding": "latin-1", "sample": "pä"}),
    Case("sheet_empty_file", "preflight", "error", ("the file is empty",), "sheet", {"header": "", "rows": []}),
    Case("sheet_no_rows", "preflight", "error", ("no samples",), "sheet", {"rows": []}),
    Case("sheet_empty_tumor_cell", "preflight", "error", ("column tumor_bam: empty",),
         "sheet", {"rows": ["p1\t\t{normal}\tHLA-A*02:01"]}),
    # -- alignment files ---------------------------------------------------------------------
    Case("bam_missing", "preflight", "error", ("line 2", "column normal_bam", "missing/normal.bam", "does not exist"),
         "sheet", {"rows": ["p1\t{tumor}\tmissing/normal.bam\tHLA-A*02:01"]}),
    Case("bam_index_missing", "preflight", "error", ("has no index", "samtools index"), "bam", {"index": False}),
    Case("bam_truncated", "preflight", "error", ("truncated", "samtools quickcheck"), "bam", {"cut": 5000}),
    Case("bam_not_a_bam", "preflight", "error", ("truncated or not a BAM",), "bam", {"text": True}),
    Case("cram_truncated", "preflight", "error", ("tumor.cram' is truncated", "CRAM end-of-file", "quickcheck"),
         "cram", {"cut": 38}),
    Case("cram_complete", "preflight", "ok", (), "cram", {}),
    Case("bam_chr_naming", "preflight", "error", ("none of its contigs", "'chr' prefix", "samtools reheader"),
         "bam", {"rename": "strip_chr"}),
    Case("bam_other_assembly", "preflight", "error", ("contig 'chr1' is", "another assembly"),
         "bam", {"rename": "length"}),
    Case("tumor_equals_normal", "preflight", "ok", ("the same file", "empty"),
         "sheet", {"rows": ["p1\t{tumor}\t{tumor}\tHLA-A*02:01"]}),
    # -- HLA alleles -------------------------------------------------------------------------
    Case("hla_unknown_allele", "preflight", "error", ("line 2", "HLA-Z*99:99", "not an HLA allele name"),
         "sheet", {"alleles": "HLA-A*02:01,HLA-Z*99:99"}),
    Case("hla_group_only", "preflight", "error", ("HLA-A*02'", "at least two fields"), "sheet", {"alleles": "HLA-A*02"}),
    Case("hla_unsupported_allele", "preflight", "error",
         ("sample 'p1'", "do not support HLA-A*01:01", "unsupported_alleles"), "sheet", {"alleles": "HLA-A*01:01"}),
    Case("hla_unsupported_allele_skipped", "preflight", "ok", ("HLA-A*01:01 not supported", "skipped"),
         "sheet", {"alleles": "HLA-A*01:01,HLA-A*02:01", "config": {"hla": {"unsupported_alleles": "skip"}}}),
    # -- the config ---------------------------------------------------------------------------
    Case("config_peptide_length_7", "preflight", "error", ("peptides.lengths[0]", "less than the minimum of 8"),
         "sheet", {"config": {"peptides": {"lengths": [7, 9]}}}),
    Case("config_peptide_length_16", "preflight", "error", ("peptides.lengths[1]", "greater than the maximum of 15"),
         "sheet", {"config": {"peptides": {"lengths": [9, 16]}}}),
    Case("config_peptide_length_unsupported_by_model", "preflight", "error", ("8 to 11 residues, not 12",),
         "sheet", {"config": {"peptides": {"lengths": [9, 12]}}}),
    Case("config_negative_value", "preflight", "error", ("somatic.min_tumor_depth", "less than the minimum of 0"),
         "sheet", {"config": {"somatic": {"min_tumor_depth": -1}}}),
    Case("config_wrong_type", "preflight", "error", ("filters.max_affinity_nm", "'lots' is not of type 'number'"),
         "sheet", {"config": {"filters": {"max_affinity_nm": "lots"}}}),
    Case("config_unknown_key", "preflight", "error", ("somatic", "min_tumour_depth", "config/README.md"),
         "sheet", {"config": {"somatic": {"min_tumour_depth": 10}}}),
    Case("config_shell_in_options", "preflight", "error", ("calling.mutect2.extra", "shell syntax"),
         "sheet", {"config": {"calling": {"mutect2": {"extra": "--foo; rm -rf ~"}}}}),
    Case("models_missing", "preflight", "error", ("models directory", "does not exist", "mhcflurry.models"),
         "sheet", {"config": {"mhcflurry": {"models": "no/such/models"}}}),
    Case("models_not_a_models_dir", "preflight", "error", ("manifest.csv is missing",), "models", {"keep": ()}),
    Case("models_weights_missing", "preflight", "error", ("weights files named in", "incomplete download"),
         "models", {"keep": ("manifest.csv",)}),
    Case("fasta_index_missing", "preflight", "error", ("has no index", "samtools faidx"), "reference", {"fai": False}),
    Case("gtf_chr_naming", "preflight", "error", ("reference.gtf", "'chr' prefix"), "reference", {"gtf": "strip_chr"}),
    # -- the sample's VCF: header -------------------------------------------------------------
    Case("vcf_broken_header", "preflight", "error", ("column vcf", "no valid VCF header", "bcftools view -h"),
         "vcf", {"text": "##fileformat=VCFv4.2\n#CHROM\tPOS\tREF\n"}),
    Case("vcf_gzip_not_bgzip", "preflight", "error", ("not with bgzip", "bgzip"), "vcf", {"gzip": True}),
    Case("vcf_chr_naming", "preflight", "error", ("column vcf", "'chr' prefix", "bcftools annotate --rename-chrs"),
         "vcf", {"contig": "1"}),
    Case("vcf_ambiguous_samples", "preflight", "error", ("cannot tell which sample column is the tumor", "##tumor_sample"),
         "vcf", {"samples": ("S1", "S2")}),
    Case("vcf_header_only", "preflight", "ok", (), "vcf", {}),
    # -- the sample's VCF: records (the first job that reads them) ----------------------------
    Case("vcf_symbolic_allele", "calls", "skip", ("symbolic allele <DEL>",), "records", {"records": ["chr1\t5000\t.\tA\t<DEL>"]}),
    Case("vcf_breakend", "calls", "skip", ("breakend allele",), "records", {"records": ["chr1\t5001\t.\tT\tT[chr1:6000["]}),
    Case("vcf_iupac_alt", "calls", "skip", ("ALT 'R'", "IUPAC"), "records", {"records": ["chr1\t5002\t.\tT\tR"]}),
    Case("vcf_n_alt", "calls", "skip", ("ALT 'N'",), "records", {"records": ["chr1\t5003\t.\tT\tN"]}),
    Case("vcf_n_ref", "calls", "skip", ("REF 'N'",), "records", {"records": ["chr1\t5004\t.\tN\tA"]}),
    Case("vcf_spanning_deletion", "calls", "skip", ("spanning-deletion",), "records", {"records": ["chr1\t5005\t.\tA\t*"]}),
    Case("vcf_multiallelic", "calls", "ok", ("2 candidate alleles",), "records", {"records": ["chr1\t3066\t.\tG\tA,T"]}),
    Case("vcf_beyond_contig_end", "calls", "error", ("chr1:11771", "beyond the end of contig chr1", "11772 bp"),
         "records", {"records": ["chr1\t11771\t.\tGAT\tG"]}),
    Case("vcf_ref_mismatch", "calls", "error", ("record chr1:3066", "REF 'C' differs", "lift it over"),
         "records", {"records": ["chr1\t3066\t.\tC\tA"]}),
    Case("vcf_unknown_contig", "calls", "error", ("chr9", "not in the reference FASTA"),
         "records", {"records": ["chr9\t100\t.\tA\tC"], "contigs": False}),
    Case("vcf_broken_record", "calls", "error", ("cannot be parsed", "bcftools view"),
         "records", {"records": ["chr1\tnot_a_position\t.\tA\tC"]}),
    Case("vcf_empty", "calls", "ok", ("0 records", "0 candidate alleles"), "records", {"records": []}),
    # -- real-world variant files (issue 15) --------------------------------------------------
    Case("vcf_glued_records", "calls", "error", ("line 6", "glued together", "14 tab-separated columns"),
         "records", {"records": ["chr1\t3066\t.\tG\tA", "chr1\t3498\t.\tA\tC\t.\tPAchr1\t6640\t.\tA\tC"]}),
    Case("vcf_glued_contig_name", "calls", "error", ("line 6", "contig 'chchr1'", "glued together"),
         "records", {"records": ["chr1\t3066\t.\tG\tA", "chchr1\t6640\t.\tA\tC"]}),
    Case("vcf_plain_gzip_at_calls", "calls", "error", ("compressed with gzip, not with bgzip", "| bgzip >"),
         "broken", {"records": list(SNVS), "damage": "gzip"}),
    Case("vcf_chrom_line_spaces", "calls", "error", ("line 4", "#CHROM header line", "spaces", "tabs"),
         "broken", {"records": list(SNVS), "damage": "spaces"}),
    Case("vcf_crlf_line_ends", "somatic", "ok", ("chr1:3498:A:C somatic",), "broken", {"records": list(SNVS), "damage": "crlf"}),
    Case("vcf_lowercase_bases", "somatic", "ok", ("chr1:6640:A:C somatic",),
         "records", {"records": [*SNVS[:2], "chr1\t6640\t.\ta\tc"]}),
    Case("vcf_duplicate_record", "somatic", "ok", ("chr1:3498:A:C somatic",), "records", {"records": [*SNVS, SNVS[1]]}),
    Case("vcf_unsorted_records", "somatic", "ok", ("chr1:3498:A:C somatic",), "records", {"records": SNVS[::-1]}),
    Case("vcf_insertion_not_left_aligned", "somatic", "ok", ("chr1:3359:A:AAAG somatic",),
         "records", {"records": [*SNVS, "chr1\t3359\t.\tA\tAAAG"]}),
    Case("vcf_padded_snv_as_mnv", "somatic", "ok", ("chr1:6639:AA:AC somatic vaf=0.59",),
         "records", {"records": [*SNVS[:2], "chr1\t6639\t.\tAA\tAC"]}),
    Case("deletion_10kb_over_snvs", "somatic", "ok", ("chr1:3498:A:C somatic", "chr1:6640:A:C somatic", "low_tumor_support"),
         "deletion", {"start": 1000, "length": 10000}),
    Case("deletion_300bp_over_snv", "somatic", "ok", ("chr1:3498:A:C somatic vaf=0.29", "low_tumor_support"),
         "deletion", {"start": 3400, "length": 300}),
    Case("deletion_40bp_over_snv", "somatic", "ok", ("chr1:3066:G:A somatic vaf=0.18",),
         "deletion", {"start": 3050, "length": 40}),
    Case("symbolic_deletion_over_snvs", "somatic", "skip", ("chr1:3498:A:C somatic", "<DEL>"),
         "records", {"records": [*SNVS, "chr1\t3000\t.\tC\t<DEL>"]}),
    Case("vep_stop_gained_delins", "vep", "ok", ("p.Thr14_Val15delinsIleTer", "peptides chrV:50:ACCGTT:ATTTAA"),
         "vep", {"names": ("stop_gained_delins",)}),
    Case("vep_insertion_with_stop", "vep", "ok", ("p.Ile20_Tyr21insLysLeuTer", "peptides chrV:70:C:CAAGCTGTAG"),
         "vep", {"names": ("stop_gained_insertion",)}),
    Case("vep_frameshift_sequence_with_x", "vep", "skip", ("non_standard_mt_peptide", "peptides chrV:82:TT:T"),
         "vep", {"names": ("frameshift_x",)}),
    Case("vep_protein_position_open_end", "vep", "skip", ("stop_lost", "vep_extension_unknown"),
         "vep", {"names": ("stop_lost_open_end",)}),
    Case("vep_record_without_csq", "vep", "skip", ("no_csq",), "vep", {"names": ("no_csq",)}),
    Case("vep_csq_for_another_allele", "vep", "skip", ("chrV:35:G:C", "no_csq"), "vep", {"names": ("csq_other_allele",)}),
    Case("vep_regulatory_entries_only", "vep", "skip", ("intergenic",), "vep", {"names": ("regulatory_only",)}),
    Case("vep_coding_without_amino_acids", "vep", "skip", ("incomplete_cds", "vep_no_amino_acids"),
         "vep", {"names": ("no_amino_acids",)}),
    Case("vep_amino_acids_mismatch", "vep", "skip", ("vep_protein_mismatch",), "vep", {"names": ("protein_mismatch",)}),
    Case("vep_url_encoded_hgvsp", "vep", "ok", ("p.Gly19=",), "vep", {"names": ("synonymous_encoded",)}),
    Case("vep_every_oddity_at_once", "vep", "skip", ("no_csq", "vep_extension_unknown", "non_standard_mt_peptide"),
         "vep", {"names": ("stop_gained_delins", "stop_gained_insertion", "frameshift_x", "stop_lost_open_end",
                           "no_csq", "csq_other_allele", "regulatory_only", "no_amino_acids", "protein_mismatch",
                           "synonymous_encoded")}),
    Case("vep_plain_gzip", "vep", "error", ("compressed with gzip, not with bgzip",), "vep", {"damage": "gzip"}),
    Case("vep_chrom_line_spaces", "vep", "error", ("#CHROM header line", "spaces"), "vep", {"damage": "spaces"}),
    Case("vep_glued_records", "vep", "error", ("glued together", "data record 1"), "vep",
         {"names": ("no_csq",), "damage": "glue"}),
    Case("vep_no_csq_header", "vep", "error", ("no INFO/CSQ field",), "vep", {"damage": "no_csq_header"}),
    Case("vep_somatic_variant_missing", "vep", "error", ("has no record for the somatic variant chrV:3:A:G",),
         "vep", {"names": ("regulatory_only",), "damage": "missing_record"}),
    # -- annotation ---------------------------------------------------------------------------
    Case("gtf_cds_not_multiple_of_3", "annotation", "skip", ("incomplete_cds",), "gtf", {}),
]  # fmt: skip
