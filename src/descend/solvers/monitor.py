"""Stopping logic shared by every method: criteria, history, callback, divergence diagnosis.

A solver calls `Monitor.start` with the starting point and `Monitor.update` after each
iteration; ``update`` returns True when the run must stop and leaves the reason in
``status`` / ``message``. The monitor keeps the last point with finite values, which becomes
the result's ``x`` when a run breaks down.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from descend.solvers.line_search import LineSearchResult
from descend.solvers.objective import Objective
from descend.solvers.result import History, OptimizeResult, Status

__all__ = ["Criteria", "Monitor"]

# A fixed-step run is declared divergent once its objective exceeds the best value seen by
# this many times the scale of the problem, long before it overflows.
_GROWTH_LIMIT = 1e8


@dataclass(frozen=True)
class Criteria:
    """The stopping thresholds of one run (0 or None disables a criterion)."""

    gtol: float
    ftol: float
    xtol: float
    max_iter: int
    max_fev: int | None
    max_time: float | None


class Monitor:
    """Check the stopping criteria after each iteration and record the history.

    Examples
    --------
    >>> obj = Objective(lambda x: np.sum(x**2), np.ones(2), jac=lambda x: 2 * x)
    >>> m = Monitor(obj, Criteria(1e-5, 0.0, 0.0, 10, None, None))
    >>> m.start(obj.x0, 2.0, 2 * obj.x0)
    False
    >>> m.update(np.zeros(2), 0.0, np.zeros(2))
    True
    >>> m.message
    'gradient norm 0.00e+00 <= gtol 1e-05'
    """

    def __init__(
        self,
        objective: Objective,
        criteria: Criteria,
        callback: Callable[[OptimizeResult], Any] | None = None,
        keep_path: bool = False,
    ) -> None:
        self.objective, self.criteria, self.callback = objective, criteria, callback
        self.keep_path = keep_path
        self.nit = 0
        self.status: Status | None = None
        self.message = ""
        self.x = objective.x0
        self.f = math.nan
        self.g: np.ndarray | None = None
        #: Set by fixed-step methods: enables the divergence test and the lr advice.
        self.fixed_lr: float | None = None
        self._lipschitz = self._lipschitz_before = 0.0
        self._f0 = self._f_best = math.nan
        self._fun: list[float] = []
        self._gnorm: list[float] = []
        self._step: list[float] = []
        self._nfev: list[int] = []
        self._elapsed: list[float] = []
        self._path: list[np.ndarray] = []
        self._t0 = time.perf_counter()

    @property
    def stopped(self) -> bool:
        return self.status is not None

    def start(
        self, x: np.ndarray, f: float, g: np.ndarray | None, grad_norm: float | None = None
    ) -> bool:
        """Record the starting point; True if it already satisfies ``gtol``."""
        gnorm = _inf_norm(g) if grad_norm is None else grad_norm
        self._f0 = self._f_best = f
        self._record(x, f, g, gnorm, 0.0)
        if gnorm <= self.criteria.gtol:
            return self._stop(Status.GTOL, f"gradient norm {gnorm:.2e} <= gtol {self._gtol}")
        return False

    def update(
        self, x: np.ndarray, f: float, g: np.ndarray | None, grad_norm: float | None = None
    ) -> bool:
        """Record iteration ``nit + 1`` at ``x``; True when the run must stop."""
        gnorm = _inf_norm(g) if grad_norm is None else grad_norm
        if not (math.isfinite(f) and math.isfinite(gnorm)):
            return self._non_finite(f)
        c = self.criteria
        self.nit += 1
        dx = x - self.x
        step = float(np.sqrt(dx @ dx))
        f_prev = self.f
        if self.fixed_lr is not None and self.g is not None and g is not None and step > 0:
            self._lipschitz_before = self._lipschitz
            dg = g - self.g
            self._lipschitz = max(self._lipschitz, float(np.sqrt(dg @ dg)) / step)
        self._record(x, f, g, gnorm, step)
        self._f_best = min(self._f_best, f)
        if self.fixed_lr is not None and f - self._f_best > _GROWTH_LIMIT * max(
            1.0, abs(self._f_best), abs(self._f0 - self._f_best)
        ):
            return self._stop(Status.DIVERGED, self._divergence_message(f, self.nit, finite=True))
        if self.callback is not None and self._ask_callback():
            return True
        if gnorm <= c.gtol:
            return self._stop(Status.GTOL, f"gradient norm {gnorm:.2e} <= gtol {self._gtol}")
        scale = max(abs(f_prev), abs(f), 1.0)
        if c.ftol > 0 and abs(f_prev - f) <= c.ftol * scale:
            return self._stop(
                Status.FTOL,
                f"relative reduction of the objective {abs(f_prev - f) / scale:.2e} "
                f"<= ftol {c.ftol:.2e}",
            )
        if c.xtol > 0 and step <= c.xtol * max(1.0, float(np.sqrt(x @ x))):
            return self._stop(Status.XTOL, f"step length {step:.2e} <= xtol {c.xtol:.2e}")
        return self.check_limits()

    def check_limits(self) -> bool:
        """Stop on the iteration, evaluation or time limit (also usable mid-iteration)."""
        c = self.criteria
        if self.nit >= c.max_iter:
            return self._stop(
                Status.MAX_ITER, f"maximum number of iterations ({c.max_iter}) reached"
            )
        if c.max_fev is not None and self.objective.nfev >= c.max_fev:
            return self._stop(
                Status.MAX_FEV,
                f"maximum number of function evaluations ({c.max_fev}) reached "
                f"(nfev = {self.objective.nfev})",
            )
        if c.max_time is not None:
            elapsed = time.perf_counter() - self._t0
            if elapsed >= c.max_time:
                return self._stop(
                    Status.MAX_TIME, f"time limit of {c.max_time:g} s reached ({elapsed:.3g} s)"
                )
        return False

    def fail(self, status: Status, message: str) -> bool:
        """Stop for a method-specific reason."""
        return self._stop(status, message)

    def search_failed(self, search: LineSearchResult) -> bool:
        """Stop because a line search found no acceptable step."""
        status = Status.NON_FINITE if search.status == "non_finite" else Status.LINE_SEARCH_FAILED
        return self._stop(
            status, f"line search failed at iteration {self.nit + 1}: {search.message}"
        )

    def history(self) -> History:
        return History(
            fun=np.array(self._fun),
            grad_norm=np.array(self._gnorm),
            step=np.array(self._step),
            nfev=np.array(self._nfev, dtype=np.int64),
            elapsed=np.array(self._elapsed),
            path=np.array(self._path) if self.keep_path else None,
        )

    # --- internals ---------------------------------------------------------------------------
    @property
    def _gtol(self) -> str:
        return f"{self.criteria.gtol:.0e}" if self.criteria.gtol > 0 else "0"

    def _record(
        self, x: np.ndarray, f: float, g: np.ndarray | None, gnorm: float, step: float
    ) -> None:
        self.x, self.f, self.g = x, f, g
        self._fun.append(f)
        self._gnorm.append(gnorm)
        self._step.append(step)
        self._nfev.append(self.objective.nfev)
        self._elapsed.append(time.perf_counter() - self._t0)
        if self.keep_path:
            self._path.append(x.copy())

    def _stop(self, status: Status, message: str) -> bool:
        self.status, self.message = status, message
        return True

    def _ask_callback(self) -> bool:
        obj = self.objective
        state = OptimizeResult(
            x=obj.to_result(self.x),
            fun=self.f,
            jac=None if self.g is None else obj.to_result(self.g),
            nit=self.nit,
            nfev=obj.nfev,
        )
        try:
            wants_stop = self.callback(state)  # type: ignore[misc]
        except StopIteration:
            return self._stop(Status.CALLBACK, "callback raised StopIteration")
        if wants_stop is True:
            return self._stop(Status.CALLBACK, "callback asked to stop (returned True)")
        return False

    def _non_finite(self, f: float) -> bool:
        if self.fixed_lr is not None:
            return self._stop(
                Status.DIVERGED, self._divergence_message(f, self.nit + 1, finite=False)
            )
        what = "objective" if not math.isfinite(f) else "gradient"
        return self._stop(
            Status.NON_FINITE,
            f"the {what} became non-finite ({f if what == 'objective' else 'nan/inf'}) at "
            f"iteration {self.nit + 1}; x is the last point where it was finite. Look for "
            "overflow or a domain error in fun (log or sqrt of a negative number, division "
            "by zero)",
        )

    def _divergence_message(self, f: float, steps: int, finite: bool) -> str:
        lr = self.fixed_lr
        used = "" if lr is None or math.isnan(lr) else f" (lr = {lr:.3g})"
        # A finite divergent step overestimates the curvature: advise from the earlier ones.
        lipschitz = self._lipschitz_before if finite else self._lipschitz
        advice = f"try lr <= {1.0 / lipschitz:.2g}" if lipschitz > 0 else "try a smaller lr"
        return (
            f"step size too large: the objective grew from {self._f0:.4g} to {f:.4g} in "
            f"{steps} step{'' if steps == 1 else 's'}{used}; {advice}"
        )


def _inf_norm(g: np.ndarray | None) -> float:
    return float(np.max(np.abs(g))) if g is not None else math.nan
