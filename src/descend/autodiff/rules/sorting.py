"""Sorting and selecting by value: sort, partition, unique, the set operations, and the gathers
trim_zeros, extract, compress and choose.

Each of these outputs input values moved to new places, so each is a gather (`getitem`,
`take_along_axis`) by integer positions that NumPy computes from the plain values; the
gradient is the matching scatter. Where several inputs are equal, the function is not
differentiable (a perturbation of one of them reorders or splits the output), and descend uses
the convention of ``np.max``: **equal values share the gradient equally**. ``sort`` first
passes its input through `share_ties`, whose value is its input and whose rule gives every
member of a group of equal values the mean of the group's cotangents; so ``np.sort(x)[-1]`` has
the same gradient as ``np.max(x)``, and ``np.unique`` spreads each unique value's cotangent
over all the occurrences it stands for.

Examples
--------
>>> import numpy as np
>>> from descend import grad
>>> grad(lambda x: np.sort(x) @ np.array([1.0, 2.0, 3.0]))(np.array([5.0, 4.0, 6.0]))
array([2., 1., 3.])
>>> grad(lambda x: np.sort(x)[-1])(np.array([1.0, 3.0, 3.0]))  # tied maxima share, as in max
array([0. , 0.5, 0.5])
>>> grad(lambda x: np.unique(x) @ np.array([3.0, 5.0]))(np.array([1.0, 2.0, 1.0]))
array([1.5, 5. , 1.5])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from descend.autodiff.core import Rule
from descend.autodiff.errors import NotDifferentiableError
from descend.autodiff.registry import constant_functions, implements
from descend.autodiff.rules.indexing import getitem, scatter_add, take, take_along_axis
from descend.autodiff.rules.reductions import normalize_axis
from descend.autodiff.rules.shape import ghost, ravel
from descend.autodiff.tracer import Tracer, bind, unbox_all

constant_functions([np.nanargmax, np.nanargmin])


# --- equal values share their gradient ----------------------------------------------------------
def _share_vjp(g: Any, ans: Any, x: Any, groups: np.ndarray, counts: np.ndarray) -> Any:
    total = scatter_add(np.ravel(g), groups.ravel(), counts.shape)
    return (total / counts.astype(np.result_type(g)))[groups]


SHARE = Rule(lambda x, groups, counts: x, (_share_vjp,), name="equal values (tie sharing)")


def share_ties(x: Any, groups: np.ndarray, counts: np.ndarray) -> Any:
    """``x`` itself, whose cotangent is averaged over each group of positions.

    ``groups`` (an int array of ``x``'s shape) numbers the group of each element, ``counts``
    gives each group's size. The rule is linear in the cotangent and its own transpose, so
    derivatives of every order pass through it.
    """
    if counts.size == np.size(x):
        return x
    return bind(SHARE, (x, groups, counts))


def runs_along(x: np.ndarray, order: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """Groups of equal values of ``x`` along ``axis`` (numbered across all lanes) and their
    sizes; ``order`` sorts ``x`` along ``axis``. NaNs are never equal, so never grouped."""
    moved_order = np.moveaxis(order, axis, -1)
    ordered = np.take_along_axis(np.moveaxis(x, axis, -1), moved_order, -1)
    starts = np.ones(ordered.shape, dtype=bool)
    starts[..., 1:] = ordered[..., 1:] != ordered[..., :-1]
    run = np.cumsum(starts.ravel()).reshape(ordered.shape) - 1
    groups = np.empty_like(run)
    np.put_along_axis(groups, moved_order, run, -1)
    return np.moveaxis(groups, -1, axis), np.bincount(run.ravel())


# --- sort and partition ---------------------------------------------------------------------------
def _no_fields(name: str, order: Any) -> None:
    if order is not None:
        raise NotDifferentiableError(
            f"descend does not differentiate numpy.{name}(..., order=...): fields of structured "
            "arrays are not floating-point arrays. Sort by a key with np.argsort instead."
        )


@implements(np.sort)
def sort(a: Any, axis: Any = -1, kind: Any = None, order: Any = None, *, stable: Any = None) -> Any:
    _no_fields("sort", order)
    if axis is None:
        a, axis = ravel(a), -1
    plain = unbox_all(a)
    positions = np.argsort(plain, axis=axis, kind=kind, stable=stable)
    axis = normalize_axis(axis, plain.ndim)[0]
    return take_along_axis(share_ties(a, *runs_along(plain, positions, axis)), positions, axis)


@implements(np.partition)
def partition(
    a: Any, kth: Any, axis: Any = -1, kind: Any = "introselect", order: Any = None
) -> Any:
    _no_fields("partition", order)
    if axis is None:
        a, axis = ravel(a), -1
    plain = unbox_all(a)
    parted = np.partition(plain, kth, axis=axis, kind=kind)
    axis = normalize_axis(axis, plain.ndim)[0]
    # Where each value of NumPy's own partition came from: the k-th smallest of a lane is the
    # k-th smallest of its partition. Equal values may swap places, which tie sharing hides.
    ranks = np.argsort(plain, axis=axis)
    positions = np.empty_like(ranks)
    np.put_along_axis(positions, np.argsort(parted, axis=axis), ranks, axis)
    return take_along_axis(share_ties(a, *runs_along(plain, ranks, axis)), positions, axis)


@implements(np.sort_complex)
def sort_complex(a: Any) -> Any:
    result = sort(a, axis=-1)
    target = np.sort_complex(np.zeros(0, np.result_type(a))).dtype
    if result.dtype == target:
        return result
    return result + np.zeros((), target)


# --- unique values and set operations -------------------------------------------------------------
def pick_values(pool: Any, picked: np.ndarray, equal_nan: bool = True) -> Any:
    """``picked`` (values NumPy chose from the 1-d ``pool``) as a gather from ``pool``, each
    sharing its cotangent among all the elements of ``pool`` equal to it."""
    plain = unbox_all(pool)
    keys, first, groups, counts = np.unique(
        plain, return_index=True, return_inverse=True, return_counts=True, equal_nan=equal_nan
    )
    where = np.searchsorted(keys, picked)
    nan = np.isnan(picked) if picked.dtype.kind in "fc" else np.zeros(picked.shape, bool)
    if nan.any() and not equal_nan:
        # Every NaN is its own group and they sort last: hand them out one each.
        where[nan] = np.searchsorted(keys, np.nan) + np.arange(np.count_nonzero(nan))
    return getitem(share_ties(pool, groups.reshape(plain.shape), counts), first[where])


def _unique_along(ar: Any, axis: int, index: np.ndarray, inverse: np.ndarray) -> Any:
    """The unique slices along ``axis`` (first occurrences at ``index``), each element
    sharing its cotangent with the same element of every equal slice."""
    plain = unbox_all(ar)
    moved = np.moveaxis(plain, axis, 0)
    rest = int(np.prod(moved.shape[1:], dtype=np.int64))
    groups = inverse.reshape(-1, 1) * rest + np.arange(rest)
    counts = np.repeat(np.bincount(inverse.ravel()), rest)
    groups = np.moveaxis(groups.reshape(moved.shape), 0, axis)
    return take(share_ties(ar, groups, counts), index, axis)


@implements(np.unique)
def unique(
    ar: Any,
    return_index: Any = False,
    return_inverse: Any = False,
    return_counts: Any = False,
    axis: Any = None,
    *,
    equal_nan: Any = True,
    sorted: Any = True,
) -> Any:
    plain = unbox_all(ar)
    result = np.unique(
        plain, return_index, return_inverse, return_counts, axis,
        equal_nan=equal_nan, sorted=sorted,
    )  # fmt: skip
    parts = list(result) if isinstance(result, tuple) else [result]
    if axis is None:
        parts[0] = pick_values(ravel(ar), parts[0], equal_nan)
    else:
        _, index, inverse = np.unique(
            plain, True, True, axis=axis, equal_nan=equal_nan, sorted=sorted
        )  # fmt: skip
        parts[0] = _unique_along(ar, normalize_axis(axis, plain.ndim)[0], index, inverse)
    return tuple(parts) if isinstance(result, tuple) else parts[0]


def _unique_result(fun: Any) -> Any:
    """The array-API ``unique_*`` function ``fun``, with a differentiable ``values`` field."""

    def handler(x: Any) -> Any:
        result = fun(unbox_all(x))
        # These never merge NaNs (equal_nan=False), and may not sort.
        values = pick_values(ravel(x), result if fun is np.unique_values else result.values, False)
        return values if fun is np.unique_values else result._replace(values=values)

    return handler


for _fun in (np.unique_values, np.unique_counts, np.unique_inverse, np.unique_all):
    implements(_fun)(_unique_result(_fun))


def _set_operation(fun: Any) -> Any:
    """``fun(ar1, ar2, ...)`` whose values are gathered from both arrays: a value present in
    both (intersect1d, union1d) shares its cotangent among all its occurrences in either."""

    def handler(ar1: Any, ar2: Any, *args: Any, **kwargs: Any) -> Any:
        result = fun(unbox_all(ar1), unbox_all(ar2), *args, **kwargs)
        pool = np.concatenate([ravel(ar1), ravel(ar2)])
        if isinstance(result, tuple):
            return (pick_values(pool, result[0]), *result[1:])
        return pick_values(pool, result)

    return handler


for _set_fun in (np.intersect1d, np.union1d, np.setdiff1d, np.setxor1d):
    implements(_set_fun)(_set_operation(_set_fun))


# --- gathers by a constant mask or index ----------------------------------------------------------
@implements(np.trim_zeros)
def trim_zeros(filt: Any, trim: str = "fb", axis: Any = None) -> Any:
    plain = unbox_all(filt)
    if trim.lower() not in {"fb", "bf", "f", "b"}:
        raise ValueError(f"unexpected character(s) in `trim`: {trim!r}")
    axes = normalize_axis(axis, plain.ndim)
    nonzero = np.argwhere(plain)
    if nonzero.size == 0:
        start = stop = np.zeros(plain.ndim, dtype=np.intp)
    else:
        start, stop = nonzero.min(axis=0), nonzero.max(axis=0) + 1
        start = start if "f" in trim.lower() else np.zeros_like(start)
        stop = stop if "b" in trim.lower() else np.array(plain.shape)
    index = tuple(
        slice(int(start[i]), int(stop[i])) if i in axes else slice(None) for i in range(plain.ndim)
    )
    return getitem(filt, index)


@implements(np.compress)
def compress(condition: Any, a: Any, axis: Any = None, out: Any = None) -> Any:
    if out is not None:
        raise NotDifferentiableError(
            "numpy.compress(..., out=...) would write a traced value into a plain array; drop "
            "out= and use the returned value."
        )
    condition = np.asarray(unbox_all(condition))
    np.compress(condition, ghost(np.shape(a)), axis)  # NumPy's own checks of the shapes
    return take(a, np.flatnonzero(condition), axis)


@implements(np.extract)
def extract(condition: Any, arr: Any) -> Any:
    return take(ravel(arr), np.flatnonzero(unbox_all(condition)))


@implements(np.choose)
def choose(a: Any, choices: Any, out: Any = None, mode: Any = "raise") -> Any:
    if out is not None:
        raise NotDifferentiableError(
            "numpy.choose(..., out=...) would write a traced value into a plain array; drop out= "
            "and use the returned value."
        )
    index = np.asarray(unbox_all(a))
    if type(choices) is Tracer:
        choices = list(choices)
    # NumPy's own call on the plain values checks the index range for `mode` and the shapes.
    expected = np.choose(index, [unbox_all(c) for c in choices], mode=mode)
    n = len(choices)
    if mode == "wrap":
        index = np.mod(index, n)
    elif mode == "clip":
        index = np.clip(index, 0, n - 1)
    stacked = np.stack([np.broadcast_to(c, expected.shape) for c in choices])
    return take_along_axis(stacked, np.broadcast_to(index, expected.shape)[None], 0)[0]
