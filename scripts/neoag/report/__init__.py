"""Reports: the per-sample HTML (html: rendering from templates/; epitopes: all_epitopes.tsv
streamed into aggregates; explain: why a row has its tier; sample: HLA, depth, skipped records,
model; plots), the cohort summary and page, the run manifest, the annotated VCF, and the exports
for MultiQC (custom content) and pVACview (pvacview: pVACseq's aggregated report + metrics JSON;
pvacview_rows: the rows of all_epitopes.tsv it shows, kept in one streamed pass)."""
