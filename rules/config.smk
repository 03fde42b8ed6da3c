# The YAML config files, read strictly before Snakemake loads config/config.yaml: a tab or a key
# given twice is one paragraph naming the file and the line (Snakemake would name neither, or
# silently keep the last value). Files given with --configfile were loaded by Snakemake already;
# they are read again here for keys given twice.
import os
import sys

# the library is on sys.path: rules/library.smk
from neoag.errors import NeoagInputError  # noqa: E402
from neoag.preflight.config import check_yaml_file  # noqa: E402

try:
    for _path in ["config/config.yaml", *map(str, workflow.overwrite_configfiles or [])]:
        if os.path.exists(_path):
            check_yaml_file(_path)
except NeoagInputError as _error:
    sys.exit(f"neoag: error: {_error}")
