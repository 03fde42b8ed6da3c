"""HLA class I: allele names, the typing reference, read extraction, the built-in typer, allele choice.

Modules: names (allele names, LOCI), reads (reads from a BAM/CRAM), fastx (FASTA/FASTQ reading),
reference (the allele reference), prefilter, razers, fragments, ilp (the typer's steps), typing
(the typer run end to end), alleles (the alleles scored).
"""
