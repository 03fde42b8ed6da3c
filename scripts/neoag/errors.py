"""The one exception type that neoag raises for bad input."""


class NeoagInputError(ValueError):
    """Bad input: the message names the file, the record and the fix.

    The workflow's adapters print it as one paragraph instead of a traceback.
    """
