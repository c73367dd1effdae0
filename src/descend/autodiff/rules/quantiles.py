"""Order statistics: median, percentile and quantile (every ``method=`` NumPy has, and
``weights=``), and their NaN-ignoring forms.

Each is a sort (`descend.autodiff.rules.sorting.sort`, so equal values share the gradient)
followed by a gather of one or two order statistics and NumPy's linear interpolation between
them. The positions and the interpolation weight depend only on the sample size, ``q``, the
method and the weights, never on the values, so the result is piecewise linear in the data and
its second derivative is zero. They are NumPy's own: descend asks the NumPy function for the
quantile of the probe ``0, 1, ..., n - 1`` (NaN where the sorted data is NaN), which is exactly
the virtual index ``j + gamma`` NumPy interpolates at. ``q`` and ``weights`` only choose ranks:
the result is piecewise constant in them, so they are taken as constants (a traced ``q`` is
refused rather than given a derivative it does not have in general).

Where a lane holds NaN, NumPy's median and quantile return NaN, and so does descend, with zero
gradient; the ``nan*`` forms skip NaNs, whose positions get zero gradient, and return NaN with
a warning for an all-NaN lane, as NumPy does.

Examples
--------
>>> import numpy as np
>>> from descend import grad
>>> grad(np.median)(np.array([4.0, -2.0, 7.0]))  # one-hot at the middle value
array([1., 0., 0.])
>>> grad(lambda x: np.quantile(x, 0.3))(np.array([0.0, 1.0, 2.0, 3.0, 4.0]))  # index 1.2
array([0. , 0.8, 0.2, 0. , 0. ])
>>> grad(np.nanmedian)(np.array([1.0, np.nan, 3.0]))
array([0.5, 0. , 0.5])
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from descend.autodiff.errors import NotDifferentiableError
from descend.autodiff.registry import implements
from descend.autodiff.rules.indexing import take_along_axis
from descend.autodiff.rules.reductions import keepdims_shape, normalize_axis
from descend.autodiff.tracer import Tracer, unbox_all

_NO_VALUE = np._NoValue


def _no_out(name: str, out: Any) -> None:
    if out is not None:
        raise NotDifferentiableError(
            f"numpy.{name}(..., out=...) would write a traced value into a plain array; drop "
            "out= and use the returned value."
        )


def _lanes(a: Any, axis: Any) -> tuple[Any, tuple[int, ...]]:
    """``a`` with the reduced axes moved last and merged into one, and those axes."""
    shape = np.shape(a)
    axes = normalize_axis(axis, len(shape))
    kept = [i for i in range(len(shape)) if i not in axes]
    n = int(np.prod([shape[i] for i in axes], dtype=np.int64))
    if kept + list(axes) != list(range(len(shape))):
        a = np.transpose(a, kept + list(axes))
    return np.reshape(a, (*(shape[i] for i in kept), n)), axes


def _finish(result: Any, shape: tuple[int, ...], axes: tuple[int, ...], keepdims: bool) -> Any:
    """Put back the reduced axes as ones when ``keepdims``; the leading axes are ``q``'s."""
    if not keepdims:
        return result
    lead = np.shape(result)[: np.ndim(result) - (len(shape) - len(axes))]
    return np.reshape(result, lead + keepdims_shape(shape, axes))


def _nan_where(mask: np.ndarray, result: Any) -> Any:
    return np.where(mask, np.nan, result) if np.any(mask) else result


def _all_nan_warning() -> None:
    warnings.warn("All-NaN slice encountered", RuntimeWarning, stacklevel=4)


# --- median ---------------------------------------------------------------------------------------
@implements(np.median)
def median(
    a: Any, axis: Any = None, out: Any = None, overwrite_input: bool = False, keepdims: bool = False
) -> Any:
    _no_out("median", out)
    lanes, axes = _lanes(a, axis)
    n = np.shape(lanes)[-1]
    if n == 0:
        return np.median(unbox_all(a), axis=axis, keepdims=keepdims)
    ordered = np.sort(lanes, axis=-1)
    # NumPy's own formula: the mean of the middle one or two order statistics.
    result = np.mean(ordered[..., (n - 1) // 2 : n // 2 + 1], axis=-1)
    result = _nan_where(np.isnan(unbox_all(ordered)[..., -1]), result)
    return _finish(result, np.shape(a), axes, keepdims)


@implements(np.nanmedian)
def nanmedian(
    a: Any,
    axis: Any = None,
    out: Any = None,
    overwrite_input: bool = False,
    keepdims: Any = _NO_VALUE,
) -> Any:
    _no_out("nanmedian", out)
    lanes, axes = _lanes(a, axis)
    if np.shape(lanes)[-1] == 0:
        return np.nanmedian(unbox_all(a), axis=axis, keepdims=keepdims)
    ordered = np.sort(lanes, axis=-1)  # NaNs last
    count = np.sum(~np.isnan(unbox_all(ordered)), axis=-1)
    middle = np.stack([np.maximum(count - 1, 0) // 2, count // 2], axis=-1)
    result = np.mean(take_along_axis(ordered, middle, -1), axis=-1)
    if np.any(count == 0):
        _all_nan_warning()
    result = _nan_where(count == 0, result)
    return _finish(result, np.shape(a), axes, keepdims is not _NO_VALUE and bool(keepdims))


# --- quantile and percentile ----------------------------------------------------------------------
def _sorted_weights(
    weights: Any, shape: tuple[int, ...], axis: Any, order: np.ndarray
) -> np.ndarray:
    """The weights (of ``a``'s shape, or 1-d along ``axis``) in the sorted order of the lanes."""
    weights = np.asarray(weights)
    if weights.shape != shape:
        along = normalize_axis(axis, len(shape))[0]
        weights = np.reshape(weights, [-1 if i == along else 1 for i in range(len(shape))])
    lanes, _ = _lanes(np.broadcast_to(weights, shape), axis)
    return np.take_along_axis(lanes, order, -1)


def _virtual_index(
    fun: Any, ordered: np.ndarray, q: Any, method: str, weights: np.ndarray | None, skip_nan: bool
) -> np.ndarray:
    """Where ``fun`` interpolates in each sorted lane: ``j + gamma``, shape ``q.shape + lanes``;
    NaN for an all-NaN lane."""
    probe = np.broadcast_to(np.arange(ordered.shape[-1], dtype=np.float64), ordered.shape)
    if skip_nan:
        probe = np.where(np.isnan(ordered), np.nan, probe)
    with warnings.catch_warnings():  # NumPy's call on the data has warned already
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.asarray(fun(probe, q, axis=-1, method=method, weights=weights))


def _gather(ordered: Any, index: np.ndarray, qshape: tuple[int, ...]) -> Any:
    """``ordered[..., index]`` per lane: shape ``qshape + lanes``."""
    lanes = np.shape(ordered)[:-1]
    k = int(np.prod(qshape, dtype=np.int64))
    index = np.moveaxis(np.reshape(index, (k, *lanes)), 0, -1)
    picked = take_along_axis(ordered, index, -1)
    return np.reshape(np.moveaxis(picked, -1, 0), qshape + lanes)


def _quantile(fun: Any, skip_nan: bool) -> Any:
    name = fun.__name__

    def handler(
        a: Any,
        q: Any,
        axis: Any = None,
        out: Any = None,
        overwrite_input: bool = False,
        method: str = "linear",
        keepdims: Any = _NO_VALUE if skip_nan else False,
        *,
        weights: Any = None,
    ) -> Any:
        _no_out(name, out)
        if type(q) is Tracer:
            raise NotDifferentiableError(
                f"descend does not differentiate numpy.{name} with respect to q (the quantile "
                "levels): pass q as a constant, e.g. descend.stop_gradient(q)."
            )
        # Weights only choose which order statistic is picked: zero derivative, a constant.
        weights = unbox_all(weights)
        keep = keepdims is not _NO_VALUE and bool(keepdims)
        plain = unbox_all(a)
        # NumPy's call on the plain values validates every option and gives the result's dtype.
        expected = fun(plain, q, axis=axis, method=method, keepdims=keep, weights=weights)
        lanes, axes = _lanes(a, axis)
        if np.size(expected) == 0 or np.shape(lanes)[-1] == 0:
            return expected
        ordered = np.sort(lanes, axis=-1)
        plain_ordered = unbox_all(ordered)
        if weights is not None:
            # np.sort's order: ties may take either place, and both carry the same value.
            weights = _sorted_weights(weights, np.shape(a), axis, np.argsort(unbox_all(lanes)))
        virtual = _virtual_index(fun, plain_ordered, q, method, weights, skip_nan)
        qshape = np.shape(q)
        missing = np.isnan(virtual)
        virtual = np.where(missing, 0.0, virtual)
        before = np.floor(virtual)
        gamma = virtual - before
        before = before.astype(np.intp)
        after = np.where(gamma > 0, before + 1, before)  # never reaches into the NaNs at the end
        low, high = _gather(ordered, before, qshape), _gather(ordered, after, qshape)
        dtype = np.result_type(expected)
        # NumPy's lerp, exact at both ends; its weights are rounded to the result's precision.
        t, rest = gamma.astype(dtype), (1 - gamma).astype(dtype)
        diff = high - low
        result = np.where(gamma >= 0.5, high - diff * rest, low + diff * t)
        if result.dtype != dtype:
            result = result.astype(dtype)
        if skip_nan:
            result = _nan_where(np.broadcast_to(missing, np.shape(result)), result)
        else:
            nan_lanes = np.isnan(plain_ordered[..., -1])
            result = _nan_where(np.broadcast_to(nan_lanes, np.shape(result)), result)
        return _finish(result, np.shape(a), axes, keep)

    return handler


implements(np.quantile)(_quantile(np.quantile, skip_nan=False))
implements(np.percentile)(_quantile(np.percentile, skip_nan=False))
implements(np.nanquantile)(_quantile(np.nanquantile, skip_nan=True))
implements(np.nanpercentile)(_quantile(np.nanpercentile, skip_nan=True))
