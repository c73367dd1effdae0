"""Spec tables of sorting, order statistics, NaN-ignoring reductions, unique values, set
operations, histograms and the value gathers (trim_zeros, extract, compress, choose).

Sorting and selecting are differentiable only where no two values tie, so values come from
``d.distinct``; where a spec wants ties (unique values, set operations) it builds them inside
the function from copies of one input, so that finite differences move the copies together.
The NaN-ignoring functions get NaNs in their input, never a whole slice of them: finite
differences leave a NaN a NaN, so they check that its gradient is exactly zero.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import assume

from .specs import Case, Inputs, count, spec

METHODS = (
    "inverted_cdf", "averaged_inverted_cdf", "closest_observation", "interpolated_inverted_cdf",
    "hazen", "weibull", "linear", "median_unbiased", "normal_unbiased", "lower", "higher",
    "midpoint", "nearest",
)  # fmt: skip


def _axis_or_none(d: Inputs, ndim: int) -> int | None:
    return None if d.flag() else d.axis(ndim)


def _with_nans(d: Inputs, x: np.ndarray, axis: Any) -> np.ndarray:
    """``x`` with about a third of its entries NaN, but never a whole slice along ``axis``."""
    nan = d.rng.random(x.shape) < 0.35
    nan &= ~np.all(nan, axis=axis, keepdims=True)
    return np.where(nan, np.nan, x).astype(x.dtype)


# --- sorting ------------------------------------------------------------------------------------
def _sort(d: Inputs) -> Case:
    shape = d.shape(min_dims=1)
    axis = _axis_or_none(d, len(shape))
    kind = d.choice([None, "stable", "quicksort", "heapsort"])
    return (lambda x: np.sort(x, axis=axis, kind=kind)), (d.array(shape, "distinct"),)


def _sort_with_ties(d: Inputs) -> Case:
    # Each value twice: tied, and moving together under finite differences.
    shape = d.shape(min_dims=1)
    axis = d.axis(len(shape))
    return (lambda x: np.sort(np.concatenate([x, x], axis=axis), axis=axis)), (
        d.array(shape, "distinct"),
    )


def _partition(d: Inputs) -> Case:
    shape = d.shape(min_dims=1)
    axis = d.axis(len(shape))
    n = shape[axis]
    kth: Any = d.integer(-n, n - 1) if d.flag() else sorted({d.integer(0, n - 1) for _ in "ab"})
    return (lambda x: np.partition(x, kth, axis=axis)), (d.array(shape, "distinct"),)


def _sort_complex(d: Inputs) -> Case:
    # |z|^2 keeps the output real: the spec harness compares real outputs.
    return (lambda x: np.abs(np.sort_complex(x)) ** 2), (
        d.array(d.shape(min_dims=1, max_dims=2), "distinct"),
    )


# --- order statistics ---------------------------------------------------------------------------
def _median(d: Inputs) -> Case:
    shape = d.shape()
    axis, keepdims = d.axes(len(shape)), d.flag()
    return (lambda x: np.median(x, axis=axis, keepdims=keepdims)), (d.array(shape, "distinct"),)


def _levels(d: Inputs, scale: float) -> Any:
    """A scalar ``q`` or an array of up to three (the output gains their shape)."""
    if d.flag():
        return float(d.rng.uniform(0, 1)) * scale
    return d.rng.uniform(0, 1, d.integer(1, 3)) * scale


def _quantile(fun: Any, scale: float) -> Any:
    def make(d: Inputs) -> Case:
        shape = d.shape()
        axis, keepdims = d.axes(len(shape)), d.flag()
        q, method = _levels(d, scale), d.choice(METHODS)
        x = d.array(shape, "distinct")
        return (lambda x: fun(x, q, axis=axis, method=method, keepdims=keepdims)), (x,)

    return make


def _weighted_quantile(d: Inputs) -> Case:
    shape = d.shape(min_dims=1)
    axis = d.axis(len(shape))
    weights = d.rng.uniform(0.5, 2.0, shape if d.flag() else (shape[axis],))
    q = _levels(d, 1.0)

    def fun(x: Any) -> Any:
        return np.quantile(x, q, axis=axis, method="inverted_cdf", weights=weights)

    return fun, (d.array(shape, "distinct"),)


def _nan_quantile(fun: Any, scale: float) -> Any:
    def make(d: Inputs) -> Case:
        shape = d.shape(min_dims=1)
        axis, keepdims = d.axes(len(shape)), d.flag()
        q, method = _levels(d, scale), d.choice(METHODS)
        x = _with_nans(d, d.array(shape, "distinct"), axis)
        return (lambda x: fun(x, q, axis=axis, method=method, keepdims=keepdims)), (x,)

    return make


def _nan_reduction(fun: Any, domain: str = "distinct", **options: Any) -> Any:
    def make(d: Inputs) -> Case:
        shape = d.shape(min_dims=1)
        axis, keepdims = d.axes(len(shape)), d.flag()
        x = _with_nans(d, d.array(shape, domain), axis)
        return (lambda x: fun(x, axis=axis, keepdims=keepdims, **options)), (x,)

    return make


def _nan_spread(fun: Any) -> Any:
    def make(d: Inputs) -> Case:
        shape = d.shape(min_dims=1)
        axis, keepdims, ddof = d.axes(len(shape)), d.flag(), d.choice([0, 1])
        assume(count(shape, axis) >= 2)
        nan = d.rng.random(shape) < 0.3
        # Two values left in every slice: the deviation is nonzero and ddof=1 leaves one degree.
        nan &= ~(np.sum(~nan, axis=axis, keepdims=True) < 2)
        x = np.where(nan, np.nan, d.array(shape)).astype(d.dtype)
        return (lambda x: fun(x, axis=axis, keepdims=keepdims, ddof=ddof)), (x,)

    return make


def _nan_scan(fun: Any, domain: str) -> Any:
    def make(d: Inputs) -> Case:
        shape = d.shape(min_dims=1)
        axis = _axis_or_none(d, len(shape))
        x = _with_nans(d, d.array(shape, domain), None)
        return (lambda x: fun(x, axis=axis)), (x,)

    return make


# --- unique values and set operations -----------------------------------------------------------
def _with_copies(x: Any, copies: np.ndarray) -> Any:
    """``x`` flattened, followed by copies of some of its entries: exact ties."""
    flat = np.ravel(x)
    return np.concatenate([flat, flat[copies]])


def _unique(d: Inputs) -> Case:
    shape = d.shape(min_dims=1)
    copies = d.rng.integers(0, int(np.prod(shape)), d.integer(0, 4))
    flags = [d.flag() for _ in range(3)]
    return (lambda x: np.unique(_with_copies(x, copies), *flags)), (d.array(shape, "distinct"),)


def _unique_rows(d: Inputs) -> Case:
    shape = d.shape(min_dims=2, max_dims=2)
    axis = d.axis(2)
    copies = d.rng.integers(0, shape[axis], d.integer(0, 3))

    def fun(x: Any) -> Any:
        return np.unique(np.concatenate([x, np.take(x, copies, axis)], axis), axis=axis)

    return fun, (d.array(shape, "distinct"),)


def _array_api_unique(fun: Any) -> Any:
    def make(d: Inputs) -> Case:
        shape = d.shape(min_dims=1)
        copies = d.rng.integers(0, int(np.prod(shape)), d.integer(0, 4))
        return (lambda x: tuple(fun(_with_copies(x, copies)))), (d.array(shape, "distinct"),)

    return make


def _set_operation(fun: Any) -> Any:
    def make(d: Inputs) -> Case:
        x, y = d.distinct((d.integer(1, 5),), (d.integer(1, 5),))
        own = d.rng.integers(0, x.size, d.integer(0, 3))
        shared = d.rng.integers(0, x.size, d.integer(0, 3))

        def f(x: Any, y: Any) -> Any:
            return fun(_with_copies(x, own), np.concatenate([y, x[shared]]))

        return f, (x, y)

    return make


# --- histograms -----------------------------------------------------------------------------------
def _bins(d: Inputs, x: np.ndarray) -> Any:
    kind = d.choice(["count", "estimator", "edges"])
    if kind == "count":
        return d.integer(1, 5)
    if kind == "estimator":
        return d.choice(["auto", "sturges", "fd", "sqrt", "rice", "doane", "scott", "stone"])
    return np.sort(d.rng.uniform(-1.5, 1.5, d.integer(2, 5)))


def _histogram(d: Inputs) -> Case:
    a = d.array((d.integer(2, 12),), "distinct")
    bins = _bins(d, a)
    limits = (-1.0, 1.0) if d.flag() else None
    density = d.flag()
    weights = d.array(a.shape, "positive") if d.flag() and not isinstance(bins, str) else None
    # A density needs something in the bins (NumPy divides by the total).
    assume(not density or np.any(np.histogram(a, bins, limits)[0]))

    def fun(a: Any, *w: Any) -> Any:
        return np.histogram(a, bins, limits, density=density, weights=w[0] if w else None)

    return fun, (a,) if weights is None else (a, weights)


def _bin_edges(d: Inputs) -> Case:
    a = d.array((d.integer(2, 12),), "distinct")
    bins = _bins(d, a)
    limits = (-1.0, 1.0) if d.flag() else None
    return (lambda a: np.histogram_bin_edges(a, bins, limits)), (a,)


def _histogramdd(d: Inputs) -> Case:
    dims = d.integer(1, 3)
    sample = d.array((d.integer(2, 8), dims), "distinct")
    bins = d.integer(1, 3) if d.flag() else [d.integer(1, 3) for _ in range(dims)]
    limits = [(-1.0, 1.0) if d.flag() else None for _ in range(dims)]
    density = d.flag()
    assume(not density or np.any(np.histogramdd(sample, bins, limits)[0]))

    def fun(s: Any, w: Any) -> Any:
        return np.histogramdd(s, bins, limits, density=density, weights=w)

    return fun, (sample, d.array(sample.shape[:1], "positive"))


def _histogram2d(d: Inputs) -> Case:
    n = d.integer(2, 8)
    x, y = d.distinct((n,), (n,))
    bins = d.choice([2, (2, 3), [-2.0, 0.0, 2.0]])
    density = d.flag()

    def fun(x: Any, y: Any, w: Any) -> Any:
        return np.histogram2d(x, y, bins, density=density, weights=w)

    return fun, (x, y, d.array((n,), "positive"))


def _bincount(d: Inputs) -> Case:
    n = d.integer(0, 6)
    index = d.rng.integers(0, 4, n)
    minlength = d.integer(0, 6)
    return (lambda w: np.bincount(index, w, minlength)), (d.array((n,)),)


# --- gathers --------------------------------------------------------------------------------------
def _trim_zeros(d: Inputs) -> Case:
    shape = d.shape(min_dims=1, max_dims=2)
    widths = [(d.integer(0, 2), d.integer(0, 2)) for _ in shape]
    trim = d.choice(["fb", "f", "b", "BF"])
    axis = None if d.flag() else d.axis(len(shape))
    return (lambda x: np.trim_zeros(np.pad(x, widths), trim, axis)), (d.array(shape, "nonzero"),)


def _extract(d: Inputs) -> Case:
    shape = d.shape()
    mask = d.rng.random(shape) < 0.5
    return (lambda x: np.extract(mask, x)), (d.array(shape),)


def _compress(d: Inputs) -> Case:
    shape = d.shape(min_dims=1)
    axis = _axis_or_none(d, len(shape))
    n = int(np.prod(shape)) if axis is None else shape[axis]
    condition = list(d.rng.random(d.integer(0, n)) < 0.6)
    return (lambda x: np.compress(condition, x, axis)), (d.array(shape),)


def _choose(d: Inputs) -> Case:
    shapes = d.shapes(3, max_dims=2)
    k = d.integer(1, 3)
    mode = d.choice(["raise", "wrap", "clip"])
    index = d.rng.integers(0 if mode == "raise" else -2, k if mode == "raise" else k + 2, shapes[0])
    choices = tuple(d.array(shapes[1] if i % 2 else shapes[2]) for i in range(k))
    return (lambda *c: np.choose(index, c, mode=mode)), choices


SORTING = [
    spec("sort", np.sort, _sort),
    spec("sort with ties", np.sort, _sort_with_ties),
    spec("partition", np.partition, _partition),
    spec("sort_complex", np.sort_complex, _sort_complex),
    spec("median", np.median, _median),
    spec("quantile", np.quantile, _quantile(np.quantile, 1.0)),
    spec("percentile", np.percentile, _quantile(np.percentile, 100.0)),
    spec("quantile with weights", np.quantile, _weighted_quantile),
    spec("nanquantile", np.nanquantile, _nan_quantile(np.nanquantile, 1.0)),
    spec("nanpercentile", np.nanpercentile, _nan_quantile(np.nanpercentile, 100.0)),
    spec("nanmedian", np.nanmedian, _nan_reduction(np.nanmedian)),
    spec("nanmax", np.nanmax, _nan_reduction(np.nanmax)),
    spec("nanmin", np.nanmin, _nan_reduction(np.nanmin)),
    spec("nanprod", np.nanprod, _nan_reduction(np.nanprod, "factor")),
    spec("nanvar", np.nanvar, _nan_spread(np.nanvar)),
    spec("nanstd", np.nanstd, _nan_spread(np.nanstd)),
    spec("nancumsum", np.nancumsum, _nan_scan(np.nancumsum, "real")),
    spec("nancumprod", np.nancumprod, _nan_scan(np.nancumprod, "factor")),
    spec("unique", np.unique, _unique),
    spec("unique along an axis", np.unique, _unique_rows),
    spec("unique_values", np.unique_values, _array_api_unique(lambda x: (np.unique_values(x),))),
    spec("unique_counts", np.unique_counts, _array_api_unique(np.unique_counts)),
    spec("unique_inverse", np.unique_inverse, _array_api_unique(np.unique_inverse)),
    spec("unique_all", np.unique_all, _array_api_unique(np.unique_all)),
    spec("intersect1d", np.intersect1d, _set_operation(np.intersect1d)),
    spec("intersect1d indices", np.intersect1d,
         _set_operation(lambda a, b: np.intersect1d(a, b, return_indices=True))),
    spec("union1d", np.union1d, _set_operation(np.union1d)),
    spec("setdiff1d", np.setdiff1d, _set_operation(np.setdiff1d)),
    spec("setxor1d", np.setxor1d, _set_operation(np.setxor1d)),
    spec("bincount", np.bincount, _bincount),
    spec("histogram", np.histogram, _histogram),
    spec("histogram_bin_edges", np.histogram_bin_edges, _bin_edges),
    spec("histogramdd", np.histogramdd, _histogramdd),
    spec("histogram2d", np.histogram2d, _histogram2d),
    spec("trim_zeros", np.trim_zeros, _trim_zeros),
    spec("extract", np.extract, _extract),
    spec("compress", np.compress, _compress),
    spec("choose", np.choose, _choose),
]  # fmt: skip
