"""Dolan-Moré performance profiles: how often each method is within a factor of the best."""

from __future__ import annotations

from typing import Any

import numpy as np

from descend.experiments import Results, Run
from descend.plot._runs import as_results_list, group_runs
from descend.plot._style import method_colors, new_figure, styled

__all__ = ["performance_profile", "performance_ratios"]

_COSTS = {"evaluations": "objective evaluations", "iterations": "iterations", "time": "time"}


def performance_ratios(
    results: Results | list[Results], cost: str = "evaluations", *, tol: float = 1e-6
) -> tuple[list[str], np.ndarray]:
    """Each method's cost to solve each problem instance, divided by the best method's.

    An instance is one problem with one seed. A run solves it when its objective first
    reaches ``results.target``; when the problem has no known minimum, the target is
    Moré and Wild's: ``f <= f_best + tol * (f(x0) - f_best)`` with ``f_best`` the lowest value
    any method found. The cost is what the run had spent at that point (objective
    evaluations, iterations, or seconds); a run that never solves it costs infinity.

    Returns
    -------
    methods : list of str
    ratios : ndarray, shape (n_instances, n_methods)
        ``cost / min over methods of cost``; ``inf`` where the method failed (or every
        method did).

    Examples
    --------
    >>> import descend
    >>> from descend import problems
    >>> from descend.experiments import Results, Run
    >>> p = problems.get("booth")
    >>> runs = [Run(m, 0, r.history, r) for m in ("bfgs", "gd")
    ...         for r in [descend.minimize(p.fun, p.x0, m, max_iter=500)]]
    >>> methods, ratios = performance_ratios(Results("booth", p, runs, {}, target=1e-8))
    >>> methods, bool(ratios[0, 0] == 1.0), bool(ratios[0, 1] > 2)
    (['bfgs', 'gd'], True, True)
    """
    if cost not in _COSTS:
        raise ValueError(f"cost must be one of {sorted(_COSTS)}; got {cost!r}")
    items = as_results_list(results, "descend.plot.performance_profile")
    methods = list(dict.fromkeys(label for item in items for label in group_runs(item)))
    instances = []
    for item in items:
        groups = group_runs(item)
        seeds = sorted({run.seed for run in item.runs})
        lowest = min(float(np.min(run.history.fun)) for run in item.runs)
        for seed in seeds:
            costs = np.full(len(methods), np.inf)
            for k, method in enumerate(methods):
                run = next((r for r in groups.get(method, []) if r.seed == seed), None)
                if run is not None:
                    costs[k] = _cost_to_solve(run, item.target, lowest, tol, cost)
            instances.append(costs)
    table = np.array(instances)
    best = table.min(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratios = np.where(np.isfinite(table), table / best, np.inf)
    return methods, ratios


def _cost_to_solve(run: Run, target: float, lowest: float, tol: float, cost: str) -> float:
    fun = np.asarray(run.history.fun, dtype=np.float64)
    if np.isnan(target):
        target = lowest + tol * max(float(fun[0]) - lowest, 0.0)
    hits = np.flatnonzero(fun <= target)
    if hits.size == 0:
        return np.inf
    k = int(hits[0])
    if cost == "iterations":
        spent = float(k)
    elif cost == "evaluations":
        spent = float(run.history.nfev[k])
    else:
        spent = float(run.history.elapsed[k])
    # A run that starts at the solution costs nothing; count it as the smallest unit instead
    # so that ratios stay defined.
    return max(spent, 1.0 if cost != "time" else 1e-9)


def performance_profile(
    results: Results | list[Results],
    cost: str = "evaluations",
    *,
    tol: float = 1e-6,
    tau_max: float | None = None,
) -> Any:
    """Draw the Dolan-Moré performance profile of the methods over a set of problems.

    For each method, the curve ``rho(tau)`` is the fraction of problem instances (problem x
    seed) it solved at a cost within a factor ``tau`` of the cheapest method on that
    instance: ``rho(1)`` is how often it was the fastest, the height at the right edge how
    often it solved the problem at all (Dolan & Moré 2002, Math. Program. 91).

    Parameters
    ----------
    results : Results or list of Results
        One `Results` per problem, all racing the same methods (from `descend.compare`).
    cost : {"evaluations", "iterations", "time"}
        What "cost" counts.
    tol : float
        Convergence tolerance for problems with no known minimum (see `performance_ratios`).
    tau_max : float, optional
        Right end of the tau axis; default: a little beyond the largest finite ratio.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import descend
    >>> from descend import problems
    >>> from descend.experiments import Results, Run
    >>> race = []
    >>> for name in ("booth", "rosenbrock"):
    ...     p = problems.get(name)
    ...     runs = [Run(m, 0, r.history, r) for m in ("bfgs", "cg")
    ...             for r in [descend.minimize(p.fun, p.x0, m)]]
    ...     race.append(Results(name, p, runs, {}, target=1e-8))
    >>> fig = performance_profile(race)
    >>> [line.get_label() for line in fig.axes[0].get_lines()]
    ['bfgs', 'cg']
    """
    methods, ratios = performance_ratios(results, cost, tol=tol)
    finite = ratios[np.isfinite(ratios)]
    if tau_max is None:
        tau_max = max(2.0, 1.25 * float(finite.max())) if finite.size else 2.0
    colors = method_colors(methods)
    n_instances = ratios.shape[0]
    with styled():
        fig, (ax,) = new_figure(6.2, 3.8)
        for k, method in enumerate(methods):
            taus = np.sort(ratios[:, k][np.isfinite(ratios[:, k])])
            fraction = np.arange(1, taus.size + 1) / n_instances
            xs = np.concatenate([[1.0], taus, [tau_max]])
            ys = np.concatenate([[0.0], fraction, [fraction[-1] if fraction.size else 0.0]])
            ax.step(xs, ys, where="post", color=colors[method], label=method)
        ax.set_xscale("log", base=2)
        ax.set_xlim(1.0, tau_max)
        ax.set_ylim(0.0, 1.02)
        ax.set_xlabel(f"τ: within this factor of the best method's {_COSTS[cost]}")
        ax.set_ylabel("fraction of problems solved")
        ax.set_title(f"performance profile ({n_instances} problem instances)")
        fig.legend(loc="outside right upper", title="method")
    return fig
