"""Reports: the per-sample HTML, the cohort summary, the run manifest, the annotated VCF, and the
exports for MultiQC (custom content) and pVACview (pVACseq's aggregated report + metrics JSON)."""
