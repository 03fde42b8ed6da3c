# neoag: tumor/normal alignments -> ranked neoantigen candidates.
# The workflow is workflow/Snakefile (the snakemake-workflows layout, which snakedeploy and
# Snakemake modules use); this file runs it from the top of a clone: `snakemake --cores 2`.


include: "workflow/Snakefile"


# Snakemake never takes the default target from an included file, so this one names it.
rule default:
    default_target: True
    input:
        rules.all.input,
