# neoag: tumor/normal alignments -> ranked neoantigen candidates.
# The workflow is workflow/Snakefile (the snakemake-workflows layout, which remote modules
# need: Snakemake resolves includes of a remote Snakefile at the repository's top wrongly).
# This file lets `snakemake` run from the top of a clone as before.


include: "workflow/Snakefile"
