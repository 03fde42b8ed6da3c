"""neoag used the way core facilities deploy it, and Snakemake's own report.

- As a Snakemake module from another folder (what `snakedeploy deploy-workflow` writes: a
  workflow/Snakefile with `module neoag: snakefile: ...; config: config` and a copy of
  config/), with a local path: the dry-run plans the whole workflow and a real demo run gives
  the same result tables, byte for byte, as the demo run from the repository.
- As a remote module: gitfile(...), Snakemake's local stand-in for github(...), reads the
  committed workflow from git through the source cache (no folder of it here), as github(...)
  does; neoag then copies its library (workflow/deployed_files.txt) and the run gives the
  same tables. It reads the commit HEAD, not uncommitted changes.
- `snakemake --report` after the demo holds the result tables with their captions and the
  workflow description.
"""

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.integration.test_demo_workflow import RESULT_TABLES, run_snakemake

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]

MODULE_SNAKEFILE = """\
configfile: "config/config.yaml"


module neoag:
    snakefile:
        "{snakefile}"
    config:
        config


use rule * from neoag
"""


# Snakemake 9.27's LocalGitFile.join (used by gitfile only) fails on the SourceFile that its own
# job code passes it (jobs.py, _path_to_source_file), where GithubFile.join accepts one; these
# lines give LocalGitFile the same, so that the test reaches neoag's code, not that bug.
GITFILE_JOIN = """\
import snakemake.sourcecache as sourcecache

_join = sourcecache.LocalGitFile.join
sourcecache.LocalGitFile.join = lambda self, path: _join(
    self, path.get_path_or_uri(secret_free=False) if isinstance(path, sourcecache.SourceFile) else path
)


"""


def deploy(folder: Path, snakefile: str | None = None) -> Path:
    """A deployment as snakedeploy lays it out: workflow/Snakefile declaring the module, config/
    copied from the repository; the demo's data linked (its paths in the config are relative)."""
    (folder / "workflow").mkdir(parents=True)
    snakefile = snakefile or MODULE_SNAKEFILE.format(snakefile=REPO / "workflow" / "Snakefile")
    (folder / "workflow" / "Snakefile").write_text(snakefile)
    shutil.copytree(REPO / "config", folder / "config")
    (folder / "resources").symlink_to(REPO / "resources")
    return folder


def run_in(folder: Path, *arguments: str, timeout: int = 900) -> subprocess.CompletedProcess:
    """snakemake started in the deployment folder, finding its workflow/Snakefile itself."""
    command = ["timeout", "-k", "20", str(timeout), sys.executable, "-m", "snakemake", "--cores", "2", *arguments]
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin", "HOME": str(folder)}
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, env=env)


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("demo")
    completed = run_snakemake(workdir)
    assert completed.returncode == 0, completed.stderr[-5000:]
    return workdir


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    return deploy(tmp_path_factory.mktemp("deployment") / "neoag-deployed")


def test_module_dry_run_from_another_folder_plans_the_workflow(deployment):
    completed = run_in(deployment, "--dry-run", "all")
    assert completed.returncode == 0, completed.stderr[-5000:]
    log = completed.stdout + completed.stderr
    for rule in ("call_freebayes", "select_somatic", "annotate", "peptides", "plan_scoring", "gather_scores", "all"):
        assert re.search(rf"^(rule|checkpoint) {rule}:", log, re.MULTILINE), f"the dry-run does not plan {rule}"
    # the caller's folder holds no copy of the library: it is read from the workflow's own folder
    assert not (deployment / "scripts").exists()


def test_module_demo_run_gives_the_demo_results(deployment, demo_run):
    completed = run_in(deployment, "all")
    assert completed.returncode == 0, completed.stderr[-5000:]
    for table in RESULT_TABLES:
        produced = deployment / "results" / "demo" / table
        assert produced.read_bytes() == (demo_run / "results" / "demo" / table).read_bytes(), table
    assert (deployment / "results" / "demo" / "report.html").is_file()


def test_remote_module_copies_the_library_and_gives_the_demo_results(tmp_path, demo_run):
    if subprocess.run(["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True).returncode:
        pytest.skip("the repository is not a git checkout")
    module = MODULE_SNAKEFILE.replace('"{snakefile}"', f'gitfile("{REPO}", path="workflow/Snakefile", ref="HEAD")')
    deployment = deploy(tmp_path / "remote", GITFILE_JOIN + module)
    completed = run_in(deployment, "all")
    assert completed.returncode == 0, completed.stderr[-5000:]
    copied = list((deployment / ".snakemake" / "neoag-workflow").glob("*/scripts/neoag/__init__.py"))
    assert len(copied) == 1, "the remote module's library was not copied through the source cache"
    for table in RESULT_TABLES:
        produced = deployment / "results" / "demo" / table
        assert produced.read_bytes() == (demo_run / "results" / "demo" / table).read_bytes(), table


def test_snakemake_report_holds_the_result_tables_with_captions(demo_run, tmp_path):
    built = tmp_path / "report.zip"
    completed = run_snakemake(demo_run, "--report", str(built))
    assert completed.returncode == 0, completed.stderr[-5000:]
    with zipfile.ZipFile(built) as archive:
        names = archive.namelist()
        page = next(archive.read(n).decode() for n in names if n.endswith("/report.html") and "/data/" not in n)
    text = " ".join(page.replace("\\n", " ").split())  # captions are in the page's data, newlines escaped
    for table in RESULT_TABLES:
        assert any(name.endswith(f"/{table}") and "/data/raw/" in name for name in names), (
            f"{table} is not in the report"
        )
        assert f'"results/demo/{table}"' in text, f"{table} is not listed in the report"
    assert "Ranked neoantigen candidates of sample demo" in text  # candidates.rst, rendered
    assert "Every scored mutant peptide x HLA allele of sample demo" in text  # all_epitopes.rst
    assert "One row per somatic variant of sample demo" in text  # variants.rst
    assert "proposed by freebayes" in text  # workflow.rst, rendered with the run's config
