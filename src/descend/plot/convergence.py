"""Convergence curves: the objective against iterations, evaluations or time, per method."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from descend.experiments import Results, Run
from descend.plot._runs import as_results_list, gap_floor, group_runs, known_minimum
from descend.plot._style import method_colors, new_figure, styled

__all__ = ["convergence"]

_AXES = {
    "iteration": "iteration",
    "evaluations": "objective evaluations",
    "time": "time [s]",
}


def convergence(
    results: Results | list[Results],
    x: str = "iteration",
    *,
    band: bool = True,
    logy: bool | None = None,
    ncols: int = 2,
) -> Any:
    """Plot the objective of every method against iterations, evaluations or time.

    One line per method (and per hyperparameter setting of a sweep): the median over seeds,
    with the range from the best to the worst seed shaded. When the problem's minimum
    ``f*`` is known the y axis shows the gap ``f(x) - f*`` on a log scale, so linear
    convergence appears as a straight line and superlinear convergence as a plunge. A run
    that stopped early keeps its final value for the rest of the plot; a dotted line marks
    the target that counts as solved.

    Parameters
    ----------
    results : Results or list of Results
        From `descend.compare` or `descend.sweep`; a list draws one panel per problem with
        a shared legend and the same colour for a method in every panel.
    x : {"iteration", "evaluations", "time"}
        What the x axis counts: iterations, objective evaluations (the fair measure across
        line-search and fixed-step methods), or seconds.
    band : bool
        Shade the min-max range over seeds.
    logy : bool or None
        Log-scale y axis; default: yes when every value plotted is positive.
    ncols : int
        Panels per row when ``results`` is a list.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import descend
    >>> from descend import problems
    >>> from descend.experiments import Results, Run
    >>> p = problems.get("rosenbrock")
    >>> runs = [Run(m, 0, r.history, r) for m in ("bfgs", "cg")
    ...         for r in [descend.minimize(p.fun, p.x0, m)]]
    >>> fig = convergence(Results("rosenbrock", p, runs, {}), x="evaluations")
    >>> fig.axes[0].get_xlabel(), fig.axes[0].get_yscale()
    ('objective evaluations', 'log')
    """
    if x not in _AXES:
        raise ValueError(f"x must be one of {sorted(_AXES)}; got {x!r}")
    items = as_results_list(results, "descend.plot.convergence")
    labels = [label for item in items for label in group_runs(item)]
    colors = method_colors(labels)
    ncols = max(1, min(int(ncols), len(items)))
    nrows = math.ceil(len(items) / ncols)
    with styled():
        fig, axes = new_figure(4.6 * ncols + 1.6, 3.4 * nrows, ncols=ncols, nrows=nrows)
        handles: dict[str, Any] = {}
        for ax, item in zip(axes, items):
            handles.update(_draw_panel(ax, item, x, band, logy, colors))
        for ax in axes[len(items) :]:
            ax.set_visible(False)
        fig.legend(list(handles.values()), list(handles), loc="outside right upper", title="method")
    return fig


def _draw_panel(
    ax: Any, results: Results, x: str, band: bool, logy: bool | None, colors: dict[str, str]
) -> dict[str, Any]:
    f_min = known_minimum(results)
    groups = group_runs(results)
    curves = {label: _median_curve(runs, x) for label, runs in groups.items()}
    offset = f_min if f_min is not None else 0.0
    everything = np.concatenate([values.ravel() for _, values in curves.values()]) - offset
    positive_only = bool(np.all(everything[np.isfinite(everything)] > 0))
    use_log = (f_min is not None or positive_only) if logy is None else logy
    floor = gap_floor(everything) if use_log else -math.inf
    handles = {}
    for label, (grid, values) in curves.items():
        values = np.maximum(values - offset, floor)
        with np.errstate(all="ignore"):
            median = np.nanmedian(values, axis=0)
            low, high = np.nanmin(values, axis=0), np.nanmax(values, axis=0)
        (line,) = ax.plot(grid, median, color=colors[label], label=label)
        if band and values.shape[0] > 1:
            ax.fill_between(grid, low, high, color=colors[label], alpha=0.18, linewidth=0)
        handles[label] = line
    if not math.isnan(results.target):
        target = max(results.target - offset, floor)
        ax.axhline(target, color="0.35", linestyle=":", linewidth=1.0)
    if use_log:
        ax.set_yscale("log")
    ax.set_xlabel(_AXES[x])
    ax.set_ylabel(r"$f(x) - f^*$" if f_min is not None else r"$f(x)$")
    ax.set_title(results.problem_name)
    return handles


def _median_curve(runs: list[Run], x: str) -> tuple[np.ndarray, np.ndarray]:
    """A common x grid for the runs and each run's objective on it, one row per run.

    Between recorded points a run's objective is the value of its last iterate (a step
    function); before its first point it is NaN, and after its last it keeps its final value.
    """
    if x == "iteration":
        grid = np.arange(max(len(run.history) for run in runs), dtype=np.float64)
    else:
        grid = np.unique(np.concatenate([_x_values(run, x) for run in runs]))
    rows = []
    for run in runs:
        fun = np.asarray(run.history.fun, dtype=np.float64)
        index = np.searchsorted(_x_values(run, x), grid, side="right") - 1
        row = fun[np.clip(index, 0, None)]
        row[index < 0] = np.nan
        rows.append(row)
    return grid, np.array(rows)


def _x_values(run: Run, x: str) -> np.ndarray:
    history = run.history
    if x == "iteration":
        return np.arange(len(history), dtype=np.float64)
    values = history.nfev if x == "evaluations" else history.elapsed
    return np.asarray(values, dtype=np.float64)
