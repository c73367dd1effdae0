"""Polynomials as coefficient arrays: vander, polyval, polyadd, polysub, polymul, polyder,
polyint, polydiv, poly, polyfit, roots.

Most are short compositions of arithmetic, joins and `convolve` (so every order comes from
those rules). Two are primitives: ``polyfit`` in ``y`` alone, whose coefficients are a linear
map of ``y``, and ``roots``, whose real simple roots move by implicit differentiation of
``p(r) = 0``. ``polyfit`` in ``x`` or ``w`` follows NumPy's least-squares steps through the
``vander`` and ``numpy.linalg.lstsq`` rules.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from descend.autodiff.core import Rule
from descend.autodiff.errors import NotDifferentiableError
from descend.autodiff.registry import implements
from descend.autodiff.rules.signal import as_array, cast_to
from descend.autodiff.tracer import Tracer, bind, unbox_all


@implements(np.vander)
def vander(x: Any, N: int | None = None, increasing: bool = False) -> Any:
    x = as_array(x)
    if np.ndim(x) != 1:
        raise ValueError("x must be a one-dimensional array or sequence.")
    columns = len(x) if N is None else int(N)
    x = cast_to(x, np.promote_types(np.result_type(x), int))
    if columns == 0:
        return np.zeros((len(x), 0), np.result_type(x))
    # Powers by repeated multiplication, as NumPy accumulates them (same rounding).
    powers = [np.ones_like(x)]
    for _ in range(columns - 1):
        powers.append(x if len(powers) == 1 else powers[-1] * x)
    table = np.stack(powers, axis=1)
    return table if increasing else np.flip(table, axis=1)


@implements(np.polyval)
def polyval(p: Any, x: Any) -> Any:
    y = np.zeros_like(x if type(x) is Tracer else np.asarray(x))
    for coefficient in p:  # Horner's scheme, as NumPy evaluates it
        y = y * x + coefficient
    return y


def _aligned(a1: Any, a2: Any) -> tuple[Any, Any]:
    """The two coefficient arrays, the shorter one padded with leading zeros."""
    a1, a2 = np.atleast_1d(a1), np.atleast_1d(a2)
    extra = len(a2) - len(a1)
    if extra > 0:
        a1 = np.concatenate([np.zeros(extra, np.result_type(a1)), a1])
    elif extra < 0:
        a2 = np.concatenate([np.zeros(-extra, np.result_type(a2)), a2])
    return a1, a2


@implements(np.polyadd)
def polyadd(a1: Any, a2: Any) -> Any:
    a1, a2 = _aligned(a1, a2)
    return a1 + a2


@implements(np.polysub)
def polysub(a1: Any, a2: Any) -> Any:
    a1, a2 = _aligned(a1, a2)
    return a1 - a2


@implements(np.polymul)
def polymul(a1: Any, a2: Any) -> Any:
    return np.convolve(a1, a2)


@implements(np.polyder)
def polyder(p: Any, m: int = 1) -> Any:
    m = int(m)
    if m < 0:
        raise ValueError("Order of derivative must be positive (see polyint)")
    p = as_array(p)
    for _ in range(m):
        p = p[:-1] * np.arange(len(p) - 1, 0, -1)
    return p


@implements(np.polyint)
def polyint(p: Any, m: int = 1, k: Any = None) -> Any:
    m = int(m)
    if m < 0:
        raise ValueError("Order of integral must be positive (see polyder)")
    k = np.zeros(m, float) if k is None else np.atleast_1d(k)
    if len(k) == 1 and m > 1:
        k = k[0] * np.ones(m, float)
    if len(k) < m:
        raise ValueError("k must be a scalar or a rank-1 array of length 1 or >m.")
    p = as_array(p)
    for i in range(m):
        p = np.concatenate([p / np.arange(len(p), 0, -1), k[i : i + 1]])
    return p


@implements(np.polydiv)
def polydiv(u: Any, v: Any) -> tuple[Any, Any]:
    u, v = np.atleast_1d(u) + 0.0, np.atleast_1d(v) + 0.0
    dtype = np.result_type(u[0] + v[0])
    m, n = len(u) - 1, len(v) - 1
    scale = 1.0 / v[0]
    r = cast_to(u, dtype)
    quotient = []
    # NumPy's long division, with each in-place update of the remainder written as a join.
    for k in range(m - n + 1):
        d = scale * r[k]
        quotient.append(d)
        r = np.concatenate([r[:k], r[k : k + n + 1] - d * v, r[k + n + 1 :]])
    q = np.stack(quotient) if quotient else np.zeros(1, dtype)
    while np.allclose(unbox_all(r[0]), 0, rtol=1e-14) and len(r) > 1:
        r = r[1:]
    return cast_to(q, dtype), r


@implements(np.poly)
def poly(seq_of_zeros: Any) -> Any:
    zeros = np.atleast_1d(seq_of_zeros)
    if np.ndim(zeros) == 2 and len(zeros) > 0 and np.shape(zeros)[0] == np.shape(zeros)[1]:
        raise NotDifferentiableError(
            "descend does not differentiate numpy.poly of a matrix: NumPy goes through its "
            "eigenvalues, complex in general. Pass the (real) roots as a 1-D array instead."
        )
    if np.ndim(zeros) != 1:
        raise ValueError("input must be 1d or non-empty square 2d array.")
    if len(zeros) == 0:
        return 1.0
    dtype = np.result_type(zeros)
    if dtype.kind in "iub":
        zeros, dtype = cast_to(zeros, np.float64), np.dtype(np.float64)
    a = np.ones(1, dtype)
    one = np.ones((), dtype)
    for zero in zeros:
        a = np.convolve(a, np.stack([one, -zero]))
    if dtype.kind == "c":
        plain = np.asarray(unbox_all(zeros), complex)
        if np.all(np.sort(plain) == np.sort(plain.conjugate())):
            a = np.real(a)
    return a


# --- least-squares fit: linear in y ---------------------------------------------------------------
def _fit_map(x: Any, n: int, deg: int, rcond: Any, w: Any) -> np.ndarray:
    """The matrix M with ``polyfit(x, y) == M @ y``: the fit of each unit vector."""
    return np.polyfit(x, np.eye(n), deg, rcond, w=w)


def _polyfit_vjp(g: Any, ans: Any, y: Any, x: Any, deg: int, rcond: Any, w: Any) -> Any:
    fit = _fit_map(x, len(x), deg, rcond, w)
    return cast_to(np.matmul(fit.T, g), np.result_type(y))


POLYFIT = Rule(
    lambda y, x, deg, rcond, w: np.polyfit(x, y, deg, rcond, w=w),
    (_polyfit_vjp,),
    name="numpy.polyfit",
)


def _polyfit_traced(x: Any, y: Any, deg: int, rcond: Any, full: bool, w: Any, cov: Any) -> Any:
    """NumPy's weighted, column-scaled least-squares fit, step by step on traced values."""
    order = int(deg) + 1
    x, y = as_array(x) + 0.0, as_array(y) + 0.0
    if np.ndim(x) != 1 or np.size(x) == 0:
        raise TypeError("expected a non-empty 1D vector for x")
    if np.ndim(y) not in (1, 2) or len(x) != len(y):
        raise TypeError("expected a 1D or 2D y with as many rows as x has entries")
    if rcond is None:
        rcond = len(x) * np.finfo(np.result_type(x)).eps
    lhs, rhs = np.vander(x, order), y
    if w is not None:
        w = as_array(w) + 0.0
        if np.ndim(w) != 1 or len(w) != len(y):
            raise TypeError("expected a 1-d array of weights with the same length as y")
        lhs = lhs * w[:, None]
        rhs = rhs * (w[:, None] if np.ndim(rhs) == 2 else w)
    scale = np.sqrt(np.sum(lhs * lhs, axis=0))
    lhs = lhs / scale
    c, resids, rank, s = np.linalg.lstsq(lhs, rhs, rcond)
    c = (c.T / scale).T
    if rank != order and not full:
        warnings.warn("Polyfit may be poorly conditioned", np.exceptions.RankWarning, stacklevel=3)
    if full:
        return c, resids, rank, s, rcond
    if not cov:
        return c
    base = np.linalg.inv(np.dot(lhs.T, lhs)) / np.outer(scale, scale)
    if cov == "unscaled":
        factor: Any = 1
    elif len(x) <= order:
        raise ValueError("the number of data points must exceed order to scale the covariance "
                         "matrix")  # fmt: skip
    else:
        factor = resids / (len(x) - order)
    return c, (base * factor if np.ndim(y) == 1 else base[:, :, None] * factor)


@implements(np.polyfit)
def polyfit(x: Any, y: Any, deg: int, rcond: Any = None, full: bool = False, w: Any = None,
            cov: Any = False) -> Any:  # fmt: skip
    # The common case, only y traced, is one linear primitive with NumPy's exact cutoff; the
    # rest goes through NumPy's steps, differentiated by the vander and lstsq rules.
    if type(x) is Tracer or type(w) is Tracer or full or cov:
        return _polyfit_traced(x, y, deg, rcond, full, w, cov)
    return bind(POLYFIT, (y, np.asarray(x), deg, rcond, None if w is None else np.asarray(w)))


# --- roots: implicit differentiation of p(r) = 0 --------------------------------------------------
def _roots_vjp(g: Any, ans: Any, p: Any) -> Any:
    # p(r) = 0 gives dr/dp_k = -r^(deg - k) / p'(r) at a simple root r.
    dtype = np.result_type(p)
    exponents = np.arange(len(p) - 1, -1, -1).astype(dtype)
    powers = np.power(ans[:, None], exponents)
    slope = cast_to(np.polyval(np.polyder(p), ans), dtype)
    return -np.matmul(g / slope, powers)


ROOTS = Rule(np.roots, (_roots_vjp,), name="numpy.roots")


def _refuse_roots(why: str) -> NotDifferentiableError:
    return NotDifferentiableError(
        f"descend differentiates numpy.roots only where all roots are real and simple and the "
        f"leading coefficient is nonzero; here {why}."
    )


@implements(np.roots)
def roots(p: Any) -> Any:
    p = np.atleast_1d(p)
    if np.ndim(p) != 1:
        raise ValueError("Input must be a rank-1 array.")
    plain = unbox_all(p)
    if plain.dtype.kind == "c":
        raise _refuse_roots("the coefficients are complex")
    if not np.any(plain):
        return np.array([])
    if plain[0] == 0:
        raise _refuse_roots("p[0] == 0 (a root escapes to infinity when it moves)")
    found = np.roots(plain)
    if found.dtype.kind == "c":
        raise _refuse_roots("some roots are complex")
    gaps = np.where(np.eye(len(found), dtype=bool), np.inf, np.abs(found[:, None] - found))
    if len(found) > 1 and np.min(gaps) <= 1e-8 * max(1.0, float(np.max(np.abs(found)))):
        raise _refuse_roots("a root is repeated (its derivative is infinite)")
    return bind(ROOTS, (p,))
