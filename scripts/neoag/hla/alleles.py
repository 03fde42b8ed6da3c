"""The sample's HLA class I alleles for scoring: chosen from the sample sheet and the typer's
result (the built-in typer's table or OptiType's), written with typing_report.tsv; which alleles
the MHCflurry models support. Allele names themselves are neoag.hla.names."""

from __future__ import annotations

import sys

from neoag.errors import NeoagInputError
from neoag.hla.names import LOCI, allele_locus, normalise_allele, parse_allele_list

# ----------------------------------------------------------------------------
# The sample's alleles for scoring: the sample sheet's, or the typed ones
# ----------------------------------------------------------------------------

TYPERS = ("sample_sheet", "builtin", "optitype")


def read_optitype_result(path: str) -> list[dict[str, str]]:
    """OptiType's <prefix>_result.tsv -> typing rows (columns.HLA_TYPING).

    OptiType writes one row: an index column, A1, A2, B1, B2, C1, C2 (e.g.
    A*02:01), Reads and Objective; a locus it could not type is empty.
    """
    import pandas as pd

    from neoag.columns import HLA_TYPING

    table = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
    missing = [c for c in ("A1", "A2", "B1", "B2", "C1", "C2") if c not in table.columns]
    if len(table) != 1 or missing:
        raise NeoagInputError(
            f"{path}: not an OptiType result table (expected one row with columns A1..C2, Reads, Objective)."
        )
    result = table.iloc[0]
    rows = []
    for locus in LOCI:
        names = [result[f"{locus}{copy}"].strip() for copy in (1, 2)]
        names = [normalise_allele(n, f"{path}, {locus}{copy}") for copy, n in enumerate(names, 1) if n]
        if not names:
            rows.append({**dict.fromkeys(HLA_TYPING, ""), "locus": f"HLA-{locus}", "flags": "not_typed"})
            continue
        distinct = list(dict.fromkeys(names))
        for name in distinct:
            rows.append(
                {
                    **dict.fromkeys(HLA_TYPING, ""),
                    "locus": f"HLA-{locus}",
                    "allele": name,
                    "copies": "2" if len(distinct) == 1 else "1",
                    "flags": "homozygous" if len(distinct) == 1 else "",
                }
            )
    return rows


def _slots(rows: list[dict[str, str]]) -> list[set[str]]:
    """Each typed allele copy as the set of two-field names it may be (its ties)."""
    slots = []
    for row in rows:
        if row["allele"]:
            names = set(row["tied_alleles"].split(",")) if row["tied_alleles"] else {row["allele"]}
            slots += [names] * (2 if row["copies"] == "2" else 1)
    return slots


def sheet_agrees(sheet_alleles: list[str], rows: list[dict[str, str]]) -> bool:
    """Whether the sheet's alleles at a locus fit the typed ones (one sheet allele = homozygous)."""
    slots = _slots(rows)
    wanted = sheet_alleles * 2 if len(sheet_alleles) == 1 else sheet_alleles
    if len(wanted) != len(slots):
        return False
    return any(all(a in s for a, s in zip(wanted, order)) for order in (slots, slots[::-1]))


def _add_flag(row: dict[str, str], flag: str) -> None:
    row["flags"] = ",".join([f for f in row["flags"].split(",") if f] + [flag])


def choose_alleles(
    sample: str,
    typer: str,
    typed_rows: list[dict[str, str]],
    sheet_alleles: list[str],
    prefer: str,
    supported: set[str] | None,
) -> tuple[list[str], str, list[dict[str, str]]]:
    """The alleles to score, their source and the typing report rows.

    Sample sheet alleles win when prefer is 'sample_sheet' (clinical types are
    usually validated and cover more exons); a locus where the typed alleles
    disagree with them is flagged differs_from_sample_sheet and reported on
    stderr as a warning (a sample swap looks like this).
    """
    from neoag.columns import TYPING_REPORT

    by_locus: dict[str, list[str]] = {}
    for allele in sheet_alleles:
        by_locus.setdefault(allele_locus(allele), []).append(allele)
    report = []
    if typer == "sample_sheet":
        for locus, alleles in by_locus.items():
            for allele in alleles:
                row = {**dict.fromkeys(TYPING_REPORT, ""), "sample": sample, "locus": locus, "allele": allele}
                row.update(copies="2" if len(alleles) == 1 else "1", typer=typer)
                row.update(sample_sheet_alleles=",".join(alleles), used_for_scoring="true")
                report.append(row)
        return sheet_alleles, "sample_sheet", report

    use_sheet = bool(sheet_alleles) and prefer == "sample_sheet"
    for row in typed_rows:
        row = {**dict.fromkeys(TYPING_REPORT, ""), **row, "sample": sample, "typer": typer}
        if row["allele"] and supported is not None:
            tied = row["tied_alleles"].split(",") if row["tied_alleles"] else [row["allele"]]
            usable = [name for name in tied if name in supported]
            if usable:
                row["allele"] = usable[0]
            else:
                _add_flag(row, "not_supported_by_model")
        report.append(row)
    for locus in dict.fromkeys(r["locus"] for r in report):
        rows = [r for r in report if r["locus"] == locus]
        sheet = by_locus.get(locus, [])
        for row in rows:
            row["sample_sheet_alleles"] = ",".join(sheet)
        if sheet and not sheet_agrees(sheet, rows):
            typed = ", ".join(r["allele"] for r in rows if r["allele"]) or "nothing"
            print(
                f"warning: sample {sample}, {locus}: typed {typed} but the sample sheet gives {', '.join(sheet)} "
                f"({'the sample sheet' if use_sheet else 'the typed alleles'} are used). Check for a sample swap.",
                file=sys.stderr,
            )
            for row in rows:
                _add_flag(row, "differs_from_sample_sheet")
    if use_sheet:
        for row in report:
            row["used_for_scoring"] = "false"
        return sheet_alleles, "sample_sheet", report
    alleles = list(dict.fromkeys(r["allele"] for r in report if r["allele"]))
    for row in report:
        row["used_for_scoring"] = "true" if row["allele"] else "false"
    return alleles, typer, report


def skip_unsupported(
    alleles: list[str], report: list[dict[str, str]], supported: set[str] | None, models_dir: str
) -> list[str]:
    """The alleles the models can score (all when their list is unknown); the others are
    logged as skipped and flagged not_supported_by_model in the typing report rows."""
    if supported is None:
        return alleles
    skipped = [allele for allele in alleles if allele not in supported]
    for allele in skipped:
        print(f"skipped HLA allele {allele}: not supported by the models in {models_dir}", file=sys.stderr)
    for row in report:
        if row["allele"] in skipped:
            _add_flag(row, "not_supported_by_model")
            row["used_for_scoring"] = "false"
    return [allele for allele in alleles if allele in supported]


def finalise_alleles(
    sample: str,
    typer: str,
    typed: str | None,
    sheet_text: str,
    sheet_source: str,
    prefer: str,
    models_dir: str,
    out_alleles: str,
    out_report: str,
    unsupported: str = "error",
) -> list[str]:
    """alleles.tsv (scored alleles) and typing_report.tsv of one sample.

    Parameters
    ----------
    typer : str
        sample_sheet, builtin or optitype (config hla.typer).
    typed : str or None
        The typer's table: neoag's typing.tsv (builtin) or OptiType's result TSV.
    sheet_text : str
        The sample sheet's hla_alleles cell (may be empty unless typer is sample_sheet).
    prefer : str
        'sample_sheet' or 'typed': which alleles to score when both exist.
    models_dir : str
        MHCflurry models directory, to prefer supported names among tied ones
        and flag unsupported ones (skipped when its allele list cannot be read).
    unsupported : str
        'error' (the scoring step stops at an allele the models cannot score) or
        'skip' (such alleles are left out, logged and flagged not_supported_by_model).
    """
    import pandas as pd

    from neoag.columns import HLA_ALLELES, HLA_TYPING, TYPING_REPORT
    from neoag.scoring.models import ModelsFolder
    from neoag.tables import write_table

    if typer not in TYPERS:
        raise NeoagInputError(f"config hla.typer: '{typer}' must be one of {', '.join(TYPERS)}.")
    sheet = parse_allele_list(sheet_text, sheet_source) if sheet_text.strip() else []
    if typer == "sample_sheet":
        if not sheet:
            parse_allele_list(sheet_text, sheet_source)  # raises the 'no HLA alleles' error
        rows: list[dict[str, str]] = []
    elif typer == "optitype":
        rows = read_optitype_result(typed)
    else:
        rows = pd.read_csv(typed, sep="\t", dtype=str, keep_default_na=False)[list(HLA_TYPING)].to_dict("records")
    # The models' allele list, read once: for choosing among typed alleles, and for skipping.
    needed = typer != "sample_sheet" or unsupported == "skip"
    known = ModelsFolder(models_dir).supported_alleles() if needed else None
    supported = known if typer != "sample_sheet" else None
    if typer != "sample_sheet" and supported is None:
        print(f"note: no allele list found in {models_dir}; the scoring step checks the alleles", file=sys.stderr)
    alleles, source, report = choose_alleles(sample, typer, rows, sheet, prefer, supported)
    if unsupported == "skip":
        alleles = skip_unsupported(alleles, report, known, models_dir)
    if not alleles:
        raise NeoagInputError(
            f"sample {sample}: {typer} typed no HLA allele (see {out_report} and the typing log: too few HLA "
            "reads?). Give the alleles in the sample sheet's hla_alleles column, or check the BAM and hla.reference."
        )
    write_table(pd.DataFrame({"allele": alleles, "source": source}), out_alleles, columns=HLA_ALLELES)
    write_table(pd.DataFrame(report, columns=list(TYPING_REPORT)), out_report, columns=TYPING_REPORT)
    print(f"{len(alleles)} HLA class I alleles ({source}): {', '.join(alleles)}", file=sys.stderr)
    return alleles
