"""What deploying neoag relies on: the snakemake-workflows layout, the files a remote module
copies, no use of workflow.basedir, the catalog settings, the version and the report captions."""

import re
from pathlib import Path

import yaml

import neoag

REPO = Path(__file__).resolve().parents[2]


def listed_files() -> list[str]:
    lines = (REPO / "workflow" / "deployed_files.txt").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_deployed_files_lists_the_whole_library_and_the_config_schemas():
    """A remote module copies exactly these files (rules/common.smk); a module missing here
    would be a ModuleNotFoundError only for github(...) users. Regenerate with:
    (find scripts/neoag -type f ! -path '*__pycache__*'; ls config/schemas/*.yaml) | sort
    (the library's report templates too: a module without them could not write its report)"""
    library = [p for p in (REPO / "scripts" / "neoag").rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    wanted = sorted(
        [str(p.relative_to(REPO)) for p in library]
        + [str(p.relative_to(REPO)) for p in (REPO / "config" / "schemas").glob("*.yaml")]
    )
    assert sorted(listed_files()) == wanted


def test_the_workflow_is_workflow_snakefile():
    """snakedeploy and the workflow catalog look for workflow/Snakefile; a remote module must not
    start at the repository's top (Snakemake 9 joins its includes to '/rules/...'). The Snakefile
    at the top (the product's shape: `snakemake` in a clone) only includes it and names the
    default target, which Snakemake does not take from an included file."""
    top = (REPO / "Snakefile").read_text()
    assert re.findall(r'^include: "([^"]+)"', top, re.MULTILINE) == ["workflow/Snakefile"]
    assert re.search(r"^rule default:\n    default_target: True\n    input:\n        rules\.all\.input,", top, re.M)
    workflow = (REPO / "workflow" / "Snakefile").read_text()
    includes = re.findall(r'^include: "([^"]+)"', workflow, re.MULTILINE)
    assert "../rules/common.smk" in includes
    for include in includes:
        assert (REPO / "workflow" / include).resolve().is_file(), include
    assert re.search(r"^rule all:", workflow, re.MULTILINE)


def test_no_rule_file_uses_workflow_basedir():
    """workflow.basedir is the caller's folder when neoag is a module."""
    for path in [REPO / "workflow" / "Snakefile", *(REPO / "rules").rglob("*.smk")]:
        code = "\n".join(line.split("#")[0] for line in path.read_text().splitlines())
        assert "workflow.basedir" not in code, f"{path.relative_to(REPO)} uses workflow.basedir"


def test_catalog_settings_follow_the_catalogs_format():
    settings = yaml.safe_load((REPO / ".snakemake-workflow-catalog.yml").read_text())
    usage = settings["usage"]
    assert set(usage) <= {"mandatory-flags", "software-stack-deployment", "report"}
    assert set(usage["mandatory-flags"]) == {"desc", "flags"}
    stacks = usage["software-stack-deployment"]
    assert set(stacks) <= {"conda", "singularity", "singularity+conda"} and any(stacks.values())
    assert usage["report"] is True
    assert (REPO / "config" / "README.md").is_file()  # the catalog shows it as the usage


def test_the_changelog_starts_with_the_version():
    versions = re.findall(r"^## \[(\d+\.\d+\.\d+)\]", (REPO / "CHANGELOG.md").read_text(), re.MULTILINE)
    assert versions and versions[0] == neoag.__version__


def test_every_report_caption_exists():
    captions = []
    for path in (REPO / "rules").glob("*.smk"):
        for caption in re.findall(r'caption="([^"]+)"', path.read_text()):
            captions.append((REPO / "rules" / caption).resolve())
    workflow = (REPO / "workflow" / "Snakefile").read_text()
    captions += [(REPO / "workflow" / p).resolve() for p in re.findall(r'^report: "([^"]+)"', workflow, re.MULTILINE)]
    assert len(captions) >= 4
    for caption in captions:
        assert caption.is_file(), caption
