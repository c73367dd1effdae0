"""Box constraints in SciPy's two spellings, checked and turned into two arrays."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.optimize

__all__ = ["box_bounds", "project", "projected_gradient"]


def box_bounds(bounds: Any, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``(lower, upper)`` float arrays of length ``n`` from SciPy-style ``bounds``.

    ``bounds`` is a `scipy.optimize.Bounds` or a sequence of ``n`` pairs ``(low, high)`` over
    the flattened parameters; None means unbounded on that side.

    Examples
    --------
    >>> box_bounds([(0, 1), (None, 2.0)], 2)
    (array([  0., -inf]), array([1., 2.]))
    """
    if isinstance(bounds, scipy.optimize.Bounds):
        try:
            lower = np.broadcast_to(np.asarray(bounds.lb, dtype=np.float64), (n,)).copy()
            upper = np.broadcast_to(np.asarray(bounds.ub, dtype=np.float64), (n,)).copy()
        except ValueError:
            raise ValueError(
                f"Bounds has lb/ub of shapes {np.shape(bounds.lb)}, {np.shape(bounds.ub)}; "
                f"expected scalars or length {n} (the number of parameters)"
            ) from None
    else:
        pairs = list(bounds)
        if len(pairs) != n:
            raise ValueError(
                f"bounds has {len(pairs)} pairs but x0 has {n} parameters: give one "
                "(low, high) pair per flattened parameter"
            )
        try:
            lower = np.array([-np.inf if p[0] is None else p[0] for p in pairs], dtype=np.float64)
            upper = np.array([np.inf if p[1] is None else p[1] for p in pairs], dtype=np.float64)
        except (TypeError, IndexError, ValueError):
            raise ValueError("bounds must be a sequence of (low, high) pairs") from None
    if np.any(np.isnan(lower)) or np.any(np.isnan(upper)):
        raise ValueError("bounds contain nan; use None or +-inf for a missing bound")
    bad = np.flatnonzero(lower > upper)
    if bad.size:
        i = int(bad[0])
        raise ValueError(f"bounds[{i}] has low {lower[i]} > high {upper[i]}")
    return lower, upper


def project(x: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """``x`` clipped into the box.

    Examples
    --------
    >>> project(np.array([-1.0, 0.5, 3.0]), np.zeros(3), np.ones(3))
    array([0. , 0.5, 1. ])
    """
    return np.minimum(np.maximum(x, lower), upper)


def projected_gradient(
    x: np.ndarray, g: np.ndarray, lower: np.ndarray, upper: np.ndarray
) -> np.ndarray:
    """``project(x - g) - x``: zero exactly at a stationary point of the box-constrained problem.

    Examples
    --------
    >>> projected_gradient(np.array([0.0, 0.5]), np.array([1.0, 1.0]), np.zeros(2), np.ones(2))
    array([ 0. , -0.5])
    """
    return project(x - g, lower, upper) - x
