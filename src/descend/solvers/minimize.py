"""`minimize`: one call for every deterministic gradient method, SciPy-style.

This module validates the input, picks the method, sets up the stopping criteria and builds
the result; the methods themselves live in the sibling modules.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from descend.solvers.bounds import box_bounds
from descend.solvers.cg import conjugate_gradient
from descend.solvers.first_order import gradient_descent, momentum
from descend.solvers.monitor import Criteria, Monitor
from descend.solvers.newton import newton, newton_cg
from descend.solvers.objective import Objective
from descend.solvers.optimizer_loop import is_optimizer, run_optimizer
from descend.solvers.projected_lbfgs import projected_lbfgs
from descend.solvers.proximal import fista, nesterov, proximal_gradient
from descend.solvers.quasi_newton import bfgs, lbfgs
from descend.solvers.result import OptimizeResult, Status

__all__ = ["METHODS", "minimize"]

# SciPy L-BFGS-B's default ``factr * eps`` (1e7 * 2.2e-16).
_LBFGSB_FTOL = 1e7 * np.finfo(np.float64).eps


@dataclass(frozen=True)
class _Method:
    solve: Callable[..., dict[str, Any]]
    max_iter: Callable[[int], int]
    ftol: float = 0.0
    starts_itself: bool = False  # reports its own stationarity measure to the monitor
    uses_hessian: bool = False
    uses_prox: bool = False


def _iterations(per_parameter: int, floor: int) -> Callable[[int], int]:
    return lambda n: max(floor, per_parameter * n)


_FIRST_ORDER = _iterations(0, 10_000)
_METHODS: dict[str, _Method] = {
    "gd": _Method(gradient_descent, _FIRST_ORDER),
    "momentum": _Method(momentum, _FIRST_ORDER),
    "nesterov": _Method(nesterov, _FIRST_ORDER),
    "newton": _Method(newton, _iterations(200, 0), uses_hessian=True),
    "newton-cg": _Method(newton_cg, _iterations(200, 0), uses_hessian=True),
    "cg": _Method(conjugate_gradient, _iterations(200, 0)),
    "bfgs": _Method(bfgs, _iterations(200, 0)),
    "lbfgs": _Method(lbfgs, _iterations(0, 15_000), ftol=_LBFGSB_FTOL),
    "lbfgsb": _Method(
        projected_lbfgs, _iterations(0, 15_000), ftol=_LBFGSB_FTOL, starts_itself=True
    ),
    "proximal": _Method(proximal_gradient, _FIRST_ORDER, starts_itself=True, uses_prox=True),
    "fista": _Method(fista, _FIRST_ORDER, starts_itself=True, uses_prox=True),
}

#: The method names `minimize` accepts (besides descend.optim optimizers).
METHODS: tuple[str, ...] = tuple(_METHODS)

_ALIASES = {
    "gradientdescent": "gd",
    "heavyball": "momentum",
    "ista": "proximal",
}

_COMMON_OPTIONS = ("gtol", "ftol", "xtol", "keep_path")


def minimize(
    fun: Callable[..., Any],
    x0: Any,
    method: Any = "lbfgs",
    *,
    args: Any = (),
    jac: Callable[..., Any] | bool | None = None,
    hess: Callable[..., Any] | None = None,
    bounds: Any = None,
    tol: float | None = None,
    max_iter: int | None = None,
    max_fev: int | None = None,
    max_time: float | None = None,
    callback: Callable[[OptimizeResult], Any] | None = None,
    options: dict[str, Any] | None = None,
    prox: Callable[[Any, float], Any] | None = None,
) -> OptimizeResult:
    """Minimise ``fun`` from ``x0`` with a gradient method; SciPy's interface, exact gradients.

    Parameters
    ----------
    fun : callable
        ``fun(x, *args) -> float``, plain NumPy code; ``x`` has the structure of ``x0``.
    x0 : array or pytree of float arrays
        Starting point. ``result.x`` has the same structure and dtypes (the iteration itself
        runs in float64 on the flattened parameters).
    method : str or descend.optim optimizer
        ``"lbfgs"`` (default), ``"lbfgsb"`` (also chosen by ``lbfgs`` with ``bounds``),
        ``"bfgs"``, ``"cg"``, ``"newton"``, ``"newton-cg"``, ``"gd"``, ``"momentum"``,
        ``"nesterov"``, ``"proximal"`` (ISTA), ``"fista"``; case, ``-`` and ``_`` are ignored,
        so SciPy's ``"L-BFGS-B"``, ``"BFGS"``, ``"CG"``, ``"Newton-CG"`` work. Any object with
        ``init`` and ``update`` (a `descend.optim` optimizer) runs full-batch.
    args : tuple
        Extra arguments for ``fun``, ``jac``, ``hess`` (as in SciPy).
    jac : None, True or callable
        None (default): the exact gradient from descend's engine. True: ``fun`` returns
        ``(value, gradient)``. Callable: ``jac(x, *args)`` gives the gradient.
    hess : callable, optional
        ``hess(x, *args)`` returning the ``(n, n)`` Hessian over the flattened parameters, for
        ``newton`` / ``newton-cg``; default from the engine (Hessian-vector products for
        Newton-CG). ``options={"hessp": hessp}`` (``hessp(x, p, *args)``) is also accepted.
    bounds : sequence of (low, high) or scipy.optimize.Bounds, optional
        Box constraints, one pair per flattened parameter (None or +-inf for no bound); only
        with ``lbfgs`` / ``lbfgsb``. ``x0`` is clipped into the box.
    tol : float, optional
        Sets ``gtol`` (as SciPy's ``tol``).
    max_iter, max_fev, max_time : optional
        Iteration, objective-evaluation and wall-time (seconds) limits. ``max_fev`` and
        ``max_time`` are checked once per iteration. Default ``max_iter``: ``200 n`` for
        bfgs, cg, newton, newton-cg (SciPy's); 15000 for L-BFGS; 10000 for first-order methods.
    callback : callable, optional
        Called after each iteration with an `OptimizeResult` holding ``x`` (structure of
        ``x0``), ``fun``, ``jac``, ``nit`` and ``nfev`` (SciPy's ``intermediate_result``).
        Returning True or raising StopIteration stops the run (status 99).
    options : dict, optional
        Common: ``gtol`` (default 1e-5, on the infinity norm of the gradient, as SciPy),
        ``ftol`` (relative objective change; default 2.2e-9 for L-BFGS as SciPy, else off),
        ``xtol`` (step length relative to ``max(1, ||x||)``; off), ``keep_path`` (False).
        Method options are listed in each method's documentation (`gradient_descent`,
        `momentum`, `nesterov`, `newton`, `newton_cg`, `conjugate_gradient`, `bfgs`, `lbfgs`,
        `projected_lbfgs`, `proximal_gradient`, `fista`); unknown keys are an error.
    prox : callable, optional
        For ``proximal`` / ``fista``: ``prox(x, step)`` the proximal operator of the
        non-smooth term times ``step`` (``options={"l1": lam}`` is a shortcut for the L1 norm).

    Returns
    -------
    OptimizeResult
        ``x, fun, jac, nit, nfev, njev, nhev, success, status, message, history`` and
        ``hess_inv`` for BFGS.

    Examples
    --------
    >>> def rosen(x):
    ...     return np.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)
    >>> def rosen_grad(x):
    ...     g = np.zeros_like(x)
    ...     g[:-1] = -400 * x[:-1] * (x[1:] - x[:-1] ** 2) - 2 * (1 - x[:-1])
    ...     g[1:] += 200 * (x[1:] - x[:-1] ** 2)
    ...     return g
    >>> r = minimize(rosen, np.array([-1.2, 1.0]), jac=rosen_grad)
    >>> r.success, np.round(r.x, 4)
    (True, array([1., 1.]))
    >>> r.message.startswith("gradient norm")
    True
    """
    options = dict(options or {})
    name, spec = _resolve_method(method, bounds)
    if spec.uses_prox or prox is not None:
        _check_prox(name, spec, prox)
    hessp = options.pop("hessp", None)
    if (hess is not None or hessp is not None) and not spec.uses_hessian:
        raise ValueError(f"hess/hessp are used by 'newton' and 'newton-cg' only, not {name!r}")
    common = {key: options.pop(key) for key in _COMMON_OPTIONS if key in options}
    solver_options = _check_options(name, spec, options)
    obj = Objective(fun, x0, args if isinstance(args, tuple) else (args,), jac, hess, hessp)
    x = obj.x0
    if bounds is not None:
        lower, upper = box_bounds(bounds, obj.size)
        x = np.clip(x, lower, upper)
        solver_options.update(lower=lower, upper=upper)
    if spec.uses_prox:
        solver_options["prox"] = prox
    criteria = _criteria(spec, common, tol, max_iter, max_fev, max_time, obj.size)
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable; got {type(callback).__name__}")
    monitor = Monitor(obj, criteria, callback, bool(common.get("keep_path", False)))
    f, g = obj.value_and_grad(x)
    _check_start(f, g)
    extras: dict[str, Any] = {}
    if spec.starts_itself or not monitor.start(x, f, g):
        extras = spec.solve(obj, monitor, x, f, g, **solver_options)
    return _result(obj, monitor, extras)


def _resolve_method(method: Any, bounds: Any) -> tuple[str, _Method]:
    if is_optimizer(method):
        return type(method).__name__, _Method(
            partial(run_optimizer, optimizer=method), _FIRST_ORDER
        )
    if not isinstance(method, str):
        raise TypeError(
            f"method must be a method name or a descend.optim optimizer; got {method!r}"
        )
    key = method.lower().replace("-", "").replace("_", "").replace(" ", "")
    key = {k.replace("-", ""): k for k in _METHODS}.get(key, _ALIASES.get(key, key))
    if key not in _METHODS:
        raise ValueError(
            f"unknown method {method!r}; choose one of {sorted(METHODS)} or pass a "
            "descend.optim optimizer"
        )
    if bounds is not None:
        if key == "lbfgs":
            key = "lbfgsb"
        elif key != "lbfgsb":
            raise ValueError(
                f"bounds are supported by 'lbfgs'/'lbfgsb' only; method {method!r} is unconstrained"
            )
    return key, _METHODS[key]


def _check_prox(name: str, spec: _Method, prox: Any) -> None:
    if not spec.uses_prox:
        raise ValueError(f"prox is used by 'proximal' and 'fista' only, not {name!r}")
    if prox is not None and not callable(prox):
        raise TypeError(f"prox must be a callable prox(x, step); got {type(prox).__name__}")


def _check_options(name: str, spec: _Method, options: dict[str, Any]) -> dict[str, Any]:
    parameters = inspect.signature(spec.solve).parameters
    accepted = [
        p
        for p, info in parameters.items()
        if info.kind is inspect.Parameter.KEYWORD_ONLY
        and p not in ("lower", "upper", "prox", "optimizer")
    ]
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        raise ValueError(
            f"unknown option(s) {unknown} for method {name!r}; valid options: "
            f"{sorted(accepted + list(_COMMON_OPTIONS))}"
        )
    return options


def _criteria(
    spec: _Method,
    common: dict[str, Any],
    tol: float | None,
    max_iter: int | None,
    max_fev: int | None,
    max_time: float | None,
    n: int,
) -> Criteria:
    gtol = common.get("gtol", 1e-5 if tol is None else tol)
    values = {"gtol": gtol, "ftol": common.get("ftol", spec.ftol), "xtol": common.get("xtol", 0.0)}
    for key, value in values.items():
        if not (isinstance(value, (int, float, np.number)) and value >= 0):
            raise ValueError(f"{key} must be a non-negative number; got {value!r}")
    for key, limit in (("max_iter", max_iter), ("max_fev", max_fev)):
        if limit is not None and not (isinstance(limit, (int, np.integer)) and limit >= 1):
            raise ValueError(f"{key} must be a positive integer; got {limit!r}")
    if max_time is not None and not (isinstance(max_time, (int, float)) and max_time > 0):
        raise ValueError(f"max_time must be a positive number of seconds; got {max_time!r}")
    return Criteria(
        gtol=float(values["gtol"]),
        ftol=float(values["ftol"]),
        xtol=float(values["xtol"]),
        max_iter=int(max_iter) if max_iter is not None else spec.max_iter(n),
        max_fev=max_fev,
        max_time=max_time,
    )


def _check_start(f: float, g: np.ndarray) -> None:
    if not np.isfinite(f):
        raise ValueError(f"fun returned {f} at x0: start from a point where it is finite")
    if not np.all(np.isfinite(g)):
        bad = np.flatnonzero(~np.isfinite(g))[:5].tolist()
        raise ValueError(
            f"the gradient at x0 is not finite at flat position(s) {bad}: start from a point "
            "where fun is differentiable"
        )


def _result(obj: Objective, monitor: Monitor, extras: dict[str, Any]) -> OptimizeResult:
    status = monitor.status if monitor.status is not None else Status.MAX_ITER
    g = monitor.g if monitor.g is not None else obj.value_and_grad(monitor.x)[1]
    return OptimizeResult(
        x=obj.to_result(monitor.x),
        fun=monitor.f,
        jac=obj.to_result(g),
        nit=monitor.nit,
        nfev=obj.nfev,
        njev=obj.njev,
        nhev=obj.nhev,
        status=status,
        success=status.is_success,
        message=monitor.message,
        history=monitor.history(),
        **extras,
    )
