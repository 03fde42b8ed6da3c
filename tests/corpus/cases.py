# ruff: noqa: E501 (a table: one case per line)
"""The corpus of bad and tricky inputs: one row per case (tests/corpus/test_corpus.py runs them).

Each case names the stage that must catch it and what must happen:
- level 'preflight': neoag.preflight.run_preflight, what rules/common.smk runs before any job;
- level 'calls': neoag.calling.calls.prepare_calls on a user VCF (the first job that reads its records);
- level 'annotation': neoag.annotation.annotate.annotate_vcf on a small GTF.
outcome 'error': a NeoagInputError whose message holds every fragment (the file or record, and
the fix); 'skip': the run goes on and the fragments appear in the log / skipped table;
'ok': the run goes on (with the fragments, e.g. a warning, on stderr).
The `make` field names a function of test_corpus.py that writes the case's files.
"""

from dataclasses import dataclass, field


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
    Case("sheet_hla_fastq1_without_fastq2", "preflight", "error", ("line 2", "hla_fastq1 is given but hla_fastq2 is empty"),
         "sheet", {"header": "sample\ttumor_bam\tnormal_bam\thla_alleles\thla_fastq1\thla_fastq2",
                   "rows": ["p1\t{tumor}\t{normal}\tHLA-A*02:01\treads_R1.fq.gz\t"]}),
    Case("sheet_hla_fastq_is_a_bam", "preflight", "error", ("line 2", "column hla_fastq1", "FASTQ"),
         "sheet", {"header": "sample\ttumor_bam\tnormal_bam\thla_alleles\thla_fastq1\thla_fastq2",
                   "rows": ["p1\t{tumor}\t{normal}\tHLA-A*02:01\t{tumor}\t{normal}"]}),
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
    # -- annotation ---------------------------------------------------------------------------
    Case("gtf_cds_not_multiple_of_3", "annotation", "skip", ("incomplete_cds",), "gtf", {}),
]  # fmt: skip
