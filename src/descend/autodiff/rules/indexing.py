"""Indexing and selection: ``x[...]``, take, take_along_axis, diag/diagonal/trace, where, clip,
astype.

Every gather is one primitive, `getitem`; its rule is `scatter_add`, whose rule is `getitem`
again, so indexing is differentiable to any order.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from descend.autodiff.core import Rule
from descend.autodiff.errors import NotDifferentiableError
from descend.autodiff.registry import METHOD_HANDLERS, existing, implements
from descend.autodiff.rules.reductions import normalize_axis
from descend.autodiff.rules.shape import moveaxis, ravel
from descend.autodiff.tracer import Primitive, bind, unbox_all

_NO_VALUE = np._NoValue


def _targets_unique(index: Any) -> bool:
    """True when ``x[index]`` reads each element at most once (basic indexing or masks)."""
    parts = index if type(index) is tuple else (index,)
    for p in parts:
        if p is None or p is Ellipsis or isinstance(p, slice | int | np.integer):
            continue
        if isinstance(p, np.ndarray) and p.dtype == bool:
            continue
        return False
    return True


def _scatter_add_impl(values: Any, index: Any, shape: tuple[int, ...]) -> np.ndarray:
    out = np.zeros(shape, dtype=np.result_type(values))
    if _targets_unique(index):
        out[index] = values
    else:
        np.add.at(out, index, values)
    return out


scatter_add = Primitive(_scatter_add_impl, "scatter_add")
"""``zeros(shape)`` with ``values`` added at ``index`` (repeats accumulate): getitem's transpose."""

GETITEM = Rule(
    lambda x, index: x[index],
    (lambda g, ans, x, index: scatter_add(g, index, x.shape),),
    name="indexing x[...]",
)
scatter_add.rule = Rule(
    scatter_add,
    (lambda g, ans, values, index, shape: g[index],),
    name="scatter_add",
)


def _normalize_index(index: Any) -> Any:
    index = unbox_all(index)
    if type(index) is list:
        return np.asarray(index)
    if type(index) is tuple:
        return tuple(np.asarray(i) if type(i) is list else i for i in index)
    return index


def getitem(x: Any, index: Any) -> Any:
    """``x[index]`` for a traced ``x`` (basic, advanced and boolean-mask indexing)."""
    return bind(GETITEM, (x, _normalize_index(index)))


METHOD_HANDLERS["__getitem__"] = getitem


@implements(np.take)
def take(a: Any, indices: Any, axis: Any = None, out: Any = None, mode: str = "raise") -> Any:
    if out is not None:
        raise NotDifferentiableError("numpy.take(..., out=...) is not differentiable; drop out=.")
    if axis is None:
        a, axis = ravel(a), 0
    axis = normalize_axis(axis, np.ndim(a))[0]
    indices = np.asarray(unbox_all(indices))
    n = np.shape(a)[axis]
    if mode == "wrap":
        indices = np.mod(indices, n)
    elif mode == "clip":
        indices = np.clip(indices, 0, n - 1)
    return getitem(a, (slice(None),) * axis + (indices,))


@implements(np.take_along_axis)
def take_along_axis(arr: Any, indices: Any, axis: Any = -1) -> Any:
    if axis is None:
        arr, axis = ravel(arr), 0
    ndim = np.ndim(arr)
    axis = normalize_axis(axis, ndim)[0]
    index = []
    for i in range(ndim):
        if i == axis:
            index.append(np.asarray(unbox_all(indices)))
        else:
            index.append(np.arange(np.shape(arr)[i]).reshape([-1 if j == i else 1 for j in
                                                             range(ndim)]))  # fmt: skip
    return getitem(arr, tuple(index))


# --- diagonals ---------------------------------------------------------------------------------
def _diagonal_positions(n1: int, n2: int, offset: int) -> tuple[np.ndarray, np.ndarray]:
    if offset >= 0:
        length = max(0, min(n1, n2 - offset))
        return np.arange(length), np.arange(length) + offset
    length = max(0, min(n1 + offset, n2))
    return np.arange(length) - offset, np.arange(length)


@implements(np.diagonal)
def diagonal(a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Any:
    shape = np.shape(a)
    rows, cols = _diagonal_positions(shape[axis1], shape[axis2], int(offset))
    return getitem(moveaxis(a, (axis1, axis2), (-2, -1)), (Ellipsis, rows, cols))


@implements(np.trace)
def trace(
    a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1, dtype: Any = None, out: Any = None
) -> Any:
    if out is not None:
        raise NotDifferentiableError("numpy.trace(..., out=...) is not differentiable; drop out=.")
    return np.sum(diagonal(a, offset, axis1, axis2), axis=-1, dtype=dtype)


@implements(np.diag)
def diag(v: Any, k: int = 0) -> Any:
    if np.ndim(v) == 2:
        return diagonal(v, k)
    if np.ndim(v) != 1:
        raise ValueError("Input must be 1- or 2-d.")
    n = np.shape(v)[0] + abs(int(k))
    return scatter_add(v, _diagonal_positions(n, n, int(k)), (n, n))


# --- where and clip -------------------------------------------------------------------------------
WHERE = Rule(
    lambda c, x, y: np.where(c, x, y),
    (
        None,
        lambda g, ans, c, x, y: np.where(c, g, 0.0),
        lambda g, ans, c, x, y: np.where(c, 0.0, g),
    ),
    name="numpy.where",
    broadcasts=True,
)


@implements(np.where)
def where(condition: Any, x: Any = _NO_VALUE, y: Any = _NO_VALUE) -> Any:
    if x is _NO_VALUE and y is _NO_VALUE:
        return np.nonzero(unbox_all(condition))
    if x is _NO_VALUE or y is _NO_VALUE:
        raise ValueError("either both or neither of x and y should be given")
    return bind(WHERE, (unbox_all(condition), x, y))


def _inside(x: Any, lo: Any, hi: Any) -> Any:
    inside = np.ones(np.shape(x), dtype=bool)
    if lo is not None:
        inside = inside & (x >= lo)
    if hi is not None:
        inside = inside & (x <= hi)
    return inside


CLIP = Rule(
    lambda x, lo, hi: np.clip(x, lo, hi),
    (
        lambda g, ans, x, lo, hi: g * _inside(x, lo, hi),
        lambda g, ans, x, lo, hi: g * (x < lo),
        lambda g, ans, x, lo, hi: g * (x > hi),
    ),
    name="numpy.clip",
    broadcasts=True,
)


@implements(np.clip)
def clip(
    a: Any,
    a_min: Any = _NO_VALUE,
    a_max: Any = _NO_VALUE,
    out: Any = None,
    *,
    min: Any = _NO_VALUE,
    max: Any = _NO_VALUE,
    **kwargs: Any,
) -> Any:
    if out is not None:
        raise NotDifferentiableError(
            "numpy.clip(..., out=...) would write a traced value into a plain array; drop out= "
            "and use the returned value."
        )
    if kwargs:
        raise NotDifferentiableError(
            f"descend differentiates numpy.clip(a, min, max) without other options; got "
            f"{', '.join(k + '=' for k in sorted(kwargs))}."
        )
    lo = min if a_min is _NO_VALUE else a_min
    hi = max if a_max is _NO_VALUE else a_max
    lo = None if lo is _NO_VALUE else lo
    hi = None if hi is _NO_VALUE else hi
    return bind(CLIP, (a, lo, hi))


# --- dtype changes --------------------------------------------------------------------------------
def _cast_back(g: Any, ans: Any, x: Any, dtype: Any) -> Any:
    # Between real and complex only real parts pair up: real to complex has transpose Re(g),
    # and complex to real (NumPy keeps the real part) has transpose Re(g) as a complex value.
    if g.dtype.kind == "c" and (x.dtype.kind != "c" or ans.dtype.kind != "c"):
        g = np.real(g)
    return g.astype(x.dtype)


CAST = Rule(lambda x, dtype: x.astype(dtype), (_cast_back,), name="ndarray.astype")


def astype(x: Any, dtype: Any) -> Any:
    """``x.astype(dtype)``: differentiable between float and complex types, a constant for
    int/bool."""
    if np.dtype(dtype).kind in "fc":
        return bind(CAST, (x, dtype))
    return unbox_all(x).astype(dtype)


METHOD_HANDLERS["astype"] = astype
implements(*existing(np, ["astype"]))(
    lambda x, dtype, /, *, copy=True, device=None: astype(x, dtype)
)
