"""`sweep`: grid or random search over a method's hyperparameters, in `compare`'s table form."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from descend.experiments.compare import Progress, as_seeds, run_experiment
from descend.experiments.objectives import as_problem
from descend.experiments.results import Results
from descend.experiments.runners import Budget, Method, as_budget, resolve_methods
from descend.solvers.optimizer_loop import is_optimizer

__all__ = ["sweep"]


def sweep(
    problem: Any,
    method: Any,
    grid: Mapping[str, Any],
    *,
    search: str = "grid",
    n_samples: int | None = None,
    random_state: int = 0,
    options: Mapping[str, Any] | None = None,
    budget: Budget | Mapping[str, Any] | int = 200,
    seeds: int | Iterable[int] = 1,
    target: float | None = None,
    tol: float = 1e-6,
    perturbation: float = 0.1,
    keep_path: bool = False,
    progress: Progress | None = None,
) -> Results:
    """Run ``method`` on ``problem`` for each hyperparameter setting of ``grid``.

    Parameters
    ----------
    problem
        As for `compare`: a problem or its name, ``(fun, x0)`` or ``(estimator, X, y)``.
    method : str or callable
        A `descend.optim` optimizer name (``"sgd"``, ``"adam"``), a `descend.minimize` method
        (``"gd"``, ``"momentum"``: their options such as ``lr`` and ``beta``), or an optimizer
        factory such as ``descend.optim.sgd`` called with each setting.
    grid : dict
        Hyperparameter name to a list of values, e.g. ``{"lr": [1e-3, 1e-2], "momentum":
        [0, 0.9]}``. With ``search="random"`` a value may also be a distribution with an
        ``rvs(random_state=...)`` method (``scipy.stats.loguniform(1e-4, 1)``); lists are then
        sampled uniformly.
    search : {"grid", "random"}
        Every combination, or ``n_samples`` random settings drawn with ``random_state``.
    n_samples : int, optional
        Number of random settings (required with ``search="random"``).
    random_state : int
        Seed of the random search (the runs' seeds are ``seeds``).
    options : dict, optional
        Fixed hyperparameters shared by every setting (``{"nesterov": True}``).
    budget, seeds, target, tol, perturbation, keep_path, progress
        As for `compare`; ``seeds`` defaults to 1 here.

    Returns
    -------
    Results
        One run per setting and seed. The method column reads ``"sgd(lr=0.01, momentum=0.9)"``
        and every hyperparameter is also a column of its own; `Results.best_params` picks
        the winner.

    Examples
    --------
    >>> from descend.experiments import sweep
    >>> res = sweep("beale", "adam", {"lr": [0.001, 0.1]}, budget=100)
    >>> res.to_pandas()[["lr", "nit"]].values.tolist()
    [[0.001, 100.0], [0.1, 100.0]]
    >>> res.best_params()
    {'lr': 0.1}
    """
    if not isinstance(grid, Mapping) or not grid:
        raise ValueError(
            "grid must be a non-empty dict of hyperparameter lists, e.g. {'lr': [1e-3, 1e-2]}"
        )
    base = _base_method(method, options or {})
    if search == "grid":
        if n_samples is not None:
            raise ValueError("n_samples is only used with search='random'")
        settings = _grid_settings(grid)
    elif search == "random":
        if n_samples is None or int(n_samples) != n_samples or n_samples < 1:
            raise ValueError(f"search='random' needs n_samples, a positive int; got {n_samples!r}")
        settings = _random_settings(grid, int(n_samples), random_state)
    else:
        raise ValueError(f"search must be 'grid' or 'random'; got {search!r}")
    entries = [(_configured(base, params), params) for params in settings]
    return run_experiment(
        as_problem(problem),
        entries,
        budget=as_budget(budget),
        seeds=as_seeds(seeds),
        target=target,
        tol=tol,
        perturbation=perturbation,
        keep_path=keep_path,
        progress=progress,
        extra_settings={
            "sweep": {
                "grid": {name: _describe_values(values) for name, values in grid.items()},
                "search": search,
                "n_samples": n_samples,
                "random_state": random_state,
                "options": dict(options or {}),
            }
        },
    )


def _base_method(method: Any, options: Mapping[str, Any]) -> Method:
    if is_optimizer(method):
        raise TypeError(
            "sweep needs a method name or an optimizer factory (descend.optim.sgd), not a "
            "built optimizer object: its hyperparameters can no longer be changed"
        )
    if callable(method) and not isinstance(method, str):
        return Method(getattr(method, "__name__", "optimizer"), method, dict(options))
    (resolved,) = resolve_methods([method])
    return resolved.with_options(**options)


def _configured(base: Method, params: dict[str, Any]) -> Method:
    label = ", ".join(
        f"{name}={value:g}" if isinstance(value, float) else f"{name}={value}"
        for name, value in params.items()
    )
    configured = base.with_options(**params)
    return Method(f"{base.name}({label})", configured.spec, configured.options)


def _grid_settings(grid: Mapping[str, Any]) -> list[dict[str, Any]]:
    names = list(grid)
    columns = []
    for name in names:
        values = grid[name]
        if hasattr(values, "rvs"):
            raise ValueError(f"grid[{name!r}] is a distribution: use search='random'")
        values = _as_list(name, values)
        columns.append(values)
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*columns)]


def _random_settings(
    grid: Mapping[str, Any], n_samples: int, random_state: int
) -> list[dict[str, Any]]:
    rng = np.random.default_rng(random_state)
    samplers = {
        name: values if hasattr(values, "rvs") else _as_list(name, values)
        for name, values in grid.items()
    }
    settings = []
    for _ in range(n_samples):
        setting = {}
        for name, values in samplers.items():
            if isinstance(values, list):
                setting[name] = values[int(rng.integers(len(values)))]
            else:
                setting[name] = _plain(values.rvs(random_state=rng))
        settings.append(setting)
    return settings


def _as_list(name: str, values: Any) -> list[Any]:
    if isinstance(values, (str, bytes)) or not isinstance(values, (Sequence, np.ndarray)):
        raise ValueError(f"grid[{name!r}] must be a list of values; got {values!r}")
    values = [_plain(value) for value in values]
    if not values:
        raise ValueError(f"grid[{name!r}] is empty")
    return values


def _plain(value: Any) -> Any:
    """NumPy scalars as Python numbers, so table cells and JSON stay plain."""
    return value.item() if isinstance(value, np.generic) else value


def _describe_values(values: Any) -> Any:
    return repr(values) if hasattr(values, "rvs") else [_plain(v) for v in values]
