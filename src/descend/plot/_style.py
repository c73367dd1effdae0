"""What every descend figure shares: the lazy matplotlib import, the look, and method colours.

Figures are built as :class:`matplotlib.figure.Figure` objects directly, without pyplot, so
making one never opens a window, never touches pyplot's global state and works on a headless
server; ``fig.savefig(...)`` writes it with the Agg renderer.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["PALETTE", "method_colors", "new_figure", "require_matplotlib", "styled"]

# Colour-blind-safe (Okabe-Ito, then Tol's muted scheme) so up to 15 methods stay distinct.
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#882255",  # wine
    "#117733",  # green
    "#332288",  # indigo
    "#999933",  # olive
    "#AA4499",  # purple
    "#44AA99",  # teal
    "#DDCC77",  # sand
    "#888888",  # grey
)

# The standard methods always get the same colour, in every figure and every report.
_FIXED = {
    "gd": 14,
    "sgd": 14,
    "momentum": 4,
    "nesterov": 7,
    "adagrad": 10,
    "rmsprop": 11,
    "adam": 1,
    "adamw": 13,
    "cg": 2,
    "bfgs": 0,
    "lbfgs": 5,
    "newton-cg": 3,
    "newton": 9,
}

_RC = {
    "font.size": 9.0,
    "axes.titlesize": 10.0,
    "axes.labelsize": 9.0,
    "legend.fontsize": 8.0,
    "xtick.labelsize": 8.0,
    "ytick.labelsize": 8.0,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linewidth": 0.6,
    "lines.linewidth": 1.6,
    "legend.frameon": False,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
}


def require_matplotlib() -> Any:
    """Import matplotlib, or explain how to install it.

    Examples
    --------
    >>> require_matplotlib().__name__
    'matplotlib'
    """
    try:
        import matplotlib
    except ImportError as error:
        raise ImportError(
            "descend.plot needs matplotlib, which is not installed. Install it with "
            "`pip install 'descend[plot]'` (or `pip install matplotlib`)."
        ) from error
    return matplotlib


@contextmanager
def styled() -> Iterator[None]:
    """Apply descend's figure style (font sizes, grid, no top/right spines) inside the block.

    Matplotlib reads these settings when each artist is created, so a plot function builds
    its whole figure inside one ``with styled():`` block.

    Examples
    --------
    >>> with styled():
    ...     fig, (ax,) = new_figure()
    >>> ax.spines["top"].get_visible()
    False
    """
    matplotlib = require_matplotlib()
    with matplotlib.rc_context(_RC):
        yield


def new_figure(
    width: float = 6.4, height: float = 4.0, ncols: int = 1, nrows: int = 1
) -> tuple[Any, list[Any]]:
    """A figure with a grid of axes, as ``(fig, axes in row order)``; call inside `styled`.

    Examples
    --------
    >>> with styled():
    ...     fig, axes = new_figure(ncols=2)
    >>> len(axes)
    2
    """
    require_matplotlib()
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, list(fig.subplots(nrows, ncols, squeeze=False).ravel())


def method_colors(methods: Iterable[str]) -> dict[str, str]:
    """A colour for each method name: fixed for the standard methods, the rest in name order.

    The same set of methods always gets the same colours, so a method looks the same in
    every figure of a report.

    Examples
    --------
    >>> colors = method_colors(["adam", "bfgs", "my-method"])
    >>> colors["adam"] == method_colors(["adam"])["adam"]
    True
    >>> len(set(colors.values()))
    3
    """
    names = list(dict.fromkeys(methods))
    colors: dict[str, str] = {}
    for name in names:
        slot = _FIXED.get(_base_name(name))
        if slot is not None and PALETTE[slot] not in colors.values():
            colors[name] = PALETTE[slot]
    free = [c for c in PALETTE if c not in colors.values()]
    for i, name in enumerate(sorted(n for n in names if n not in colors)):
        colors[name] = free[i % len(free)] if free else PALETTE[i % len(PALETTE)]
    return {name: colors[name] for name in names}


def _base_name(method: str) -> str:
    # "sgd(lr=0.01)" and "SGD" share the colour of "sgd"; "l-bfgs" that of "lbfgs".
    name = method.split("(", 1)[0].strip().lower().replace("_", "-")
    return {"l-bfgs": "lbfgs", "newtoncg": "newton-cg"}.get(name, name)
