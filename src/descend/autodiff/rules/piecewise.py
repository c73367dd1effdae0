"""Branches and slice-wise application: select, piecewise, apply_along_axis, apply_over_axes.

The conditions are constants (boolean arrays carry no gradient); the chosen values and the
user's functions are traced, so the results are assembled with ``where`` and gathers and are
differentiable to any order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from descend.autodiff.registry import implements
from descend.autodiff.rules.indexing import scatter_add
from descend.autodiff.rules.reductions import normalize_axis
from descend.autodiff.rules.signal import cast_to
from descend.autodiff.tracer import Tracer, unbox_all


@implements(np.select)
def select(condlist: Any, choicelist: Any, default: Any = 0) -> Any:
    if len(condlist) != len(choicelist):
        raise ValueError("list of cases must be same length as list of conditions")
    if len(choicelist) == 0:
        raise ValueError("select with an empty condition list is not possible")
    conditions = [np.asarray(unbox_all(c)) for c in condlist]
    for i, c in enumerate(conditions):
        if np.result_type(c) != np.bool_:
            raise TypeError(f"invalid entry {i} in condlist: should be boolean ndarray")

    # NumPy turns every choice and the default into an array, except Python scalars, which
    # stay weakly typed.
    def kept(value: Any) -> Any:
        return value if type(value) in (int, float, complex, Tracer) else np.asarray(value)

    choices = [kept(c) for c in choicelist]
    dtype = np.result_type(*choices, kept(unbox_all(default)))
    shape = np.broadcast_shapes(*(np.shape(a) for a in [*conditions, *choices]))
    result = np.broadcast_to(cast_to(default, dtype), shape)
    # The first true condition wins, so apply them from the last to the first.
    for cond, choice in zip(reversed(conditions), reversed(choices)):
        result = np.where(cond, cast_to(choice, dtype), result)
    return result


@implements(np.piecewise)
def piecewise(x: Any, condlist: Any, funclist: Any, *args: Any, **kw: Any) -> Any:
    ndim = np.ndim(x)
    if np.isscalar(condlist) or (
        not isinstance(condlist[0], list | np.ndarray) and ndim != 0
    ):  # NumPy's rule: one condition on its own is a list of one
        condlist = [condlist]
    conditions = np.asarray(unbox_all(list(condlist)), dtype=bool)
    n = len(conditions)
    if n == len(funclist) - 1:
        otherwise = ~np.any(conditions, axis=0, keepdims=True)
        conditions = np.concatenate([conditions, otherwise], axis=0)
    elif n != len(funclist):
        raise ValueError(f"with {n} condition(s), either {n} or {n + 1} functions are expected")
    dtype = np.result_type(x)
    shape = np.shape(x)
    y: Any = np.zeros(shape, dtype)
    for cond, func in zip(conditions, funclist):
        cond = np.broadcast_to(cond, shape)
        if not callable(func):
            y = np.where(cond, cast_to(func, dtype) if type(func) is Tracer else func, y)
            continue
        if not np.any(cond):
            continue
        values = cast_to(np.broadcast_to(func(x[cond], *args, **kw), (int(np.sum(cond)),)),
                          dtype)  # fmt: skip
        y = np.where(cond, scatter_add(values, cond, shape), y)
    return cast_to(y, dtype)


@implements(np.apply_along_axis)
def apply_along_axis(func1d: Callable[..., Any], axis: int, arr: Any, *args: Any,
                     **kwargs: Any) -> Any:  # fmt: skip
    nd = np.ndim(arr)
    axis = normalize_axis(axis, nd)[0]
    moved = np.moveaxis(arr, axis, -1)
    outer = np.shape(moved)[:-1]
    if int(np.prod(outer, dtype=np.int64)) == 0:
        raise ValueError("Cannot apply_along_axis when any iteration dimensions are 0")
    results = [func1d(moved[index], *args, **kwargs) for index in np.ndindex(*outer)]
    res_nd = np.ndim(results[0])
    stacked = np.reshape(np.stack(results), outer + np.shape(results[0]))
    # The function's result axes take the place of the axis it consumed.
    return np.moveaxis(stacked, tuple(range(len(outer), len(outer) + res_nd)),
                       tuple(range(axis, axis + res_nd)))  # fmt: skip


@implements(np.apply_over_axes)
def apply_over_axes(func: Callable[..., Any], a: Any, axes: Any) -> Any:
    val = a
    nd = np.ndim(a)
    for axis in (axes,) if np.ndim(axes) == 0 else axes:
        axis = axis + nd if axis < 0 else axis
        res = func(val, axis)
        if np.ndim(res) != np.ndim(val):
            res = np.expand_dims(res, axis)
            if np.ndim(res) != np.ndim(val):
                raise ValueError("function is not returning an array of the correct shape")
        val = res
    return val
