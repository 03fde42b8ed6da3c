"""The config schema is the one source of every default.

A default is written in config/schemas/config.schema.yaml (`default:`, filled in when a key is
missing), repeated in config/config.yaml (where each key is explained) and in the library's
settings dataclasses and keyword defaults (used by the unit tests and by callers outside
Snakemake). These tests hold the copies equal to the schema.
"""

import dataclasses
import inspect
import re
from pathlib import Path

import pytest
import yaml

from neoag.annotation.annotate import annotate_vcf
from neoag.calling.evidence import ReadFilters
from neoag.calling.phasing import PhaseSettings
from neoag.calling.somatic import GermlineFilters, SomaticFilters
from neoag.hla.reads import extract_hla_reads
from neoag.hla.typing import TypingSettings
from neoag.ranking.rank import Filters
from neoag.ranking.tiers import TierSettings
from neoag.scoring.jobs import score_chunk

REPO = Path(__file__).resolve().parents[2]
SCHEMA = yaml.safe_load((REPO / "config/schemas/config.schema.yaml").read_text())
CONFIG = yaml.safe_load((REPO / "config/config.yaml").read_text())

# Keys whose config.yaml value is not the schema default, and why: they point the bundled demo
# at its own files (resources/demo/). The first four are required and have no default: every
# run names its own sample sheet, genome, GTF and models.
DEMO_KEYS = {
    "samples": "the demo's sample sheet, config/samples.tsv",
    "reference.fasta": "the demo genome",
    "reference.gtf": "the demo GTF",
    "mhcflurry.models": "the small demo model (the released models are downloaded on request)",
    "hla.reference": "the demo's synthetic allele FASTA; the default is download_hla_reference's output",
    "hla.region": "the demo's 7 kb chr6 contig; the default is GRCh38's HLA region",
}
REQUIRED = {"samples", "reference.fasta", "reference.gtf", "mhcflurry.models"}

# Library settings that mirror a config section, as the adapters in scripts/ build them
# (e.g. scripts/select_somatic.py: SomaticFilters(**snakemake.params.somatic), params.somatic
# being config["somatic"]). Fields that are no config key, and why:
SETTINGS = {
    SomaticFilters: "somatic",
    GermlineFilters: "germline",
    ReadFilters: "evidence",
    PhaseSettings: "annotation.phasing",
    TypingSettings: "hla.builtin",
    Filters: "filters",
    TierSettings: "tiers",
}
LIBRARY_ONLY_FIELDS = {
    (TypingSettings, "max_hits"): "razers3's hit limit, not exposed in the config",
}

# Keyword defaults of the library calls that the adapters pass config keys to:
# (function, parameter) -> config key.
KEYWORDS = {
    (annotate_vcf, "transcripts"): "annotation.transcripts",
    (annotate_vcf, "source"): "annotation.source",
    (annotate_vcf, "phase_neighbours"): "annotation.phase_neighbours",
    (annotate_vcf, "peptide_lengths"): "peptides.lengths",
    (annotate_vcf, "flank_length"): "peptides.flank_length",
    (extract_hla_reads, "unmapped"): "hla.unmapped",
    (score_chunk, "gpus"): "mhcflurry.gpu",
    (score_chunk, "cache_path"): "mhcflurry.cache",
    (score_chunk, "cpu_batch_size"): "mhcflurry.cpu_batch_size",
}
# extract_hla_reads(contigs="") takes no extra contigs, whereas hla.contigs defaults to the GRCh38
# HLA decoys and chr6 alt haplotypes: the library's neutral "off" is not a copy of the config
# default, so (extract_hla_reads, "contigs") is left out of KEYWORDS on purpose.


def schema_keys(schema: dict, prefix: str = "") -> dict[str, dict]:
    """Every leaf key of the schema (dotted) -> its schema; objects with properties are descended."""
    keys = {}
    for name, spec in schema["properties"].items():
        key = f"{prefix}{name}"
        if "properties" in spec:
            keys.update(schema_keys(spec, f"{key}."))
        else:
            keys[key] = spec
    return keys


def schema_sections(schema: dict, prefix: str = "") -> dict[str, dict]:
    """Every object of the schema that has properties (dotted key -> its schema)."""
    sections = {}
    for name, spec in schema["properties"].items():
        if "properties" in spec:
            sections[f"{prefix}{name}"] = spec
            sections.update(schema_sections(spec, f"{prefix}{name}."))
    return sections


def config_keys(config: dict, prefix: str = "") -> dict:
    """Every leaf key of config.yaml (dotted) -> its value."""
    keys = {}
    for name, value in config.items():
        if isinstance(value, dict):
            keys.update(config_keys(value, f"{prefix}{name}."))
        else:
            keys[f"{prefix}{name}"] = value
    return keys


SCHEMA_KEYS = schema_keys(SCHEMA)
CONFIG_KEYS = config_keys(CONFIG)


def default(key: str):
    return SCHEMA_KEYS[key]["default"]


def comparable(value):
    """Tuples (dataclass fields) compare with lists (YAML); numbers compare by value (500.0 == 500)."""
    return list(value) if isinstance(value, tuple) else value


def test_the_key_lists_name_real_keys():
    assert set(DEMO_KEYS) <= set(SCHEMA_KEYS) and REQUIRED <= set(DEMO_KEYS)
    assert set(KEYWORDS.values()) <= set(SCHEMA_KEYS)


@pytest.mark.parametrize("key", sorted(set(CONFIG_KEYS) - set(DEMO_KEYS)))
def test_config_yaml_holds_the_schema_default(key):
    assert key in SCHEMA_KEYS, f"config.yaml has {key}, which the schema does not know"
    assert "default" in SCHEMA_KEYS[key], f"schema key {key} has no default"
    value, expected = CONFIG_KEYS[key], default(key)
    # Same type too: a YAML 1 where the schema says 1.0 reads the same but documents another type.
    assert (type(value), value) == (type(expected), expected), f"config.yaml {key}: {value!r}, schema: {expected!r}"


@pytest.mark.parametrize("key", sorted(set(DEMO_KEYS) - REQUIRED))
def test_demo_keys_differ_from_their_default(key):
    """Keeps DEMO_KEYS honest: a key that matches its default again belongs in the test above."""
    assert CONFIG_KEYS[key] != default(key)


@pytest.mark.parametrize("key", sorted(SCHEMA_KEYS))
def test_every_schema_key_has_a_default_and_is_in_config_yaml(key):
    assert key in CONFIG_KEYS, f"{key} is missing from config/config.yaml (each key is shown and explained there)"
    if key in REQUIRED:
        section, _, name = key.rpartition(".")
        assert name in (schema_sections(SCHEMA)[section] if section else SCHEMA)["required"], f"{key} is not required"
        assert "default" not in SCHEMA_KEYS[key], f"{key} is required: a default would never be used"
    else:
        assert "default" in SCHEMA_KEYS[key], f"schema key {key} has no default"


@pytest.mark.parametrize("section", sorted(schema_sections(SCHEMA)))
def test_optional_sections_default_to_empty(section):
    """A section left out of a user's config still gets its keys' defaults (validate fills {} in)."""
    spec = schema_sections(SCHEMA)[section]
    if section in SCHEMA["required"]:
        return
    assert spec.get("default") == {}, f"schema section {section} needs default: {{}}"


@pytest.mark.parametrize("settings", list(SETTINGS), ids=lambda cls: cls.__name__)
def test_library_settings_have_the_schema_defaults(settings):
    section = SETTINGS[settings]
    keys = {key.removeprefix(f"{section}."): key for key in SCHEMA_KEYS if key.startswith(f"{section}.")}
    fields = {field.name: field for field in dataclasses.fields(settings)}
    assert set(keys) <= set(fields), f"{settings.__name__} lacks {sorted(set(keys) - set(fields))} of {section}"
    for name, field in fields.items():
        if (settings, name) in LIBRARY_ONLY_FIELDS:
            assert name not in keys
            continue
        assert name in keys, f"{settings.__name__}.{name} is no key of {section}: list it in LIBRARY_ONLY_FIELDS"
        value, expected = comparable(field.default), default(keys[name])
        assert value == expected, f"{settings.__name__}.{name} = {value!r}, schema {keys[name]}: {expected!r}"


@pytest.mark.parametrize("function, parameter", list(KEYWORDS), ids=lambda item: getattr(item, "__name__", item))
def test_library_keyword_defaults_have_the_schema_defaults(function, parameter):
    key = KEYWORDS[(function, parameter)]
    value = comparable(inspect.signature(function).parameters[parameter].default)
    assert value == default(key), f"{function.__name__}({parameter}={value!r}), schema {key}: {default(key)!r}"


def test_every_schema_key_is_explained_in_the_config_readme():
    readme = (REPO / "config/README.md").read_text()
    explained = set(re.findall(r"^\| `([a-z0-9_.]+)` \|", readme, re.MULTILINE))
    assert not set(SCHEMA_KEYS) - explained, f"add rows to config/README.md for {sorted(set(SCHEMA_KEYS) - explained)}"
