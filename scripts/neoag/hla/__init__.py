"""HLA class I: allele names, the typing reference, read extraction, the built-in typer, allele choice."""
