"""Checks of the configuration, the sample sheet and its files, run before any job starts.

`run_preflight` is what rules/common.smk calls: every check is a small function
that raises NeoagInputError with one paragraph naming the file, the record and
the fix. The checks read headers only (BAM/CRAM and VCF headers, the FASTA
index, the GTF's contig column, the models' manifest), never whole alignment
files. docs/preflight.md lists them.
"""

from __future__ import annotations

import io
import os
import re
import sys
from collections.abc import Iterable, Sequence

import pandas as pd

from neoag.calling.regions import read_fai
from neoag.errors import NeoagInputError
from neoag.hla.names import parse_allele_list
from neoag.scoring.models import ModelsFolder, check_supported

REQUIRED_COLUMNS = ("sample", "tumor_bam", "normal_bam")
OPTIONAL_COLUMNS = ("rna_bam", "hla_alleles", "vcf", "expression", "purity", "copy_number")
SAMPLE_ID = re.compile(r"^[A-Za-z0-9_-]+$")
# Config strings that are passed to a shell as extra tool options: no shell syntax.
SHELL_OPTION_KEYS = (("calling", "mutect2", "extra"), ("hla", "optitype", "extra"))
SHELL_METACHARACTERS = re.compile(r"[;&|`$<>(){}\\\n\r'\"*?!#~]")
# The empty BGZF block that ends every complete BAM (and bgzipped VCF): SAM spec 4.1.2.
BGZF_EOF = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")
# The empty container that ends every complete CRAM 3.x file (CRAM spec 3.1, section 9).
CRAM3_EOF = bytes.fromhex("0f000000ffffffff0fe0454f4600000000010005bdd94f0001000606010001000100ee63014b")


def ends_with(path: str, marker: bytes) -> bool:
    """The file's last bytes are marker."""
    with open(path, "rb") as handle:
        handle.seek(0, os.SEEK_END)
        handle.seek(max(0, handle.tell() - len(marker)))
        return handle.read() == marker


def ends_with_bgzf_eof(path: str) -> bool:
    """The file ends with BGZF's end-of-file block (complete BAMs and bgzip files do; truncated ones
    and plain gzip do not)."""
    return ends_with(path, BGZF_EOF)


def cram_is_complete(path: str) -> bool | None:
    """A CRAM 3.x file ends with the EOF container: True or False; None for other CRAM versions
    (2.x has another marker) and for files that do not start like a CRAM."""
    with open(path, "rb") as handle:
        magic = handle.read(6)
    if magic[:4] != b"CRAM" or len(magic) < 6 or magic[4] != 3:
        return None
    return ends_with(path, CRAM3_EOF)


def warn(message: str) -> None:
    """A preflight warning: printed, the run goes on."""
    print(f"neoag: warning: {message}", file=sys.stderr)


# ---------------------------------------------------------------------------
# The configuration
# ---------------------------------------------------------------------------


def _key_path(parts: Iterable) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def check_config_schema(config: dict, schema: dict) -> None:
    """The config against its JSON schema, with the offending key and value named.

    Snakemake's own validation (which fills in defaults) runs after this; this
    one turns the first violation into a sentence a user can act on.
    """
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema)
    error = jsonschema.exceptions.best_match(validator.iter_errors(config))
    if error is None:
        return
    key = _key_path(error.absolute_path)
    described = error.schema.get("description", "") if isinstance(error.schema, dict) else ""
    what = f" ({described})" if described else ""
    raise NeoagInputError(
        f"config key {key}{what}: {error.message}. Fix the value in your config file or "
        "--config option; config/README.md explains every key and config/schemas/config.schema.yaml gives "
        "the allowed values."
    )


def _get(config: dict, keys: Sequence[str]):
    value = config
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def check_shell_options(config: dict) -> None:
    """Config strings passed to a shell as tool options hold options only, no shell syntax."""
    for keys in SHELL_OPTION_KEYS:
        value = _get(config, keys)
        if value and SHELL_METACHARACTERS.search(value):
            raise NeoagInputError(
                f"config key {'.'.join(keys)}: '{value}' contains shell syntax "
                f"('{SHELL_METACHARACTERS.search(value).group()}'). It is passed to the tool as extra options, "
                "so it may hold only options and plain values (letters, digits, '-', '_', '.', '=', ',', ':', "
                "'/', '+', spaces). Remove the special characters."
            )


def check_reference(fasta: str, gtf: str) -> list[tuple[str, int]]:
    """The genome FASTA, its .fai index and the GTF exist; returns the FASTA's (contig, length)."""
    check_readable_file(fasta, "config reference.fasta", hint="Point reference.fasta at your genome FASTA.")
    check_readable_file(gtf, "config reference.gtf", hint="Point reference.gtf at the gene annotation (GTF).")
    if fasta.endswith(".gz") and not os.path.exists(fasta + ".gzi"):
        raise NeoagInputError(
            f"config reference.fasta: '{fasta}' is compressed but has no .gzi index; it must be bgzip-compressed "
            f"and indexed (gunzip it, then 'bgzip {fasta[:-3]} && samtools faidx {fasta}'), or use it uncompressed."
        )
    fai = fasta + ".fai"
    if not os.path.isfile(fai):
        raise NeoagInputError(
            f"config reference.fasta: '{fasta}' has no index '{fai}' beside it. Create it with: samtools faidx {fasta}"
        )
    contigs = read_fai(fai)
    if not contigs:
        raise NeoagInputError(f"{fai}: the index lists no sequence. Recreate it: samtools faidx {fasta}")
    return contigs


# ---------------------------------------------------------------------------
# The sample sheet
# ---------------------------------------------------------------------------


def read_sample_sheet(path: str) -> pd.DataFrame:
    """The sample sheet as text cells, tolerant of what spreadsheets write.

    A UTF-8 byte order mark and Windows line ends (CRLF) are removed, and spaces
    around cells are trimmed (each with a warning). Not UTF-8, not
    tab-separated or ragged rows are errors.
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
    lines = [line for line in text.split("\n") if line.strip()]
    if not lines:
        raise NeoagInputError(f"sample sheet {path}: the file is empty. It needs a header row and one row per patient.")
    header = lines[0].split("\t")
    if len(header) == 1 and ("," in lines[0] or ";" in lines[0] or "  " in lines[0]):
        raise NeoagInputError(
            f"sample sheet {path}, line 1: the header has no tab ('{lines[0][:80]}'). The sheet must be "
            "tab-separated, not comma- or space-separated."
        )
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip() and number > 1 and len(line.split("\t")) != len(header):
            raise NeoagInputError(
                f"sample sheet {path}, line {number}: {len(line.split(chr(9)))} tab-separated cells, but the "
                f"header has {len(header)}. Every row needs one cell per column (empty cells are fine)."
            )
    sheet = pd.read_csv(io.StringIO("\n".join(lines) + "\n"), sep="\t", dtype=str, keep_default_na=False)
    stripped = sheet.rename(columns=str.strip).apply(lambda column: column.str.strip())
    if not stripped.equals(sheet) or list(stripped.columns) != list(sheet.columns):
        warn(f"sample sheet {path}: spaces around cells or column names; trimmed.")
    return stripped


def alignment_index(path: str) -> str | None:
    """The index file of a BAM/CRAM, or None when there is none."""
    candidates = [path + ".bai", path + ".csi", re.sub(r"\.bam$", ".bai", path), path + ".crai"]
    candidates.append(re.sub(r"\.cram$", ".crai", path))
    return next((c for c in candidates if c != path and os.path.exists(c)), None)


def check_readable_file(path: str, where: str, hint: str = "") -> None:
    """The file exists and is readable."""
    if not os.path.isfile(path):
        fix = hint or (
            "Correct the path (relative paths are relative to the directory you run snakemake in), "
            "or leave the cell empty."
        )
        raise NeoagInputError(f"{where}: file '{path}' does not exist. {fix}")
    if not os.access(path, os.R_OK):
        raise NeoagInputError(f"{where}: file '{path}' is not readable; check its permissions.")


def check_alignment_file(path: str, where: str) -> None:
    """The file exists, is readable, is complete (BAM) and has an index beside it."""
    check_readable_file(
        path, where, hint="Correct the path (relative paths are relative to the directory you run snakemake in)."
    )
    if alignment_index(path) is None:
        raise NeoagInputError(
            f"{where}: '{path}' has no index (.bai/.csi/.crai) beside it. Sort and index it: "
            f"samtools sort -o sorted.bam {path} && samtools index sorted.bam"
        )
    if path.endswith(".cram"):
        if cram_is_complete(path) is False:
            raise NeoagInputError(
                f"{where}: '{path}' is truncated (it lacks the CRAM end-of-file container; an interrupted "
                f"copy or download?). Copy it again and compare checksums; 'samtools quickcheck {path}' tells "
                "whether it is complete."
            )
        return
    if not ends_with_bgzf_eof(path):
        raise NeoagInputError(
            f"{where}: '{path}' is truncated or not a BAM file (it lacks the end-of-file marker; "
            "an interrupted copy or download?). Copy it again and compare checksums; 'samtools quickcheck "
            f"{path}' tells whether it is complete."
        )


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
    required = REQUIRED_COLUMNS + (("hla_alleles",) if require_hla else ())
    missing = [column for column in required if column not in sheet.columns]
    if missing:
        raise NeoagInputError(
            f"sample sheet {path}: missing column(s) {', '.join(missing)} (found: "
            f"{', '.join(map(str, sheet.columns))}). The header must be tab-separated: "
            + "\t".join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS).replace("\t", ", ")
            + "."
        )
    if sheet.empty:
        raise NeoagInputError(f"sample sheet {path}: no samples. Add one row per patient.")
    for line, row in enumerate(sheet.to_dict("records"), start=2):
        check_sample_id(row["sample"], f"sample sheet {path}, line {line}")
    duplicated = sorted(set(sheet["sample"][sheet["sample"].duplicated()]))
    if duplicated:
        lines = [str(i + 2) for i, name in enumerate(sheet["sample"]) if name in duplicated]
        raise NeoagInputError(
            f"sample sheet {path}: sample ID(s) {', '.join(duplicated)} appear more than once (lines "
            f"{', '.join(lines)}). Each row is one patient and needs its own ID."
        )
    for line, row in enumerate(sheet.to_dict("records"), start=2):
        where = f"sample sheet {path}, line {line} (sample '{row['sample']}')"
        for column in ("tumor_bam", "normal_bam"):
            if not row.get(column, ""):
                raise NeoagInputError(f"{where}, column {column}: empty. Give the path of the BAM/CRAM file.")
        for column in ("tumor_bam", "normal_bam", "rna_bam"):
            if row.get(column, ""):
                check_alignment_file(row[column], f"{where}, column {column}")
        if row["tumor_bam"] == row["normal_bam"]:
            warn(
                f"{where}: tumor_bam and normal_bam are the same file; no variant can be somatic, so the "
                "sample's result tables will be empty."
            )
        for column in ("vcf", "expression"):
            if row.get(column, ""):
                check_readable_file(row[column], f"{where}, column {column}")
        if not row.get("vcf", "") and annotation_source == "vep":
            raise NeoagInputError(
                f"{where}: annotation.source is 'vep', so the sample needs a VEP-annotated VCF in the "
                "column 'vcf' (VEP with --plugin Wildtype --plugin Frameshift, as for pVACseq). Add the "
                "column and the path, or set annotation.source to 'gtf'."
            )
        check_clonality_columns(row, where)
        alleles = row.get("hla_alleles", "") or ""
        if require_hla and not alleles.strip():
            raise NeoagInputError(
                f"{where}, column hla_alleles: no HLA alleles given, and config hla.typer is 'sample_sheet'. "
                "Fill the column (e.g. HLA-A*02:01,HLA-A*11:01,HLA-B*07:02,HLA-B*15:01,HLA-C*04:01,HLA-C*07:01) "
                "or let neoag type them: set hla.typer to 'builtin' (or 'optitype') in the config."
            )
        if alleles.strip():
            parse_allele_list(alleles, f"{where}, column hla_alleles")


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
    for line, row in enumerate(sheet.to_dict("records"), start=2):
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


# ---------------------------------------------------------------------------
# Contig names across the BAMs, VCFs, GTF and FASTA
# ---------------------------------------------------------------------------


def rename_hint(names: Iterable[str], reference: Iterable[str]) -> str:
    """How to make names match the reference's naming, when a 'chr' prefix is the difference."""
    names, reference = set(names), set(reference)
    if any("chr" + name in reference for name in names):
        return (
            " The reference names contigs with a 'chr' prefix ('chr1') and this file without ('1'): rename its "
            "contigs (VCF: bcftools annotate --rename-chrs map.txt; BAM: samtools reheader; GTF: add 'chr' to the "
            "first column) or use a reference with the same naming."
        )
    if any(name.startswith("chr") and name[3:] in reference for name in names):
        return (
            " This file names contigs with a 'chr' prefix ('chr1') and the reference without ('1'): rename its "
            "contigs (VCF: bcftools annotate --rename-chrs map.txt; BAM: samtools reheader; GTF: remove 'chr' "
            "from the first column) or use a reference with the same naming."
        )
    return " Use files made on the same reference genome as reference.fasta."


def check_contigs(contigs: Sequence[tuple[str, int | None]], reference: Sequence[tuple[str, int]], where: str) -> None:
    """A file's contigs (name, length or None) must be named as in the reference FASTA.

    Some contigs may be absent from the reference (decoys, alt haplotypes),
    but at least one must be shared, and shared contigs must have the same
    length (same assembly).
    """
    lengths = dict(reference)
    names = [name for name, _ in contigs]
    if not names:
        return
    shared = [name for name in names if name in lengths]
    if not shared:
        raise NeoagInputError(
            f"{where}: none of its contigs ({', '.join(names[:4])}{', ...' if len(names) > 4 else ''}) is in the "
            f"reference FASTA (which has {', '.join(list(lengths)[:4])}{', ...' if len(lengths) > 4 else ''})."
            + rename_hint(names, lengths)
        )
    for name, length in contigs:
        if length is not None and name in lengths and length != lengths[name]:
            raise NeoagInputError(
                f"{where}: contig '{name}' is {length} bp long there but {lengths[name]} bp in the reference "
                "FASTA: the file was made on another assembly (e.g. GRCh37 vs GRCh38). Use files made on the "
                "configured reference, or lift them over."
            )


def bam_contigs(path: str, where: str, fasta: str) -> tuple[list[tuple[str, int]], list[str]]:
    """(contig, length) and read-group sample names of a BAM/CRAM header."""
    import pysam

    try:
        with pysam.AlignmentFile(path, require_index=False, reference_filename=fasta) as alignments:
            header = alignments.header.to_dict()
    except (OSError, ValueError) as error:
        raise NeoagInputError(
            f"{where}: '{path}' cannot be read as BAM/CRAM ({error}). Check that it is a complete BAM/CRAM "
            f"file: samtools quickcheck {path}"
        ) from None
    contigs = [(entry["SN"], int(entry["LN"])) for entry in header.get("SQ", [])]
    if not contigs:
        raise NeoagInputError(
            f"{where}: '{path}' has no @SQ lines in its header, so its reads are not aligned to a reference. "
            "Align the reads (bwa mem) and sort and index the BAM."
        )
    samples = sorted({group["SM"] for group in header.get("RG", []) if "SM" in group})
    return contigs, samples


def vcf_header(path: str, where: str):
    """The pysam header of a VCF/BCF; a broken header is a NeoagInputError."""
    import pysam

    with open(path, "rb") as handle:
        start = handle.read(2)
    if start == b"\x1f\x8b" and not ends_with_bgzf_eof(path):
        raise NeoagInputError(
            f"{where}: '{path}' is gzip-compressed but not with bgzip, or truncated. Recompress it: "
            f"zcat {path} | bgzip > fixed.vcf.gz"
        )
    try:
        with pysam.VariantFile(path) as vcf:
            return vcf.header.copy()
    except (OSError, ValueError) as error:
        raise NeoagInputError(
            f"{where}: '{path}' has no valid VCF header ({error}). A VCF starts with '##fileformat=VCFv4.x', "
            "then ## meta lines and a tab-separated '#CHROM POS ID REF ALT QUAL FILTER INFO' line; "
            f"'bcftools view -h {path}' shows where it breaks."
        ) from None


def gtf_contigs(path: str) -> list[str]:
    """The contig names (first column) of a GTF, in order of appearance."""
    from neoag.files import open_text

    seen: dict[str, None] = {}
    with open_text(path) as handle:
        for line in handle:
            if line.startswith("#") or not line.strip():
                continue
            seen.setdefault(line.split("\t", 1)[0], None)
    return list(seen)


def check_sample_files(sheet: pd.DataFrame, path: str, fasta: str, reference: Sequence[tuple[str, int]]) -> None:
    """Header-level checks of each sample's BAMs and VCF: contig names vs the FASTA, VCF tumor/normal columns."""
    from neoag.calling.calls import detect_sample_columns, header_meta

    for line, row in enumerate(sheet.to_dict("records"), start=2):
        where = f"sample sheet {path}, line {line} (sample '{row['sample']}')"
        names = {}
        for column in ("tumor_bam", "normal_bam", "rna_bam"):
            if row.get(column, ""):
                file_where = f"{where}, column {column} ({row[column]})"
                contigs, names[column] = bam_contigs(row[column], file_where, fasta)
                check_contigs(contigs, reference, file_where)
        if row.get("vcf", ""):
            file_where = f"{where}, column vcf ({row['vcf']})"
            header = vcf_header(row["vcf"], file_where)
            check_contigs([(name, header.contigs[name].length) for name in header.contigs], reference, file_where)
            detect_sample_columns(
                list(header.samples), header_meta(header), names["tumor_bam"], names["normal_bam"], row["vcf"]
            )


# ---------------------------------------------------------------------------
# Everything, in order
# ---------------------------------------------------------------------------


def run_preflight(config: dict, schema: dict | None = None, check_files: bool = True) -> pd.DataFrame:
    """All checks, cheapest first; returns the sample sheet (text cells).

    Parameters
    ----------
    config : the workflow config (Snakemake's, before or after defaults).
    schema : the config JSON schema; when given, checked first.
    check_files : False: the config and the sample sheet (with its cheap
        checks that each named file exists, is indexed and complete), but none
        of the reads of file contents: reference, GTF, models, BAM and VCF
        headers. For the Snakemake processes that run single jobs on a
        cluster: the main process checked the files before it submitted them.
    """
    if schema is not None:
        check_config_schema(config, schema)
    check_shell_options(config)
    path = config["samples"]
    sheet = read_sample_sheet(path)
    hla = config.get("hla", {})
    check_sample_rows(
        sheet,
        path,
        require_hla=hla.get("typer", "builtin") == "sample_sheet",
        annotation_source=config.get("annotation", {}).get("source", "gtf"),
    )
    if not check_files:
        return sheet
    fasta, gtf = config["reference"]["fasta"], config["reference"]["gtf"]
    reference = check_reference(fasta, gtf)
    check_contigs([(name, None) for name in gtf_contigs(gtf)], reference, f"config reference.gtf ({gtf})")
    models = config["mhcflurry"]["models"]
    folder = ModelsFolder(models)
    folder.check()
    folder.check_peptide_lengths(config.get("peptides", {}).get("lengths", [8, 9, 10, 11]))
    check_supported_alleles(sheet, path, models, hla.get("unsupported_alleles", "error"))
    check_sample_files(sheet, path, fasta, reference)
    return sheet
