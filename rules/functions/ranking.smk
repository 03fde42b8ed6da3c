# Input and parameter functions of the ranking stage (rules/ranking.smk).


def get_normalised_expression(wildcards):
    """neoag's expression table of the sample (rule expression), or nothing when the sheet gives none."""
    if get_sample_expression(wildcards):
        return [f"results/{wildcards.sample}/expression/expression.tsv"]
    return []


def get_sample_clonality(wildcards):
    """The sample sheet's purity and copy_number of the sample (None when not given)."""
    row = samples.loc[wildcards.sample]
    return {column: float(row[column]) if row.get(column, "") else None for column in ("purity", "copy_number")}


def get_anchor_positions(wildcards):
    """The per-allele anchor positions TSV (config tiers.anchor_positions), or nothing."""
    path = config["tiers"]["anchor_positions"]
    return [path] if path else []
