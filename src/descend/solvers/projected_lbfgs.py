"""L-BFGS with box constraints: a projected-gradient, active-set L-BFGS.

Each iteration fixes the variables held at a bound by their gradient (the binding set), takes
the L-BFGS direction in the remaining free variables (two-loop recursion on the curvature
pairs restricted to them), and backtracks along the projected path ``P(x + a p)`` until the
Armijo condition of projected searches holds (Bertsekas, SIAM J. Control Optim. 20 (1982);
Kim, Sra and Dhillon, Optim. Methods Softw. 25 (2010)). Unlike SciPy's L-BFGS-B (Byrd, Lu,
Nocedal, Zhu 1995) there is no generalised Cauchy point or subspace minimisation: the
binding set changes by projection along the path, which reaches the same solutions on
box-constrained problems with fewer moving parts.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from descend.solvers.bounds import project, projected_gradient
from descend.solvers.line_search import armijo_line_search
from descend.solvers.monitor import Monitor
from descend.solvers.objective import Objective
from descend.solvers.quasi_newton import CurvatureMemory

__all__ = ["projected_lbfgs"]


def projected_lbfgs(
    obj: Objective,
    monitor: Monitor,
    x: np.ndarray,
    f: float,
    g: np.ndarray,
    *,
    memory: int = 10,
    c1: float = 1e-4,
    lower: np.ndarray | None = None,
    upper: np.ndarray | None = None,
) -> dict[str, Any]:
    """Projected L-BFGS for ``lower <= x <= upper`` (method ``"lbfgsb"``).

    Stops on the infinity norm of the projected gradient ``P(x - g) - x`` (SciPy's ``pgtol``)
    and, by default, SciPy's relative reduction ``ftol = 2.2e-9``.

    Options
    -------
    memory : int
        Number of stored curvature pairs (10).
    c1 : float
        Sufficient-decrease constant of the projected backtracking search (1e-4).

    Examples
    --------
    >>> from descend.solvers import minimize
    >>> r = minimize(lambda x: np.sum((x - 2.0) ** 2), np.zeros(3), method="lbfgsb",
    ...              jac=lambda x: 2 * (x - 2.0), bounds=[(0, 1), (0, 3), (None, None)])
    >>> np.round(r.x, 6)
    array([1., 2., 2.])
    """
    if int(memory) != memory or memory < 1:
        raise ValueError(f"memory must be a positive integer; got {memory!r}")
    n = x.size
    low = np.full(n, -np.inf) if lower is None else lower
    high = np.full(n, np.inf) if upper is None else upper

    def box(z: np.ndarray) -> np.ndarray:
        return project(z, low, high)

    def stationarity(z: np.ndarray, gz: np.ndarray) -> float:
        return float(np.max(np.abs(projected_gradient(z, gz, low, high))))

    if monitor.start(x, f, g, stationarity(x, g)):
        return {}
    pairs = CurvatureMemory(int(memory))
    first = True
    while True:
        free = ~(((x <= low) & (g > 0)) | ((x >= high) & (g < 0)))
        if free.all():
            p = -pairs.apply(g)
        else:
            p = np.zeros(n)
            p[free] = -pairs.apply(g[free], free)
            # A free variable on a bound may only move inwards.
            p[((x <= low) & (p < 0)) | ((x >= high) & (p > 0))] = 0.0
        if not float(g @ p) < 0:
            pairs.clear()
            p = np.where(free, -g, 0.0)
        step0 = min(1.0, 1.0 / float(np.sqrt(p @ p))) if first else 1.0
        search = armijo_line_search(obj.value_and_grad, x, p, f, g, step0=step0, c1=c1, project=box)
        if search.step == 0 and pairs.pairs:
            pairs.clear()
            p = np.where(free, -g, 0.0)
            step0 = min(1.0, 1.0 / float(np.sqrt(p @ p)))
            search = armijo_line_search(
                obj.value_and_grad, x, p, f, g, step0=step0, c1=c1, project=box
            )
        if search.step == 0:
            monitor.search_failed(search)
            return {}
        first = False
        pairs.add(search.x - x, search.g - g)
        x, f, g = search.x, search.f, search.g
        if monitor.update(x, f, g, stationarity(x, g)):
            return {}
