"""Hand-made runs with known histories, so the plotted numbers can be checked exactly."""

from __future__ import annotations

import math

import numpy as np

from descend.experiments import Results, Run
from descend.problems import Problem
from descend.solvers import History, OptimizeResult, Status


def make_run(
    method: str,
    fun: list[float],
    *,
    seed: int = 0,
    nfev: list[int] | None = None,
    path: list[list[float]] | None = None,
    params: dict | None = None,
) -> Run:
    n = len(fun)
    history = History(
        fun=np.array(fun, dtype=float),
        grad_norm=np.ones(n),
        step=np.zeros(n),
        nfev=np.array(nfev if nfev is not None else range(1, n + 1), dtype=np.int64),
        elapsed=np.linspace(0.0, 1e-3 * n, n),
        path=None if path is None else np.array(path, dtype=float),
    )
    x = np.array(path[-1] if path is not None else [0.0, 0.0])
    result = OptimizeResult(
        x=x, fun=fun[-1], nit=n - 1, nfev=history.nfev[-1], success=True, status=Status.GTOL
    )
    return Run(method, seed, history, result, dict(params or {}))


def bowl(f_min: float = 0.0) -> Problem:
    """``f(x) = x0^2 + 4 x1^2 + f_min``, minimum at the origin."""
    return Problem(
        name="bowl",
        fun=lambda x: x[0] ** 2 + 4.0 * x[1] ** 2 + f_min,
        x0=np.array([2.0, 1.0]),
        f_min=f_min,
        x_min=np.zeros(2),
        window=((-3.0, 3.0), (-2.0, 2.0)),
    )


def make_results(runs: list[Run], problem: Problem | None = None, target: float = math.nan):
    problem = bowl() if problem is None else problem
    return Results(problem.name, problem, runs, {"budget": {"max_iter": 10}}, target=target)
