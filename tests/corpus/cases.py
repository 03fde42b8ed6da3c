# ruff: noqa: E501 (a table: one case per line)
"""The corpus of bad and tricky inputs: one row per case (tests/corpus/test_corpus.py runs them).

Each case names the stage that must catch it and what must happen:
- level 'preflight': neoag.preflight.run_preflight, what rules/common.smk runs before any job;
- level 'calls': neoag.calling.calls.prepare_calls on a user VCF (the first job that reads its records);
- level 'annotation': neoag.annotation.annotate.annotate_vcf on a small GTF;
- level 'gtf_shape': annotate_vcf of the demo's somatic variants with the demo GTF in another shape
  (the result must be the one the demo GTF gives);
- level 'config_file': neoag.preflight.config.check_yaml_file, what rules/config.smk runs first;
- level 'evidence': neoag.calling.somatic.select_somatic on the demo's planted variants (the swap
  check after calling; an RNA BAM without a contig);
- level 'step': neoag.step.run_step around a step that writes (a full disk).
outcome 'error': a NeoagInputError whose message holds every fragment (the file or record, and
the fix); 'skip': the run goes on and the fragments appear in the log / skipped table;
'ok': the run goes on (with the fragments, e.g. a warning, on stderr).
The `make` field names a function of test_corpus.py that writes the case's files.
"""

from dataclasses import dataclass, field

ALLELES = "HLA-A*02:01,HLA-B*07:02"


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
    Case("tumor_equals_normal", "preflight", "error", ("the same path", "No variant could be somatic", "normal_bam"),
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
    # -- annotation ---------------------------------------------------------------------------
    Case("gtf_cds_not_multiple_of_3", "annotation", "skip", ("incomplete_cds",), "gtf", {}),
    # -- issue 16: the sample sheet ----------------------------------------------------------
    Case("sheet_unknown_column_rna", "preflight", "error", ("unknown column 'RNA_bam'", "Did you mean 'rna_bam'?", "silently ignored"),
         "sheet", {"header": "sample\ttumor_bam\tnormal_bam\tRNA_bam\thla_alleles", "rows": [f"p1\t{{tumor}}\t{{normal}}\t{{tumor}}\t{ALLELES}"]}),
    Case("sheet_unknown_column_typo", "preflight", "error", ("unknown column 'tumour_bam'", "Did you mean 'tumor_bam'?"),
         "sheet", {"header": "sample\ttumour_bam\tnormal_bam\thla_alleles"}),
    Case("sheet_unknown_column_case", "preflight", "error", ("unknown column 'HLA_alleles'", "Did you mean 'hla_alleles'?"),
         "sheet", {"header": "sample\ttumor_bam\tnormal_bam\tHLA_alleles"}),
    Case("sheet_unknown_column_notes", "preflight", "error", ("unknown column 'notes'", "remove it"),
         "sheet", {"header": "sample\ttumor_bam\tnormal_bam\thla_alleles\tnotes", "rows": [f"p1\t{{tumor}}\t{{normal}}\t{ALLELES}\trerun"]}),
    Case("sheet_comment_lines", "preflight", "ok", (),
         "sheet", {"rows": ["# patient 1, second biopsy", f"p1\t{{tumor}}\t{{normal}}\t{ALLELES}", "#p2\tnot/yet.bam\tnot/yet.bam\t"]}),
    Case("sheet_commented_header", "preflight", "ok", (), "sheet", {"header": "#sample\ttumor_bam\tnormal_bam\thla_alleles"}),
    Case("sheet_comment_keeps_line_numbers", "preflight", "error", ("line 4", "'p 2'"),
         "sheet", {"rows": [f"p1\t{{tumor}}\t{{normal}}\t{ALLELES}", "# the next one", f"p 2\t{{tumor}}\t{{normal}}\t{ALLELES}"]}),
    Case("sheet_same_bams_two_samples", "preflight", "ok", ("used by several samples", "sample 'p1'", "sample 'p2'"),
         "sheet", {"rows": [f"p1\t{{tumor}}\t{{normal}}\t{ALLELES}", f"p2\t{{tumor}}\t{{normal}}\t{ALLELES}"]}),
    Case("sheet_relative_path_with_directory", "preflight", "error", ("working directory", "--directory", "exists next to the sample sheet"),
         "relative", {}),
    Case("normal_symlink_to_tumor", "preflight", "error", ("a link to", "No variant could be somatic", "swapped"),
         "linked", {"how": "symlink"}),
    Case("normal_hardlink_to_tumor", "preflight", "error", ("the same file", "normal_bam"), "linked", {"how": "hardlink"}),
    Case("swap_read_group_names", "preflight", "error", ("tumor_bam has read-group sample name demo_normal", "swapped?", "Swap the two cells"),
         "read_groups", {"tumor_sm": "demo_normal", "normal_sm": "demo_tumor"}),
    Case("swap_tumor_name_says_normal", "preflight", "error", ("tumor_bam has read-group sample name P7_N", "swapped?"),
         "read_groups", {"tumor_sm": "P7_N", "normal_sm": "P7"}),
    Case("swap_names_warn_only", "preflight", "ok", ("neoag: warning", "swapped?"),
         "read_groups", {"tumor_sm": "demo_normal", "normal_sm": "demo_tumor", "config": {"sanity": {"sample_names": "warn"}}}),
    Case("same_read_group_names", "preflight", "ok", ("same read-group sample name", "P7"),
         "read_groups", {"tumor_sm": "P7", "normal_sm": "P7"}),
    Case("swap_seen_after_calling", "evidence", "error", ("swapped?", "Swap tumor_bam and normal_bam", "sanity.swapped_calls"),
         "evidence", {"swap": True}),
    Case("swap_seen_after_calling_warn", "evidence", "ok", ("WARNING: tumor and normal swapped?",),
         "evidence", {"swap": True, "policy": "warn"}),
    Case("pair_in_order_after_calling", "evidence", "ok", ("somatic",), "evidence", {}),
    # -- issue 16: stale or wrong indexes ----------------------------------------------------
    Case("bam_name_sorted_copied_index", "preflight", "error", ("SO:queryname", "cannot be its own", "samtools sort"),
         "bam_variant", {"variant": "name_sorted"}),
    Case("bam_index_older_and_stale", "preflight", "error", ("does not match", "index is older than the file", "samtools index"),
         "bam_variant", {"variant": "stale"}),
    Case("bam_index_from_other_file", "preflight", "error", ("does not match", "belongs to another file"),
         "bam_variant", {"variant": "other_index"}),
    Case("bam_index_older_but_valid", "preflight", "ok", ("older than", "samtools index"),
         "bam_variant", {"variant": "older_index"}),
    Case("fasta_rewrapped_old_fai", "preflight", "error", ("does not match", "rewrapped", "samtools faidx"),
         "fasta_variant", {"variant": "rewrap"}),
    Case("fasta_edited_old_fai", "preflight", "error", ("does not match", "does not end after"),
         "fasta_variant", {"variant": "insert"}),
    Case("fasta_windows_line_ends", "preflight", "ok", (), "fasta_variant", {"variant": "crlf"}),
    Case("cram_reference_gone", "preflight", "error", ("cannot be decoded with reference.fasta", "genome it was made with", "samtools view -b -T"),
         "cram_other_reference", {}),
    Case("rna_bam_missing_contig", "preflight", "ok", ("RNA BAM has no contig chr2", "zero RNA"),
         "rna_without", {"contig": "chr2"}),
    Case("rna_bam_missing_contig_evidence", "evidence", "ok", ("tumor_rna_depth 0 on chr2",),
         "evidence", {"rna_without": "chr2"}),
    # -- issue 16: GTF shapes ----------------------------------------------------------------
    Case("gtf_without_exon_rows", "gtf_shape", "ok", ("same annotations as the demo GTF",), "gtf_shape", {"drop": ("exon",)}),
    Case("gtf_without_stop_codon_rows", "gtf_shape", "ok", ("same annotations as the demo GTF",), "gtf_shape", {"drop": ("stop_codon",)}),
    Case("gtf_cds_and_utr_rows_only", "gtf_shape", "ok", ("same annotations as the demo GTF",),
         "gtf_shape", {"drop": ("exon", "stop_codon", "transcript", "gene")}),
    Case("gtf_cds_includes_stop", "gtf_shape", "ok", ("same annotations as the demo GTF",), "gtf_shape", {"stop_in_cds": True}),
    Case("gtf_without_cds_rows", "preflight", "error", ("no CDS rows", "intergenic", "0 candidates"),
         "gtf_file", {"drop": ("CDS", "stop_codon", "start_codon")}),
    Case("gtf_is_gff3", "preflight", "error", ("GFF3", "gffread"), "gtf_file", {"gff3": True}),
    # -- issue 16: config ----------------------------------------------------------------------
    Case("config_key_twice", "config_file", "error", ("line 3", "'min_tumor_vaf' is given twice", "first on line 2"),
         "yaml", {"text": "somatic:\n  min_tumor_vaf: 0.1\n  min_tumor_vaf: 0.2\n"}),
    Case("config_section_twice", "config_file", "error", ("line 3", "'filters' is given twice"),
         "yaml", {"text": "filters:\n  max_affinity_nm: 500\nfilters:\n  max_affinity_nm: 1000\n"}),
    Case("config_tab_indent", "config_file", "error", ("line 2", "indented with a tab", "spaces"),
         "yaml", {"text": "somatic:\n\tmin_tumor_vaf: 0.1\n"}),
    Case("config_yaml_syntax", "config_file", "error", ("line 3", "not valid YAML"),
         "yaml", {"text": "peptides:\n  lengths: [8, 9\n"}),
    Case("config_nested_override_as_text", "preflight", "ok", (),
         "sheet", {"config": {"somatic": {"min_tumor_vaf": "0.1", "min_tumor_depth": "12"}, "peptides": {"lengths": ["9", "10"]}}}),
    Case("config_nested_override_bad_text", "preflight", "error", ("somatic.min_tumor_vaf", "'lots' is not of type 'number'"),
         "sheet", {"config": {"somatic": {"min_tumor_vaf": "lots"}}}),
    Case("disk_full", "step", "error", ("no space left on the device", "MiB free", "Free space there"), "disk_full", {}),
]  # fmt: skip
