"""The learning-rate range test's curve: loss against a geometrically growing learning rate."""

from __future__ import annotations

from typing import Any

import numpy as np

from descend.experiments import LRFindResult
from descend.plot._style import PALETTE, new_figure, styled

__all__ = ["lr_find"]


def lr_find(result: LRFindResult) -> Any:
    """Plot the loss against the learning rate (log scale), with the suggested rate marked.

    The raw loss is drawn faintly and the smoothed loss boldly; a dashed line marks
    ``result.suggestion`` and a dotted one the rate at which the loss diverged. The y axis
    stops a little above the loss at the start, so the blow-up at the end does not flatten
    the part of the curve that matters.

    Parameters
    ----------
    result : LRFindResult
        From `descend.lr_find`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from descend.experiments import LRFindResult
    >>> lrs = np.geomspace(1e-4, 1.0, 50)
    >>> loss = 1.0 / (1.0 + 300 * lrs) + lrs**2 * 20
    >>> fig = lr_find(LRFindResult(lrs, loss, loss, suggestion=0.01, diverged_at=None,
    ...                            settings={}))
    >>> fig.axes[0].get_xscale()
    'log'
    """
    if not isinstance(result, LRFindResult):
        raise TypeError(
            f"descend.plot.lr_find takes the LRFindResult of descend.lr_find; "
            f"got {type(result).__name__}"
        )
    lrs = np.asarray(result.lrs, dtype=np.float64)
    losses = np.asarray(result.losses, dtype=np.float64)
    smoothed = np.asarray(result.smoothed, dtype=np.float64)
    if lrs.size == 0:
        raise ValueError("the learning-rate test recorded no steps: nothing to plot")
    with styled():
        fig, (ax,) = new_figure(6.0, 3.8)
        ax.plot(lrs, losses, color=PALETTE[5], alpha=0.45, linewidth=0.9, label="loss")
        ax.plot(lrs, smoothed, color=PALETTE[0], linewidth=2.0, label="smoothed loss")
        at = float(np.interp(np.log(result.suggestion), np.log(lrs), smoothed))
        ax.axvline(
            result.suggestion,
            color=PALETTE[1],
            linestyle="--",
            linewidth=1.2,
            label=f"suggested lr = {result.suggestion:.3g}",
        )
        ax.plot([result.suggestion], [at], "o", color=PALETTE[1], markersize=6)
        if result.diverged_at is not None:
            ax.axvline(
                result.diverged_at,
                color="0.3",
                linestyle=":",
                linewidth=1.2,
                label=f"diverged at lr = {result.diverged_at:.3g}",
            )
        finite = smoothed[np.isfinite(smoothed)]
        if finite.size:
            low, start = float(finite.min()), float(finite[0])
            span = max(start - low, 1e-12 * max(1.0, abs(start)))
            ax.set_ylim(low - 0.1 * span, start + 0.5 * span)
        ax.set_xscale("log")
        ax.set_xlabel("learning rate")
        ax.set_ylabel("loss")
        ax.set_title("learning-rate range test")
        ax.legend(loc="best")
    return fig
