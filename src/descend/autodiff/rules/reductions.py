"""Reductions and scans: sum, mean, prod, max/min, std/var, cumsum/cumprod, ptp, average, nan-sums.

Handlers take NumPy's own signatures, normalise ``axis`` to a tuple of non-negative ints, and
bind a primitive whose rule expands the output cotangent back over the reduced axes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from descend.autodiff.core import Rule
from descend.autodiff.errors import NotDifferentiableError
from descend.autodiff.registry import METHOD_HANDLERS, implements
from descend.autodiff.tracer import bind

_NO_VALUE = np._NoValue


def normalize_axis(axis: Any, ndim: int) -> tuple[int, ...]:
    """``axis`` (None, int or tuple, possibly negative) as a sorted tuple of non-negative ints."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
    out = []
    for a in axes:
        a = int(a)
        if not -ndim <= a < max(ndim, 1):
            raise np.exceptions.AxisError(a, ndim)
        out.append(a % ndim if ndim else 0)
    return tuple(sorted(out))


def keepdims_shape(shape: tuple[int, ...], axis: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(1 if i in axis else n for i, n in enumerate(shape))


def expand_cotangent(g: Any, shape: tuple[int, ...], axis: tuple[int, ...], keepdims: bool) -> Any:
    """Broadcast the cotangent of a reduction back to the reduced array's ``shape``."""
    if not keepdims:
        g = np.reshape(g, keepdims_shape(shape, axis))
    return np.broadcast_to(g, shape)


def _count(shape: tuple[int, ...], axis: tuple[int, ...]) -> int:
    n = 1
    for a in axis:
        n *= shape[a]
    return n


def _reject(name: str, out: Any = None, where: Any = _NO_VALUE) -> None:
    if out is not None:
        raise NotDifferentiableError(
            f"numpy.{name}(..., out=...) would write a traced value into a plain array; "
            "drop out= and use the returned value."
        )
    if where is not _NO_VALUE and where is not True:
        raise NotDifferentiableError(
            f"descend does not differentiate numpy.{name}(..., where=mask); use "
            f"numpy.{name}(np.where(mask, x, neutral_value)) instead."
        )


def _keep(keepdims: Any) -> bool:
    return False if keepdims is _NO_VALUE else bool(keepdims)


def _cast(result: Any, dtype: Any) -> Any:
    return result if dtype is None else METHOD_HANDLERS["astype"](result, dtype)


# --- sum and mean -----------------------------------------------------------------------------
def _sum(x: Any, axis: tuple[int, ...], keepdims: bool) -> Any:
    return np.sum(x, axis=axis, keepdims=keepdims)


SUM = Rule(
    _sum,
    (lambda g, ans, x, axis, keepdims: expand_cotangent(g, x.shape, axis, keepdims),),
    name="numpy.sum",
)


@implements(np.sum)
def sum_(
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: Any = None,
    keepdims: Any = _NO_VALUE,
    initial: Any = _NO_VALUE,
    where: Any = _NO_VALUE,
) -> Any:
    _reject("sum", out, where)
    result = bind(SUM, (a, normalize_axis(axis, np.ndim(a)), _keep(keepdims)))
    if initial is not _NO_VALUE:
        result = result + initial
    return _cast(result, dtype)


def _mean_vjp(g: Any, ans: Any, x: Any, axis: tuple[int, ...], keepdims: bool) -> Any:
    return expand_cotangent(g / _count(x.shape, axis), x.shape, axis, keepdims)


MEAN = Rule(
    lambda x, axis, keepdims: np.mean(x, axis=axis, keepdims=keepdims),
    (_mean_vjp,),
    name="numpy.mean",
)


@implements(np.mean)
def mean(
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: Any = None,
    keepdims: Any = _NO_VALUE,
    *,
    where: Any = _NO_VALUE,
) -> Any:
    _reject("mean", out, where)
    return _cast(bind(MEAN, (a, normalize_axis(axis, np.ndim(a)), _keep(keepdims))), dtype)


# --- max and min ------------------------------------------------------------------------------
def _extremum_vjp(g: Any, ans: Any, x: Any, axis: tuple[int, ...], keepdims: bool) -> Any:
    # Ties share the cotangent equally, so max(x, x) still has derivative 1.
    kshape = keepdims_shape(x.shape, axis)
    hit = x == np.reshape(ans, kshape)
    g = np.reshape(g, kshape)
    return (g / np.sum(hit, axis=axis, keepdims=True).astype(np.result_type(g))) * hit


MAX = Rule(
    lambda x, axis, keepdims: np.max(x, axis=axis, keepdims=keepdims),
    (_extremum_vjp,),
    name="numpy.max",
)
MIN = Rule(
    lambda x, axis, keepdims: np.min(x, axis=axis, keepdims=keepdims),
    (_extremum_vjp,),
    name="numpy.min",
)


def _extremum(rule: Rule, bound: Any, name: str) -> Any:
    def handler(
        a: Any,
        axis: Any = None,
        out: Any = None,
        keepdims: Any = _NO_VALUE,
        initial: Any = _NO_VALUE,
        where: Any = _NO_VALUE,
    ) -> Any:
        _reject(name, out, where)
        result = bind(rule, (a, normalize_axis(axis, np.ndim(a)), _keep(keepdims)))
        if initial is not _NO_VALUE:
            result = bound(result, initial)
        return result

    return handler


implements(np.max, np.amax)(_extremum(MAX, np.maximum, "max"))
implements(np.min, np.amin)(_extremum(MIN, np.minimum, "min"))


@implements(np.ptp)
def ptp(a: Any, axis: Any = None, out: Any = None, keepdims: Any = _NO_VALUE) -> Any:
    _reject("ptp", out)
    return np.max(a, axis=axis, keepdims=keepdims) - np.min(a, axis=axis, keepdims=keepdims)


# --- prod ---------------------------------------------------------------------------------------
def _prod_vjp(g: Any, ans: Any, x: Any, axis: tuple[int, ...], keepdims: bool) -> Any:
    # The derivative of a product w.r.t. one factor is the product of all the others. Build it
    # from exclusive left and right cumulative products along the reduced (flattened) axes:
    # exact even when some factors are zero, where ans / x would divide by zero.
    kept = [i for i in range(x.ndim) if i not in axis]
    moved = np.transpose(x, kept + list(axis))
    lead = moved.shape[: len(kept)]
    flat = np.reshape(moved, (*lead, -1))
    ones = np.ones((*lead, 1), dtype=flat.dtype)
    left = np.cumprod(np.concatenate([ones, flat[..., :-1]], axis=-1), axis=-1)
    right = np.flip(
        np.cumprod(np.concatenate([ones, np.flip(flat, -1)[..., :-1]], axis=-1), axis=-1), -1
    )
    others = np.reshape(left * right, moved.shape)
    back = np.transpose(others, np.argsort(kept + list(axis)))
    return expand_cotangent(g, x.shape, axis, keepdims) * back


PROD = Rule(
    lambda x, axis, keepdims: np.prod(x, axis=axis, keepdims=keepdims),
    (_prod_vjp,),
    name="numpy.prod",
)


@implements(np.prod)
def prod(
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: Any = None,
    keepdims: Any = _NO_VALUE,
    initial: Any = _NO_VALUE,
    where: Any = _NO_VALUE,
) -> Any:
    _reject("prod", out, where)
    result = bind(PROD, (a, normalize_axis(axis, np.ndim(a)), _keep(keepdims)))
    if initial is not _NO_VALUE:
        result = result * initial
    return _cast(result, dtype)


# --- variance and standard deviation ------------------------------------------------------------
def _centered_over_n(x: Any, axis: tuple[int, ...], ddof: float) -> Any:
    centered = (x - np.mean(x, axis=axis, keepdims=True)) / (_count(x.shape, axis) - ddof)
    # Complex var is mean(|x - mean|²): d|c|² = 2 Re(conj(c) dc), transposed to 2 conj(c).
    return np.conj(centered) if x.dtype.kind == "c" else centered


def _real_cotangent(g: Any, x: Any) -> Any:
    """The cotangent of a real result of complex ``x``: only its real part pairs with a
    real tangent (the imaginary part can come from mixing with complex values downstream)."""
    return np.real(g) if x.dtype.kind == "c" else g


VAR = Rule(
    lambda x, axis, keepdims, ddof: np.var(x, axis=axis, keepdims=keepdims, ddof=ddof),
    (
        lambda g, ans, x, axis, keepdims, ddof: (
            expand_cotangent(_real_cotangent(g, x), x.shape, axis, keepdims)
            * (2 * _centered_over_n(x, axis, ddof))
        ),
    ),
    name="numpy.var",
)
STD = Rule(
    lambda x, axis, keepdims, ddof: np.std(x, axis=axis, keepdims=keepdims, ddof=ddof),
    (
        lambda g, ans, x, axis, keepdims, ddof: (
            expand_cotangent(_real_cotangent(g, x) / ans, x.shape, axis, keepdims)
            * _centered_over_n(x, axis, ddof)
        ),
    ),
    name="numpy.std",
    zero_safe=True,
)


def _spread(rule: Rule, name: str) -> Any:
    def handler(
        a: Any,
        axis: Any = None,
        dtype: Any = None,
        out: Any = None,
        ddof: float = 0,
        keepdims: Any = _NO_VALUE,
        *,
        where: Any = _NO_VALUE,
        mean: Any = _NO_VALUE,
        correction: Any = _NO_VALUE,
    ) -> Any:
        _reject(name, out, where)
        if mean is not _NO_VALUE:
            raise NotDifferentiableError(
                f"descend does not differentiate numpy.{name}(..., mean=...); drop mean=."
            )
        if correction is not _NO_VALUE:
            ddof = correction
        axes = normalize_axis(axis, np.ndim(a))
        return _cast(bind(rule, (a, axes, _keep(keepdims), ddof)), dtype)

    return handler


implements(np.var)(_spread(VAR, "var"))
implements(np.std)(_spread(STD, "std"))


# --- scans --------------------------------------------------------------------------------------
CUMSUM = Rule(
    lambda x, axis: np.cumsum(x, axis=axis),
    (lambda g, ans, x, axis: np.flip(np.cumsum(np.flip(g, axis), axis=axis), axis),),
    name="numpy.cumsum",
)


def _cumprod_vjp(g: Any, ans: Any, x: Any, axis: int) -> Any:
    # Dividing by x is fast and accurate at first order, but under an outer trace its own
    # derivatives (1/x^2, 1/x^3...) cancel catastrophically for small nonzero factors: keep it
    # for plain arrays without zeros.
    if type(x) is np.ndarray and type(g) is np.ndarray and np.all(x != 0):
        return np.flip(np.cumsum(np.flip(g * ans, axis), axis=axis), axis) / x
    # Otherwise sweep from the end, S_j = g_j + x_{j+1} S_{j+1}; the cotangent of x_j is S_j
    # times the product of the factors before j. Only products and sums: exact to any order.
    gm = np.moveaxis(g, axis, 0)
    xm = np.moveaxis(x, axis, 0)
    n = xm.shape[0]
    sweep = [gm[n - 1]]
    for j in range(n - 2, -1, -1):
        sweep.append(gm[j] + xm[j + 1] * sweep[-1])
    s = np.stack(sweep[::-1])
    before = np.concatenate([np.ones_like(xm[:1]), np.cumprod(xm[:-1], axis=0)])
    return np.moveaxis(s * before, 0, axis)


CUMPROD = Rule(lambda x, axis: np.cumprod(x, axis=axis), (_cumprod_vjp,), name="numpy.cumprod")


def _scan(rule: Rule, name: str) -> Any:
    def handler(a: Any, axis: Any = None, dtype: Any = None, out: Any = None) -> Any:
        _reject(name, out)
        if axis is None:
            a, axis = np.ravel(a), 0
        axis = normalize_axis(axis, np.ndim(a))[0]
        return _cast(bind(rule, (a, axis)), dtype)

    return handler


implements(np.cumsum)(_scan(CUMSUM, "cumsum"))
implements(np.cumprod)(_scan(CUMPROD, "cumprod"))


def _cumulative(scan: Any, identity: float, name: str) -> Any:
    # The array-API scans: cumsum/cumprod that refuse to flatten and can prepend the identity.
    def handler(
        x: Any, /, *, axis: Any = None, dtype: Any = None, out: Any = None,
        include_initial: bool = False,
    ) -> Any:  # fmt: skip
        _reject(name, out)
        x = np.atleast_1d(x)
        if axis is None:
            if np.ndim(x) > 1:
                raise ValueError(
                    f"numpy.{name} of an array with more than one dimension needs axis=."
                )
            axis = 0
        res = scan(x, axis=axis, dtype=dtype)
        if not include_initial:
            return res
        axis = normalize_axis(axis, np.ndim(x))[0]
        initial_shape = keepdims_shape(np.shape(x), (axis,))
        initial = np.full(initial_shape, identity, dtype=np.result_type(res))
        return np.concatenate([initial, res], axis=axis)

    return handler


if hasattr(np, "cumulative_sum"):  # NumPy >= 2.1
    implements(np.cumulative_sum)(_cumulative(np.cumsum, 0.0, "cumulative_sum"))
    implements(np.cumulative_prod)(_cumulative(np.cumprod, 1.0, "cumulative_prod"))


# --- composites ---------------------------------------------------------------------------------
@implements(np.average)
def average(
    a: Any,
    axis: Any = None,
    weights: Any = None,
    returned: bool = False,
    *,
    keepdims: Any = _NO_VALUE,
) -> Any:
    keep = _keep(keepdims)
    if weights is None:
        avg = np.mean(a, axis=axis, keepdims=keep)
        scale = np.ones_like(avg) * (np.size(a) / np.size(avg))
    else:
        if np.shape(weights) != np.shape(a):
            if axis is None:
                raise TypeError("Axis must be specified when shapes of a and weights differ.")
            if np.ndim(weights) != 1 or np.ndim(axis) != 0:
                raise TypeError("1D weights expected when shapes of a and weights differ.")
            ax = normalize_axis(axis, np.ndim(a))[0]
            weights = np.reshape(weights, [-1 if i == ax else 1 for i in range(np.ndim(a))])
        scale = np.sum(weights * np.ones_like(a), axis=axis, keepdims=keep)
        avg = np.sum(a * weights, axis=axis, keepdims=keep) / scale
    return (avg, scale) if returned else avg


@implements(np.nansum)
def nansum(
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: Any = None,
    keepdims: Any = _NO_VALUE,
    initial: Any = _NO_VALUE,
    where: Any = _NO_VALUE,
) -> Any:
    _reject("nansum", out, where)
    return np.sum(np.where(np.isnan(a), 0.0, a), axis=axis, dtype=dtype, keepdims=keepdims,
                  initial=initial)  # fmt: skip


@implements(np.nanmean)
def nanmean(
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: Any = None,
    keepdims: Any = _NO_VALUE,
    *,
    where: Any = _NO_VALUE,
) -> Any:
    _reject("nanmean", out, where)
    present = ~np.isnan(a)
    total = np.sum(np.where(present, a, 0.0), axis=axis, dtype=dtype, keepdims=keepdims)
    # An integer count would promote a float32 mean to float64; NumPy keeps float32.
    count = np.sum(present, axis=axis, keepdims=keepdims).astype(total.dtype)
    return total / count
