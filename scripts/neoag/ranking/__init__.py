"""Ranking: tiers, clonality and the result tables (all_epitopes, candidates, variants)."""
