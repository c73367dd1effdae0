"""Spec table of array creation and assembly: spaced samples, grids, insert/delete, blocks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .specs import Case, Inputs, spec


def _traced_or_fixed(d: Inputs, values: list[np.ndarray]) -> tuple[list[Any], tuple[Any, ...]]:
    """Each value either differentiated (a call argument) or fixed in the function; at least one
    is differentiated. Returns the call's arguments (``None`` where traced) and the traced ones."""
    traced = [d.flag() for _ in values]
    traced[d.integer(0, len(values) - 1)] = True
    fixed = [None if t else v for v, t in zip(values, traced)]
    return fixed, tuple(v for v, t in zip(values, traced) if t)


def _filled(fixed: list[Any], traced: tuple[Any, ...]) -> list[Any]:
    """``fixed`` with its ``None`` slots filled, in order, by the traced arguments."""
    pool = iter(traced)
    return [next(pool) if v is None else v for v in fixed]


def _endpoints(d: Inputs, n: int, domain: str) -> list[np.ndarray]:
    """``n`` end points of broadcasting shapes (at most 2-D, so samples stay at most 3-D)."""
    return [d.array(s, domain) for s in d.shapes(n, max_dims=2)]


def _sampling(d: Inputs, ndim: int) -> dict[str, Any]:
    return {
        "num": d.integer(0, 5),
        "endpoint": d.flag(),
        "axis": d.integer(-ndim - 1, ndim),
    }


def _linspace(d: Inputs) -> Case:
    start, stop = _endpoints(d, 2, "real")
    options = _sampling(d, max(start.ndim, stop.ndim))
    retstep = d.flag()
    dtype = d.choice([None, None, np.float64])
    if options["num"] < 2 and retstep:
        options["num"] = 2  # a step is undefined (NaN) for fewer samples
    fixed, traced = _traced_or_fixed(d, [start, stop])

    def fun(*args: Any) -> Any:
        a, b = _filled(fixed, args)
        return np.linspace(a, b, retstep=retstep, dtype=dtype, **options)

    return fun, traced


def _logspace(d: Inputs) -> Case:
    if d.flag():  # NumPy's usual call: a scalar Python base, fixed
        start, stop = _endpoints(d, 2, "real")
        fixed, traced = _traced_or_fixed(d, [start, stop])
        fixed.append(d.choice([10.0, 2.0, np.e]))
        ndim = max(start.ndim, stop.ndim)
    else:  # a base that broadcasts with the end points, possibly differentiated
        start, stop, base = _endpoints(d, 3, "real")
        fixed, traced = _traced_or_fixed(d, [start, stop, 1.5 + base / 2])  # base in [0.5, 2.5]
        ndim = max(start.ndim, stop.ndim, base.ndim)
    options = _sampling(d, ndim)

    def fun(*args: Any) -> Any:
        a, b, base = _filled(fixed, args)
        return np.logspace(a, b, base=base, **options)

    return fun, traced


def _geomspace(d: Inputs) -> Case:
    start, stop = _endpoints(d, 2, "positive")
    sign = d.choice([1.0, -1.0])  # both end points on one side of zero
    options = _sampling(d, max(start.ndim, stop.ndim))
    fixed, traced = _traced_or_fixed(d, [sign * start, sign * stop])

    def fun(*args: Any) -> Any:
        a, b = _filled(fixed, args)
        return np.geomspace(a, b, **options)

    return fun, traced


def _meshgrid(d: Inputs) -> Case:
    vectors = [d.array(d.shape(max_dims=2, min_side=1)) for _ in range(d.integer(1, 3))]
    options = {
        "indexing": d.choice(["xy", "ij"]),
        "sparse": d.flag(),
        "copy": d.flag(),
    }
    fixed, traced = _traced_or_fixed(d, vectors)
    return (lambda *args: np.meshgrid(*_filled(fixed, args), **options)), traced


def _append(d: Inputs) -> Case:
    shape = d.shape(min_dims=1)
    if d.flag():
        arr, values = d.array(shape), d.array(d.shape())
        axis = None
    else:
        axis = d.axis(len(shape))
        other = list(shape)
        other[axis] = d.integer(1, 3)
        arr, values = d.array(shape), d.array(other)
    fixed, traced = _traced_or_fixed(d, [arr, values])
    return (lambda *args: np.append(*_filled(fixed, args), axis=axis)), traced


def _index_list(d: Inputs, n: int) -> list[int]:
    """1 to 3 indices in ``[-n, n]``, repeats allowed."""
    return [d.integer(-n, n) for _ in range(d.integer(1, 3))]


def _insert(d: Inputs) -> Case:
    shape = d.shape(min_dims=1)
    axis = None if d.flag() else d.axis(len(shape))
    length = int(np.prod(shape)) if axis is None else shape[axis]
    rest = [] if axis is None else [n for i, n in enumerate(shape) if i != axis % len(shape)]
    kind = d.choice(["int", "list", "slice"])
    if kind == "int":
        obj: Any = d.integer(-length, length)
        count = d.integer(1, 2)
        values_shape = d.choice([(), (count, *rest)])
    else:
        obj = _index_list(d, length) if kind == "list" else slice(0, d.integer(1, length), 2)
        count = len(obj) if kind == "list" else len(range(*obj.indices(length)))
        if axis is None:
            values_shape = d.choice([(), (count,)])
        else:
            values_shape = d.choice([(), tuple(count if i == axis % len(shape) else n
                                               for i, n in enumerate(shape))])  # fmt: skip
    fixed, traced = _traced_or_fixed(d, [d.array(shape), d.array(values_shape)])
    if fixed[0] is not None:
        # insert casts the values to the array's dtype: a fixed float32 array would round the
        # (float64) finite-difference steps of the values away.
        fixed[0] = fixed[0].astype(np.float64)

    def fun(*args: Any) -> Any:
        arr, values = _filled(fixed, args)
        return np.insert(arr, obj, values, axis=axis)

    return fun, traced


def _delete(d: Inputs) -> Case:
    shape = d.shape(min_dims=1)
    axis = None if d.flag() else d.axis(len(shape))
    length = int(np.prod(shape)) if axis is None else shape[axis]
    kind = d.choice(["int", "list", "slice", "mask"])
    obj: Any
    if kind == "int":
        obj = d.integer(-length, length - 1)
    elif kind == "list":
        obj = [d.integer(-length, length - 1) for _ in range(d.integer(0, 3))]
    elif kind == "slice":
        obj = slice(d.integer(0, length), None, d.choice([1, 2]))
    else:
        obj = d.rng.random(length) < 0.5
    return (lambda x: np.delete(x, obj, axis=axis)), (d.array(shape),)


def _block(d: Inputs) -> Case:
    if d.flag():  # one row of blocks: vectors and scalars side by side
        blocks = [d.array(d.choice([(), (1,), (2,), (3,)])) for _ in range(d.integer(1, 3))]
        layout: Callable[[list[Any]], Any] = lambda b: b  # noqa: E731
    else:  # a 2 x 2 grid of matrix blocks, with an optional leading batch axis
        batch = d.choice([(), (2,)])
        rows, cols = (d.integer(1, 2), d.integer(1, 2)), (d.integer(1, 2), d.integer(1, 2))
        blocks = [d.array((*batch, r, c)) for r in rows for c in cols]
        layout = lambda b: [b[:2], b[2:]]  # noqa: E731
    fixed, traced = _traced_or_fixed(d, blocks)
    return (lambda *args: np.block(layout(_filled(fixed, args)))), traced


def _diagflat(d: Inputs) -> Case:
    k = d.integer(-2, 2)
    return (lambda v: np.diagflat(v, k)), (d.array(d.shape(max_dims=2)),)


def _rot90(d: Inputs) -> Case:
    shape = d.shape(min_dims=2)
    first, second = (int(i) for i in d.rng.permutation(len(shape))[:2])
    axes = (first - len(shape) * d.flag(), second)
    k = d.integer(-3, 5)
    return (lambda m: np.rot90(m, k, axes)), (d.array(shape),)


def _rollaxis(d: Inputs) -> Case:
    shape = d.shape(min_dims=1)
    axis, start = d.axis(len(shape)), d.integer(-len(shape), len(shape))
    return (lambda a: np.rollaxis(a, axis, start)), (d.array(shape),)


def _resize(d: Inputs) -> Case:
    new_shape = d.choice([7, (2, 3), (3, 1, 2), (1,)])
    return (lambda a: np.resize(a, new_shape)), (d.array(d.shape()),)


def _unstack(d: Inputs) -> Case:
    shape = d.shape(min_dims=1)
    axis = d.axis(len(shape))
    return (lambda x: np.unstack(x, axis=axis)), (d.array(shape),)


CREATION = [
    spec("linspace", np.linspace, _linspace),
    spec("logspace", np.logspace, _logspace),
    spec("geomspace", np.geomspace, _geomspace),
    spec("meshgrid", np.meshgrid, _meshgrid),
    spec("append", np.append, _append),
    spec("insert", np.insert, _insert),
    spec("delete", np.delete, _delete),
    spec("block", np.block, _block),
    spec("diagflat", np.diagflat, _diagflat),
    spec("rot90", np.rot90, _rot90),
    spec("rollaxis", np.rollaxis, _rollaxis),
    spec("resize", np.resize, _resize),
    spec("unstack", np.unstack, _unstack),
]
