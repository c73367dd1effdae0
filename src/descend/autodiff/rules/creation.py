"""Array creation and assembly on traced values: linspace, meshgrid, append, insert, block...

Every differentiable function here is a composition of primitives descend already has
(arithmetic, reshape, concatenate, gathers), so it is differentiable to any order and in
forward mode with no rule of its own. Functions that only index, format or describe arrays
are constants; functions that write into their first argument or save values to disk are
refused with the reason.

Examples
--------
>>> import numpy as np
>>> from descend import jacobian
>>> jacobian(lambda a: np.linspace(a, 2.0, 5))(0.0)  # d linspace(a, b, n)/da = 1 - t
array([1.  , 0.75, 0.5 , 0.25, 0.  ])
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from descend.autodiff.registry import constant_functions, existing, implements, unsupported
from descend.autodiff.rules.shape import ghost
from descend.autodiff.tracer import Tracer, unbox_all


def _cast(x: Any, dtype: Any) -> Any:
    """``x`` as ``dtype``, skipping the cast (and its tape entry) when it is one already."""
    if type(x) is not Tracer:
        return np.asarray(x, dtype=dtype)
    return x if x.dtype == np.dtype(dtype) else x.astype(dtype)


def _with_ndim(a: Any, ndim: int) -> Any:
    """``np.array(a, ndmin=ndim)`` for a traced or a plain ``a``: ones prepended to the shape."""
    if type(a) is not Tracer:
        return np.array(a, copy=None, subok=True, ndmin=ndim)
    return np.reshape(a, (1,) * (ndim - a.ndim) + a.shape)


def _ramp(num: int, dtype: Any, ndim: int) -> np.ndarray:
    """``0, 1, ..., num - 1`` as a column that broadcasts against an ``ndim``-array."""
    return np.arange(num, dtype=dtype).reshape((-1,) + (1,) * ndim)


def _with_endpoint(samples: Any, stop: Any) -> Any:
    """``samples`` with its last row replaced by exactly ``stop``, as NumPy's ``y[-1] = stop``."""
    shape = np.shape(samples)[1:]
    return np.concatenate([samples[:-1], np.reshape(np.broadcast_to(stop, shape), (1, *shape))])


# --- evenly spaced samples ------------------------------------------------------------------------
@implements(np.linspace)
def _linspace(
    start: Any,
    stop: Any,
    num: int = 50,
    endpoint: bool = True,
    retstep: bool = False,
    dtype: Any = None,
    axis: int = 0,
    *,
    device: Any = None,
) -> Any:
    num = operator.index(num)
    # NumPy's own call with no samples (or the negative count, which it refuses) validates the
    # arguments and gives the dtype it computes in, with Python scalars as weak as in NumPy.
    first, last = unbox_all((start, stop))
    dt = np.linspace(first, last, min(num, 0), endpoint, axis=axis, device=device).dtype
    start, stop = _cast(start, dt), _cast(stop, dt)
    delta = stop - start
    ramp = _ramp(num, dt, np.ndim(delta))
    div = num - 1 if endpoint else num
    step: Any = np.nan
    if div > 0:
        step = delta / div
        # NumPy's route when delta / div underflows to zero: scale the ramp first.
        y = ramp / div * delta if np.any(step == 0) else ramp * step
    else:
        y = ramp * delta
    y = y + start
    if endpoint and num > 1:
        y = _with_endpoint(y, stop)
    if axis != 0:
        y = np.moveaxis(y, 0, axis)
    if dtype is not None and np.issubdtype(dtype, np.integer):
        y = np.floor(y)  # a constant: integer samples carry no gradient
    if dtype is not None:
        y = _cast(y, dtype)
    return (y, step) if retstep else y


@implements(np.logspace)
def _logspace(
    start: Any,
    stop: Any,
    num: int = 50,
    endpoint: bool = True,
    base: Any = 10.0,
    dtype: Any = None,
    axis: int = 0,
) -> Any:
    if np.ndim(base):
        # An array base broadcasts with the end points before the sample axis is inserted.
        ndim = len(np.broadcast_shapes(np.shape(start), np.shape(stop), np.shape(base)))
        start, stop, base = (_with_ndim(a, ndim) for a in (start, stop, base))
        base = np.expand_dims(base, axis)
    y = np.power(base, np.linspace(start, stop, num=num, endpoint=endpoint, axis=axis))
    return y if dtype is None else _cast(y, dtype)


@implements(np.geomspace)
def _geomspace(
    start: Any, stop: Any, num: int = 50, endpoint: bool = True, dtype: Any = None, axis: int = 0
) -> Any:
    """``start * (stop / start) ** t`` for ``t`` evenly spaced in [0, 1].

    This is NumPy's result (it rotates ``start`` onto the positive reals and interpolates
    logarithms, which comes to the same principal power for complex end points) with
    derivatives that need no sign or logarithm of the end points.
    """
    num = operator.index(num)
    if num < 0:
        raise ValueError(f"Number of samples, {num}, must be non-negative.")
    first, last = (np.asanyarray(unbox_all(v)) for v in (start, stop))
    if np.any(first == 0) or np.any(last == 0):
        raise ValueError("Geometric sequence cannot include zero")
    dt = np.result_type(first, last, float(num), np.zeros((), dtype))
    start, stop = _cast(start, dt), _cast(stop, dt)
    ratio = stop / start
    div = num - 1 if endpoint else num
    fractions = _ramp(num, np.finfo(dt).dtype, np.ndim(ratio)) / max(div, 1)
    y = start * ratio**fractions
    if endpoint and num > 1:
        y = _with_endpoint(y, stop)
    if axis != 0:
        y = np.moveaxis(y, 0, axis)
    return _cast(y, dt if dtype is None else dtype)


# --- grids --------------------------------------------------------------------------------------
@implements(np.meshgrid)
def _meshgrid(*xi: Any, copy: bool = True, sparse: bool = False, indexing: str = "xy") -> Any:
    if indexing not in ("xy", "ij"):
        raise ValueError("Valid values for `indexing` are 'xy' and 'ij'.")
    n = len(xi)
    shapes = [(1,) * i + (-1,) + (1,) * (n - i - 1) for i in range(n)]
    if indexing == "xy" and n > 1:
        # Cartesian indexing: the first input varies along columns, the second along rows.
        shapes[0], shapes[1] = (1, -1, *shapes[0][2:]), (-1, 1, *shapes[1][2:])
    grids: Any = [np.reshape(x, s) for x, s in zip(xi, shapes)]
    if not sparse:
        grids = np.broadcast_arrays(*grids)
    # A tuple, except NumPy's sparse views, which come as a list.
    return tuple(np.copy(g) for g in grids) if copy else grids


# --- adding and removing elements ---------------------------------------------------------------
@implements(np.append)
def _append(arr: Any, values: Any, axis: Any = None) -> Any:
    if axis is None:
        arr, values, axis = np.ravel(arr), np.ravel(values), 0
    return np.concatenate((arr, values), axis=axis)


def _positions(shape: tuple[int, ...]) -> np.ndarray:
    """Each element's index in the flattened array, laid out in ``shape``."""
    return np.arange(int(np.prod(shape, dtype=np.int64))).reshape(shape)


@implements(np.insert)
def _insert(arr: Any, obj: Any, values: Any, axis: Any = None) -> Any:
    """A gather from ``arr`` and ``values`` flattened end to end.

    NumPy's own ``insert``, applied to the positions of the elements (``values`` numbered
    ``-1, -2, ...``), says which element goes where, with every broadcasting rule it has.
    """
    arr = arr if type(arr) is Tracer else np.asarray(arr)
    values = values if type(values) is Tracer else np.asarray(values)
    obj = unbox_all(obj)
    if arr.dtype.kind not in "fc":
        # Values are cast to the integer (or bool) array's dtype: the result is a constant.
        return np.insert(unbox_all(arr), obj, unbox_all(values), axis)
    size = int(np.prod(arr.shape, dtype=np.int64))
    source = np.insert(_positions(arr.shape), obj, -1 - _positions(values.shape), axis)
    pool = np.concatenate([np.ravel(arr), _cast(np.ravel(values), arr.dtype)])
    return pool[np.where(source >= 0, source, size - 1 - source)]


@implements(np.delete)
def _delete(arr: Any, obj: Any, axis: Any = None) -> Any:
    kept = np.delete(_positions(np.shape(arr)), unbox_all(obj), axis)
    return np.ravel(arr)[kept]


# --- assembling blocks ----------------------------------------------------------------------------
def _shapes_of(arrays: Any) -> Any:
    """The nesting of ``arrays`` with every block replaced by a zero-byte array of its shape."""
    if type(arrays) is list:
        return [_shapes_of(a) for a in arrays]
    if type(arrays) is tuple:
        return arrays  # NumPy refuses tuples with its own message
    return ghost(np.shape(arrays))


def _join_blocks(arrays: Any, depth: int, ndim: int) -> Any:
    if depth == 0:
        return _with_ndim(arrays, ndim)
    parts = [_join_blocks(a, depth - 1, ndim) for a in arrays]
    return np.concatenate(parts, axis=-depth)


@implements(np.block)
def _block(arrays: Any) -> Any:
    # NumPy checks the nesting and the block shapes on stand-ins, with its own messages.
    ndim = np.block(_shapes_of(arrays)).ndim
    depth, first = 0, arrays
    while type(first) is list:
        depth, first = depth + 1, first[0]
    joined = _join_blocks(arrays, depth, ndim)
    return np.copy(joined) if depth == 0 else joined


implements(np.diagflat)(lambda v, k=0: np.diag(np.ravel(v), k))


# --- rotating -----------------------------------------------------------------------------------
@implements(np.rot90)
def _rot90(m: Any, k: int = 1, axes: Any = (0, 1)) -> Any:
    np.rot90(ghost(np.shape(m)), k, axes)  # NumPy validates the axes
    first, second = axes
    k %= 4
    if k == 0:
        return m[...]
    if k == 2:
        return np.flip(np.flip(m, first), second)
    order = list(range(np.ndim(m)))
    order[first], order[second] = order[second], order[first]
    if k == 1:
        return np.transpose(np.flip(m, second), order)
    return np.flip(np.transpose(m, order), second)


# Pure-Python NumPy functions built only from functions descend handles: run NumPy's own code.
for _fun in existing(np, ["rollaxis", "resize", "unstack"]):
    implements(_fun)(_fun._implementation)


# --- constants: indices, formatting, descriptions -------------------------------------------------
constant_functions(
    existing(
        np,
        [
            "ix_", "diag_indices_from", "tril_indices_from", "triu_indices_from",
            "ravel_multi_index", "unravel_index", "packbits", "unpackbits",
            "array2string", "array_repr", "array_str", "common_type", "einsum_path",
            "busday_count", "busday_offset", "datetime_as_string",
        ],
    )
)  # fmt: skip

# --- refused: writes out of the program ---------------------------------------------------------
unsupported(
    "saving a traced value would drop its gradient. Save descend.stop_gradient(x) inside "
    "the function, or save the value the differentiated function returns.",
    existing(np, ["save", "savez", "savez_compressed", "savetxt"]),
)
