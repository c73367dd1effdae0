"""The one error type the command line reports as a usage error (exit code 2)."""

from __future__ import annotations

__all__ = ["USAGE_ERROR", "CommandError"]

#: argparse's exit code for bad arguments; every input error of ours uses it too.
USAGE_ERROR = 2


class CommandError(Exception):
    """Bad input to a subcommand: printed as one line on stderr, exit code 2.

    Examples
    --------
    >>> str(CommandError("no such file: data.csv"))
    'no such file: data.csv'
    """
