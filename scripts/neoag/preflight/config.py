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
