"""2-D contour plots of a problem with each method's path drawn on top."""

from __future__ import annotations

from typing import Any

import numpy as np

from descend.experiments import Results
from descend.plot._runs import group_runs
from descend.plot._style import method_colors, new_figure, styled

__all__ = ["contour"]


def contour(
    results_or_problem: Any,
    *,
    window: tuple[tuple[float, float], tuple[float, float]] | None = None,
    levels: int = 25,
    resolution: int = 160,
) -> Any:
    """Draw the level sets of a 2-D problem and the path each method took across them.

    Levels are spaced geometrically in ``f(x) - f_min`` (evenly in its logarithm), so the
    flat floor of a valley gets as many contours as its steep walls. For each method the path
    of its first run (seed 0 unless that seed was not run) is drawn from the start (circle) to
    the end (cross); the known minimisers are marked with stars.

    Parameters
    ----------
    results_or_problem : Results or descend.problems.Problem
        `Results` of `descend.compare` run with ``keep_path=True`` on a 2-D problem, or a
        2-D problem alone (just the contours).
    window : ((x_low, x_high), (y_low, y_high)), optional
        The region to show; default: the problem's ``window``, else the box around the paths.
    levels : int
        Number of contour levels.
    resolution : int
        Grid points per axis at which the objective is evaluated.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If the problem is not 2-D, or the results hold no paths.

    Examples
    --------
    >>> from descend import problems
    >>> fig = contour(problems.get("himmelblau"), resolution=40)
    >>> fig.axes[0].get_title()
    'himmelblau'
    """
    results, problem = _split(results_or_problem)
    paths = _paths(results) if results is not None else {}
    box = _window(problem, window, paths)
    xs = np.linspace(box[0][0], box[0][1], resolution)
    ys = np.linspace(box[1][0], box[1][1], resolution)
    with np.errstate(all="ignore"):  # overflow far from the minimum only clips the plot
        values = np.array([[float(problem.fun(np.array([u, v]))) for u in xs] for v in ys])
    if not np.isfinite(values).any():
        raise ValueError(f"{problem.name!r} is not finite anywhere in the window {box}")
    lowest = float(np.min(values[np.isfinite(values)]))
    gaps = values - (min(problem.f_min, lowest) if np.isfinite(problem.f_min) else lowest)
    finite = gaps[np.isfinite(gaps) & (gaps > 0)]
    low, high = float(finite.min()), float(finite.max())
    # The lowest half-percent of the grid is the valley floor: no need to resolve it further.
    bottom = max(low, float(np.percentile(finite, 0.5)), high * 1e-12)
    # Contours of log10(gap) at even spacing are geometric levels of the gap, and stay
    # finite where the gap itself overflows.
    contour_levels = np.linspace(np.log10(bottom), np.log10(high), levels)
    with np.errstate(all="ignore"):
        surface = np.log10(np.where(np.isfinite(gaps), np.maximum(gaps, bottom), high))
    colors = method_colors(paths)
    with styled():
        fig, (ax,) = new_figure(6.0, 4.8)
        ax.grid(False)
        ax.contourf(xs, ys, surface, levels=contour_levels, cmap="Blues", alpha=0.25, extend="both")
        ax.contour(xs, ys, surface, levels=contour_levels, colors="0.5", linewidths=0.4)
        for label, path in paths.items():
            ax.plot(
                path[:, 0],
                path[:, 1],
                color=colors[label],
                linewidth=1.3,
                marker=".",
                markersize=3,
                label=label,
            )
            ax.plot(path[-1, 0], path[-1, 1], color=colors[label], marker="x", markersize=7)
        start = paths[next(iter(paths))][0] if paths else problem.x0
        ax.plot(start[0], start[1], "o", color="black", markersize=6, label="start")
        for i, point in enumerate(problem.minimizers):
            ax.plot(
                point[0],
                point[1],
                "*",
                color="#E69F00",
                markersize=12,
                markeredgecolor="black",
                markeredgewidth=0.5,
                label="minimum" if i == 0 else None,
            )
        ax.set_xlim(box[0])
        ax.set_ylim(box[1])
        ax.set_xlabel("x₁")
        ax.set_ylabel("x₂")
        ax.set_title(results.problem_name if results is not None else problem.name)
        fig.legend(loc="outside right upper")
    return fig


def _split(results_or_problem: Any) -> tuple[Results | None, Any]:
    if isinstance(results_or_problem, Results):
        results, problem = results_or_problem, results_or_problem.problem
        if problem is None:
            raise ValueError(
                f"descend.plot.contour needs the problem's function, but the results for "
                f"{results.problem_name!r} carry no problem (results.problem is None)"
            )
    else:
        results, problem = None, results_or_problem
    if not callable(getattr(problem, "fun", None)) or getattr(problem, "x0", None) is None:
        raise TypeError(
            "descend.plot.contour takes Results from descend.compare or a descend.problems "
            f"Problem; got {type(results_or_problem).__name__}"
        )
    if np.size(problem.x0) != 2:
        raise ValueError(
            f"contour plots need a 2-D problem; {getattr(problem, 'name', 'the problem')!r} "
            f"has {np.size(problem.x0)} variables (use descend.plot.convergence instead)"
        )
    return results, problem


def _paths(results: Results) -> dict[str, np.ndarray]:
    paths = {}
    for label, runs in group_runs(results).items():
        run = min(runs, key=lambda run: run.seed)
        if run.history.path is not None:
            paths[label] = np.asarray(run.history.path, dtype=np.float64).reshape(-1, 2)
    if not paths:
        raise ValueError(
            f"the results for {results.problem_name!r} have no paths to draw: run "
            "descend.compare(..., keep_path=True) to record the iterates"
        )
    return paths


def _window(
    problem: Any, window: Any, paths: dict[str, np.ndarray]
) -> tuple[tuple[float, float], tuple[float, float]]:
    box = window if window is not None else getattr(problem, "window", None)
    if box is None:
        points = np.vstack([problem.x0[None, :], *paths.values(), *problem.minimizers])
        points = points[np.all(np.isfinite(points), axis=1)]
        low, high = points.min(axis=0), points.max(axis=0)
        margin = np.maximum(0.15 * (high - low), 0.5)
        box = ((low[0] - margin[0], high[0] + margin[0]), (low[1] - margin[1], high[1] + margin[1]))
    (x_low, x_high), (y_low, y_high) = box
    if not (x_low < x_high and y_low < y_high):
        raise ValueError(
            f"window must be ((x_low, x_high), (y_low, y_high)) with low < high; got {box}"
        )
    return (float(x_low), float(x_high)), (float(y_low), float(y_high))
