"""Protein consequences: variant effects on transcripts, VEP input, mutant peptides, and the
reference-side inputs of ranking (reference proteome, expression table)."""
