"""The run manifest: what produced the results, so a run can be traced and repeated.

results/manifest.json records the output schema version, neoag's version, the
resolved config and sample sheet, checksums of every input file and of the
MHCflurry models directory, and the versions of the tools and Python packages.
It holds no timestamps, so the same run writes the same manifest.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from neoag import __version__
from neoag.columns import SCHEMA_VERSION, TABLES, VCF_INFO
from neoag.scoring.models import ModelsFolder

PYTHON_PACKAGES = ("snakemake", "pysam", "pandas", "numpy", "mhcflurry", "torch", "mhcgnomes", "pyyaml")
TOOLS = {
    "freebayes": ["freebayes", "--version"],
    "bcftools": ["bcftools", "--version"],
    "tabix": ["tabix", "--version"],
}


def sha256_of_file(path: str | Path, chunk: int = 1 << 20) -> str:
    """sha256 of a file's bytes, read in chunks (BAMs can be large)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def sha256_of_directory(path: str | Path) -> str:
    """One checksum for a directory's content: its files' relative paths and bytes, in sorted order."""
    root = Path(path)
    digest = hashlib.sha256()
    for file in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(file.relative_to(root)).encode() + b"\0")
        digest.update(sha256_of_file(file).encode() + b"\n")
    return digest.hexdigest()


def tool_version(command: list[str]) -> str:
    """First version-looking token a tool prints, or 'not found'."""
    try:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "not found"
    match = re.search(r"v?(\d+\.\d+(?:\.\d+)?\S*)", completed.stdout + completed.stderr)
    return match.group(1) if match else "unknown"


def package_versions(names=PYTHON_PACKAGES) -> dict[str, str]:
    versions = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def build_manifest(
    config: dict, samples: list[dict], inputs: dict[str, list[str]], models_dir: str, sample_kinds: dict | None = None
) -> dict:
    """The manifest as a dict. inputs maps a role (e.g. 'demo.tumor_bam') to file paths; sample_kinds
    each sample's kind (neoag.preflight.sheet.sample_kind)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "neoag_version": __version__,
        "tables": {name: list(columns) for name, columns in TABLES.items()},
        "vcf_info": {"somatic.neoag.vcf.gz": list(VCF_INFO)},
        "config": config,
        "samples": samples,
        # tumor_normal, tumor_only (no normal check: germline variants removed by config tumor_only), vcf_only
        "sample_kinds": sample_kinds or {},
        "inputs": {
            role: [{"path": path, "sha256": sha256_of_file(path)} for path in paths]
            for role, paths in sorted(inputs.items())
        },
        "mhcflurry_models": {
            "path": models_dir,
            "content_sha256": sha256_of_directory(models_dir),
            "demo_model": ModelsFolder(models_dir).is_demo,
        },
        "tools": {name: tool_version(command) for name, command in TOOLS.items()},
        "python": {"version": sys.version.split()[0], "packages": package_versions()},
    }


def write_manifest(
    config: dict,
    samples: list[dict],
    inputs: dict[str, list[str]],
    models_dir: str,
    out: str,
    sample_kinds: dict | None = None,
) -> None:
    manifest = build_manifest(config, samples, inputs, models_dir, sample_kinds)
    Path(out).write_text(json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n")
    print(
        f"manifest: {sum(len(v) for v in manifest['inputs'].values())} input files, models "
        f"{manifest['mhcflurry_models']['content_sha256'][:12]}, schema {SCHEMA_VERSION}",
        file=sys.stderr,
    )
