"""The configuration: its schema (with messages that name the key) and the options passed to a shell."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from neoag.errors import NeoagInputError

# Config strings that are passed to a shell as extra tool options: no shell syntax.
SHELL_OPTION_KEYS = (("calling", "mutect2", "extra"), ("hla", "optitype", "extra"))


SHELL_METACHARACTERS = re.compile(r"[;&|`$<>(){}\\\n\r'\"*?!#~]")


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


def _strict_loader():
    """A yaml SafeLoader that refuses a key given twice in one mapping."""
    import yaml

    class StrictLoader(yaml.SafeLoader):
        pass

    def mapping(loader, node, deep=False):
        seen = {}
        for key_node, _ in node.value:
            key = loader.construct_object(key_node, deep=deep)
            if key in seen:
                raise NeoagInputError(
                    f"line {key_node.start_mark.line + 1}: the key '{key}' is given twice in one section (first on "
                    f"line {seen[key]}); YAML would silently keep the last value. Keep one of them."
                )
            seen[key] = key_node.start_mark.line + 1
        return loader.construct_mapping(node, deep=deep)

    StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    return StrictLoader


def check_yaml_file(path: str) -> dict:
    """A config file read strictly: YAML syntax (a tab named with its line), no key given twice.
    Returns its content; raises NeoagInputError naming the file, the line and the fix."""
    import yaml

    try:
        text = open(path, encoding="utf-8").read()
    except (OSError, UnicodeDecodeError) as error:
        raise NeoagInputError(f"config file {path} cannot be read as UTF-8 text ({error}).") from None
    for number, line in enumerate(text.split("\n"), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent and line.strip() and not line.lstrip().startswith("#"):
            raise NeoagInputError(
                f"config file {path}, line {number}: indented with a tab. YAML indents with spaces only; replace "
                "the tab by spaces (two per level, as in config/config.yaml)."
            )
    try:
        content = yaml.load(text, Loader=_strict_loader())
    except NeoagInputError as error:
        raise NeoagInputError(f"config file {path}, {error}") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error).split("\n")[0]
        raise NeoagInputError(
            f"config file {path}{where}: not valid YAML ({problem}). Compare the line with config/config.yaml: "
            "'key: value', nested keys indented by spaces, lists as [a, b]."
        ) from None
    if content is not None and not isinstance(content, dict):
        raise NeoagInputError(f"config file {path}: must hold 'key: value' lines (a YAML mapping), not a single value.")
    return content or {}


def _typed(value, spec: dict):
    """A text value converted to the type its schema asks for (number, integer, boolean, null, a list of
    them); other values, and text that does not convert, are returned as they are."""
    if isinstance(value, list) and isinstance(spec.get("items"), dict):
        return [_typed(item, spec["items"]) for item in value]
    if not isinstance(value, str):
        return value
    kinds = spec.get("type", [])
    kinds = [kinds] if isinstance(kinds, str) else list(kinds)
    text = value.strip()
    if "null" in kinds and text in ("", "null", "~", "None"):
        return None
    if "boolean" in kinds and text.lower() in ("true", "false"):
        return text.lower() == "true"
    if "array" in kinds and text.startswith("["):
        import yaml

        return _typed(yaml.safe_load(text), spec)
    for kind, convert in (("integer", int), ("number", float)):
        if kind in kinds and "string" not in kinds:
            try:
                number = convert(text)
            except ValueError:
                continue
            return int(number) if kind == "number" and float(number).is_integer() and "." not in text else number
    return value


def type_by_schema(config: dict, schema: dict) -> None:
    """Give config values that arrive as text the type of their schema (in place).

    `snakemake --config somatic='{min_tumor_vaf: 0.1}'` passes nested values as strings
    ('0.1'); the schema says which are numbers, integers, booleans or lists.
    """
    properties = schema.get("properties", {})
    for key, value in config.items():
        spec = properties.get(key)
        if not isinstance(spec, dict):
            continue
        if isinstance(value, dict):
            type_by_schema(value, spec)
        else:
            config[key] = _typed(value, spec)
