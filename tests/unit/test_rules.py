"""Workflow conventions: every rule logs, every rule that runs a tool has a pinned env."""

import re
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
RULE = re.compile(r"^rule (\w+):\n((?:[ \t]+.*\n|\n)*)", re.MULTILINE)


def rules():
    for path in sorted((REPO / "rules").glob("*.smk")):
        for name, body in RULE.findall(path.read_text()):
            yield path.name, name, body


RULES = list(rules())


def test_rules_are_found():
    wanted = {"call_freebayes", "consensus", "select_somatic", "annotate", "score_chunk", "rank"}
    assert wanted <= {name for _, name, _ in RULES}


@pytest.mark.parametrize("path, name, body", RULES, ids=[name for _, name, _ in RULES])
def test_every_rule_has_a_log(path, name, body):
    assert re.search(r"^\s+log:", body, re.MULTILINE), f"{path}: rule {name} has no log:"


@pytest.mark.parametrize("path, name, body", RULES, ids=[name for _, name, _ in RULES])
def test_every_rule_that_runs_something_has_a_conda_env_that_exists(path, name, body):
    if not re.search(r"^\s+(shell|script|run|wrapper):", body, re.MULTILINE):
        return
    env = re.search(r"^\s+conda:\s*\n\s+\"([^\"]+)\"", body, re.MULTILINE)
    assert env, f"{path}: rule {name} runs a tool but has no conda: env"
    assert (REPO / "rules" / env.group(1)).resolve().is_file(), f"{path}: rule {name}: {env.group(1)} is missing"


@pytest.mark.parametrize("env", sorted((REPO / "envs").glob("*.yaml")), ids=lambda p: p.name)
def test_conda_envs_pin_every_package(env):
    spec = yaml.safe_load(env.read_text())
    assert spec["channels"][-1] == "nodefaults"
    for dependency in spec["dependencies"]:
        if isinstance(dependency, dict):  # the pip: section
            assert all("==" in package for package in dependency["pip"]), f"{env.name}: unpinned pip package"
        else:
            assert re.match(r"^[\w.-]+ ?=", dependency), f"{env.name}: '{dependency}' is not pinned"


SHELL = re.compile(r"^\s+shell:\n((?:\s+\".*\"\n?)+)", re.MULTILINE)
# Unquoted placeholders that are safe, and why: numbers validated by the config schema, and
# option strings built in rules/functions/calling.smk with shlex.quote around every path (the user's
# 'extra' options are checked for shell syntax by the preflight).
SAFE_UNQUOTED = {
    "threads", "params.fraction", "params.alt_count", "params.mapq", "params.baseq", "params.max_depth",
    "params.java", "params.options", "params.gather[vcfs]", "params.gather[stats]", "params.extra",
    "params.bams", "params.normal",  # the DNA BAMs (tumor-only: the tumor alone), each shlex.quote'd
}  # fmt: skip


@pytest.mark.parametrize("path, name, body", RULES, ids=[name for _, name, _ in RULES])
def test_shell_commands_quote_every_path_and_name(path, name, body):
    """No shell injection through sample names, paths or config strings: every {input}, {output},
    {log}, {wildcards} and {params} placeholder of a shell command is quoted with :q, unless it
    is known to be safe (SAFE_UNQUOTED)."""
    shell = SHELL.search(body)
    if not shell:
        return
    placeholders = re.findall(r"(?<!\{)\{([^{}]+)\}(?!\})", shell.group(1))
    unsafe = [p for p in placeholders if not p.endswith(":q") and p not in SAFE_UNQUOTED]
    assert not unsafe, f"{path}: rule {name} has unquoted placeholders {unsafe}: add :q"


def test_the_shell_scan_sees_an_unquoted_sample_name():
    body = '    shell:\n        "tool --prefix {wildcards.sample} {input.bam:q} > {log:q}"\n'
    placeholders = re.findall(r"(?<!\{)\{([^{}]+)\}(?!\})", SHELL.search(body).group(1))
    assert [p for p in placeholders if not p.endswith(":q")] == ["wildcards.sample"]


SMK_FILES = sorted((REPO / "rules").rglob("*.smk"))


def names(pattern: str) -> dict[str, set[str]]:
    """Per .smk file under rules/ (path relative to it), the names that the pattern's group captures."""
    found = {}
    for path in SMK_FILES:
        found[path.relative_to(REPO / "rules").as_posix()] = set(re.findall(pattern, path.read_text(), re.MULTILINE))
    return found


def test_no_function_shares_a_name_with_a_rule():
    rules = set().union(*names(r"^(?:rule|checkpoint) (\w+):").values())
    functions = names(r"^def (\w+)\(")
    clashes = {path: sorted(functions[path] & rules) for path in functions if functions[path] & rules}
    assert not clashes, f"functions named like rules: {clashes}"


def test_rules_and_functions_live_in_separate_files():
    """snakemake --lint flags a file that mixes them: a stage's functions are in rules/functions/<stage>.smk."""
    rules, functions = names(r"^(?:rule|checkpoint) (\w+):"), names(r"^def (\w+)\(")
    mixed = [path for path in rules if rules[path] and functions[path]]
    assert not mixed, f"rules and functions in the same file: {mixed}"
