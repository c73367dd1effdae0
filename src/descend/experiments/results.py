"""What `compare` and `sweep` return: the runs, and the tidy table built from them.

A `Results` holds one `Run` per (method, hyperparameters, seed) on one problem. The table
(`Results.rows`, `Results.to_pandas`) is computed from the runs, so it can never disagree with
the histories that the plots draw.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from descend.solvers import History, OptimizeResult

__all__ = ["COLUMNS", "LRFindResult", "Results", "Run"]

#: The table's fixed columns, in order; a sweep adds one column per hyperparameter after them.
COLUMNS: tuple[str, ...] = (
    "method",
    "seed",
    "fun",
    "distance",
    "nit",
    "nfev",
    "time",
    "time_to_target",
    "nfev_to_target",
    "success",
    "status",
)


@dataclass
class Run:
    """One method with one seed (and one hyperparameter setting) on one problem.

    Attributes
    ----------
    method : str
        Display name, e.g. ``"adam"``, ``"lbfgs"``, ``"sgd(lr=0.01)"``.
    seed : int
        The seed: 0 starts from the problem's standard ``x0``; others start from a perturbed
        point and seed any randomness of the method.
    history : descend.solvers.History
        ``fun``, ``grad_norm``, ``step``, ``nfev``, ``elapsed`` per iteration (entry 0 is the
        start) and ``path`` (the iterates, ``(len(history), dim)``) when it was kept.
    result : descend.OptimizeResult
        What `descend.minimize` returned (``x`` is the flat parameter vector).
    params : dict
        The hyperparameters this run used that a sweep varied (``{}`` for `compare`).

    Examples
    --------
    >>> import descend
    >>> r = descend.minimize(lambda x: np.sum(x**2), np.ones(2), "bfgs")
    >>> run = Run("bfgs", 0, r.history, r)
    >>> run.method, run.result.success
    ('bfgs', True)
    """

    method: str
    seed: int
    history: History
    result: OptimizeResult
    params: dict[str, Any] = field(default_factory=dict)

    def first_reaching(self, target: float) -> int | None:
        """Index of the first history entry with ``fun <= target``, or None if none does."""
        if math.isnan(target):
            return None
        hits = np.flatnonzero(np.asarray(self.history.fun) <= target)
        return int(hits[0]) if hits.size else None


class Results:
    """The runs of `compare` or `sweep` on one problem, with the tidy table built from them.

    Parameters
    ----------
    problem_name : str
        Name shown in tables, plots and reports.
    problem : descend.problems.Problem or None
        The problem when there is one (its ``fun``, ``window`` and ``minimizers`` are used by
        the contour plots and the ``distance`` column); None when the minimiser is unknown.
    runs : list of Run
    settings : dict
        JSON-safe record of everything needed to reproduce the runs: budget, seeds, methods
        with their hyperparameters, target, versions and date.
    target : float
        The objective value a run must reach to count as solved (``f_min + tol`` by default);
        NaN when no minimum is known, in which case ``success`` is the method's own verdict.

    Table columns (`COLUMNS`, then any swept hyperparameters)
    ------------------------------------------------------------
    ``method``, ``seed``; ``fun`` final objective; ``distance`` to the nearest known minimiser
    (NaN if unknown); ``nit`` iterations; ``nfev`` objective evaluations; ``time`` seconds;
    ``time_to_target`` seconds and ``nfev_to_target`` evaluations until ``fun <= target``
    first held (NaN if never); ``success`` (the target was reached, or, with no target, the
    method converged); ``status`` (the method's stopping reason, a `descend.solvers.Status`
    name).

    Examples
    --------
    >>> import descend
    >>> from descend import problems
    >>> p = problems.get("booth")
    >>> r = descend.minimize(p.fun, p.x0, "bfgs")
    >>> res = Results("booth", p, [Run("bfgs", 0, r.history, r)], {}, target=1e-8)
    >>> row = res.rows()[0]
    >>> row["method"], row["distance"] < 1e-5, row["success"]
    ('bfgs', True, True)
    """

    def __init__(
        self,
        problem_name: str,
        problem: Any,
        runs: list[Run],
        settings: dict[str, Any],
        target: float = math.nan,
    ) -> None:
        self.problem_name = problem_name
        self.problem = problem
        self.runs = list(runs)
        self.settings = settings
        self.target = float(target)

    def __len__(self) -> int:
        return len(self.runs)

    def __repr__(self) -> str:
        return (
            f"Results(problem={self.problem_name!r}, methods={self.methods}, runs={len(self.runs)})"
        )

    @property
    def methods(self) -> list[str]:
        """Method names in the order they were run, each once."""
        return list(dict.fromkeys(run.method for run in self.runs))

    @property
    def param_names(self) -> list[str]:
        """Hyperparameters varied by a sweep, in the order they appear (``[]`` for compare)."""
        return list(dict.fromkeys(name for run in self.runs for name in run.params))

    def histories(self, method: str) -> list[History]:
        """The histories of every run of ``method`` (one per seed and setting)."""
        if method not in self.methods:
            raise KeyError(f"no runs of method {method!r}; the methods are {self.methods}")
        return [run.history for run in self.runs if run.method == method]

    def best_params(self) -> dict[str, Any]:
        """The swept setting with the lowest median final objective over seeds.

        Ties (e.g. several settings that reached the minimum to rounding) go to the fewer
        median evaluations, then to the order of the sweep. Diverged runs (NaN objective)
        rank last.
        """
        if not self.param_names:
            raise ValueError("best_params() needs the results of a sweep (runs with params)")
        groups: dict[str, list[dict[str, Any]]] = {}
        for row in self.rows():
            groups.setdefault(row["method"], []).append(row)

        def rank(rows: list[dict[str, Any]]) -> tuple[float, float]:
            fun = float(np.median([r["fun"] for r in rows]))
            return (
                math.inf if math.isnan(fun) else fun,
                float(np.median([r["nfev"] for r in rows])),
            )

        best = min(groups.values(), key=rank)
        return {name: best[0][name] for name in self.param_names}

    def rows(self) -> list[dict[str, Any]]:
        """The tidy table: one dict per run with the `COLUMNS` and the swept hyperparameters."""
        return [self._row(run) for run in self.runs]

    def _row(self, run: Run) -> dict[str, Any]:
        history, result = run.history, run.result
        hit = run.first_reaching(self.target)
        # Without a target the method's own convergence test is the only verdict there is.
        success = bool(result.success) if math.isnan(self.target) else hit is not None
        row: dict[str, Any] = {
            "method": run.method,
            "seed": int(run.seed),
            "fun": float(history.fun[-1]),
            "distance": self._distance(result.x),
            "nit": len(history) - 1,
            "nfev": int(history.nfev[-1]),
            "time": float(history.elapsed[-1]),
            "time_to_target": math.nan if hit is None else float(history.elapsed[hit]),
            "nfev_to_target": math.nan if hit is None else float(history.nfev[hit]),
            "success": success,
            "status": _status_name(result.get("status")),
        }
        row.update(run.params)
        return row

    def _distance(self, x: Any) -> float:
        if self.problem is None or not getattr(self.problem, "minimizers", ()):
            return math.nan
        return float(self.problem.distance_to_min(np.ravel(np.asarray(x, dtype=np.float64))))

    def to_pandas(self) -> Any:
        """The table as a `pandas.DataFrame` (pandas is needed only for this).

        Examples
        --------
        >>> Results("empty", None, [], {}).to_pandas().columns.tolist()[:3]
        ['method', 'seed', 'fun']
        """
        try:
            import pandas as pd
        except ImportError as error:  # pragma: no cover - depends on the environment
            raise ImportError(
                "Results.to_pandas() needs pandas (pip install pandas); "
                "Results.rows() gives the same table as a list of dicts"
            ) from error
        return pd.DataFrame(self.rows(), columns=[*COLUMNS, *self.param_names])

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe dict: problem name, target, settings and the rows (NaN becomes None).

        Examples
        --------
        >>> import json
        >>> json.dumps(Results("empty", None, [], {"budget": {"max_iter": 5}}).to_json())
        '{"problem": "empty", "target": null, "settings": {"budget": {"max_iter": 5}}, "rows": []}'
        """
        return {
            "problem": self.problem_name,
            "target": json_safe(self.target),
            "settings": json_safe(self.settings),
            "rows": json_safe(self.rows()),
        }

    def summary(self) -> str:
        """A readable table for the terminal: medians over seeds per method (and setting).

        Columns: final objective (as the gap ``f - f*`` when the minimum is known), distance
        to the minimiser, iterations, evaluations, time, time to target, and how many seeds
        succeeded.
        """
        f_min = float(getattr(self.problem, "f_min", math.nan))
        groups: dict[str, list[dict[str, Any]]] = {}
        for row in self.rows():
            groups.setdefault(row["method"], []).append(row)
        objective = "fun" if math.isnan(f_min) else "f - f*"
        header = ["method", objective, "distance", "nit", "nfev", "time", "to target", "ok"]
        lines = [header]
        for method, group in groups.items():
            medians = {
                name: float(np.median([row[name] for row in group]))
                for name in ("fun", "distance", "nit", "nfev", "time", "time_to_target")
            }
            solved = sum(row["success"] for row in group)
            lines.append(
                [
                    method,
                    _format(medians["fun"] if math.isnan(f_min) else medians["fun"] - f_min),
                    _format(medians["distance"]),
                    f"{medians['nit']:g}",
                    f"{medians['nfev']:g}",
                    _format_seconds(medians["time"]),
                    _format_seconds(medians["time_to_target"]),
                    f"{solved}/{len(group)}",
                ]
            )
        widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
        title = f"{self.problem_name}: {len(self.runs)} runs"
        if not math.isnan(self.target):
            title += f", target fun <= {self.target:.6g}"
        table = [
            "  ".join(
                cell.ljust(width) if i == 0 else cell.rjust(width)
                for i, (cell, width) in enumerate(zip(line, widths, strict=True))
            )
            for line in lines
        ]
        return "\n".join([title, *table])


@dataclass
class LRFindResult:
    """The learning-rate range test's record (see `descend.lr_find`).

    Attributes
    ----------
    lrs : ndarray
        The learning rate used at each step (increasing geometrically).
    losses : ndarray
        The raw mini-batch loss at each step.
    smoothed : ndarray
        The exponentially smoothed, bias-corrected loss.
    suggestion : float
        The suggested learning rate.
    diverged_at : float or None
        The learning rate at which the smoothed loss exceeded ``divergence_factor`` times its
        best value and the test stopped, or None if it ran to ``max_lr``.
    settings : dict
        The test's arguments (JSON-safe), for reproduction.

    Examples
    --------
    >>> r = LRFindResult(np.array([0.1, 1.0]), np.array([2.0, 1.0]), np.array([2.0, 1.5]),
    ...                  suggestion=0.1, diverged_at=None, settings={})
    >>> r.suggestion
    0.1
    """

    lrs: np.ndarray
    losses: np.ndarray
    smoothed: np.ndarray
    suggestion: float
    diverged_at: float | None
    settings: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe dict of every field (arrays become lists, NaN and inf become None)."""
        return json_safe(
            {
                "lrs": self.lrs,
                "losses": self.losses,
                "smoothed": self.smoothed,
                "suggestion": self.suggestion,
                "diverged_at": self.diverged_at,
                "settings": self.settings,
            }
        )


def json_safe(value: Any) -> Any:
    """Convert ``value`` to plain JSON types: arrays to lists, NaN/inf to None, others to str.

    Examples
    --------
    >>> json_safe({"a": np.array([1.0, np.nan]), "b": (np.int64(2), True)})
    {'a': [1.0, None], 'b': [2, True]}
    """
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(item) for item in value]
    if isinstance(value, np.ndarray):
        return json_safe(value.tolist())
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if value is None or isinstance(value, str):
        return value
    return str(value)


def _status_name(status: Any) -> str:
    return getattr(status, "name", str(status))


def _format(value: Any) -> str:
    if isinstance(value, float):
        return "nan" if math.isnan(value) else f"{value:.3g}"
    return str(value)


def _format_seconds(seconds: float) -> str:
    if math.isnan(seconds):
        return "-"
    return f"{seconds * 1e3:.1f}ms" if seconds < 1 else f"{seconds:.2f}s"
