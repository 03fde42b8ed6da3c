"""Protein consequences: transcripts, variant effects, VEP input, mutant peptides, and the
reference-side inputs of ranking (reference proteome, expression table)."""
