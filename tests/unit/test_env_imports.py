"""Every rule's conda env provides what the rule's script imports.

For each rule with `script:` and `conda:`, the script's imports are followed through the library
(scripts/neoag, every module it reaches, lazy imports inside functions included) and each
third-party module is mapped to the conda (or pip) package that provides it. A module missing
from DISTRIBUTIONS fails the test until someone says which package brings it.
"""

import ast
import re
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
SCRIPTS = REPO / "scripts"
RULE = re.compile(r"^rule (\w+):\n((?:[ \t]+.*\n|\n)*)", re.MULTILINE)

# Top-level module name -> the package (conda or pip name) that provides it.
DISTRIBUTIONS = {
    "ahocorasick_rs": "ahocorasick-rs",
    "jinja2": "jinja2",
    "jsonschema": "jsonschema",
    "matplotlib": "matplotlib-base",
    "mhcflurry": "mhcflurry",
    "mhcgnomes": "mhcgnomes",
    "numpy": "numpy",
    "pandas": "pandas",
    "pysam": "pysam",
    "scipy": "scipy",
    "torch": "pytorch",
    "yaml": "pyyaml",
}
# What a package brings with it, for the few that the env names only through another package.
BROUGHT_BY = {"mhcflurry": {"pytorch", "numpy", "pandas", "mhcgnomes", "pyyaml"}}
# Imports inside a function that the rule reaches through the library but never calls, with why.
# Kept small: every entry is a rule that would fail if the function were called in its env.
NOT_CALLED = {
    # gather_scores and export_scores import neoag.scoring.jobs, which holds the scoring job too;
    # only score_chunk (envs/mhcflurry.yaml) builds a Scorer, whose methods import MHCflurry.
    ("gather_scores", "mhcflurry"): "neoag.scoring.predictor.Scorer is built only by score_chunk",
    ("gather_scores", "torch"): "neoag.scoring.predictor.Scorer is built only by score_chunk",
    ("export_scores", "mhcflurry"): "neoag.scoring.predictor.Scorer is built only by score_chunk",
    ("export_scores", "torch"): "neoag.scoring.predictor.Scorer is built only by score_chunk",
}


def rule_scripts_and_envs():
    for path in sorted((REPO / "rules").glob("*.smk")):
        for name, body in RULE.findall(path.read_text()):
            script = re.search(r"^\s+script:\s*\n\s+\"([^\"]+)\"", body, re.MULTILINE)
            env = re.search(r"^\s+conda:\s*\n\s+\"([^\"]+)\"", body, re.MULTILINE)
            if script:
                yield (
                    name,
                    (REPO / "rules" / script.group(1)).resolve(),
                    env and (REPO / "rules" / env.group(1)).resolve(),
                )


def module_file(module: str) -> Path | None:
    """The library file of a dotted neoag module name, or None if it is not a module."""
    base = SCRIPTS.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def imported_modules(path: Path, lazy: bool = True) -> set[str]:
    """Every module name an import statement of the file names: anywhere in the file, or (lazy
    False) at the module's top level only."""
    names = set()
    package = ".".join(path.relative_to(SCRIPTS).with_suffix("").parts[:-1]) if SCRIPTS in path.parents else ""
    tree = ast.parse(path.read_text(), filename=str(path))
    nodes = ast.walk(tree) if lazy else (node for node in tree.body)
    for node in nodes:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(p for p in [*parts, base] if p)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)  # submodules: kept if they exist
    return names


def third_party_imports(script: Path, lazy: bool = True) -> dict[str, Path]:
    """Top-level third-party modules reached from the script, each with a file that imports it
    (lazy False: only the imports that run when the modules are imported)."""
    found, seen, todo = {}, set(), [script]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for name in imported_modules(path, lazy):
            top = name.split(".")[0]
            if top == "neoag":
                parts = name.split(".")
                for i in range(1, len(parts) + 1):  # the packages above a module are imported too
                    file = module_file(".".join(parts[:i]))
                    if file:
                        todo.append(file)
            elif top and top not in sys.stdlib_module_names and top != "__future__":
                found.setdefault(top, path)
    return found


def env_packages(env: Path) -> set[str]:
    spec = yaml.safe_load(env.read_text())
    names = set()
    for dependency in spec["dependencies"]:
        if isinstance(dependency, dict):
            names.update(re.split(r"[=<>!~ ]", item)[0].lower() for item in dependency["pip"])
        else:
            names.add(re.split(r"[=<>!~ ]", dependency)[0].lower())
    for name in list(names):
        names |= BROUGHT_BY.get(name, set())
    return names


RULES = list(rule_scripts_and_envs())


def test_rules_with_scripts_are_found():
    assert {"rank", "score_chunk", "report", "annotate", "hla_type_builtin"} <= {name for name, _, _ in RULES}


@pytest.mark.parametrize("name, script, env", RULES, ids=[name for name, _, _ in RULES])
def test_the_rules_env_provides_every_import_of_its_script(name, script, env):
    assert env is not None, f"rule {name} runs {script.name} but has no conda: env"
    provided = env_packages(env)
    at_import = third_party_imports(script, lazy=False)
    problems = []
    for module, where in sorted(third_party_imports(script).items()):
        if module not in DISTRIBUTIONS:
            problems.append(f"{where.relative_to(REPO)} imports '{module}': add it to DISTRIBUTIONS")
        elif DISTRIBUTIONS[module] not in provided:
            if (name, module) in NOT_CALLED and module not in at_import:
                continue
            problems.append(
                f"{where.relative_to(REPO)} imports '{module}' but {env.relative_to(REPO)} lacks "
                f"'{DISTRIBUTIONS[module]}'"
            )
    assert not problems, f"rule {name}: " + "; ".join(problems)


def test_the_exceptions_are_still_needed():
    """An entry of NOT_CALLED that no longer matches an import is stale."""
    by_rule = {name: third_party_imports(script) for name, script, _ in RULES}
    for rule, module in NOT_CALLED:
        assert module in by_rule[rule], f"NOT_CALLED: rule {rule} no longer reaches '{module}'"


def test_the_import_walk_follows_the_library():
    """rank.py imports ahocorasick_rs only through the library (proteome matching)."""
    found = third_party_imports(SCRIPTS / "rank.py")
    assert "ahocorasick_rs" in found and found["ahocorasick_rs"].is_relative_to(SCRIPTS / "neoag")
    assert "pandas" in found


def test_a_missing_package_is_seen(tmp_path):
    env = tmp_path / "env.yaml"
    env.write_text("channels: [conda-forge, nodefaults]\ndependencies:\n  - pandas =3.0.3\n")
    assert "ahocorasick-rs" not in env_packages(env)
    assert DISTRIBUTIONS["ahocorasick_rs"] not in env_packages(env)
