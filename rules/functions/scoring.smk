# Input functions of the scoring stage (rules/scoring.smk).


def get_scored_chunks(wildcards):
    """The sample's scored chunks, in chunk order (known once plan_scoring has run)."""
    chunks_dir = checkpoints.plan_scoring.get(sample=wildcards.sample).output[0]
    chunks = sorted(glob_wildcards(f"{chunks_dir}/{{chunk}}.tsv").chunk)
    return expand("results/{sample}/scores/parts/{chunk}.npz", sample=wildcards.sample, chunk=chunks)
