"""Differences, integration, interpolation, convolution and statistics: diff, ediff1d,
gradient, trapezoid, interp, cross, convolve, correlate, cov, corrcoef, sinc, i0, unwrap,
nan_to_num.

Nearly all are compositions of slicing, arithmetic, ``where`` and joins, so every order and
forward mode come from those rules. Convolution is the exception: one primitive whose
cotangents are convolutions again, so a long signal costs NumPy's own convolution, not a
Python loop.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import scipy.special

from descend.autodiff.core import Rule
from descend.autodiff.errors import NotDifferentiableError
from descend.autodiff.registry import implements
from descend.autodiff.rules.reductions import normalize_axis
from descend.autodiff.tracer import Tracer, bind, unbox_all


def _along(ndim: int, axis: int, index: Any) -> tuple[Any, ...]:
    """The index tuple that applies ``index`` (a slice or int) to ``axis`` only."""
    return (slice(None),) * axis + (index,) + (slice(None),) * (ndim - axis - 1)


def as_array(x: Any) -> Any:
    """``x`` itself if traced, else as an ndarray (NumPy also dispatches here with lists).

    Examples
    --------
    >>> as_array([1.0, 2.0])
    array([1., 2.])
    """
    return x if type(x) is Tracer else np.asarray(x)


def cast_to(x: Any, dtype: Any) -> Any:
    """``x`` as ``dtype`` (a differentiable cast), or ``x`` itself if it has that dtype.

    Examples
    --------
    >>> cast_to(np.ones(2, np.float32), np.float64).dtype, cast_to(0.5, np.float32).dtype
    (dtype('float64'), dtype('float32'))
    """
    if np.result_type(x) == dtype:
        return x
    return x.astype(dtype) if isinstance(x, Tracer | np.ndarray) else np.asarray(x, dtype)


# --- differences ----------------------------------------------------------------------------------
def _as_edge(values: Any, shape: tuple[int, ...], axis: int) -> Any:
    """``prepend``/``append`` as a slab that joins ``a`` along ``axis`` (scalars broadcast)."""
    if np.ndim(values) == 0:
        edge = list(shape)
        edge[axis] = 1
        return np.broadcast_to(values, tuple(edge))
    return values


@implements(np.diff)
def diff(a: Any, n: int = 1, axis: int = -1, prepend: Any = np._NoValue,
         append: Any = np._NoValue) -> Any:  # fmt: skip
    if n == 0:
        return a
    if n < 0:
        raise ValueError(f"order must be non-negative but got {n!r}")
    a = as_array(a)
    ndim = np.ndim(a)
    if ndim == 0:
        raise ValueError("diff requires input that is at least one dimensional")
    axis = normalize_axis(axis, ndim)[0]
    parts = [a]
    if prepend is not np._NoValue:
        parts.insert(0, _as_edge(prepend, np.shape(a), axis))
    if append is not np._NoValue:
        parts.append(_as_edge(append, np.shape(a), axis))
    if len(parts) > 1:
        a = np.concatenate(parts, axis)
    upper, lower = _along(ndim, axis, slice(1, None)), _along(ndim, axis, slice(None, -1))
    for _ in range(n):
        a = a[upper] - a[lower]
    return a


@implements(np.ediff1d)
def ediff1d(ary: Any, to_end: Any = None, to_begin: Any = None) -> Any:
    flat = np.ravel(ary)
    dtype = np.result_type(flat)
    parts = [flat[1:] - flat[:-1]]
    # NumPy casts the added ends to the input's dtype (and refuses unsafe casts).
    for ends, first in ((to_begin, True), (to_end, False)):
        if ends is None:
            continue
        if type(ends) is not Tracer:
            ends = np.asarray(ends)
        if not np.can_cast(ends.dtype, dtype, casting="same_kind"):
            raise TypeError(
                f"dtype of `{'to_begin' if first else 'to_end'}` must be compatible with input "
                f"`ary` under the `same_kind` rule."
            )
        piece = cast_to(np.ravel(ends), dtype)
        if first:
            parts.insert(0, piece)
        else:
            parts.append(piece)
    return np.concatenate(parts) if len(parts) > 1 else parts[0]


# --- numerical gradient ---------------------------------------------------------------------------
def _spacings(f: Any, varargs: tuple[Any, ...], axes: tuple[int, ...]) -> list[Any]:
    """Each axis's spacing: a scalar (uniform) or the differences of its coordinates."""
    if not varargs:
        return [1.0] * len(axes)
    if len(varargs) == 1 and np.ndim(varargs[0]) == 0:
        return [varargs[0]] * len(axes)
    if len(varargs) != len(axes):
        raise TypeError("invalid number of arguments")
    out = []
    for coords, axis in zip(varargs, axes):
        if np.ndim(coords) == 0:
            out.append(coords)
            continue
        if np.ndim(coords) != 1:
            raise ValueError("distances must be either scalars or 1d")
        coords = as_array(coords)
        if len(coords) != np.shape(f)[axis]:
            raise ValueError("when 1d, distances must match the length of the corresponding "
                             "dimension")  # fmt: skip
        if np.result_type(coords).kind in "iub":
            coords = np.asarray(coords, dtype=np.float64)
        steps = np.diff(coords)
        # Constant coordinates that are evenly spaced take NumPy's uniform formulas (same
        # rounding). Traced ones never do: evenly spaced is a point, not a neighbourhood, so
        # the derivative with respect to the coordinates needs the general formula.
        if type(coords) is not Tracer and np.all(steps == steps[0]):
            steps = steps[0]
        out.append(steps)
    return out


def _gradient_along(f: Any, h: Any, axis: int, edge_order: int) -> Any:
    """NumPy's second-order central differences along ``axis``, with one-sided edges."""
    nd = np.ndim(f)

    def at(start: int | None, stop: int | None) -> Any:
        return f[_along(nd, axis, slice(start, stop))]

    if np.ndim(h) == 0:
        inner = (at(2, None) - at(None, -2)) / (2.0 * h)
        if edge_order == 1:
            first = (at(1, 2) - at(0, 1)) / h
            last = (at(-1, None) - at(-2, -1)) / h
        else:
            first = (-1.5 / h) * at(0, 1) + (2.0 / h) * at(1, 2) + (-0.5 / h) * at(2, 3)
            last = (0.5 / h) * at(-3, -2) + (-2.0 / h) * at(-2, -1) + (1.5 / h) * at(-1, None)
        return np.concatenate([first, inner, last], axis)
    shape = [1] * nd
    shape[axis] = -1
    h1, h2 = h[:-1], h[1:]
    a = np.reshape(-h2 / (h1 * (h1 + h2)), shape)
    b = np.reshape((h2 - h1) / (h1 * h2), shape)
    c = np.reshape(h1 / (h2 * (h1 + h2)), shape)
    inner = a * at(None, -2) + b * at(1, -1) + c * at(2, None)
    if edge_order == 1:
        first = (at(1, 2) - at(0, 1)) / h[0]
        last = (at(-1, None) - at(-2, -1)) / h[-1]
    else:
        d1, d2 = h[0], h[1]
        first = (
            (-(2.0 * d1 + d2) / (d1 * (d1 + d2))) * at(0, 1)
            + ((d1 + d2) / (d1 * d2)) * at(1, 2)
            + (-d1 / (d2 * (d1 + d2))) * at(2, 3)
        )
        d1, d2 = h[-2], h[-1]
        last = (
            (d2 / (d1 * (d1 + d2))) * at(-3, -2)
            + (-(d2 + d1) / (d1 * d2)) * at(-2, -1)
            + ((2.0 * d2 + d1) / (d2 * (d1 + d2))) * at(-1, None)
        )
    return np.concatenate([first, inner, last], axis)


@implements(np.gradient)
def gradient(f: Any, *varargs: Any, axis: Any = None, edge_order: int = 1) -> Any:
    f = as_array(f)
    nd = np.ndim(f)
    if axis is None:
        axes: tuple[int, ...] = tuple(range(nd))
    else:
        axes = tuple(normalize_axis(a, nd)[0] for a in ((axis,) if np.ndim(axis) == 0 else axis))
        if len(set(axes)) != len(axes):
            raise ValueError("repeated axis")
    if edge_order > 2:
        raise ValueError("'edge_order' greater than 2 not supported")
    dtype = np.result_type(f)
    otype = dtype if dtype.kind in "fc" else np.dtype(np.float64)
    outs = []
    for ax, h in zip(axes, _spacings(f, varargs, axes)):
        if np.shape(f)[ax] < edge_order + 1:
            raise ValueError("Shape of array too small to calculate a numerical gradient, at "
                             "least (edge_order + 1) elements are required.")  # fmt: skip
        outs.append(cast_to(_gradient_along(f, h, ax, edge_order), otype))
    return outs[0] if len(outs) == 1 else tuple(outs)


# --- integration ----------------------------------------------------------------------------------
@implements(np.trapezoid)
def trapezoid(y: Any, x: Any = None, dx: Any = 1.0, axis: int = -1) -> Any:
    y = as_array(y)
    nd = np.ndim(y)
    axis = normalize_axis(axis, nd)[0]
    if x is None:
        d = dx
    elif np.ndim(x) == 1:
        shape = [1] * nd
        shape[axis] = -1
        d = np.reshape(np.diff(x), shape)
    else:
        d = np.diff(x, axis=axis)
    y_sum = y[_along(nd, axis, slice(1, None))] + y[_along(nd, axis, slice(None, -1))]
    return np.sum(d * y_sum / 2.0, axis=axis)


# --- interpolation --------------------------------------------------------------------------------
def _periodic(x: Any, xp: Any, fp: Any, period: Any) -> tuple[Any, Any, Any]:
    """NumPy's reduction of periodic interpolation to the plain kind over one padded period."""
    if period == 0:
        raise ValueError("period must be a non-zero value")
    period = abs(period)
    x, xp = x % period, xp % period
    order = np.argsort(unbox_all(xp))
    xp, fp = xp[order], fp[order]
    xp = np.concatenate([xp[-1:] - period, xp, xp[:1] + period])
    fp = np.concatenate([fp[-1:], fp, fp[:1]])
    return x, xp, fp


@implements(np.interp)
def interp(x: Any, xp: Any, fp: Any, left: Any = None, right: Any = None,
           period: Any = None) -> Any:  # fmt: skip
    x, xp, fp = as_array(x), as_array(xp), as_array(fp)
    complex_fp = np.result_type(fp).kind == "c"
    dtype = np.complex128 if complex_fp else np.float64
    x, xp, fp = cast_to(x, np.float64), cast_to(xp, np.float64), cast_to(fp, dtype)
    if np.ndim(xp) != 1 or np.ndim(fp) != 1:
        raise ValueError("Data points must be 1-D sequences")
    if len(xp) != len(fp):
        raise ValueError("fp and xp are not of the same length.")
    if len(xp) == 0:
        raise ValueError("array of sample points is empty")
    if period is not None:
        x, xp, fp = _periodic(x, xp, fp, period)
        left = right = None
    knots = unbox_all(xp)
    if np.any(np.diff(knots) < 0):
        raise NotDifferentiableError(
            "descend differentiates numpy.interp only for increasing xp (NumPy's result is "
            "meaningless otherwise); sort xp and fp together with np.argsort(xp) first."
        )
    left = fp[0] if left is None else cast_to(left, dtype)
    right = fp[-1] if right is None else cast_to(right, dtype)
    at = unbox_all(x)
    n = len(knots)
    if n == 1:
        return np.where(at < knots[0], left, np.where(at > knots[0], right, fp[0]))
    # The segment [xp[j], xp[j+1]] holding each x, as NumPy's binary search finds it; the
    # value is NumPy's slope * (x - xp[j]) + fp[j], anchored at the right end on the last knot
    # so that x == xp[-1] gives fp[-1] exactly.
    found = np.searchsorted(knots, at, side="right") - 1
    j = np.clip(found, 0, n - 2)
    x0, x1, y0, y1 = xp[j], xp[j + 1], fp[j], fp[j + 1]
    width = x1 - x0
    tied = unbox_all(width) == 0
    slope = np.where(tied, 0.0, (y1 - y0) / np.where(tied, 1.0, width))
    on_last = found >= n - 1
    inside = np.where(on_last, slope * (x - x1) + y1, slope * (x - x0) + y0)
    return np.where(at < knots[0], left, np.where(at > knots[-1], right, inside))


# --- cross product --------------------------------------------------------------------------------
@implements(np.cross)
def cross(a: Any, b: Any, axisa: int = -1, axisb: int = -1, axisc: int = -1,
          axis: Any = None) -> Any:  # fmt: skip
    a, b = as_array(a), as_array(b)
    # NumPy on zero-byte stand-ins validates the call (and warns about 2-vectors) for us.
    ghost_a = np.broadcast_to(np.zeros((), np.result_type(a)), np.shape(a))
    ghost_b = np.broadcast_to(np.zeros((), np.result_type(b)), np.shape(b))
    if axis is not None:
        axisa = axisb = axisc = axis
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        np.cross(ghost_a, ghost_b, axisa, axisb, axisc)
    for warning in caught:  # NumPy's deprecation of 2-vectors, shown at the user's call
        warnings.warn(warning.message, stacklevel=3)
    a = np.moveaxis(a, axisa, -1)
    b = np.moveaxis(b, axisb, -1)
    na, nb = np.shape(a)[-1], np.shape(b)[-1]
    a0, a1, b0, b1 = a[..., 0], a[..., 1], b[..., 0], b[..., 1]
    if na == 2 and nb == 2:
        return a0 * b1 - a1 * b0
    if na == 2:
        b2 = b[..., 2]
        parts = [a1 * b2, -(a0 * b2), a0 * b1 - a1 * b0]
    elif nb == 2:
        a2 = a[..., 2]
        parts = [-(a2 * b1), a2 * b0, a0 * b1 - a1 * b0]
    else:
        a2, b2 = a[..., 2], b[..., 2]
        parts = [a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0]
    return np.moveaxis(np.stack(parts, -1), -1, axisc)


# --- convolution ----------------------------------------------------------------------------------
def _convolve_full(a: Any, v: Any) -> Any:
    return np.convolve(a, v, mode="full")


# The transpose of a full convolution with v is the valid correlation with v: a valid
# convolution with v reversed (no conjugate: the complex convention transposes).
CONVOLVE = Rule(
    _convolve_full,
    (
        lambda g, ans, a, v: np.convolve(g, v[::-1], mode="valid"),
        lambda g, ans, a, v: np.convolve(g, a[::-1], mode="valid"),
    ),
    name="numpy.convolve",
)


# NumPy still accepts its old integer codes for the modes.
_MODE_CODES = {0: "valid", 1: "same", 2: "full"}


def _crop(full: Any, n: int, m: int, mode: Any, correlation: bool) -> Any:
    """NumPy's 'same' or 'valid' part of a full convolution of lengths ``n`` and ``m``."""
    mode = _MODE_CODES.get(mode, mode) if type(mode) is int else mode
    if mode == "full":
        return full
    if mode == "valid":
        start, length = min(n, m) - 1, max(n, m) - min(n, m) + 1
    elif mode == "same":
        # NumPy centres on the longer signal; correlate swaps (and reverses) a short first
        # argument, which moves the centre by one for an even overhang.
        start = -(-(n - 1) // 2) if correlation and n < m else (min(n, m) - 1) // 2
        length = max(n, m)
    else:
        raise ValueError(f"mode must be one of 'valid', 'same', or 'full' (got {mode!r})")
    return full[start : start + length]


def _signals(a: Any, v: Any) -> tuple[Any, Any]:
    a, v = np.atleast_1d(a), np.atleast_1d(v)
    if np.ndim(a) != 1 or np.ndim(v) != 1:
        raise ValueError("object too deep for desired array")
    if len(a) == 0:
        raise ValueError("a cannot be empty")
    if len(v) == 0:
        raise ValueError("v cannot be empty")
    return a, v


@implements(np.convolve)
def convolve(a: Any, v: Any, mode: str = "full") -> Any:
    a, v = _signals(a, v)
    return _crop(bind(CONVOLVE, (a, v)), len(a), len(v), mode, correlation=False)


@implements(np.correlate)
def correlate(a: Any, v: Any, mode: str = "valid") -> Any:
    a, v = _signals(a, v)
    if np.result_type(v).kind == "c":
        v = np.conjugate(v)
    return _crop(bind(CONVOLVE, (a, v[::-1])), len(a), len(v), mode, correlation=True)


# --- covariance and correlation -------------------------------------------------------------------
def _observations(m: Any, rowvar: bool, dtype: Any) -> Any:
    """``m`` as a 2-D array of variables (rows) by observations (columns)."""
    if np.ndim(m) > 2:
        raise ValueError("m has more than 2 dimensions")
    x = cast_to(np.atleast_2d(m), dtype)
    return x.T if not rowvar and x.shape[0] != 1 else x


def _weights(weights: Any, kind: str, n: int) -> Any:
    if type(weights) is not Tracer:
        weights = np.asarray(weights, dtype=float)
    if np.ndim(weights) > 1:
        raise RuntimeError(f"cannot handle multidimensional {kind}")
    if np.shape(weights)[0] != n:
        raise RuntimeError(f"incompatible numbers of samples and {kind}")
    if np.any(weights < 0):
        raise ValueError(f"{kind} cannot be negative")
    return cast_to(weights, np.float64)


@implements(np.cov)
def cov(m: Any, y: Any = None, rowvar: bool = True, bias: bool = False, ddof: Any = None,
        fweights: Any = None, aweights: Any = None, *, dtype: Any = None) -> Any:  # fmt: skip
    if ddof is not None and ddof != int(ddof):
        raise ValueError("ddof must be integer")
    m = as_array(m)
    y = None if y is None else as_array(y)
    if dtype is None:
        dtype = np.result_type(m, np.float64) if y is None else np.result_type(m, y, np.float64)
    x = _observations(m, rowvar, dtype)
    if y is not None:
        x = np.concatenate([x, _observations(y, rowvar, dtype)], axis=0)
    if ddof is None:
        ddof = 1 if bias == 0 else 0
    n = x.shape[1]
    w = None
    if fweights is not None:
        if type(fweights) is Tracer:
            raise NotDifferentiableError(
                "descend does not differentiate numpy.cov with respect to fweights: they are "
                "integer repeat counts. Use aweights= for weights that carry a gradient."
            )
        if not np.all(fweights == np.around(fweights)):
            raise TypeError("fweights must be integer")
        w = _weights(fweights, "fweights", n)
    if aweights is not None:
        aweights = _weights(aweights, "aweights", n)
        w = aweights if w is None else w * aweights
    avg, w_sum = np.average(x, axis=1, weights=w, returned=True)
    w_sum = w_sum[0]
    if w is None:
        fact = n - ddof
    elif ddof == 0:
        fact = w_sum
    elif aweights is None:
        fact = w_sum - ddof
    else:
        fact = w_sum - ddof * np.sum(w * aweights) / w_sum
    if fact <= 0:
        raise NotDifferentiableError(
            "numpy.cov has no degrees of freedom left here (NumPy warns and returns inf or "
            "nan, which has no derivative); use more observations or a smaller ddof."
        )
    x = x - avg[:, None]
    x_t = x.T if w is None else (x * w).T
    if np.result_type(x_t).kind == "c":
        x_t = np.conjugate(x_t)
    return np.squeeze(np.dot(x, x_t) * np.true_divide(1, fact))


@implements(np.corrcoef)
def corrcoef(x: Any, y: Any = None, rowvar: bool = True, bias: Any = np._NoValue,
             ddof: Any = np._NoValue, *, dtype: Any = None) -> Any:  # fmt: skip
    c = cov(x, y, rowvar, dtype=dtype)
    if np.result_type(c).kind == "c":
        raise NotDifferentiableError(
            "descend does not differentiate numpy.corrcoef of complex data (NumPy clips its "
            "real and imaginary parts separately); use descend on real data."
        )
    if np.ndim(c) == 0:
        return c / c
    stddev = np.sqrt(np.diagonal(c))
    c = c / stddev[:, None]
    c = c / stddev[None, :]
    return np.clip(c, -1, 1)


# --- elementwise functions that are NumPy functions rather than ufuncs ----------------------------
# sinc(x) = sin(pi x) / (pi x). Near 0 the quotient's derivatives cancel catastrophically and
# at 0 it is 0 / 0, so there the Taylor series (exact to rounding for |pi x| < 0.1) is used.
_SINC_SERIES = (1.0, -1 / 6, 1 / 120, -1 / 5040, 1 / 362880, -1 / 39916800)


@implements(np.sinc)
def sinc(x: Any) -> Any:
    y = np.pi * x
    near = np.abs(unbox_all(y)) < 0.1
    far_y = np.where(near, 1.0, y)
    y2 = np.where(near, y, 0.0) ** 2
    series = 0.0 * y2
    for coefficient in reversed(_SINC_SERIES):
        series = series * y2 + coefficient
    return np.where(near, series, np.sin(far_y) / far_y)


I0 = Rule(np.i0, (lambda g, ans, x: g * scipy.special.i1(x),), name="numpy.i0")


@implements(np.i0)
def i0(x: Any) -> Any:
    if np.result_type(x).kind == "c":
        raise TypeError("i0 not supported for complex values")
    return bind(I0, (x,))


@implements(np.unwrap)
def unwrap(p: Any, discont: Any = None, axis: int = -1, *, period: Any = 2 * np.pi) -> Any:
    # Unwrapping adds whole periods, how many chosen by rounding: a count whose derivative is
    # zero wherever it is defined. The gradient flows through p and the period itself.
    plain, plain_period = unbox_all(p), unbox_all(period)
    shift = np.unwrap(plain, unbox_all(discont), axis, period=plain_period) - plain
    if type(period) is Tracer:  # the shift is a whole number of (traced) periods
        return p + np.round(shift / plain_period) * period
    return p + shift


@implements(np.nan_to_num)
def nan_to_num(x: Any, copy: bool = True, nan: float = 0.0, posinf: Any = None,
               neginf: Any = None) -> Any:  # fmt: skip
    if any(type(v) is Tracer for v in (nan, posinf, neginf)):
        raise NotDifferentiableError(
            "descend differentiates numpy.nan_to_num with constant nan=, posinf= and neginf=; "
            "for a traced replacement use np.where(np.isnan(x), value, x)."
        )
    plain = unbox_all(x)
    replaced = np.nan_to_num(plain, nan=nan, posinf=posinf, neginf=neginf)
    if np.result_type(plain).kind == "c":
        partly = np.isfinite(plain.real) != np.isfinite(plain.imag)
        if np.any(partly):
            raise NotDifferentiableError(
                "descend does not differentiate numpy.nan_to_num of complex values with one "
                "finite and one non-finite part; treat the real and imaginary parts separately."
            )
    return np.where(np.isfinite(plain), x, replaced)
