"""`compare`: race several methods on one problem under one budget, over several seeds."""

from __future__ import annotations

import dataclasses
import datetime
import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np
import scipy

from descend import problems
from descend.experiments.objectives import as_problem, estimator_problem, start_point
from descend.experiments.results import Results, Run
from descend.experiments.runners import Budget, Method, as_budget, resolve_methods, run_method
from descend.problems import Problem

__all__ = ["compare", "standard_problems", "standard_race"]

#: Called after each run with ``(runs_done, runs_total, method_name, seed)``.
Progress = Callable[[int, int, str, int], None]


def compare(
    problem: Any,
    methods: Any = None,
    *,
    budget: Budget | Mapping[str, Any] | int = 200,
    seeds: int | Iterable[int] = 3,
    target: float | None = None,
    tol: float = 1e-6,
    perturbation: float = 0.1,
    keep_path: bool = True,
    progress: Progress | None = None,
) -> Results:
    """Race ``methods`` on ``problem``: same budget, same starts, one run per method and seed.

    Parameters
    ----------
    problem : Problem, str, (fun, x0) or (estimator, X, y)
        A `descend.problems` entry or its name (``"rosenbrock"``); a user's function with a
        1-D start, ``(fun, x0)`` (minimum unknown: wrap it in a `descend.problems.Problem`
        with ``f_min`` and ``x_min`` to get distances and a target); or a descend estimator
        with training data, ``(LogisticRegression(C=1.0), X, y)``, whose objective is its mean
        training loss over the flattened parameters (the minimum of a linear model's convex
        loss is computed once with Newton-CG).
    methods : None, str, optimizer, list or dict
        None races `STANDARD_METHODS` (gd, momentum, nesterov, adagrad, rmsprop, adam, cg,
        bfgs, lbfgs, newton-cg). Names are `descend.minimize` methods or `descend.optim`
        optimizers (``"adam"``, ``"sgd"``, ...; optimizers get the learning rate
        `DEFAULT_LR` unless told otherwise). A dict sets options or names competitors:
        ``{"adam": {"lr": 0.05}, "gd": {"lr": 1e-3}, "fast sgd": {"method": "sgd", "lr": 0.1},
        "mine": descend.optim.adam(lr=0.05)}``. Optimizer objects are run full-batch.
    budget : Budget, dict or int
        Shared limits: ``{"max_iter": 200}`` (an int means iterations), ``{"max_fev": 500}``,
        ``{"max_time": 1.0}`` or several. Methods also stop earlier on their own convergence
        test (minimize's ``gtol`` 1e-5 by default; set ``{"bfgs": {"gtol": 0}}`` to disable).
    seeds : int or iterable of int
        ``3`` means seeds 0, 1, 2. Seed 0 starts at the problem's ``x0``; seed ``s`` starts at
        ``x0`` plus Gaussian noise of scale ``perturbation * max(1, rms(x0))`` drawn from
        ``default_rng(s)``. Every method gets the same starts, so rows are paired by seed.
    target : float, optional
        The objective value counted as solved. Default ``f_min + tol * max(1, |f_min|)``;
        with ``f_min`` unknown, no target (``success`` is then the method's own verdict and
        the time-to-target columns are NaN).
    tol : float
        Tolerance of the default target.
    perturbation : float
        Relative size of the start perturbation for seeds other than 0.
    keep_path : bool
        Keep every iterate (``run.history.path``) for trajectory plots.
    progress : callable, optional
        ``progress(done, total, method, seed)`` after each run (the command line shows it).

    Returns
    -------
    Results
        One `Run` per method and seed; ``results.rows()`` / ``to_pandas()`` give the table.

    Raises
    ------
    ValueError
        For an unknown method name (the message lists the valid ones), a bad budget or seeds.

    Examples
    --------
    >>> from descend.experiments import compare
    >>> res = compare("rosenbrock", ["gd", "bfgs"], budget={"max_iter": 100}, seeds=2)
    >>> df = res.to_pandas()
    >>> df[["method", "seed", "success"]].values.tolist()
    [['gd', 0, False], ['gd', 1, False], ['bfgs', 0, True], ['bfgs', 1, True]]
    >>> bool(df.loc[df.method == "bfgs", "distance"].max() < 1e-5)
    True
    """
    resolved_problem = as_problem(problem)
    competitors = resolve_methods(methods)
    return run_experiment(
        resolved_problem,
        [(method, {}) for method in competitors],
        budget=as_budget(budget),
        seeds=as_seeds(seeds),
        target=target,
        tol=tol,
        perturbation=perturbation,
        keep_path=keep_path,
        progress=progress,
        extra_settings={},
    )


def run_experiment(
    problem: Problem,
    entries: list[tuple[Method, dict[str, Any]]],
    *,
    budget: Budget,
    seeds: list[int],
    target: float | None,
    tol: float,
    perturbation: float,
    keep_path: bool,
    progress: Progress | None,
    extra_settings: dict[str, Any],
) -> Results:
    """Run every ``(method, params)`` entry for every seed; shared by `compare` and `sweep`."""
    if not (tol >= 0 and math.isfinite(tol)):
        raise ValueError(f"tol must be a finite number >= 0; got {tol!r}")
    if not (perturbation >= 0 and math.isfinite(perturbation)):
        raise ValueError(f"perturbation must be a finite number >= 0; got {perturbation!r}")
    goal = default_target(problem, tol) if target is None else float(target)
    starts = {seed: start_point(problem, seed, perturbation) for seed in seeds}
    runs: list[Run] = []
    total = len(entries) * len(seeds)
    for method, params in entries:
        for seed in seeds:
            result = run_method(method, problem, starts[seed], budget, keep_path)
            runs.append(Run(method.name, seed, result.history, result, dict(params)))
            if progress is not None:
                progress(len(runs), total, method.name, seed)
    settings = {
        "problem": {"name": problem.name, "dim": problem.dim, "f_min": problem.f_min},
        "methods": [method.describe() for method, _ in entries],
        "budget": budget.as_kwargs(),
        "seeds": list(seeds),
        "target": goal,
        "tol": tol,
        "perturbation": perturbation,
        **extra_settings,
        "versions": _versions(),
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }
    return Results(problem.name, problem, runs, settings, target=goal)


def default_target(problem: Problem, tol: float) -> float:
    """``f_min + tol * max(1, |f_min|)``, or NaN when ``f_min`` is unknown.

    Examples
    --------
    >>> default_target(problems.get("rosenbrock"), 1e-6)
    1e-06
    """
    if not math.isfinite(problem.f_min):
        return math.nan
    return problem.f_min + tol * max(1.0, abs(problem.f_min))


def as_seeds(seeds: int | Iterable[int]) -> list[int]:
    """``n`` -> ``[0, ..., n-1]``; an iterable of distinct non-negative ints is kept in order.

    Examples
    --------
    >>> as_seeds(3), as_seeds([5, 0])
    ([0, 1, 2], [5, 0])
    """
    if isinstance(seeds, (int, np.integer)) and not isinstance(seeds, bool):
        if seeds < 1:
            raise ValueError(f"seeds must be a positive count or a list of seeds; got {seeds}")
        return list(range(int(seeds)))
    if isinstance(seeds, bool) or not isinstance(seeds, Iterable):
        raise ValueError(f"seeds must be a positive count or non-negative integers; got {seeds!r}")
    values = list(seeds)
    if not values or not all(
        isinstance(s, (int, np.integer)) and not isinstance(s, bool) and s >= 0 for s in values
    ):
        raise ValueError(f"seeds must be a positive count or non-negative integers; got {seeds!r}")
    if len(set(values)) != len(values):
        raise ValueError(f"seeds must be distinct; got {values}")
    return [int(s) for s in values]


def _versions() -> dict[str, str]:
    from descend import __version__

    return {"descend": __version__, "numpy": np.__version__, "scipy": scipy.__version__}


def standard_problems() -> list[Problem]:
    """The built-in race: Rosenbrock, Beale, a 10-D quadratic of condition number 1000, and
    L2-regularised logistic regression on scikit-learn's breast-cancer data (standardised).

    The last one needs scikit-learn (for the data set, shipped with it; no download).

    Examples
    --------
    >>> [p.name for p in standard_problems()]
    ['rosenbrock', 'beale', 'ill_conditioned_quadratic', 'logistic_breast_cancer']
    """
    try:
        from sklearn.datasets import load_breast_cancer
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError(
            "the standard race's logistic-regression problem uses scikit-learn's breast_cancer "
            "data: pip install scikit-learn"
        ) from error
    from descend.models import LogisticRegression

    X, y = load_breast_cancer(return_X_y=True)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    logistic = estimator_problem(LogisticRegression(C=1.0), X, y)
    return [
        problems.get("rosenbrock"),
        problems.get("beale"),
        problems.get("ill_conditioned_quadratic", dim=10, cond=1e3),
        dataclasses.replace(logistic, name="logistic_breast_cancer"),
    ]


def standard_race(
    methods: Any = None,
    *,
    budget: Budget | Mapping[str, Any] | int = 200,
    seeds: int | Iterable[int] = 3,
    progress: Progress | None = None,
) -> list[Results]:
    """`compare` the standard methods on `standard_problems`: what ``descend compare`` runs.

    Deterministic apart from the timings, and a few seconds with the defaults.

    Returns
    -------
    list of Results
        One per problem, in the order of `standard_problems`.

    Examples
    --------
    >>> races = standard_race(["lbfgs"], budget=50, seeds=1)
    >>> [r.rows()[0]["success"] for r in races]
    [True, True, True, True]
    """
    return [
        compare(problem, methods, budget=budget, seeds=seeds, progress=progress)
        for problem in standard_problems()
    ]
