"""Newton's method with a positive-definite safeguard, and line-search Newton-CG.

References: Nocedal & Wright, *Numerical Optimization* (2006), section 3.4 (Hessian
modification) and Algorithm 7.1 (line search Newton-CG).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
import scipy.linalg

from descend.solvers.checks import check_line_search, positive
from descend.solvers.line_search import line_search as search_line
from descend.solvers.monitor import Monitor
from descend.solvers.objective import Objective

__all__ = ["newton", "newton_cg", "modified_newton_direction", "truncated_cg"]

_SQRT_EPS = float(np.sqrt(np.finfo(np.float64).eps))


def newton(
    obj: Objective,
    monitor: Monitor,
    x: np.ndarray,
    f: float,
    g: np.ndarray,
    *,
    line_search: str = "armijo",
    c1: float = 1e-4,
    c2: float = 0.9,
) -> dict[str, Any]:
    """Newton's method on the exact Hessian, modified to be positive definite when it is not.

    Each step solves ``H p = -g`` by Cholesky when ``H`` is positive definite, else with ``H``'s
    eigenvalues replaced by their absolute values (see `modified_newton_direction`), so ``p``
    is always a descent direction; a line search then starts from the full step 1.

    Options
    -------
    line_search : {"armijo", "wolfe", "exact"}
        Default ``"armijo"``: the unit Newton step is accepted near the solution.
    c1, c2 : float
        Line-search constants (1e-4, 0.9).

    Examples
    --------
    >>> from descend.solvers import minimize
    >>> A = np.array([[3.0, 1.0], [1.0, 2.0]]); b = np.array([1.0, -1.0])
    >>> r = minimize(lambda x: 0.5 * x @ A @ x - b @ x, np.zeros(2), method="newton",
    ...              jac=lambda x: A @ x - b, hess=lambda x: A)
    >>> r.nit, bool(np.allclose(r.x, np.linalg.solve(A, b)))
    (1, True)
    """
    check_line_search(line_search)
    while True:
        p = modified_newton_direction(obj.hess(x), g)
        search = search_line(line_search, obj.value_and_grad, x, p, f, g, c1=c1, c2=c2, fun=obj.fun)
        if search.step == 0:
            monitor.search_failed(search)
            return {}
        x, f, g = search.x, search.f, search.g
        if monitor.update(x, f, g):
            return {}


def modified_newton_direction(hessian: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Newton direction ``-H^{-1} g``, with ``H`` made positive definite when it is not.

    A positive definite ``H`` is used as is (Cholesky). Otherwise its eigenvalues are
    replaced by their absolute values, floored at ``sqrt(eps)`` times the largest
    (N&W section 3.4, eigenvalue modification): directions of negative curvature are followed
    downhill with a step scaled by their curvature, instead of the near-singular step that a
    small diagonal shift would give.

    Examples
    --------
    >>> modified_newton_direction(np.diag([2.0, 4.0]), np.array([2.0, 4.0]))
    array([-1., -1.])
    >>> modified_newton_direction(np.diag([1.0, -2.0]), np.array([1.0, 1.0]))
    array([-1. , -0.5])
    """
    if not np.all(np.isfinite(hessian)):
        return -g
    try:
        factor = scipy.linalg.cho_factor(hessian, check_finite=False)
        return -scipy.linalg.cho_solve(factor, g, check_finite=False)
    except np.linalg.LinAlgError:
        pass
    values, vectors = np.linalg.eigh(0.5 * (hessian + hessian.T))
    magnitude = np.abs(values)
    floor = _SQRT_EPS * max(float(np.max(magnitude)), np.finfo(np.float64).tiny)
    return -(vectors @ ((vectors.T @ g) / np.maximum(magnitude, floor)))


def newton_cg(
    obj: Objective,
    monitor: Monitor,
    x: np.ndarray,
    f: float,
    g: np.ndarray,
    *,
    line_search: str = "wolfe",
    c1: float = 1e-4,
    c2: float = 0.9,
    cg_max_iter: int | None = None,
) -> dict[str, Any]:
    """Truncated Newton: CG on ``H p = -g`` with Hessian-vector products (N&W Alg. 7.1).

    The inner CG stops at relative residual ``min(0.5, sqrt(||g||))`` (superlinear
    convergence), or on negative curvature, returning the last iterate (steepest descent if
    it happens at once). ``nhev`` counts Hessian-vector products.

    Options
    -------
    line_search : {"wolfe", "armijo", "exact"}
        Default ``"wolfe"`` (as SciPy's Newton-CG).
    c1, c2 : float
        Line-search constants (1e-4, 0.9).
    cg_max_iter : int, optional
        Inner iteration limit; default ``20 n`` (SciPy's).

    Examples
    --------
    >>> from descend.solvers import minimize
    >>> A = np.array([[3.0, 1.0], [1.0, 2.0]]); b = np.array([1.0, -1.0])
    >>> r = minimize(lambda x: 0.5 * x @ A @ x - b @ x, np.zeros(2), method="newton-cg",
    ...              jac=lambda x: A @ x - b, hess=lambda x: A)
    >>> bool(np.allclose(r.x, np.linalg.solve(A, b)))
    True
    """
    check_line_search(line_search)
    inner = int(positive(cg_max_iter, "cg_max_iter")) if cg_max_iter is not None else 20 * x.size
    while True:
        gnorm = float(np.sqrt(g @ g))
        tolerance = min(0.5, math.sqrt(gnorm)) * gnorm
        p = truncated_cg(partial(obj.hvp, x), g, tolerance, inner)
        search = search_line(line_search, obj.value_and_grad, x, p, f, g, c1=c1, c2=c2, fun=obj.fun)
        if search.step == 0 and not np.array_equal(p, -g):
            search = search_line(
                line_search, obj.value_and_grad, x, -g, f, g, c1=c1, c2=c2, fun=obj.fun
            )
        if search.step == 0:
            monitor.search_failed(search)
            return {}
        x, f, g = search.x, search.f, search.g
        if monitor.update(x, f, g):
            return {}


def truncated_cg(
    hvp: Callable[[np.ndarray], np.ndarray], g: np.ndarray, tolerance: float, max_iter: int
) -> np.ndarray:
    """Approximately solve ``H p = -g`` by conjugate gradients, stopping on negative curvature.

    Examples
    --------
    >>> H = np.diag([1.0, 2.0, 4.0])
    >>> truncated_cg(lambda v: H @ v, np.ones(3), 1e-12, 10)
    array([-1.  , -0.5 , -0.25])
    """
    z = np.zeros_like(g)
    r = g.copy()
    d = -r
    rr = float(r @ r)
    for j in range(max_iter):
        hd = hvp(d)
        curvature = float(d @ hd)
        if not curvature > 0:
            return -g if j == 0 else z
        alpha = rr / curvature
        z = z + alpha * d
        r = r + alpha * hd
        rr_next = float(r @ r)
        if math.sqrt(rr_next) <= tolerance:
            return z
        d = -r + (rr_next / rr) * d
        rr = rr_next
    return z
