# Where the workflow's own files are (WORKFLOW_DIR) and its library on sys.path, for the code
# that runs inside the Snakefile (rules/config.smk, rules/common.smk). Included first.
import hashlib
import os
import sys
from pathlib import Path

from snakemake.sourcecache import LocalSourceFile


def workflow_folder(rules_dir):
    """The workflow's own folder on this machine: the one that holds scripts/ and config/.

    Found from this file (rules_dir: workflow.current_basedir while common.smk is read), never
    from the workflow's basedir, which is the caller's folder when neoag is used as a module
    (README, "Deploying"). A remote module (github(...), gitfile(...)) has no folder here: the
    files listed in workflow/deployed_files.txt (the library and the config schemas) are copied
    through Snakemake's source cache into .snakemake/neoag-workflow/<digest of the source>/, and
    PYTHONPATH names its scripts/ for the jobs (whose scripts Snakemake fetches on its own).
    """
    if isinstance(rules_dir, LocalSourceFile):
        return Path(rules_dir.get_path_or_uri(secret_free=False)).parent
    root = rules_dir.join("..")
    source = root.get_path_or_uri(secret_free=True)
    folder = Path(".snakemake/neoag-workflow", hashlib.sha256(source.encode()).hexdigest()[:16]).resolve()
    with workflow.sourcecache.open(root.join("workflow/deployed_files.txt")) as listing:
        names = [line.strip() for line in listing.read().splitlines() if line.strip() and line[0] != "#"]
    for name in names:
        target = folder / name
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            with workflow.sourcecache.open(root.join(name), "rb") as remote:
                target.write_bytes(remote.read())
    # Set for the jobs, not read from the user (so no envvars: directive).
    paths = [str(folder / "scripts"), os.environ.get("PYTHONPATH", "")]
    os.environ.update(PYTHONPATH=os.pathsep.join(path for path in paths if path))
    return folder


WORKFLOW_DIR = workflow_folder(workflow.current_basedir)
sys.path.insert(0, str(WORKFLOW_DIR / "scripts"))
