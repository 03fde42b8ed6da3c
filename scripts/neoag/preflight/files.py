"""Input files that must be complete and indexed: BGZF and CRAM end-of-file markers, indexes, readability."""

from __future__ import annotations

import os
import re

from neoag.errors import NeoagInputError

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


def alignment_index(path: str) -> str | None:
    """The index file of a BAM/CRAM, or None when there is none."""
    candidates = [path + ".bai", path + ".csi", re.sub(r"\.bam$", ".bai", path), path + ".crai"]
    candidates.append(re.sub(r"\.cram$", ".crai", path))
    return next((c for c in candidates if c != path and os.path.exists(c)), None)


def relative_path_note(path: str, base: str = "") -> str:
    """How a relative path was read: from the working directory (snakemake's --directory), not from the
    folder of the file that names it (base); says so when the path exists from there."""
    if os.path.isabs(path):
        return ""
    note = (
        f" The path is relative, so it is read from the working directory {os.getcwd()} (where snakemake "
        "runs, or the folder given with --directory), not from the sample sheet's folder."
    )
    if base and os.path.exists(os.path.join(os.path.dirname(os.path.abspath(base)), path)):
        found = os.path.join(os.path.dirname(os.path.abspath(base)), path)
        note += f" It exists next to the sample sheet: write it as {found} (absolute)."
    return note


def check_readable_file(path: str, where: str, hint: str = "", base: str = "") -> None:
    """The file exists and is readable. base: the file that names it (a relative path's note)."""
    if not os.path.isfile(path):
        fix = hint or "Correct the path, or leave the cell empty."
        raise NeoagInputError(f"{where}: file '{path}' does not exist. {fix}{relative_path_note(path, base)}")
    if not os.access(path, os.R_OK):
        raise NeoagInputError(f"{where}: file '{path}' is not readable; check its permissions.")


def check_alignment_file(path: str, where: str, base: str = "") -> None:
    """The file exists, is readable, is complete (BAM) and has an index beside it."""
    check_readable_file(path, where, hint="Correct the path.", base=base)
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
