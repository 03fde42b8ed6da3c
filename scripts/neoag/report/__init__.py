"""Reports: the per-sample HTML, the cohort summary, the run manifest, the annotated VCF."""
