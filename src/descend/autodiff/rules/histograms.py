"""Counting into bins: bincount, histogram, histogram2d, histogramdd, histogram_bin_edges.

Which bin a sample falls in is piecewise constant in the sample, so the counts carry no
gradient with respect to the data. They are linear in ``weights``: a weighted count is a
scatter-add of the weights (its gradient gathers the cotangent back from each sample's bin).
The bin edges are differentiable in whatever NumPy computes them from: the ``bins`` array
itself, or ``linspace(low, high, nbins + 1)`` where ``(low, high)`` is ``range=`` or, without
it, the min and max of the data (the number of bins, even when an estimator such as ``"auto"``
picks it, is piecewise constant). ``density=True`` divides by the bin widths, so densities
carry those gradients too.

Examples
--------
>>> import numpy as np
>>> from descend import grad, jacobian
>>> a = np.array([0.1, 0.7, 0.4])
>>> grad(lambda w: np.histogram(a, 2, (0.0, 1.0), weights=w)[0] @ np.array([1.0, 2.0]))(
...     np.ones(3)
... )
array([1., 2., 1.])
>>> jacobian(lambda a: np.histogram_bin_edges(a, 2))(np.array([0.0, 2.0]))
array([[1. , 0. ],
       [0.5, 0.5],
       [0. , 1. ]])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from descend.autodiff.registry import implements
from descend.autodiff.rules.indexing import scatter_add
from descend.autodiff.tracer import Tracer, unbox_all


def _bin_numbers(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Each value's bin counted from 1; 0 and ``len(edges)`` mean outside. NumPy's rule: bins
    are half-open ``[e_i, e_i+1)`` but the last one, which is closed."""
    number = np.searchsorted(edges, values, side="right")
    number[values == edges[-1]] -= 1
    return number


def _weighted_counts(weights: Any, numbers: np.ndarray, size: int) -> Any:
    """The sum of the weights falling in each of ``size`` bins (numbered as `_bin_numbers`)."""
    flat = np.ravel(weights)
    wide = np.result_type(flat, np.float64)  # NumPy sums weights in double precision
    return scatter_add(flat.astype(wide) if flat.dtype != wide else flat, numbers, (size,))


def _cumulative_counts(values: np.ndarray, weights: Any, edges: np.ndarray) -> Any:
    """Weighted counts into arbitrary ``edges`` as NumPy computes them: differences of the
    running sum of the weights in sorted order, in the weights' precision."""
    order = np.argsort(values)
    ordered = values[order]
    # Bins are half-open, but the last one also takes values equal to its right edge.
    ends = np.concatenate([ordered.searchsorted(edges[:-1], "left"),
                           ordered.searchsorted(edges[-1:], "right")])  # fmt: skip
    running = np.concatenate([np.zeros(1, np.result_type(weights)), np.cumsum(weights[order])])
    at_edges = running[ends]
    return at_edges[1:] - at_edges[:-1]


def _edges(a: Any, bins: Any, range: Any, expected: np.ndarray) -> Any:
    """The bin edges as functions of what NumPy derives them from: ``bins`` when it is the
    edges, else ``linspace(low, high, nbins + 1)`` with ``(low, high)`` the ``range`` or the
    min and max of ``a`` (widened by 0.5 each way if equal)."""
    if type(bins) is Tracer:
        return bins
    if np.ndim(unbox_all(bins)) != 0:
        return expected
    if range is None:
        if type(a) is not Tracer or np.size(a) == 0:
            return expected
        low, high = np.min(a), np.max(a)
    else:
        low, high = range
        if type(low) is not Tracer and type(high) is not Tracer:
            return expected
    if low == high:
        low, high = low - 0.5, high + 0.5
    return np.linspace(low, high, len(expected), dtype=expected.dtype)


def _widths(edges: Any) -> Any:
    widths = edges[1:] - edges[:-1]
    return widths if widths.dtype == np.float64 else widths.astype(np.float64)


@implements(np.bincount)
def bincount(x: Any, /, weights: Any = None, minlength: int = 0) -> Any:
    index = np.asarray(unbox_all(x))
    counts = np.bincount(index, unbox_all(weights), minlength)  # NumPy's checks and dtype
    if type(weights) is not Tracer:
        return counts
    return _weighted_counts(weights, index, counts.size).astype(counts.dtype)


@implements(np.histogram_bin_edges)
def histogram_bin_edges(a: Any, bins: Any = 10, range: Any = None, weights: Any = None) -> Any:
    expected = np.histogram_bin_edges(*unbox_all((a, bins, range, weights)))
    return _edges(a, bins, range, expected)


@implements(np.histogram)
def histogram(
    a: Any, bins: Any = 10, range: Any = None, density: Any = None, weights: Any = None
) -> tuple[Any, Any]:
    plain = unbox_all(a)
    limits = unbox_all(range)
    counts, expected = np.histogram(plain, unbox_all(bins), limits, weights=unbox_all(weights))
    edges = _edges(a, bins, range, expected)
    if type(weights) is Tracer and np.ndim(unbox_all(bins)) == 1:
        counts = _cumulative_counts(np.ravel(plain), np.ravel(weights), expected)
    elif type(weights) is Tracer:
        numbers = _bin_numbers(np.ravel(plain), expected)
        counts = _weighted_counts(weights, numbers, len(expected) + 1)[1:-1].astype(counts.dtype)
    if density:
        return counts / _widths(edges) / np.sum(counts), edges
    return counts, edges


def _columns(sample: Any) -> Any:
    """The ``(N, D)`` array of samples NumPy reads ``sample`` as."""
    if isinstance(sample, list | tuple):
        return np.stack(sample, axis=-1)
    return sample if np.ndim(sample) == 2 else np.reshape(sample, (-1, 1))


@implements(np.histogramdd)
def histogramdd(
    sample: Any, bins: Any = 10, range: Any = None, density: Any = None, weights: Any = None
) -> tuple[Any, list[Any]]:
    columns = _columns(sample)
    plain = unbox_all(columns)
    counts, expected = np.histogramdd(
        plain, unbox_all(bins), unbox_all(range), weights=unbox_all(weights)
    )
    dims = plain.shape[1]
    try:  # NumPy's reading: one entry (a count or the edges) per dimension, or one for all
        per_dim = list(bins)
    except TypeError:
        per_dim = [bins] * dims
    limits = (None,) * dims if range is None else range
    edges = [
        _edges(columns[:, i], b, r, e)
        for i, (b, r, e) in enumerate(zip(per_dim, limits, expected, strict=True))
    ]
    if type(weights) is Tracer:
        sizes = tuple(len(e) + 1 for e in expected)
        numbers = tuple(_bin_numbers(c, e) for c, e in zip(plain.T, expected, strict=True))
        full = _weighted_counts(weights, np.ravel_multi_index(numbers, sizes), int(np.prod(sizes)))
        counts = np.reshape(full, sizes)[(slice(1, -1),) * dims]
    if density:
        total = np.sum(counts)
        for i, e in enumerate(edges):
            shape = [1] * dims
            shape[i] = -1
            counts = counts / np.reshape(e[1:] - e[:-1], shape)
        counts = counts / total
    return counts, edges


@implements(np.histogram2d)
def histogram2d(
    x: Any, y: Any, bins: Any = 10, range: Any = None, density: Any = None, weights: Any = None
) -> tuple[Any, Any, Any]:
    # NumPy's reading of bins: one count or one edge array for both axes, or one per axis.
    try:
        n = len(bins)
    except TypeError:
        n = 1
    if n not in (1, 2):
        bins = [bins, bins]
    counts, edges = histogramdd([x, y], bins, range, density, weights)
    return counts, edges[0], edges[1]
