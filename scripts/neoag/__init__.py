"""neoag: the library behind the neoag Snakemake workflow.

Pure functions, grouped by stage; the adapters in scripts/*.py call them.
Heavy imports (pysam, mhcflurry/torch) live only in the modules that need them.
"""

__version__ = "0.2.0"
