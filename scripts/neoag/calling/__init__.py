"""Somatic calling: caller VCFs, scatter regions, read evidence, phasing, the somatic decision."""
