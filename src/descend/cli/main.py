"""The ``descend`` command: argument parsing and the error handling shared by subcommands."""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Sequence
from typing import Any

from descend.cli import experiments, tools
from descend.cli._errors import USAGE_ERROR, CommandError

__all__ = ["build_parser", "main"]

_DESCRIPTION = """\
Compare gradient methods, sweep hyperparameters, find a learning rate, minimise a
function or fit a model, from the shell. `descend compare` with no arguments races the
standard methods on the built-in problems and writes an HTML report."""

_EPILOG = """\
examples:
  descend compare                                   # the standard race, report in descend-report/
  descend compare rosenbrock beale --methods adam,bfgs --max-iter 300 --seeds 5
  descend sweep beale --method sgd --grid lr=1e-3,1e-2 --grid momentum=0,0.9
  descend lr-find rosenbrock --optimizer adam
  descend minimize mymodule:loss --x0=0,0 --method bfgs
  descend fit data.csv --target label --model logistic --json
  descend problems --tag convex"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``descend`` command.

    Examples
    --------
    >>> build_parser().parse_args(["problems", "--tag", "convex"]).tag
    'convex'
    """
    parser = argparse.ArgumentParser(
        prog="descend",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from descend import __version__

    parser.add_argument("--version", action="version", version=f"descend {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    experiments.add_parsers(commands)
    tools.add_parsers(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``descend`` command with ``argv`` (default: ``sys.argv[1:]``); the exit code.

    Bad arguments, files or settings print one line on stderr and return 2, like argparse's
    own errors; no traceback.

    Examples
    --------
    >>> main(["problems", "--tag", "singular-hessian"])  # doctest: +ELLIPSIS
    name ...
    0
    >>> main(["problems", "--tag", "no-such-tag"])  # the message goes to stderr
    2
    """
    # The report is drawn off-screen; never let matplotlib look for a display.
    os.environ.setdefault("MPLBACKEND", "Agg")
    parser = build_parser()
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
            return int(args.run(args) or 0)
    except BrokenPipeError:
        # The reader went away (`descend ... | head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except CommandError as error:
        return _usage_error(args.command, str(error))
    except (ValueError, TypeError, KeyError, OSError, ImportError) as error:
        # descend's own input validation raises these with a message meant for the user.
        message = error.args[0] if isinstance(error, KeyError) and error.args else error
        return _usage_error(args.command, str(message))
    except KeyboardInterrupt:
        print("descend: interrupted", file=sys.stderr)
        return 130


def _usage_error(command: str, message: str) -> int:
    first_line = message.strip().splitlines()[0] if message.strip() else "invalid input"
    print(f"descend {command}: error: {first_line}", file=sys.stderr)
    return USAGE_ERROR


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: Any = None,
    line: str | None = None,
) -> None:
    # A user of the command wants the advice in the warning, not our source location.
    print(f"descend: warning: {message}", file=sys.stderr)
