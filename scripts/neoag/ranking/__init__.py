"""Ranking: tiers, clonality, expression, reference-proteome match, the result tables."""
