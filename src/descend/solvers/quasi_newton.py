"""BFGS (dense inverse Hessian) and L-BFGS (two-loop recursion) with a strong Wolfe search.

Reference: Nocedal & Wright, *Numerical Optimization* (2006), Algorithms 6.1 (BFGS), 7.4
(two-loop recursion) and 7.5 (L-BFGS); eq. 7.20 for L-BFGS's initial scaling.
"""

from __future__ import annotations

from collections import deque
from typing import Any

import numpy as np

from descend.solvers.checks import check_line_search
from descend.solvers.line_search import interpolated_step0
from descend.solvers.line_search import line_search as search_line
from descend.solvers.monitor import Monitor
from descend.solvers.objective import Objective

__all__ = ["CurvatureMemory", "bfgs", "lbfgs"]

# A curvature pair is used only if s @ y > _CURVATURE_EPS * ||s|| ||y|| (it keeps the
# approximation positive definite even with inexact line searches).
_CURVATURE_EPS = 1e-10


def _positive_curvature(s: np.ndarray, y: np.ndarray, sy: float) -> bool:
    return sy > _CURVATURE_EPS * float(np.linalg.norm(s)) * float(np.linalg.norm(y))


def bfgs(
    obj: Objective,
    monitor: Monitor,
    x: np.ndarray,
    f: float,
    g: np.ndarray,
    *,
    line_search: str = "wolfe",
    c1: float = 1e-4,
    c2: float = 0.9,
    hess_inv0: np.ndarray | None = None,
) -> dict[str, Any]:
    """BFGS on the dense inverse Hessian approximation, returned as ``hess_inv``.

    The first matrix is the identity (as SciPy: on the MGH test set it takes fewer
    evaluations than N&W's rescaling, eq. 6.20); trial steps start from
    `interpolated_step0`, as SciPy's BFGS does.

    Options
    -------
    line_search : {"wolfe", "armijo", "exact"}
        Default ``"wolfe"``.
    c1, c2 : float
        Line-search constants (1e-4, 0.9, as SciPy).
    hess_inv0 : ndarray, optional
        Initial ``(n, n)`` inverse Hessian approximation (symmetric positive definite).

    Examples
    --------
    >>> from descend.solvers import minimize
    >>> A = np.array([[3.0, 1.0], [1.0, 2.0]])
    >>> r = minimize(lambda x: 0.5 * x @ A @ x, np.ones(2), method="bfgs",
    ...              jac=lambda x: A @ x, tol=1e-10)
    >>> bool(np.allclose(r.hess_inv, np.linalg.inv(A), atol=1e-3))
    True
    """
    check_line_search(line_search)
    n = x.size
    h = np.eye(n) if hess_inv0 is None else np.array(hess_inv0, dtype=np.float64)
    if h.shape != (n, n):
        raise ValueError(f"hess_inv0 must have shape ({n}, {n}); got {h.shape}")
    f_prev: float | None = None
    while True:
        p = -(h @ g)
        if not float(g @ p) < 0:
            h, p = np.eye(n), -g
        step0 = interpolated_step0(f, f_prev, float(g @ p), p)
        search = search_line(
            line_search, obj.value_and_grad, x, p, f, g, step0=step0, c1=c1, c2=c2, fun=obj.fun
        )
        if search.step == 0 and not np.array_equal(p, -g):
            h, p = np.eye(n), -g
            search = search_line(
                line_search, obj.value_and_grad, x, p, f, g, c1=c1, c2=c2, fun=obj.fun
            )
        if search.step == 0:
            monitor.search_failed(search)
            return {"hess_inv": h}
        f_prev = f
        s, y = search.x - x, search.g - g
        x, f, g = search.x, search.f, search.g
        sy = float(s @ y)
        if _positive_curvature(s, y, sy):
            hy = h @ y
            rho = 1.0 / sy
            h += (rho * rho * (sy + float(y @ hy))) * np.outer(s, s) - rho * (
                np.outer(hy, s) + np.outer(s, hy)
            )
        if monitor.update(x, f, g):
            return {"hess_inv": h}


class CurvatureMemory:
    """The last ``m`` curvature pairs ``(s, y)`` and the L-BFGS two-loop recursion.

    Examples
    --------
    >>> A = np.diag([1.0, 4.0])
    >>> mem = CurvatureMemory(2)
    >>> for s in np.eye(2):
    ...     _ = mem.add(s, A @ s)
    >>> mem.apply(np.array([1.0, 4.0]))  # inverse Hessian times the vector
    array([1., 1.])
    """

    def __init__(self, size: int) -> None:
        self.pairs: deque[tuple[np.ndarray, np.ndarray, float]] = deque(maxlen=size)

    def add(self, s: np.ndarray, y: np.ndarray) -> bool:
        """Store the pair if it has positive curvature; return whether it was stored."""
        sy = float(s @ y)
        if not _positive_curvature(s, y, sy):
            return False
        self.pairs.append((s, y, 1.0 / sy))
        return True

    def clear(self) -> None:
        self.pairs.clear()

    def apply(self, q: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        """The inverse Hessian approximation times ``q`` (restricted to ``mask`` if given)."""
        pairs = list(self.pairs) if mask is None else _restricted(self.pairs, mask)
        if not pairs:
            return q.copy()
        q = q.copy()
        alphas = []
        for s, y, rho in reversed(pairs):
            alpha = rho * float(s @ q)
            alphas.append(alpha)
            q -= alpha * y
        s, y, rho = pairs[-1]
        q *= 1.0 / (rho * float(y @ y))
        for (s, y, rho), alpha in zip(pairs, reversed(alphas)):
            beta = rho * float(y @ q)
            q += (alpha - beta) * s
        return q


def _restricted(
    pairs: deque[tuple[np.ndarray, np.ndarray, float]], mask: np.ndarray
) -> list[tuple[np.ndarray, np.ndarray, float]]:
    kept = []
    for s, y, _ in pairs:
        s_free, y_free = s[mask], y[mask]
        sy = float(s_free @ y_free)
        if _positive_curvature(s_free, y_free, sy):
            kept.append((s_free, y_free, 1.0 / sy))
    return kept


def lbfgs(
    obj: Objective,
    monitor: Monitor,
    x: np.ndarray,
    f: float,
    g: np.ndarray,
    *,
    memory: int = 10,
    line_search: str = "wolfe",
    c1: float = 1e-4,
    c2: float = 0.9,
) -> dict[str, Any]:
    """Limited-memory BFGS: the two-loop recursion over the last ``memory`` pairs.

    The initial matrix is ``(s @ y / y @ y) I`` from the newest pair (N&W eq. 7.20); the first
    trial step has length 1 (as SciPy's L-BFGS-B), later ones are the unit quasi-Newton step.

    Options
    -------
    memory : int
        Number of stored curvature pairs (10, SciPy's ``maxcor``).
    line_search : {"wolfe", "armijo", "exact"}
        Default ``"wolfe"``.
    c1, c2 : float
        Line-search constants (1e-4, 0.9).

    Examples
    --------
    >>> from descend.solvers import minimize
    >>> r = minimize(lambda x: np.sum((x - 2.0) ** 2), np.zeros(4), method="lbfgs",
    ...              jac=lambda x: 2 * (x - 2.0))
    >>> bool(np.allclose(r.x, 2.0)), r.success
    (True, True)
    """
    check_line_search(line_search)
    if int(memory) != memory or memory < 1:
        raise ValueError(f"memory must be a positive integer; got {memory!r}")
    history = CurvatureMemory(int(memory))
    first = True
    while True:
        p = -history.apply(g)
        if not float(g @ p) < 0:
            history.clear()
            p = -g
        step0 = 1.0 / float(np.sqrt(g @ g)) if first else 1.0
        search = search_line(
            line_search, obj.value_and_grad, x, p, f, g, step0=step0, c1=c1, c2=c2, fun=obj.fun
        )
        if search.step == 0 and history.pairs:
            history.clear()
            step0 = min(1.0, 1.0 / float(np.sqrt(g @ g)))
            search = search_line(
                line_search, obj.value_and_grad, x, -g, f, g, step0=step0, c1=c1, c2=c2, fun=obj.fun
            )
        if search.step == 0:
            monitor.search_failed(search)
            return {}
        first = False
        history.add(search.x - x, search.g - g)
        x, f, g = search.x, search.f, search.g
        if monitor.update(x, f, g):
            return {}
