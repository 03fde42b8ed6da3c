"""Running one workflow step: bad input ends it with one clear paragraph, no traceback."""

from __future__ import annotations

import errno
import os
import shutil
import sys
import textwrap
import time
from collections.abc import Callable

from neoag.errors import NeoagInputError

# Errors of a full disk or an exhausted quota: said with the path, not as a traceback.
DISK_FULL = (errno.ENOSPC, errno.EDQUOT)


def disk_full_message(error: OSError, arguments: dict) -> str:
    """Which path's disk is full: the error's own file, else the step's output folders (the path
    arguments whose folder exists), each with the space left on its filesystem."""
    candidates = [error.filename] if error.filename else [v for v in arguments.values() if isinstance(v, str)]
    folders = {}
    for path in candidates:
        folder = os.path.dirname(os.path.abspath(str(path)))
        if os.path.isdir(folder):
            folders.setdefault(os.stat(folder).st_dev, folder)
    shown = "; ".join(f"{folder} ({shutil.disk_usage(folder).free // 2**20} MiB free)" for folder in folders.values())
    what = "no space left on the device" if error.errno == errno.ENOSPC else "the disk quota is exhausted"
    return (
        f"{what} while writing {error.filename or 'the outputs'}; the step writes to: {shown or 'unknown'}. Free "
        "space there (old results/, .snakemake/ of finished runs, temporary files) or run in a folder on a larger "
        "disk (snakemake --directory), then run the same command again: finished steps are kept."
    )


def run_step(function: Callable, *args, **kwargs):
    """Call function; on NeoagInputError (or a full disk) print the message to the log (sys.stderr)
    and to the terminal, then exit with status 1. A step given workers > 1 logs its main process's
    CPU seconds: the part that does not run in parallel (bench/human/run.py reads it)."""
    try:
        result = function(*args, **kwargs)
        if kwargs.get("workers", 1) > 1:
            print(f"main process: {time.process_time():.1f} CPU s beside {kwargs['workers']} worker processes",
                  file=sys.stderr)  # fmt: skip
        return result
    except OSError as error:
        if error.errno not in DISK_FULL:
            raise
        _stop(disk_full_message(error, kwargs))
    except NeoagInputError as error:
        _stop(str(error))


def _stop(text: str) -> None:
    """Print one paragraph to the log and the terminal; exit with status 1."""
    message = "neoag: error: " + textwrap.fill(
        text, width=100, subsequent_indent="  ", break_long_words=False, break_on_hyphens=False
    )  # paths stay whole
    print(message, file=sys.stderr)
    if sys.__stderr__ is not None and sys.stderr is not sys.__stderr__:
        print(message, file=sys.__stderr__)
    sys.exit(1)
