"""Protein consequences: transcripts, variant effects, VEP input, mutant peptides."""
