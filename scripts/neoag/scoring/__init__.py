"""Epitope scoring with MHCflurry: the models folder, planning, prediction, score files, the cache.

- models: ModelsFolder, what a models folder holds, read from its files (no MHCflurry);
- plan: plan_scoring, the sample's unique peptides cut into chunks;
- predictor: Scorer, the models loaded once (the only import of torch and MHCflurry);
- score_files: chunk files, the binary score table (.npz) and scores.tsv rows;
- jobs: score_chunk, gather_scores, export_scores (one Snakemake rule each);
- cache: the optional prediction cache.

docs/scoring.md describes the design.
"""
