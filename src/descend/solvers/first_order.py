"""Gradient descent (fixed step or line search) and heavy-ball momentum.

Each solver takes the wrapped objective, the run's monitor and the starting point with its
value and gradient, iterates until the monitor says stop, and returns extra result fields.
Nesterov's accelerated gradient lives in `descend.solvers.proximal` (it is FISTA without a
proximal term).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from descend.solvers.checks import check_line_search, positive
from descend.solvers.line_search import interpolated_step0
from descend.solvers.line_search import line_search as search_line
from descend.solvers.monitor import Monitor
from descend.solvers.objective import Objective

__all__ = ["estimate_lr", "gradient_descent", "momentum"]

_POWER_ITERATIONS = 8


def gradient_descent(
    obj: Objective,
    monitor: Monitor,
    x: np.ndarray,
    f: float,
    g: np.ndarray,
    *,
    lr: float | None = None,
    line_search: str | None = None,
    c1: float = 1e-4,
    c2: float = 0.9,
) -> dict[str, Any]:
    """Steepest descent ``x <- x - a g``.

    Options
    -------
    lr : float, optional
        Fixed step size. Without ``line_search`` every step is ``lr * g`` (no line search:
        divergence is diagnosed and a safe ``lr`` suggested); with one it is the first trial
        step of each search.
    line_search : {"armijo", "wolfe", "exact"}, optional
        Default ``"armijo"`` when ``lr`` is not given, none when it is.
    c1, c2 : float
        Sufficient-decrease and curvature constants (1e-4, 0.9).

    Examples
    --------
    >>> from descend.solvers import minimize
    >>> r = minimize(lambda x: np.sum((x - 1) ** 2), np.zeros(3), method="gd",
    ...              jac=lambda x: 2 * (x - 1), options={"lr": 0.25})
    >>> bool(np.allclose(r.x, 1.0, atol=1e-5)), r.success
    (True, True)
    """
    kind = "armijo" if line_search is None and lr is None else line_search
    if kind is None:
        step = positive(lr, "lr")
        monitor.fixed_lr = step
        while True:
            x = x - step * g
            f, g = obj.value_and_grad(x)
            if monitor.update(x, f, g):
                return {}
    check_line_search(kind)
    f_prev: float | None = None
    while True:
        p = -g
        step0 = lr if lr is not None else interpolated_step0(f, f_prev, float(-(g @ g)), p)
        search = search_line(
            kind, obj.value_and_grad, x, p, f, g, step0=step0, c1=c1, c2=c2, fun=obj.fun
        )
        if search.step == 0:
            monitor.search_failed(search)
            return {}
        f_prev = f
        x, f, g = search.x, search.f, search.g
        if monitor.update(x, f, g):
            return {}


def momentum(
    obj: Objective,
    monitor: Monitor,
    x: np.ndarray,
    f: float,
    g: np.ndarray,
    *,
    lr: float | None = None,
    beta: float = 0.9,
) -> dict[str, Any]:
    """Polyak's heavy ball: ``v <- beta v - lr g``, ``x <- x + v``.

    Options
    -------
    lr : float, optional
        Step size; default ``1 / L`` with ``L`` estimated by `estimate_lr`.
    beta : float
        Momentum coefficient in ``[0, 1)`` (0.9).

    Examples
    --------
    >>> from descend.solvers import minimize
    >>> r = minimize(lambda x: np.sum((x - 1) ** 2), np.zeros(2), method="momentum",
    ...              jac=lambda x: 2 * (x - 1), options={"lr": 0.1, "beta": 0.5})
    >>> bool(np.allclose(r.x, 1.0, atol=1e-5))
    True
    """
    if not 0 <= beta < 1:
        raise ValueError(f"beta must be in [0, 1); got {beta!r}")
    step = positive(lr, "lr") if lr is not None else estimate_lr(obj, x, g)
    monitor.fixed_lr = step
    velocity = np.zeros_like(x)
    while True:
        velocity = beta * velocity - step * g
        x = x + velocity
        f, g = obj.value_and_grad(x)
        if monitor.update(x, f, g):
            return {}


def estimate_lr(obj: Objective, x: np.ndarray, g: np.ndarray) -> float:
    """``1 / L`` with ``L`` the largest Hessian eigenvalue near ``x``, by power iteration.

    Uses a few gradient differences ``(g(x + h v) - g(x)) / h`` as Hessian-vector products
    (8 gradient evaluations, counted in ``nfev``). Returns 1.0 for a linear function.

    Examples
    --------
    >>> A = np.diag([1.0, 4.0])
    >>> obj = Objective(lambda x: 0.5 * x @ A @ x, np.ones(2), jac=lambda x: A @ x)
    >>> round(estimate_lr(obj, obj.x0, A @ obj.x0), 3)
    0.25
    """
    scale = max(1.0, float(np.sqrt(x @ x)))
    v = g / max(float(np.sqrt(g @ g)), np.finfo(np.float64).tiny)
    if not np.any(v):
        v = np.ones_like(x) / np.sqrt(x.size)
    h = 1e-6 * scale
    curvature = 0.0
    for _ in range(_POWER_ITERATIONS):
        _, g_probe = obj.value_and_grad(x + h * v)
        hv = (g_probe - g) / h
        curvature = float(np.sqrt(hv @ hv))
        if not np.isfinite(curvature) or curvature == 0:
            break
        v = hv / curvature
    return 1.0 / curvature if curvature > 0 and np.isfinite(curvature) else 1.0
