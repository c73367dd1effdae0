"""Proximal gradient (ISTA), FISTA, and Nesterov's accelerated gradient with adaptive restart.

For ``F(x) = f(x) + h(x)`` with ``f`` smooth and ``h`` having a cheap proximal operator, each
step is ``z = prox_h(y - t grad f(y), t)``; with backtracking, ``t`` halves until
``f(z) <= f(y) + grad f(y) @ (z - y) + ||z - y||^2 / (2 t)``. FISTA extrapolates ``y`` from
the last two iterates; Nesterov's method is FISTA with ``h = 0``.

References: A. Beck and M. Teboulle, SIAM J. Imaging Sci. 2 (2009) 183-202 (ISTA/FISTA with
backtracking); B. O'Donoghue and E. Candes, Found. Comput. Math. 15 (2015) 715-732
(adaptive restart).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from descend.optim import soft_threshold
from descend.solvers.checks import positive
from descend.solvers.first_order import estimate_lr
from descend.solvers.monitor import Monitor
from descend.solvers.objective import Objective
from descend.solvers.result import Status

__all__ = ["fista", "nesterov", "proximal_gradient"]

_RESTARTS = (None, "gradient", "function")
# Backtracking gives up once t has shrunk by this factor: the gradient must be wrong.
_MIN_STEP_RATIO = 1e-12

FlatProx = Callable[[np.ndarray, float], np.ndarray]


def proximal_gradient(
    obj: Objective,
    monitor: Monitor,
    x: np.ndarray,
    f: float,
    g: np.ndarray,
    *,
    lr: float | None = None,
    l1: float | None = None,
    prox: Callable[[Any, float], Any] | None = None,
) -> dict[str, Any]:
    """Proximal gradient descent (ISTA), method ``"proximal"``.

    The non-smooth term comes from ``minimize(..., prox=prox)``, where ``prox(x, step)``
    returns the proximal operator of ``step * h`` at ``x`` (structure of ``x0``), or from
    ``options={"l1": lam}`` for ``h = lam * ||x||_1``; neither gives plain gradient descent
    with backtracking. ``result.fun`` includes ``lam * ||x||_1`` with ``l1``, but only the
    smooth part with a custom ``prox`` (whose ``h`` descend cannot evaluate). ``gtol`` tests
    the infinity norm of the gradient mapping ``(y - z) / t``.

    Options
    -------
    lr : float, optional
        Fixed step ``t`` (no backtracking; divergence is diagnosed). Default: backtracking
        from ``1 / L`` estimated by `estimate_lr`.
    l1 : float, optional
        Weight of an L1 penalty ``l1 * ||x||_1`` (soft-thresholding prox).

    Examples
    --------
    >>> from descend.solvers import minimize
    >>> b = np.array([3.0, -0.5, 1.5])
    >>> r = minimize(lambda x: 0.5 * np.sum((x - b) ** 2), np.zeros(3), method="proximal",
    ...              jac=lambda x: x - b, options={"l1": 1.0})
    >>> np.round(r.x, 6)
    array([ 2. , -0. ,  0.5])
    """
    return _run(obj, monitor, x, f, g, lr=lr, l1=l1, prox=prox, accelerated=False, restart=None)


def fista(
    obj: Objective,
    monitor: Monitor,
    x: np.ndarray,
    f: float,
    g: np.ndarray,
    *,
    lr: float | None = None,
    l1: float | None = None,
    restart: str | None = "gradient",
    prox: Callable[[Any, float], Any] | None = None,
) -> dict[str, Any]:
    """FISTA: accelerated proximal gradient with adaptive restart, method ``"fista"``.

    Same ``prox`` / ``l1`` / ``lr`` as `proximal_gradient`, plus:

    Options
    -------
    restart : {"gradient", "function", None}
        Adaptive restart of the momentum (O'Donoghue & Candes): ``"gradient"`` (default,
        free) when the step opposes the momentum, ``"function"`` when the objective rises.

    Examples
    --------
    >>> from descend.solvers import minimize
    >>> b = np.array([3.0, -0.5, 1.5])
    >>> r = minimize(lambda x: 0.5 * np.sum((x - b) ** 2), np.zeros(3), method="fista",
    ...              jac=lambda x: x - b, options={"l1": 1.0})
    >>> np.round(r.x, 6)
    array([ 2. , -0. ,  0.5])
    """
    return _run(obj, monitor, x, f, g, lr=lr, l1=l1, prox=prox, accelerated=True, restart=restart)


def nesterov(
    obj: Objective,
    monitor: Monitor,
    x: np.ndarray,
    f: float,
    g: np.ndarray,
    *,
    lr: float | None = None,
    restart: str | None = "gradient",
) -> dict[str, Any]:
    """Nesterov's accelerated gradient with adaptive restart (FISTA without a prox).

    Options
    -------
    lr : float, optional
        Fixed step (divergence is diagnosed); default backtracking from ``1 / L`` estimated
        by `estimate_lr`.
    restart : {"gradient", "function", None}
        Adaptive restart scheme (default ``"gradient"``).

    Examples
    --------
    >>> from descend.solvers import minimize
    >>> A = np.diag([1.0, 100.0])
    >>> r = minimize(lambda x: 0.5 * x @ A @ x, np.ones(2), method="nesterov",
    ...              jac=lambda x: A @ x)
    >>> r.success, bool(np.allclose(r.x, 0.0, atol=1e-4))
    (True, True)
    """
    return _run(
        obj,
        monitor,
        x,
        f,
        g,
        lr=lr,
        l1=None,
        prox=None,
        accelerated=True,
        restart=restart,
        started=True,
    )


def _run(
    obj: Objective,
    monitor: Monitor,
    x: np.ndarray,
    f: float,
    g: np.ndarray,
    *,
    lr: float | None,
    l1: float | None,
    prox: Callable[[Any, float], Any] | None,
    accelerated: bool,
    restart: str | None,
    started: bool = False,
) -> dict[str, Any]:
    if restart not in _RESTARTS:
        raise ValueError(f"unknown restart {restart!r}; choose one of {list(_RESTARTS)}")
    prox_flat, penalty = _nonsmooth_term(obj, l1, prox)
    step = positive(lr, "lr") if lr is not None else estimate_lr(obj, x, g)
    backtrack = lr is None
    min_step = _MIN_STEP_RATIO * step
    if not backtrack:
        monitor.fixed_lr = step
    big_f = f + penalty(x)
    if not started:
        mapping = (x - prox_flat(x - step * g, step)) / step
        if monitor.start(x, big_f, g, float(np.max(np.abs(mapping)))):
            return {}
    y, fy, gy = x, f, g
    theta = 1.0
    while True:
        while True:
            z = prox_flat(y - step * gy, step)
            d = z - y
            if accelerated:
                fz, gz = obj.fun(z), None
            else:
                fz, gz = obj.value_and_grad(z)
            # Relative slack: an estimated 1/L a hair above the true one must not halve t.
            quadratic = float(d @ d) / (2 * step)
            slack = 1e-8 * quadratic + 10 * np.finfo(np.float64).eps * abs(fy)
            if not backtrack or fz - fy <= float(gy @ d) + quadratic + slack:
                break
            step *= 0.5
            if step < min_step:
                monitor.fail(
                    Status.LINE_SEARCH_FAILED,
                    "backtracking found no step with sufficient decrease; the gradient may be "
                    "wrong or fun non-finite near x",
                )
                return {}
        big_z = fz + penalty(z)
        if monitor.update(z, big_z, gz, float(np.max(np.abs(d))) / step):
            return {}
        if not accelerated:
            y, fy, gy = z, fz, gz  # type: ignore[assignment]
            continue
        theta_next = 0.5 * (1.0 + math.sqrt(1.0 + 4.0 * theta * theta))
        if (restart == "gradient" and float(d @ (z - x)) < 0) or (
            restart == "function" and big_z > big_f
        ):
            theta_next, y = 1.0, z
        else:
            y = z + ((theta - 1.0) / theta_next) * (z - x)
        theta, x, big_f = theta_next, z, big_z
        fy, gy = obj.value_and_grad(y)


def _nonsmooth_term(
    obj: Objective, l1: float | None, prox: Callable[[Any, float], Any] | None
) -> tuple[FlatProx, Callable[[np.ndarray], float]]:
    if l1 is not None and prox is not None:
        raise ValueError("give either prox= or options={'l1': ...}, not both")
    if l1 is not None:
        lam = float(l1)
        if not lam >= 0:
            raise ValueError(f"l1 must be a non-negative number; got {l1!r}")
        return (lambda z, t: soft_threshold(z, lam * t)), (lambda z: lam * float(np.sum(np.abs(z))))
    if prox is not None:
        user_prox = prox

        def flat_prox(z: np.ndarray, t: float) -> np.ndarray:
            return obj.flatten(user_prox(obj.to_tree(z), t), "the value returned by prox")

        return flat_prox, lambda z: 0.0
    return (lambda z, t: z), lambda z: 0.0
