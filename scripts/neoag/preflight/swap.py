"""Tumor and normal swapped: read-group sample names that contradict their column.

A swap gives valid files and a run that ends with exit code 0 and every true
somatic variant called germline, so it is caught before any job where the
names tell (`demo_normal` in tumor_bam) and after calling where the reads tell
(neoag.calling.swap).
"""

from __future__ import annotations

import re
import sys

from neoag.errors import NeoagInputError

# Words of a read-group sample name (SM) that say which kind of sample it is.
NORMAL_WORDS = frozenset({"normal", "n", "germline", "blood", "pbmc", "buffy", "control", "wbc"})
TUMOR_WORDS = frozenset({"tumor", "tumour", "t", "cancer", "metastasis", "met", "primary", "relapse", "ffpe"})


def name_kind(name: str) -> str:
    """'tumor', 'normal' or '' for a sample name, from its words (split at _ - . and spaces,
    and between letters and digits): 'demo_normal' -> normal, 'P12-T1' -> tumor, 'P12' -> ''."""
    words = {word.lower() for word in re.findall(r"[A-Za-z]+", name)}
    normal, tumor = bool(words & NORMAL_WORDS), bool(words & TUMOR_WORDS)
    if normal == tumor:
        return ""
    return "normal" if normal else "tumor"


def contradictions(names: dict[str, list[str]]) -> list[str]:
    """The columns whose SM names say the other kind: e.g. 'tumor_bam has demo_normal'."""
    found = []
    for column, wanted in (("tumor_bam", "tumor"), ("normal_bam", "normal")):
        kinds = {name_kind(name) for name in names.get(column, [])} - {""}
        if kinds and wanted not in kinds:
            found.append(f"{column} has read-group sample name {', '.join(names[column])}")
    return found


def check_sample_names(names: dict[str, list[str]], where: str, policy: str = "error") -> None:
    """The tumor's and the normal's read-group sample names (SM) do not contradict their columns.

    names: column -> SM names of its BAM header. policy: 'error' stops, 'warn' prints and goes on
    (config sanity.sample_names). Equal names in both files are a warning.
    """
    found = contradictions(names)
    if found:
        message = (
            f"{where}: {' and '.join(found)}: tumor and normal swapped? A swap runs to the end and calls every "
            "true somatic variant germline. Swap the two cells of the row. If the files are in the right "
            "columns and only their names mislead, rename the read groups (samtools addreplacerg) or set "
            "config sanity.sample_names to 'warn'."
        )
        if policy == "error":
            raise NeoagInputError(message)
        print(f"neoag: warning: {message}", file=sys.stderr)
    tumor, normal = set(names.get("tumor_bam", [])), set(names.get("normal_bam", []))
    if tumor and tumor == normal:
        print(
            f"neoag: warning: {where}: tumor_bam and normal_bam have the same read-group sample name(s) "
            f"({', '.join(sorted(tumor))}). Check that they are the tumor and the matched normal, not two copies "
            "of one sample.",
            file=sys.stderr,
        )
