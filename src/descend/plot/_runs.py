"""Reading runs for plotting: group them by method and setting, floor gaps for log scales."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from descend.experiments import Results, Run

__all__ = [
    "as_results_list",
    "base_method",
    "gap_floor",
    "group_runs",
    "known_minimum",
    "run_label",
]


def as_results_list(results: Any, what: str) -> list[Results]:
    """Accept one `Results` or a sequence of them; anything else is a clear TypeError."""
    items = [results] if isinstance(results, Results) else results
    if not isinstance(items, Sequence) or not items:
        raise TypeError(
            f"{what} takes a descend Results (from descend.compare or descend.sweep) or a "
            f"non-empty list of them; got {type(results).__name__}"
        )
    for item in items:
        if not isinstance(item, Results):
            raise TypeError(
                f"{what} takes descend Results objects (from descend.compare or descend.sweep); "
                f"got a {type(item).__name__} in the list"
            )
        if not item.runs:
            raise ValueError(f"{what}: the results for {item.problem_name!r} contain no runs")
    return list(items)


def run_label(run: Run) -> str:
    """The legend entry of a run: its method, plus the swept hyperparameters if any.

    `descend.sweep` already names its runs ``"sgd(lr=0.1)"``; other runs with parameters get
    them appended the same way.

    Examples
    --------
    >>> from descend.solvers import History, OptimizeResult
    >>> h = History(*(np.zeros(1) for _ in range(5)))
    >>> run_label(Run("sgd", 0, h, OptimizeResult(), {"lr": 0.1, "momentum": 0.9}))
    'sgd(lr=0.1, momentum=0.9)'
    >>> run_label(Run("sgd(lr=0.1)", 0, h, OptimizeResult(), {"lr": 0.1}))
    'sgd(lr=0.1)'
    """
    if not run.params or "(" in run.method:
        return run.method
    settings = ", ".join(
        f"{name}={value:g}" if isinstance(value, float) else f"{name}={value}"
        for name, value in run.params.items()
    )
    return f"{run.method}({settings})"


def base_method(method: str) -> str:
    """The method a sweep's run name is built on: ``"sgd(lr=0.1)"`` -> ``"sgd"``.

    Examples
    --------
    >>> base_method("sgd(lr=0.1, momentum=0.9)"), base_method("bfgs")
    ('sgd', 'bfgs')
    """
    return method.split("(", 1)[0].strip()


def group_runs(results: Results) -> dict[str, list[Run]]:
    """The runs of each method and setting (one per seed), keyed by `run_label`, in run order."""
    groups: dict[str, list[Run]] = {}
    for run in results.runs:
        groups.setdefault(run_label(run), []).append(run)
    return groups


def known_minimum(results: Results) -> float | None:
    """The problem's known minimum value ``f_min``, or None when there is none."""
    f_min = getattr(results.problem, "f_min", None)
    if f_min is None or not math.isfinite(f_min):
        return None
    return float(f_min)


def gap_floor(gaps: np.ndarray) -> float:
    """The value that stands in for a gap of zero (or a rounding-negative one) on a log axis.

    A decade below the smallest positive gap, so an exactly solved problem shows as a drop to
    the bottom of the plot instead of disappearing from it.

    Examples
    --------
    >>> gap_floor(np.array([0.0, 1e-9, 3.0]))
    1e-10
    """
    positive = gaps[np.isfinite(gaps) & (gaps > 0)]
    return float(positive.min()) / 10.0 if positive.size else 1e-16
