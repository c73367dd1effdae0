"""How a "method" runs on a problem: method names and defaults, budgets, one run.

A method is a `descend.minimize` method (``"bfgs"``, ``"gd"``, ...), the name of a
`descend.optim` optimizer (``"adam"``, ``"sgd"``, ...), or an optimizer object; every run goes
through `descend.minimize`, so all of them share its stopping rules and its `History`.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from descend import optim
from descend.problems import Problem
from descend.solvers import METHODS, History, OptimizeResult, Status, minimize
from descend.solvers.optimizer_loop import is_optimizer

__all__ = [
    "DEFAULT_LR",
    "OPTIMIZERS",
    "STANDARD_METHODS",
    "Budget",
    "Method",
    "as_budget",
    "resolve_methods",
    "run_method",
]

#: The `descend.optim` optimizers that can be named as methods (full-batch under minimize).
OPTIMIZERS: dict[str, Callable[..., Any]] = {
    "sgd": optim.sgd,
    "adam": optim.adam,
    "adamw": optim.adamw,
    "adamax": optim.adamax,
    "nadam": optim.nadam,
    "radam": optim.radam,
    "adagrad": optim.adagrad,
    "adadelta": optim.adadelta,
    "rmsprop": optim.rmsprop,
    "rprop": optim.rprop,
    "lion": optim.lion,
}

#: Learning rates used when a named optimizer is given none, chosen by scanning a log grid on
#: the standard race (Rosenbrock, Beale, a cond-1000 quadratic, logistic regression) for the
#: best worst-case progress in 200 full-batch iterations, and rounded down a little for safety.
#: PyTorch's defaults (1e-3 for Adam) are tuned for mini-batch training of networks and barely
#: move in such a race. Plain SGD is bounded by the quadratic's 2 / L = 2e-3.
DEFAULT_LR: dict[str, float] = {
    "sgd": 1e-3,
    "adam": 0.1,
    "adamw": 0.1,
    "adamax": 0.1,
    "nadam": 0.1,
    "radam": 0.1,
    "adagrad": 0.5,
    "adadelta": 1.0,
    "rmsprop": 0.03,
    "rprop": 0.01,
    "lion": 0.01,
}

#: The race run by `compare` when no methods are given.
STANDARD_METHODS: tuple[str, ...] = (
    "gd",
    "momentum",
    "nesterov",
    "adagrad",
    "rmsprop",
    "adam",
    "cg",
    "bfgs",
    "lbfgs",
    "newton-cg",
)

_BUDGET_KEYS = ("max_iter", "max_fev", "max_time")


@dataclass(frozen=True)
class Budget:
    """The limits every run in a comparison shares; at least one must be set.

    Parameters
    ----------
    max_iter : int, optional
        Iterations (one optimizer update, or one line-search iteration).
    max_fev : int, optional
        Objective evaluations. Runs are cut back to their last iterate within the budget, so
        no row ever reports more evaluations than allowed.
    max_time : float, optional
        Wall-clock seconds, checked once per iteration (a run can exceed it by one
        iteration).

    Examples
    --------
    >>> Budget(max_iter=100).as_kwargs()
    {'max_iter': 100}
    """

    max_iter: int | None = None
    max_fev: int | None = None
    max_time: float | None = None

    def __post_init__(self) -> None:
        for key in _BUDGET_KEYS:
            value = getattr(self, key)
            kind = float if key == "max_time" else int
            if value is None:
                continue
            valid = isinstance(value, (int, float, np.integer, np.floating)) and value > 0
            if isinstance(value, bool) or not valid or (kind is int and int(value) != value):
                raise ValueError(
                    f"budget {key} must be a positive {'number' if kind is float else 'integer'}"
                    f"; got {value!r}"
                )
            object.__setattr__(self, key, kind(value))
        if all(getattr(self, key) is None for key in _BUDGET_KEYS):
            raise ValueError(f"a budget needs at least one of {', '.join(_BUDGET_KEYS)}")

    def as_kwargs(self) -> dict[str, Any]:
        """The limits that are set, as `descend.minimize` keyword arguments."""
        return {key: getattr(self, key) for key in _BUDGET_KEYS if getattr(self, key) is not None}


def as_budget(budget: Budget | Mapping[str, Any] | int) -> Budget:
    """A `Budget` from a Budget, a dict of its fields, or an int (an iteration budget).

    Examples
    --------
    >>> as_budget({"max_fev": 50}) == Budget(max_fev=50), as_budget(30).max_iter
    (True, 30)
    """
    if isinstance(budget, Budget):
        return budget
    if isinstance(budget, (int, np.integer)) and not isinstance(budget, bool):
        return Budget(max_iter=int(budget))
    if isinstance(budget, Mapping):
        unknown = sorted(set(budget) - set(_BUDGET_KEYS))
        if unknown:
            raise ValueError(f"unknown budget keys {unknown}; use {', '.join(_BUDGET_KEYS)}")
        return Budget(**budget)
    raise TypeError(
        f"budget must be a Budget, a dict with {', '.join(_BUDGET_KEYS)}, or an int (iterations)"
        f"; got {budget!r}"
    )


@dataclass(frozen=True)
class Method:
    """One competitor: what to run and with which settings.

    Parameters
    ----------
    name : str
        Display name in tables and plots.
    spec : str, optimizer or optimizer factory
        A `descend.minimize` method name, a key of `OPTIMIZERS`, an optimizer object, or a
        factory called with ``options`` (``descend.optim.sgd``).
    options : dict
        For a minimize method: its ``options`` (``lr``, ``gtol``, ...); for a named optimizer:
        the factory's arguments (``lr``, ``momentum``, ...); empty for an optimizer object.

    Examples
    --------
    >>> Method("adam", "adam", {"lr": 0.1}).describe()
    {'name': 'adam', 'method': 'adam', 'options': {'lr': 0.1}}
    """

    name: str
    spec: Any
    options: dict[str, Any] = dataclasses.field(default_factory=dict)

    def with_options(self, **options: Any) -> Method:
        """This method with ``options`` added (a sweep's hyperparameters)."""
        return Method(self.name, self.spec, {**self.options, **options})

    def describe(self) -> dict[str, Any]:
        """A JSON-friendly description for ``Results.settings``."""
        if isinstance(self.spec, str):
            spec = self.spec
        elif is_optimizer(self.spec):
            # The object's repr holds function addresses: name its chain instead.
            spec = f"optimizer object ({_optimizer_name(self.spec, 0)})"
        else:
            spec = f"{getattr(self.spec, '__module__', '')}.{getattr(self.spec, '__name__', '?')}"
        return {"name": self.name, "method": spec, "options": dict(self.options)}

    def build(self) -> tuple[Any, dict[str, Any]]:
        """``(method, options)`` for `descend.minimize`; a named optimizer is built here."""
        if is_optimizer(self.spec):
            return self.spec, {}
        if isinstance(self.spec, str) and self.spec not in OPTIMIZERS:
            return self.spec, dict(self.options)
        if callable(self.spec):  # an optimizer factory such as descend.optim.sgd
            factory, arguments = self.spec, self.options
        else:
            factory = OPTIMIZERS[self.spec]
            arguments = {"lr": DEFAULT_LR[self.spec], **self.options}
        try:
            return factory(**arguments), {}
        except TypeError as error:
            raise TypeError(f"method {self.name!r}: {error}") from error


def _canonical(name: str) -> str:
    """As `descend.minimize`, ignore case, ``-`` and ``_``: ``"L-BFGS-B"`` is ``"lbfgsb"``."""
    key = name.strip().lower().replace("_", "").replace("-", "")
    spellings = {known.replace("-", ""): known for known in (*OPTIMIZERS, *METHODS)}
    return spellings.get(key, name)


def _named(name: str, options: Any) -> Method:
    if not isinstance(name, str):
        raise TypeError(f"method names must be strings; got {name!r}")
    key = _canonical(name)
    if key not in OPTIMIZERS and key not in METHODS:
        valid = sorted({*OPTIMIZERS, *METHODS})
        close = difflib.get_close_matches(key.lower(), valid, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(f"unknown method {name!r}{hint}; the valid names are {valid}")
    if options is None:
        options = {}
    if not isinstance(options, Mapping):
        raise TypeError(
            f"the settings of method {name!r} must be a dict such as {{'lr': 0.05}}; got "
            f"{options!r}"
        )
    return Method(key, key, dict(options))


def resolve_methods(methods: Any) -> list[Method]:
    """Turn the ``methods`` argument of `compare` into a list of `Method`.

    Accepts None (`STANDARD_METHODS`), one name or optimizer, a list of names and optimizer
    objects, or a dict from display name to settings (``{"adam": {"lr": 0.05}}``), to an
    optimizer object (``{"my adam": descend.optim.adam(lr=0.05)}``) or to None.

    Examples
    --------
    >>> [m.name for m in resolve_methods(["bfgs", "adam"])]
    ['bfgs', 'adam']
    >>> resolve_methods({"adam": {"lr": 0.05}})[0].options
    {'lr': 0.05}
    """
    if methods is None:
        methods = list(STANDARD_METHODS)
    if isinstance(methods, str) or is_optimizer(methods):
        methods = [methods]
    resolved: list[Method] = []
    if isinstance(methods, Mapping):
        for name, value in methods.items():
            if is_optimizer(value):
                resolved.append(Method(str(name), value))
            elif isinstance(name, str) and _canonical(name) not in {*OPTIMIZERS, *METHODS}:
                # A display name with settings must say which method: {"slow": {"method":...}}
                settings = dict(value or {})
                if "method" not in settings:
                    _named(name, None)  # raises the error listing the valid names
                base = _named(settings.pop("method"), settings)
                resolved.append(Method(name, base.spec, base.options))
            else:
                resolved.append(_named(name, value))
    else:
        for index, item in enumerate(methods):
            if is_optimizer(item):
                resolved.append(Method(_optimizer_name(item, index), item))
            else:
                resolved.append(_named(item, None))
    if not resolved:
        raise ValueError("methods is empty: give at least one method")
    names = [m.name for m in resolved]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(
            f"methods {duplicates} appear more than once; give each a distinct display name "
            "with a dict, e.g. {'adam slow': {'method': 'adam', 'lr': 0.001}}"
        )
    return resolved


def _optimizer_name(optimizer: Any, index: int) -> str:
    """A name from the optimizer's chain: ``optim.adam(...)`` -> ``"adam"``, ``optim.rmsprop``
    -> ``"rms"``, ``chain(clip_by_global_norm(1), adam())`` -> ``"clip_by_global_norm+adam"``;
    plain SGD (only a learning rate) -> ``"sgd"``. A dict of methods chooses names instead."""
    parts = [getattr(part, "name", "") for part in getattr(optimizer, "parts", ())]
    if not all(parts):
        return f"optimizer {index}"
    named = [name.removeprefix("scale_by_") for name in parts if name != "scale_by_lr"]
    return "+".join(named) if named else "sgd"


def run_method(
    method: Method, problem: Problem, x0: np.ndarray, budget: Budget, keep_path: bool
) -> OptimizeResult:
    """Run ``method`` on ``problem`` from ``x0`` under ``budget`` with `descend.minimize`.

    With an evaluation budget the run is cut back to its last iterate within it (minimize
    checks ``max_fev`` once per iteration, so the final line search can overshoot).

    Examples
    --------
    >>> from descend import problems
    >>> p = problems.get("rosenbrock")
    >>> r = run_method(Method("gd", "gd"), p, p.x0, Budget(max_fev=50), keep_path=False)
    >>> r.nfev <= 50, len(r.history) - 1 == r.nit
    (True, True)
    """
    spec, options = method.build()
    keep = keep_path or budget.max_fev is not None
    result = minimize(
        problem.fun, x0, spec, options={**options, "keep_path": keep}, **budget.as_kwargs()
    )
    if budget.max_fev is not None and result.history.nfev[-1] > budget.max_fev:
        result = _cut_to_evaluations(result, budget.max_fev)
    if not keep_path:
        result.history.path = None
    return result


def _cut_to_evaluations(result: OptimizeResult, max_fev: int) -> OptimizeResult:
    history = result.history
    last = int(np.flatnonzero(np.asarray(history.nfev) <= max_fev)[-1])
    assert history.path is not None  # run_method keeps the path under an evaluation budget
    path = history.path[: last + 1]
    cut = History(
        fun=history.fun[: last + 1],
        grad_norm=history.grad_norm[: last + 1],
        step=history.step[: last + 1],
        nfev=history.nfev[: last + 1],
        elapsed=history.elapsed[: last + 1],
        path=path,
    )
    return OptimizeResult(
        {
            **result,
            "x": path[-1].copy(),
            "fun": float(cut.fun[-1]),
            "jac": None,
            "nit": last,
            "nfev": int(cut.nfev[-1]),
            "success": False,
            "status": Status.MAX_FEV,
            "message": f"evaluation budget max_fev={max_fev} reached",
            "history": cut,
        }
    )
