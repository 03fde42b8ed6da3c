"""The sample sheet: its format, its rows (IDs, files, HLA alleles, purity and copy number) and its alleles."""

from __future__ import annotations

import difflib
import io
import os
import re
import sys
from functools import lru_cache
from pathlib import Path

import pandas as pd

from neoag.errors import NeoagInputError
from neoag.hla.names import parse_allele_list
from neoag.preflight.files import check_alignment_file, check_readable_file
from neoag.scoring.models import ModelsFolder, check_supported

# The one list of the sample sheet's columns is config/schemas/samples.schema.yaml (its properties,
# in order, and required): a new column is added there, and the sheet checks know it.
SAMPLES_SCHEMA = Path(__file__).resolve().parents[3] / "config/schemas/samples.schema.yaml"


@lru_cache(maxsize=1)
def sheet_columns() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(required, all known) columns of the sample sheet, from the samples schema."""
    import yaml

    schema = yaml.safe_load(SAMPLES_SCHEMA.read_text())
    return tuple(schema.get("required", ())), tuple(schema["properties"])


REQUIRED_COLUMNS, KNOWN_COLUMNS = sheet_columns()
OPTIONAL_COLUMNS = tuple(column for column in KNOWN_COLUMNS if column not in REQUIRED_COLUMNS)

# Alignment columns, checked as BAM/CRAM files.
ALIGNMENT_COLUMNS = ("tumor_bam", "normal_bam", "rna_bam")


SAMPLE_ID = re.compile(r"^[A-Za-z0-9_-]+$")


def warn(message: str) -> None:
    """A preflight warning: printed, the run goes on."""
    print(f"neoag: warning: {message}", file=sys.stderr)


def read_sample_sheet(path: str) -> pd.DataFrame:
    """The sample sheet as text cells, tolerant of what spreadsheets write.

    A UTF-8 byte order mark and Windows line ends (CRLF) are removed, and spaces
    around cells are trimmed (each with a warning); lines starting with '#' are
    comments. Not UTF-8, not tab-separated or ragged rows are errors. The rows'
    line numbers in the file are in sheet.attrs["lines"] (row_lines).
    """
    try:
        raw = open(path, "rb").read()
    except OSError as error:
        raise NeoagInputError(
            f"the sample sheet {path} cannot be read ({error.strerror}). Check config 'samples'."
        ) from None
    if raw.startswith(b"\xef\xbb\xbf"):
        warn(f"sample sheet {path}: starts with a byte order mark (BOM); ignored.")
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise NeoagInputError(
            f"sample sheet {path}, line {line}: not UTF-8 text (byte {raw[error.start]:#x}). Save it as UTF-8 "
            "tab-separated text (in a spreadsheet: 'Text (tab delimited)', UTF-8)."
        ) from None
    if "\r" in text:
        warn(f"sample sheet {path}: Windows line ends (CRLF); read as plain line ends.")
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    numbered = sheet_lines(text)
    if not numbered:
        raise NeoagInputError(f"sample sheet {path}: the file is empty. It needs a header row and one row per patient.")
    header_line = numbered[0][1]
    header = header_line.split("\t")
    if len(header) == 1 and ("," in header_line or ";" in header_line or "  " in header_line):
        raise NeoagInputError(
            f"sample sheet {path}, line {numbered[0][0]}: the header has no tab ('{header_line[:80]}'). The sheet "
            "must be tab-separated, not comma- or space-separated."
        )
    for number, line in numbered[1:]:
        if len(line.split("\t")) != len(header):
            raise NeoagInputError(
                f"sample sheet {path}, line {number}: {len(line.split(chr(9)))} tab-separated cells, but the "
                f"header has {len(header)}. Every row needs one cell per column (empty cells are fine)."
            )
    body = "\n".join(line for _, line in numbered) + "\n"
    sheet = pd.read_csv(io.StringIO(body), sep="\t", dtype=str, keep_default_na=False)
    stripped = sheet.rename(columns=str.strip).apply(lambda column: column.str.strip())
    if not stripped.equals(sheet) or list(stripped.columns) != list(sheet.columns):
        warn(f"sample sheet {path}: spaces around cells or column names; trimmed.")
    stripped.attrs["lines"] = [number for number, _ in numbered[1:]]
    return stripped


def sheet_lines(text: str) -> list[tuple[int, str]]:
    """(line number, line) of the header and the rows: empty lines and '#' comment lines are left out.
    A first line '#sample<TAB>...' (a commented header, as some tools write it) is the header."""
    numbered = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        if line.lstrip().startswith("#"):
            uncommented = line.lstrip().lstrip("#").strip()
            if numbered or uncommented.split("\t")[0].strip() != "sample":
                continue
            line = uncommented
        numbered.append((number, line))
    return numbered


def row_lines(sheet: pd.DataFrame) -> list[int]:
    """The file line of each row of a sheet from read_sample_sheet (2, 3, ... for other tables)."""
    lines = sheet.attrs.get("lines")
    return list(lines) if lines and len(lines) == len(sheet) else list(range(2, len(sheet) + 2))


def check_clonality_columns(row: dict, where: str) -> None:
    """purity in (0, 1] and copy_number >= 1 when given; copy_number only with purity."""
    values = {}
    for column, low, high, example in (("purity", 0.0, 1.0, "0.7"), ("copy_number", 1.0, 1000.0, "2")):
        text = (row.get(column, "") or "").strip()
        if not text:
            continue
        try:
            values[column] = float(text)
        except ValueError:
            values[column] = float("nan")
        value = values[column]
        if not (low < value <= high if column == "purity" else low <= value <= high):
            allowed = "a number above 0 and at most 1" if column == "purity" else "a number of at least 1"
            raise NeoagInputError(
                f"{where}, column {column}: '{text}' is not {allowed} (e.g. {example}). "
                + (
                    "Purity is the fraction of cancer cells in the tumor sample (70% -> 0.7); leave the cell "
                    "empty when it is not known."
                    if column == "purity"
                    else "It is the total copy number of the cancer cells at the variants (2 for a diploid "
                    "tumor); leave the cell empty for 2."
                )
            )
    if "copy_number" in values and "purity" not in values:
        raise NeoagInputError(
            f"{where}: copy_number is given without purity, but it is used only to compute the cancer "
            "cell fraction from the purity. Add the sample's purity or leave copy_number empty."
        )


def check_sample_rows(sheet: pd.DataFrame, path: str, require_hla: bool = True, annotation_source: str = "gtf") -> None:
    """Columns, IDs, files and HLA names of the sample sheet; raises NeoagInputError.

    With require_hla (config hla.typer is sample_sheet) every sample needs
    hla_alleles; otherwise the column may be missing or empty (the alleles are
    typed from the reads), and alleles that are given must still parse. With
    annotation_source 'vep' every sample needs a VEP-annotated VCF in its vcf
    column.
    """
    check_known_columns(sheet, path)
    required = REQUIRED_COLUMNS + (("hla_alleles",) if require_hla else ())
    missing = [column for column in required if column not in sheet.columns]
    if missing:
        raise NeoagInputError(
            f"sample sheet {path}: missing column(s) {', '.join(missing)} (found: "
            f"{', '.join(map(str, sheet.columns))}). The header must be tab-separated: "
            + ", ".join(KNOWN_COLUMNS)
            + "."
        )
    if sheet.empty:
        raise NeoagInputError(f"sample sheet {path}: no samples. Add one row per patient.")
    lines = row_lines(sheet)
    for line, row in zip(lines, sheet.to_dict("records")):
        check_sample_id(row["sample"], f"sample sheet {path}, line {line}")
    duplicated = sorted(set(sheet["sample"][sheet["sample"].duplicated()]))
    if duplicated:
        where = [str(line) for line, name in zip(lines, sheet["sample"]) if name in duplicated]
        raise NeoagInputError(
            f"sample sheet {path}: sample ID(s) {', '.join(duplicated)} appear more than once (lines "
            f"{', '.join(where)}). Each row is one patient and needs its own ID."
        )
    for line, row in zip(lines, sheet.to_dict("records")):
        where = f"sample sheet {path}, line {line} (sample '{row['sample']}')"
        check_bams_or_vcf_only(row, where, typed=not require_hla)
        for column in ALIGNMENT_COLUMNS:
            if row.get(column, ""):
                check_alignment_file(row[column], f"{where}, column {column}", base=path)
        check_not_same_file(row, where)
        for column in ("vcf", "expression"):
            if row.get(column, ""):
                check_readable_file(row[column], f"{where}, column {column}", base=path)
        if not row.get("vcf", "") and annotation_source == "vep":
            raise NeoagInputError(
                f"{where}: annotation.source is 'vep', so the sample needs a VEP-annotated VCF in the "
                "column 'vcf' (VEP with --plugin Wildtype --plugin Frameshift, as for pVACseq). Add the "
                "column and the path, or set annotation.source to 'gtf'."
            )
        check_clonality_columns(row, where)
        check_hla_fastq_columns(row, where, typed=not require_hla)
        alleles = row.get("hla_alleles", "") or ""
        if require_hla and not alleles.strip():
            raise NeoagInputError(
                f"{where}, column hla_alleles: no HLA alleles given, and config hla.typer is 'sample_sheet'. "
                "Fill the column (e.g. HLA-A*02:01,HLA-A*11:01,HLA-B*07:02,HLA-B*15:01,HLA-C*04:01,HLA-C*07:01) "
                "or let neoag type them: set hla.typer to 'builtin' (or 'optitype') in the config."
            )
        if alleles.strip():
            parse_allele_list(alleles, f"{where}, column hla_alleles")
    warn_shared_files(sheet, path)


def is_vcf_only(row: dict) -> bool:
    """A VCF-only sample: no tumor_bam and no normal_bam (the caller's somatic VCF is trusted)."""
    return not row.get("tumor_bam", "") and not row.get("normal_bam", "")


def sample_kind(row: dict) -> str:
    """'tumor_normal', 'tumor_only' (tumor_bam without normal_bam) or 'vcf_only' (neither)."""
    if is_vcf_only(row):
        return "vcf_only"
    return "tumor_only" if not row.get("normal_bam", "") else "tumor_normal"


def check_bams_or_vcf_only(row: dict, where: str, typed: bool = True) -> None:
    """tumor_bam and normal_bam both given; tumor_bam alone (tumor-only); or both empty (VCF-only)
    with a somatic vcf and HLA alleles in the sheet or hla_fastq1/hla_fastq2 to type them from
    (there are no reads to type). A normal_bam without tumor_bam has nothing to call somatic in."""
    if not is_vcf_only(row):
        if not row.get("tumor_bam", ""):
            raise NeoagInputError(
                f"{where}, column tumor_bam: empty, but normal_bam is given. Somatic variants are called "
                "in the tumor: give its BAM/CRAM in tumor_bam (a sample with a tumor and no normal is a "
                "tumor-only sample: leave normal_bam empty; docs/inputs.md), or leave both empty and give "
                "the caller's somatic calls in 'vcf' for a VCF-only sample."
            )
        return
    if not row.get("vcf", ""):
        raise NeoagInputError(
            f"{where}: tumor_bam and normal_bam are empty and there is no 'vcf', so there is nothing to find "
            "variants in. Give the tumor and normal BAM/CRAM files, or the caller's somatic VCF in the column "
            "'vcf' for a VCF-only run (docs/inputs.md)."
        )
    has_alleles = bool((row.get("hla_alleles", "") or "").strip())
    has_fastq = typed and bool(row.get("hla_fastq1", ""))
    if not (has_alleles or has_fastq):
        raise NeoagInputError(
            f"{where}: a VCF-only sample (tumor_bam and normal_bam empty) has no reads to type HLA from, and "
            "its hla_alleles column is empty. Fill hla_alleles (e.g. HLA-A*02:01,HLA-A*11:01,HLA-B*07:02,"
            "HLA-B*15:01,HLA-C*04:01,HLA-C*07:01), or give read pairs in hla_fastq1/hla_fastq2 with a typer "
            "(config hla.typer builtin or optitype)."
        )


def check_known_columns(sheet: pd.DataFrame, path: str) -> None:
    """Every column is one neoag reads: an unknown one (RNA_bam, tumour_bam) would be silently ignored."""
    for column in map(str, sheet.columns):
        if column in KNOWN_COLUMNS:
            continue
        lower = {known.lower(): known for known in KNOWN_COLUMNS}
        close = [lower[column.lower()]] if column.lower() in lower else []
        close = close or difflib.get_close_matches(column.lower(), KNOWN_COLUMNS, n=1, cutoff=0.6)
        guess = f" Did you mean '{close[0]}'?" if close else ""
        raise NeoagInputError(
            f"sample sheet {path}: unknown column '{column}'.{guess} neoag reads only the columns "
            f"{', '.join(KNOWN_COLUMNS)} (config/schemas/samples.schema.yaml), and a column it does not know "
            "would be silently ignored. Rename the column, or remove it (keep notes in another file)."
        )


def file_identity(path: str) -> tuple[int, int] | None:
    """(device, inode) of a file: the same file under two names (a symlink, a hard link) is one file."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_dev, status.st_ino


def check_not_same_file(row: dict, where: str) -> None:
    """tumor_bam and normal_bam are not one file (the same path, a symlink or a hard link)."""
    tumor, normal = row.get("tumor_bam", ""), row.get("normal_bam", "")
    if not tumor or file_identity(tumor) is None or file_identity(tumor) != file_identity(normal):
        return
    how = "the same path" if tumor == normal else f"the same file ('{normal}' is a link to '{tumor}')"
    raise NeoagInputError(
        f"{where}: tumor_bam and normal_bam are {how}. No variant could be somatic: every tumor variant "
        "would be called germline and the results would be empty. Put the matched normal's BAM in normal_bam "
        "(tumor and normal swapped or mis-pasted?)."
    )


def warn_shared_files(sheet: pd.DataFrame, path: str) -> None:
    """A warning for each BAM/CRAM named by more than one sample (a copy-paste error between rows?)."""
    users: dict[tuple[int, int], list[str]] = {}
    names: dict[tuple[int, int], str] = {}
    for line, row in zip(row_lines(sheet), sheet.to_dict("records")):
        for column in ALIGNMENT_COLUMNS:
            identity = file_identity(row.get(column, "") or "")
            if identity is not None:
                users.setdefault(identity, []).append(f"line {line} sample '{row['sample']}' {column}")
                names.setdefault(identity, row[column])
    for identity, where in users.items():
        samples = {entry.split("'")[1] for entry in where}
        if len(samples) > 1:
            warn(
                f"sample sheet {path}: '{names[identity]}' is used by several samples ({'; '.join(where)}). "
                "Two patients do not share reads: check that the rows were not copied from each other."
            )


def check_hla_fastq_columns(row: dict, where: str, typed: bool = True) -> None:
    """hla_fastq1 and hla_fastq2 (read pairs to type HLA from, instead of the BAM's reads): both or
    neither, two different readable files that start like FASTQ. Unused (a warning) when no typer runs."""
    first, second = (row.get(column, "") or "" for column in ("hla_fastq1", "hla_fastq2"))
    if not first and not second:
        return
    if not first or not second:
        given, missing = ("hla_fastq1", "hla_fastq2") if first else ("hla_fastq2", "hla_fastq1")
        raise NeoagInputError(
            f"{where}: {given} is given but {missing} is empty. HLA typing from FASTQ needs both files of "
            "the read pairs (mates in the same order); for single-end reads leave both empty and let neoag "
            "take the reads from the BAM."
        )
    if first == second:
        raise NeoagInputError(
            f"{where}: hla_fastq1 and hla_fastq2 are the same file ('{first}'). Give the first mates' and the "
            "second mates' FASTQ (e.g. *_R1.fastq.gz and *_R2.fastq.gz)."
        )
    for column, path in (("hla_fastq1", first), ("hla_fastq2", second)):
        check_readable_file(path, f"{where}, column {column}")
        check_fastq_start(path, f"{where}, column {column}")
    if not typed:
        warn(f"{where}: hla_fastq1/hla_fastq2 are not used, because config hla.typer is 'sample_sheet'.")


def check_fastq_start(path: str, where: str) -> None:
    """The file (plain or gzip) is empty or its first line starts with '@'."""
    from neoag.files import open_text

    try:
        with open_text(path) as handle:
            first = handle.readline()
    except (OSError, UnicodeDecodeError, EOFError) as error:
        raise NeoagInputError(
            f"{where}: '{path}' is not FASTQ text, plain or gzip-compressed ({error}). A BAM of the reads? "
            "Convert it: samtools collate -u -O reads.bam | samtools fastq -1 R1.fq.gz -2 R2.fq.gz -"
        ) from None
    if first and not first.startswith("@"):
        raise NeoagInputError(
            f"{where}: '{path}' is not FASTQ (its first line is '{first.strip()[:60]}', not an '@' header). "
            "Give the read pairs as FASTQ, plain or gzip-compressed."
        )


# The name under which the other stages and issue 7 know this check.
check_sample_sheet = check_sample_rows


def check_sample_id(sample: str, where: str) -> None:
    """A sample ID names folders and files: letters, digits, '_' and '-' only (no '..', '/', spaces, shell syntax)."""
    if not SAMPLE_ID.match(sample):
        shown = sample.encode("unicode_escape").decode("ascii")
        raise NeoagInputError(
            f"{where} (sample '{shown}'): the sample ID may only contain letters A-Z/a-z, digits, '_' and '-', "
            "because it names folders (results/<sample>/) and files and reaches command lines. Rename the sample "
            "(e.g. replace spaces, dots and slashes by '_')."
        )


def check_supported_alleles(sheet: pd.DataFrame, path: str, models_dir: str, policy: str) -> dict[str, list[str]]:
    """Sample sheet alleles that the models cannot score: an error (policy 'error') or a warning
    and a skip (policy 'skip'). Returns the skipped alleles per sample."""
    if "hla_alleles" not in sheet.columns:
        return {}
    supported = ModelsFolder(models_dir).supported_alleles()
    if supported is None:
        return {}
    skipped = {}
    for line, row in zip(row_lines(sheet), sheet.to_dict("records")):
        if not row["hla_alleles"].strip():
            continue
        where = f"sample sheet {path}, line {line} (sample '{row['sample']}'), column hla_alleles"
        alleles = parse_allele_list(row["hla_alleles"], where)
        unsupported = [allele for allele in alleles if allele not in supported]
        if not unsupported:
            continue
        if policy == "error" or len(unsupported) == len(alleles):
            try:
                check_supported(alleles, supported, models_dir, where)
            except NeoagInputError as error:
                raise NeoagInputError(
                    f"{error} Or set hla.unsupported_alleles to 'skip' to score the sample's other alleles."
                    if policy == "error"
                    else f"{error} None of the sample's alleles is left to score."
                ) from None
        warn(f"{where}: {', '.join(unsupported)} not supported by the models in {models_dir}; skipped.")
        skipped[row["sample"]] = unsupported
    return skipped
