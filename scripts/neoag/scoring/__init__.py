"""Epitope scoring with MHCflurry: the models folder, planning, prediction, score files, the cache."""
