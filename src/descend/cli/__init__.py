"""The ``descend`` console script: compare, sweep, lr-find, minimize, fit and problems.

Run ``descend --help`` for the commands, or ``python -m descend.cli``. Every subcommand
prints a readable table; ``--json`` prints machine-readable results instead; bad arguments,
files or settings give one line on stderr and exit code 2.

Examples
--------
>>> from descend.cli import main
>>> main(["problems", "--tag", "singular-hessian"])  # doctest: +ELLIPSIS
name ...
powell_singular ...
0
"""

from descend.cli.main import build_parser, main

__all__ = ["build_parser", "main"]
