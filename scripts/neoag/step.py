"""Running one workflow step: bad input ends it with one clear paragraph, no traceback."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Callable

from neoag.errors import NeoagInputError


def run_step(function: Callable, *args, **kwargs):
    """Call function; on NeoagInputError print the message to the log (sys.stderr)
    and to the terminal, then exit with status 1."""
    try:
        return function(*args, **kwargs)
    except NeoagInputError as error:
        message = "neoag: error: " + textwrap.fill(str(error), width=100, subsequent_indent="  ")
        print(message, file=sys.stderr)
        if sys.__stderr__ is not None and sys.stderr is not sys.__stderr__:
            print(message, file=sys.__stderr__)
        sys.exit(1)
