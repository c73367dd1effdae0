"""Progress display for training: a tqdm bar when tqdm is installed, else one line per epoch."""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["Progress"]


def _format(logs: dict[str, float]) -> str:
    return " - ".join(f"{key} {value:.4g}" for key, value in logs.items())


class Progress:
    """Show training progress on stderr.

    ``verbose=0``: nothing. ``verbose=1``: a tqdm progress bar over the epochs with the latest
    losses (tqdm is optional: ``pip install tqdm``; without it, one line per epoch).
    ``verbose>=2``: one line per epoch.

    Examples
    --------
    >>> progress = Progress(total=3, initial=0, verbose=0)
    >>> progress.update(1, {"loss": 0.5})
    >>> progress.close()
    """

    def __init__(self, total: int, initial: int, verbose: int) -> None:
        self.total = total
        self.verbose = verbose
        self.bar: Any = None
        if verbose == 1:
            try:
                from tqdm.auto import tqdm
            except ImportError:
                return
            self.bar = tqdm(total=total, initial=initial, unit="epoch", file=sys.stderr)

    def update(self, epoch: int, logs: dict[str, float]) -> None:
        """Report that ``epoch`` (1-based) finished with these values."""
        if self.verbose == 0:
            return
        if self.bar is not None:
            self.bar.set_postfix(logs, refresh=False)
            self.bar.update(1)
        else:
            print(f"epoch {epoch}/{self.total} - {_format(logs)}", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
