"""Line searches along a direction ``p`` from ``x``: backtracking Armijo, strong Wolfe, exact.

Every search takes ``value_and_grad(x) -> (f, g)`` on flat float64 vectors, the current value
``f0`` and gradient ``g0``, and returns a `LineSearchResult` with the accepted point and its
gradient. Failures never loop: each search has an iteration bound, and a failed search reports
why (``status``): ``"not_descent"``, ``"non_finite"``, ``"step_too_small"``, ``"flat"`` or
``"max_iter"``. A failed search still returns the best point it found with sufficient
decrease, if any (``step > 0``), so a solver can keep that progress.

References: J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed., Springer 2006,
Algorithms 3.1 (backtracking), 3.5 and 3.6 (strong Wolfe: bracketing and zoom) and section 3.5
(step-length selection by polynomial interpolation).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.optimize

__all__ = [
    "LineSearchResult",
    "armijo_line_search",
    "exact_line_search",
    "interpolated_step0",
    "line_search",
    "wolfe_line_search",
]

ValueAndGrad = Callable[[np.ndarray], tuple[float, np.ndarray]]
Project = Callable[[np.ndarray], np.ndarray]

_EPS = np.finfo(np.float64).eps
# Zoom keeps each trial within this fraction of the bracket, measured from its best end.
_LOW_MARGIN, _HIGH_MARGIN = 1e-3, 0.9


@dataclass
class LineSearchResult:
    """The outcome of a line search.

    Attributes
    ----------
    step : float
        Accepted step length (0 when no point with sufficient decrease was found).
    x, f, g : ndarray, float, ndarray
        The accepted point, its objective value and gradient (the start point if ``step == 0``).
    nfev, ngev : int
        Objective and gradient evaluations spent by the search.
    success : bool
        Whether the step satisfies the search's conditions.
    status : str
        ``"converged"`` or the failure: ``"not_descent"``, ``"non_finite"``,
        ``"step_too_small"``, ``"flat"``, ``"max_iter"``.
    message : str
        The status in words.
    """

    step: float
    x: np.ndarray
    f: float
    g: np.ndarray
    nfev: int
    ngev: int
    success: bool
    status: str
    message: str


def armijo_line_search(
    value_and_grad: ValueAndGrad,
    x: np.ndarray,
    p: np.ndarray,
    f0: float,
    g0: np.ndarray,
    *,
    step0: float = 1.0,
    c1: float = 1e-4,
    max_iter: int = 50,
    project: Project | None = None,
) -> LineSearchResult:
    """Backtracking until the Armijo (sufficient decrease) condition holds.

    Accepts the first step with ``f(x + a p) <= f0 + c1 * a * g0 @ p``, starting at
    ``step0`` and shrinking by quadratic interpolation, safeguarded to ``[0.1 a, 0.5 a]``.
    Non-finite trial values count as too long a step. With ``project`` (a projection onto a
    feasible set) the trial points are ``project(x + a p)`` and the condition uses
    ``g0 @ (trial - x)`` (projected search, Bertsekas 1982).

    Examples
    --------
    >>> vg = lambda z: (float(z @ z), 2 * z)
    >>> x = np.array([1.0, 1.0])
    >>> r = armijo_line_search(vg, x, -2 * x, 2.0, 2 * x)
    >>> r.success, r.step, r.f
    (True, 0.5, 0.0)
    """
    d0 = float(g0 @ p)
    if not d0 < 0:
        return _failure(x, f0, g0, 0, 0, "not_descent", d0)
    a, nfev = step0, 0
    values = []
    for _ in range(max_iter):
        trial = x + a * p if project is None else project(x + a * p)
        fa, ga = value_and_grad(trial)
        nfev += 1
        decrease = d0 * a if project is None else float(g0 @ (trial - x))
        if (
            decrease < 0
            and fa < f0  # no progress if the decrease is below the rounding of f0
            and fa <= f0 + c1 * decrease
            and np.all(np.isfinite(ga))
        ):
            return LineSearchResult(a, trial, fa, ga, nfev, nfev, True, "converged", "")
        values.append(fa)
        a_next = _quadratic_min(0.0, f0, d0, a, fa) if math.isfinite(fa) else None
        a = 0.5 * a if a_next is None else min(max(a_next, 0.1 * a), 0.5 * a)
        if a * max(float(np.max(np.abs(p))), _EPS) <= _EPS * max(1.0, float(np.max(np.abs(x)))):
            return _failure(x, f0, g0, nfev, nfev, _why_small(f0, values), d0)
    return _failure(x, f0, g0, nfev, nfev, _why_no_step(f0, values), d0, max_iter)


def wolfe_line_search(
    value_and_grad: ValueAndGrad,
    x: np.ndarray,
    p: np.ndarray,
    f0: float,
    g0: np.ndarray,
    *,
    step0: float = 1.0,
    c1: float = 1e-4,
    c2: float = 0.9,
    max_step: float = 1e10,
    max_iter: int = 30,
) -> LineSearchResult:
    """A step satisfying the strong Wolfe conditions (Nocedal & Wright, Alg. 3.5 and 3.6).

    Finds ``a`` with ``f(x + a p) <= f0 + c1 a g0 @ p`` and ``|g(x + a p) @ p| <= c2 |g0 @ p|``:
    it first brackets such a step (extrapolating by cubic interpolation, within
    ``[a + 1.1 (a - a_prev), a + 4 (a - a_prev)]``), then zooms into the bracket with safeguarded
    cubic interpolation (bisecting when the bracket shrinks too slowly). ``c2 = 0.9`` suits
    (quasi-)Newton directions, ``c2`` in ``[0.1, 0.4]`` nonlinear conjugate gradients.
    Non-finite trial values shrink the step. At most ``max_iter`` evaluations.

    Examples
    --------
    >>> vg = lambda z: (float(z @ z), 2 * z)
    >>> x = np.array([1.0, 1.0])
    >>> r = wolfe_line_search(vg, x, -x, 2.0, 2 * x, step0=0.2, c2=0.1)
    >>> r.success, round(r.step, 6)
    (True, 1.0)
    """
    d0 = float(g0 @ p)
    if not d0 < 0:
        return _failure(x, f0, g0, 0, 0, "not_descent", d0)
    search = _WolfeSearch(value_and_grad, x, p, f0, g0, d0, c1, c2)
    a_prev, f_prev, d_prev = 0.0, f0, d0
    a = min(step0, max_step)
    for i in range(max_iter):
        fa, da = search.evaluate(a)
        if not math.isfinite(fa) or not math.isfinite(da):
            a = a_prev + 0.5 * (a - a_prev)
            continue
        if fa > f0 + c1 * a * d0 or fa >= f0 or (i > 0 and fa >= f_prev):
            return search.zoom(a_prev, f_prev, d_prev, a, fa, da, max_iter - i - 1)
        if abs(da) <= -c2 * d0:
            return search.result(a, True, "converged")
        if da >= 0:
            return search.zoom(a, fa, da, a_prev, f_prev, d_prev, max_iter - i - 1)
        if a >= max_step:
            return search.result(a, False, "max_iter", f"reached the maximum step {max_step:g}")
        width = a - a_prev
        a_next = _cubic_min(a_prev, f_prev, d_prev, a, fa, da)
        low, high = a + 1.1 * width, a + 4.0 * width
        a_prev, f_prev, d_prev = a, fa, da
        a = min(high if a_next is None else min(max(a_next, low), high), max_step)
    return search.give_up("max_iter", max_iter)


class _WolfeSearch:
    """Evaluation bookkeeping and the zoom phase of the strong Wolfe search."""

    def __init__(
        self,
        value_and_grad: ValueAndGrad,
        x: np.ndarray,
        p: np.ndarray,
        f0: float,
        g0: np.ndarray,
        d0: float,
        c1: float,
        c2: float,
    ) -> None:
        self.value_and_grad, self.x, self.p = value_and_grad, x, p
        self.f0, self.g0, self.d0, self.c1, self.c2 = f0, g0, d0, c1, c2
        self.nfev = 0
        self.values: list[float] = []
        # Best point with sufficient decrease seen so far: kept if the search fails.
        self.best: tuple[float, np.ndarray, float, np.ndarray] | None = None
        self.last: tuple[np.ndarray, float, np.ndarray] = (x, f0, g0)

    def evaluate(self, a: float) -> tuple[float, float]:
        xa = self.x + a * self.p
        fa, ga = self.value_and_grad(xa)
        self.nfev += 1
        self.values.append(fa)
        self.last = (xa, fa, ga)
        with np.errstate(invalid="ignore", over="ignore"):  # inf gradients give nan, handled
            da = float(ga @ self.p)
        # A failed search keeps a point only if it decreased f beyond rounding noise.
        noise = 4 * _EPS * abs(self.f0)
        sufficient = fa <= self.f0 + self.c1 * a * self.d0 and fa < self.f0 - noise
        if math.isfinite(da) and sufficient and (self.best is None or fa < self.best[2]):
            self.best = (a, xa, fa, ga)
        return fa, da

    def result(self, a: float, success: bool, status: str, message: str = "") -> LineSearchResult:
        xa, fa, ga = self.last
        return LineSearchResult(a, xa, fa, ga, self.nfev, self.nfev, success, status, message)

    def zoom(
        self,
        a_lo: float,
        f_lo: float,
        d_lo: float,
        a_hi: float,
        f_hi: float,
        d_hi: float,
        budget: int,
    ) -> LineSearchResult:
        widths = [math.inf, math.inf]
        for _ in range(max(budget, 0)):
            width = a_hi - a_lo
            if abs(width) <= _EPS * max(abs(a_lo), abs(a_hi)):
                return self.give_up(_why_small(self.f0, self.values))
            a = _cubic_min(a_lo, f_lo, d_lo, a_hi, f_hi, d_hi)
            if a is None or abs(width) > 0.66 * widths[-2]:
                # No model, or the bracket shrinks too slowly (as in More-Thuente): bisect.
                t = 0.5
            else:
                # Trust the model near a_lo (the best point so far), not near a_hi.
                t = min(max((a - a_lo) / width, _LOW_MARGIN), _HIGH_MARGIN)
            widths.append(abs(width))
            a = a_lo + t * width
            fa, da = self.evaluate(a)
            if not math.isfinite(fa) or fa > self.f0 + self.c1 * a * self.d0 or fa >= f_lo:
                a_hi, f_hi, d_hi = a, (fa if math.isfinite(fa) else math.inf), da
                if not math.isfinite(d_hi):
                    d_hi = math.nan
                continue
            if abs(da) <= -self.c2 * self.d0:
                return self.result(a, True, "converged")
            if da * (a_hi - a_lo) >= 0:
                a_hi, f_hi, d_hi = a_lo, f_lo, d_lo
            a_lo, f_lo, d_lo = a, fa, da
        return self.give_up("max_iter", budget)

    def give_up(self, status: str, max_iter: int = 0) -> LineSearchResult:
        if status == "max_iter":
            status = _why_no_step(self.f0, self.values)
        if self.best is not None:
            a, xa, fa, ga = self.best
        else:
            a, xa, fa, ga = 0.0, self.x, self.f0, self.g0
        return LineSearchResult(
            a,
            xa,
            fa,
            ga,
            self.nfev,
            self.nfev,
            False,
            status,
            _MESSAGES[status].format(d0=self.d0, iters=max_iter),
        )


def exact_line_search(
    value_and_grad: ValueAndGrad,
    x: np.ndarray,
    p: np.ndarray,
    f0: float,
    g0: np.ndarray,
    *,
    fun: Callable[[np.ndarray], float] | None = None,
    step0: float = 1.0,
    xtol: float = 1e-10,
    max_iter: int = 100,
) -> LineSearchResult:
    """Minimise ``f(x + a p)`` over ``a > 0`` with `scipy.optimize.minimize_scalar` (Brent).

    ``fun`` (values only) is used for the one-dimensional search if given, else
    ``value_and_grad``; the gradient is evaluated once at the accepted point. The search
    brackets from ``(0, step0)``. It fails if no minimum is found within ``max_iter``
    evaluations (for example when the objective is unbounded along ``p``) or no decrease is
    found.

    Examples
    --------
    >>> A = np.diag([1.0, 10.0])
    >>> vg = lambda z: (0.5 * float(z @ A @ z), A @ z)
    >>> x = np.array([1.0, 1.0]); g = A @ x
    >>> r = exact_line_search(vg, x, -g, vg(x)[0], g)
    >>> bool(np.isclose(r.step, (g @ g) / (g @ A @ g)))
    True
    """
    d0 = float(g0 @ p)
    if not d0 < 0:
        return _failure(x, f0, g0, 0, 0, "not_descent", d0)
    nfev = 0
    values: list[float] = []

    def phi(a: float) -> float:
        nonlocal nfev
        if nfev >= max_iter:
            raise _Exhausted
        nfev += 1
        trial = x + a * p
        fa = fun(trial) if fun is not None else value_and_grad(trial)[0]
        values.append(fa)
        return fa if math.isfinite(fa) else math.inf

    try:
        with np.errstate(invalid="ignore", over="ignore"):  # Brent's arithmetic on inf values
            found = scipy.optimize.minimize_scalar(
                phi,
                bracket=(0.0, step0),
                method="brent",
                options={"xtol": xtol, "maxiter": max_iter},
            )
        a = float(found.x)
    except (_Exhausted, RuntimeError, ValueError):
        a = math.nan
    if not (a > 0 and math.isfinite(a)):
        status = "non_finite" if any(not math.isfinite(v) for v in values) else "max_iter"
        return _failure(x, f0, g0, nfev, 0, status, d0, max_iter)
    trial = x + a * p
    fa, ga = value_and_grad(trial)
    if not (math.isfinite(fa) and fa < f0):
        return _failure(x, f0, g0, nfev + 1, 1, _why_small(f0, [*values, fa]), d0)
    return LineSearchResult(a, trial, fa, ga, nfev + 1, 1, True, "converged", "")


def line_search(
    kind: str,
    value_and_grad: ValueAndGrad,
    x: np.ndarray,
    p: np.ndarray,
    f0: float,
    g0: np.ndarray,
    *,
    step0: float = 1.0,
    c1: float = 1e-4,
    c2: float = 0.9,
    fun: Callable[[np.ndarray], float] | None = None,
) -> LineSearchResult:
    """Run the line search named ``kind``: ``"armijo"``, ``"wolfe"`` or ``"exact"``.

    Examples
    --------
    >>> vg = lambda z: (float(z @ z), 2 * z)
    >>> line_search("wolfe", vg, np.ones(2), -np.ones(2), 2.0, 2 * np.ones(2)).step
    1.0
    """
    if kind == "wolfe":
        return wolfe_line_search(value_and_grad, x, p, f0, g0, step0=step0, c1=c1, c2=c2)
    if kind == "armijo":
        return armijo_line_search(value_and_grad, x, p, f0, g0, step0=step0, c1=c1)
    if kind == "exact":
        return exact_line_search(value_and_grad, x, p, f0, g0, fun=fun, step0=step0)
    raise ValueError(f"unknown line search {kind!r}; choose one of {sorted(LINE_SEARCHES)}")


class _Exhausted(Exception):
    """Raised inside the exact search when its evaluation budget is spent."""


LINE_SEARCHES = frozenset({"armijo", "wolfe", "exact"})

_MESSAGES = {
    "not_descent": (
        "the search direction is not a descent direction (g @ p = {d0:.3g} >= 0); the "
        "gradient may be wrong, or the problem is badly scaled"
    ),
    "non_finite": "the objective is not finite along the search direction",
    "step_too_small": (
        "the step became too small to make progress; the gradient may be inaccurate, or "
        "the point is already optimal to floating-point precision"
    ),
    "flat": (
        "the objective does not change along the search direction (flat function, or "
        "floating-point precision reached)"
    ),
    "max_iter": "no acceptable step found within {iters} evaluations",
}


def _failure(
    x: np.ndarray,
    f0: float,
    g0: np.ndarray,
    nfev: int,
    ngev: int,
    status: str,
    d0: float,
    max_iter: int = 0,
) -> LineSearchResult:
    message = _MESSAGES[status].format(d0=d0, iters=max_iter)
    return LineSearchResult(0.0, x, f0, g0, nfev, ngev, False, status, message)


def _why_small(f0: float, values: list[float]) -> str:
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return "non_finite"
    if all(abs(v - f0) <= 4 * _EPS * max(1.0, abs(f0)) for v in finite):
        return "flat"
    return "step_too_small"


def _why_no_step(f0: float, values: list[float]) -> str:
    """The reason after running out of iterations: flat or non-finite values, else max_iter."""
    reason = _why_small(f0, values)
    return "max_iter" if reason == "step_too_small" else reason


def _quadratic_min(a0: float, f0: float, d0: float, a1: float, f1: float) -> float | None:
    """Minimiser of the quadratic through ``(a0, f0)`` with slope ``d0`` and ``(a1, f1)``."""
    width = a1 - a0
    curvature = (f1 - f0 - d0 * width) / (width * width)
    if not curvature > 0:
        return None
    return a0 - d0 / (2 * curvature)


def _cubic_min(a0: float, f0: float, d0: float, a1: float, f1: float, d1: float) -> float | None:
    """Minimiser of the cubic matching values and slopes at ``a0`` and ``a1`` (N&W eq. 3.59)."""
    if not (math.isfinite(f0) and math.isfinite(f1) and math.isfinite(d0) and math.isfinite(d1)):
        return None
    if a0 == a1:
        return None
    t1 = d0 + d1 - 3 * (f0 - f1) / (a0 - a1)
    disc = t1 * t1 - d0 * d1
    if disc < 0:
        return None
    t2 = math.copysign(math.sqrt(disc), a1 - a0)
    denom = d1 - d0 + 2 * t2
    if denom == 0:
        return None
    a = a1 - (a1 - a0) * (d1 + t2 - t1) / denom
    return a if math.isfinite(a) else None


def interpolated_step0(f: float, f_prev: float | None, d0: float, p: np.ndarray) -> float:
    """First trial step for directions without a natural scale (gradient, conjugate gradient).

    Assumes the decrease of the last iteration repeats (Nocedal & Wright eq. 3.60, as in
    SciPy's CG and BFGS): ``min(1, 2.02 (f - f_prev) / d0)``; on the first iteration a step
    of length about 1 along ``p``.

    Examples
    --------
    >>> interpolated_step0(1.0, None, -4.0, np.array([2.0, 0.0]))
    0.505
    """
    if f_prev is None:
        return min(1.0, 1.01 / float(np.sqrt(p @ p)))
    step = 2.02 * (f - f_prev) / d0 if d0 != 0 else 0.0
    return min(1.0, step) if step > 0 and math.isfinite(step) else 1.0
