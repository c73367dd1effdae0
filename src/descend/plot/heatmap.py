"""Sweep heatmaps: a table metric over a grid of two hyperparameters."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from descend.experiments import Results
from descend.plot._runs import base_method, gap_floor, known_minimum
from descend.plot._style import new_figure, require_matplotlib, styled

__all__ = ["sweep_heatmap"]

_VALUES = {
    "fun": "final objective",
    "distance": "distance to the minimiser",
    "nit": "iterations",
    "nfev": "objective evaluations",
    "time": "time [s]",
    "time_to_target": "time to target [s]",
    "nfev_to_target": "evaluations to target",
}


def sweep_heatmap(
    results: Results,
    x: str | None = None,
    y: str | None = None,
    *,
    value: str = "fun",
    method: str | None = None,
) -> Any:
    """Show one table column, median over seeds, for each pair of swept hyperparameters.

    Each cell is annotated with its value; the best cell (lowest) is outlined and cells with
    no value (a run that never reached the target, or diverged) are hatched. The colour scale
    is logarithmic when every value is positive and they span more than two decades; for
    ``value="fun"`` on a problem with a known minimum the cells show ``f - f*``.

    Parameters
    ----------
    results : Results
        From `descend.sweep`.
    x, y : str, optional
        The hyperparameters for the columns and rows; default: the swept ones, in order. A
        sweep over one hyperparameter gives a single row.
    value : str
        A numeric table column: ``"fun"``, ``"distance"``, ``"nit"``, ``"nfev"``, ``"time"``,
        ``"time_to_target"`` or ``"nfev_to_target"``.
    method : str, optional
        Which method to show when the sweep ran several.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from descend.experiments.sweep import sweep
    >>> res = sweep("booth", "sgd", {"lr": [0.01, 0.05], "momentum": [0.0, 0.9]},
    ...                     budget=50)
    >>> fig = sweep_heatmap(res, x="lr", y="momentum")
    >>> fig.axes[0].get_xlabel(), fig.axes[0].get_ylabel(), fig.axes[0].get_title()
    ('lr', 'momentum', 'booth: sgd sweep')
    """
    if not isinstance(results, Results):
        raise TypeError(
            f"sweep_heatmap takes the Results of descend.sweep; got {type(results).__name__}"
        )
    if value not in _VALUES:
        raise ValueError(f"value must be one of {sorted(_VALUES)}; got {value!r}")
    x, y = _axes(results, x, y)
    rows = _rows_of(results, method)
    title = f"{results.problem_name}: {base_method(rows[0]['method'])} sweep"
    xs = _levels(rows, x)
    ys = _levels(rows, y) if y is not None else [None]
    grid = np.full((len(ys), len(xs)), np.nan)
    for i, y_level in enumerate(ys):
        for j, x_level in enumerate(xs):
            cell = [
                float(row[value])
                for row in rows
                if row.get(x) == x_level and (y is None or row.get(y) == y_level)
            ]
            finite = [v for v in cell if math.isfinite(v)]
            # A cell is only as good as its worst seed: any failed seed makes it blank.
            if cell and len(finite) == len(cell):
                grid[i, j] = float(np.median(finite))
    label = _VALUES[value]
    f_min = known_minimum(results)
    if value == "fun" and f_min is not None:
        grid = np.maximum(grid - f_min, gap_floor(grid - f_min))
        label = r"final $f - f^*$"
    return _draw(title, grid, xs, ys, x, y, f"{label}, median over seeds")


def _axes(results: Results, x: str | None, y: str | None) -> tuple[str, str | None]:
    swept = results.param_names
    if not swept:
        raise ValueError(
            f"the results for {results.problem_name!r} vary no hyperparameters: "
            "sweep_heatmap needs the Results of descend.sweep"
        )
    for name in (x, y):
        if name is not None and name not in swept:
            raise ValueError(f"{name!r} was not swept; the swept hyperparameters are {swept}")
    if x is None:
        x = swept[0]
    if y is None and len(swept) > 1:
        y = next(name for name in swept if name != x)
    return x, y


def _rows_of(results: Results, method: str | None) -> list[dict[str, Any]]:
    methods = list(dict.fromkeys(base_method(name) for name in results.methods))
    if method is None:
        if len(methods) > 1:
            raise ValueError(f"the sweep ran several methods {methods}: choose one with method=")
        method = methods[0]
    if method not in methods:
        raise ValueError(f"no runs of method {method!r}; the methods are {methods}")
    return [row for row in results.rows() if base_method(row["method"]) == method]


def _levels(rows: list[dict[str, Any]], name: str) -> list[Any]:
    levels = list(dict.fromkeys(row[name] for row in rows if name in row))
    try:
        return sorted(levels)
    except TypeError:  # mixed types (e.g. None and numbers) keep the sweep's order
        return levels


def _draw(
    title: str,
    grid: np.ndarray,
    xs: list[Any],
    ys: list[Any],
    x: str,
    y: str | None,
    label: str,
) -> Any:
    require_matplotlib()
    from matplotlib.colors import LogNorm, Normalize

    finite = grid[np.isfinite(grid)]
    use_log = finite.size > 0 and finite.min() > 0 and finite.max() > 100 * finite.min()
    if finite.size == 0:
        norm = Normalize(0.0, 1.0)
    elif use_log:
        norm = LogNorm(finite.min(), finite.max())
    else:
        norm = Normalize(finite.min(), finite.max())
    with styled():
        fig, (ax,) = new_figure(1.1 * len(xs) + 2.8, 0.7 * len(ys) + 1.8)
        ax.grid(False)
        ax.set_facecolor("0.92")
        image = ax.imshow(
            np.ma.masked_invalid(grid),
            cmap="viridis_r",
            norm=norm,
            aspect="auto",
            origin="lower",
        )
        for i in range(len(ys)):
            for j in range(len(xs)):
                _annotate(ax, i, j, grid[i, j], norm, image.cmap)
        if finite.size:
            row, column = np.unravel_index(np.nanargmin(grid), grid.shape)
            ax.add_patch(_outline(int(column), int(row)))
        ax.set_xticks(range(len(xs)), [_tick(v) for v in xs])
        ax.set_xlabel(x)
        if y is None:
            ax.set_yticks([])
        else:
            ax.set_yticks(range(len(ys)), [_tick(v) for v in ys])
            ax.set_ylabel(y)
        ax.spines[:].set_visible(False)
        fig.colorbar(image, ax=ax, label=label, shrink=0.9)
        ax.set_title(title)
    return fig


def _annotate(ax: Any, i: int, j: int, value: float, norm: Any, cmap: Any) -> None:
    if not math.isfinite(value):
        ax.add_patch(_outline(j, i, hatch=True))
        ax.text(j, i, "failed", ha="center", va="center", fontsize=7, color="0.3")
        return
    red, green, blue, _ = cmap(norm(value))
    dark = 0.299 * red + 0.587 * green + 0.114 * blue < 0.5
    ax.text(
        j,
        i,
        f"{value:.3g}",
        ha="center",
        va="center",
        fontsize=7,
        color="white" if dark else "black",
    )


def _outline(j: int, i: int, hatch: bool = False) -> Any:
    from matplotlib.patches import Rectangle

    if hatch:
        return Rectangle(
            (j - 0.5, i - 0.5), 1, 1, fill=False, hatch="///", edgecolor="0.7", linewidth=0
        )
    return Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="#D55E00", linewidth=2.0)


def _tick(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
