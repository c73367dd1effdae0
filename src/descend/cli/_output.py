"""What the subcommands print and write: progress, tables, JSON and the report directory."""

from __future__ import annotations

import json
import sys
import time
from typing import Any, TextIO

from descend.cli._errors import CommandError

__all__ = ["Progress", "check_plotting", "print_json", "table"]


class Progress:
    """Progress of a long run on stderr (stdout stays clean for tables and JSON).

    On a terminal a single line is redrawn after every run; in a log (not a terminal) only
    one line per finished problem is written, so CI logs stay short.

    Examples
    --------
    >>> import io
    >>> stream = io.StringIO()
    >>> progress = Progress(stream, enabled=True)
    >>> progress.start("rosenbrock")
    >>> progress(1, 2, "bfgs", 0)
    >>> progress.finish(2)
    >>> stream.getvalue().startswith("rosenbrock: 2 runs in ")
    True
    """

    def __init__(self, stream: TextIO | None = None, enabled: bool = True) -> None:
        self.stream = sys.stderr if stream is None else stream
        self.enabled = enabled
        self.live = enabled and self.stream.isatty()
        self.name = ""
        self._t0 = time.perf_counter()

    def start(self, name: str) -> None:
        """A new problem begins."""
        self.name = name
        self._t0 = time.perf_counter()

    def __call__(self, done: int, total: int, method: str, seed: int) -> None:
        if self.live:
            line = f"{self.name}: [{done}/{total}] {method} seed {seed}"
            self.stream.write("\r" + line[:78].ljust(78))
            self.stream.flush()

    def finish(self, runs: int) -> None:
        """The problem is done: one summary line."""
        if not self.enabled:
            return
        seconds = time.perf_counter() - self._t0
        prefix = "\r" + " " * 78 + "\r" if self.live else ""
        self.stream.write(f"{prefix}{self.name}: {runs} runs in {seconds:.1f} s\n")
        self.stream.flush()


def table(header: list[str], rows: list[list[str]], align: str = "") -> str:
    """A plain-text table; ``align`` has one ``l`` or ``r`` per column (default: the first
    column left, the others right).

    Examples
    --------
    >>> print(table(["name", "dim", "tags"], [["beale", "2", "mgh"], ["wood", "4", "-"]], "lrl"))
    name   dim  tags
    beale    2  mgh
    wood     4  -
    """
    align = align or "l" + "r" * (len(header) - 1)
    lines = [header, *rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join(
        "  ".join(
            cell.ljust(width) if side == "l" else cell.rjust(width)
            for cell, width, side in zip(line, widths, align)
        ).rstrip()
        for line in lines
    )


def print_json(payload: Any) -> None:
    """Print ``payload`` as JSON on stdout (NaN and infinities must already be None)."""
    print(json.dumps(payload, indent=2, allow_nan=False))


def check_plotting() -> None:
    """Fail early, before any run, when the report cannot be drawn."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise CommandError(
            "the report needs matplotlib: pip install 'descend[plot]', or pass --no-report"
        ) from None
