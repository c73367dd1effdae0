"""What `descend.minimize` returns: a SciPy-compatible result with a per-iteration history."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np
import scipy.optimize

__all__ = ["History", "OptimizeResult", "Status"]


class Status(IntEnum):
    """Why a run stopped; ``result.status`` holds one of these.

    The codes that SciPy also uses keep SciPy's meaning (0 converged, 1 iteration limit,
    2 line search failure, 3 non-finite values, 99 callback). Runs that end with ``GTOL``,
    ``FTOL`` or ``XTOL`` are successful.

    Examples
    --------
    >>> Status.GTOL.is_success, Status.MAX_ITER.is_success
    (True, False)
    """

    GTOL = 0
    MAX_ITER = 1
    LINE_SEARCH_FAILED = 2
    NON_FINITE = 3
    FTOL = 4
    XTOL = 5
    MAX_FEV = 6
    MAX_TIME = 7
    DIVERGED = 8
    CALLBACK = 99

    @property
    def is_success(self) -> bool:
        return self in (Status.GTOL, Status.FTOL, Status.XTOL)


@dataclass
class History:
    """Per-iteration record of a run; entry 0 is the starting point, entry ``k`` iteration ``k``.

    Attributes
    ----------
    fun : ndarray
        Objective value at each iterate.
    grad_norm : ndarray
        The stationarity measure tested against ``gtol``: the infinity norm of the gradient
        (of the projected gradient with bounds, of the gradient mapping for proximal methods).
    step : ndarray
        Euclidean length of the step that led to each iterate (0 for the starting point).
    nfev : ndarray
        Cumulative number of objective evaluations when each iterate was reached.
    elapsed : ndarray
        Seconds since the start of the run.
    path : ndarray or None
        The iterates as rows of a ``(len(history), n)`` array of flattened parameters, kept
        only with ``options={"keep_path": True}``.

    Examples
    --------
    >>> h = History(fun=np.array([4.0, 1.0]), grad_norm=np.array([2.0, 0.0]),
    ...             step=np.array([0.0, 1.5]), nfev=np.array([1, 2]),
    ...             elapsed=np.array([0.0, 1e-4]))
    >>> len(h), float(h.fun[-1])
    (2, 1.0)
    """

    fun: np.ndarray
    grad_norm: np.ndarray
    step: np.ndarray
    nfev: np.ndarray
    elapsed: np.ndarray
    path: np.ndarray | None = field(default=None)

    def __len__(self) -> int:
        return len(self.fun)


class OptimizeResult(scipy.optimize.OptimizeResult):
    """`scipy.optimize.OptimizeResult` with descend's extra ``history`` field.

    Fields: ``x`` (same structure and dtype as ``x0``), ``fun``, ``jac`` (structure of
    ``x0``), ``nit``, ``nfev``, ``njev``, ``nhev``, ``success``, ``status`` (a `Status`),
    ``message`` (which criterion stopped the run, in words), ``history`` (a `History`), and
    ``hess_inv`` for BFGS. Attribute and item access both work, as in SciPy.

    Examples
    --------
    >>> r = OptimizeResult(x=np.zeros(2), fun=0.0, success=True)
    >>> r.fun == r["fun"]
    True
    """
