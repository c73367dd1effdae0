"""Spec tables of the shape operations: reshaping, permuting, joining, splitting, tiling."""

from __future__ import annotations

import numpy as np

from .specs import Case, Inputs, spec


def _unary(fun: object, min_dims: int = 0, max_dims: int = 3) -> object:
    """A spec body for a function of one array with no options."""

    def make(d: Inputs) -> Case:
        return fun, (d.array(d.shape(min_dims, max_dims)),)  # type: ignore[return-value]

    return make


def _reshape(d: Inputs) -> Case:
    shape = d.shape()
    size = int(np.prod(shape, dtype=np.int64))
    target = d.choice(
        [(-1,), (size, 1), (1, -1), shape[::-1], (*shape, 1), ()][: 6 if size == 1 else 5]
    )
    order = d.choice(["C", "F"])
    return (lambda x: np.reshape(x, target, order=order)), (d.array(shape),)


def _ravel(d: Inputs) -> Case:
    order = d.choice(["C", "F"])
    return (lambda x: np.ravel(x, order=order)), (d.array(d.shape()),)


def _transpose(d: Inputs) -> Case:
    shape = d.shape()
    axes = None if d.flag() else tuple(d.rng.permutation(len(shape)) - len(shape) * d.flag())
    return (lambda x: np.transpose(x, axes)), (d.array(shape),)


def _swapaxes(d: Inputs) -> Case:
    shape = d.shape(min_dims=1)
    a, b = d.axis(len(shape)), d.axis(len(shape))
    return (lambda x: np.swapaxes(x, a, b)), (d.array(shape),)


def _moveaxis(d: Inputs) -> Case:
    shape = d.shape(min_dims=1)
    n = len(shape)
    k = d.integer(1, n)
    source = tuple(int(i) for i in d.rng.permutation(n)[:k])
    destination = tuple(int(i) - n * d.flag() for i in d.rng.permutation(n)[:k])
    return (lambda x: np.moveaxis(x, source, destination)), (d.array(shape),)


def _expand_dims(d: Inputs) -> Case:
    shape = d.shape(max_dims=2)
    axis = d.axis(len(shape) + 1)
    return (lambda x: np.expand_dims(x, axis)), (d.array(shape),)


def _squeeze(d: Inputs) -> Case:
    shape = tuple(d.choice([1, 1, 2, 3]) for _ in range(d.integer(0, 3)))
    ones = [i for i, n in enumerate(shape) if n == 1]
    axis = None if not ones or d.flag() else tuple(ones[: d.integer(1, len(ones))])
    return (lambda x: np.squeeze(x, axis)), (d.array(shape),)


def _broadcast_to(d: Inputs) -> Case:
    shape = d.shape(max_dims=2)
    target = (d.integer(1, 3), *(n if n != 1 else d.integer(1, 3) for n in shape))
    return (lambda x: np.broadcast_to(x, target)), (d.array(shape),)


def _broadcast_arrays(d: Inputs) -> Case:
    shapes = d.shapes(2)
    return (lambda x, y: np.broadcast_arrays(x, y)), tuple(d.array(s) for s in shapes)


def _joined(d: Inputs, n: int, min_dims: int = 1) -> tuple[tuple[np.ndarray, ...], int]:
    """``n`` arrays that agree on every axis but a random one, and that axis."""
    shape = d.shape(min_dims=min_dims)
    axis = d.axis(len(shape))
    arrays = []
    for _ in range(n):
        s = list(shape)
        s[axis] = d.integer(1, 3)
        arrays.append(d.array(s))
    return tuple(arrays), axis


def _concatenate(d: Inputs) -> Case:
    arrays, axis = _joined(d, d.integer(1, 3))
    if d.flag():
        return (lambda *a: np.concatenate(a, axis=None)), arrays
    return (lambda *a: np.concatenate(a, axis=axis)), arrays


def _stack(d: Inputs) -> Case:
    shape = d.shape()
    axis = d.axis(len(shape) + 1)
    arrays = tuple(d.array(shape) for _ in range(d.integer(1, 3)))
    return (lambda *a: np.stack(a, axis=axis)), arrays


def _stacker(fun: object, min_dims: int, max_dims: int) -> object:
    def make(d: Inputs) -> Case:
        shape = d.shape(min_dims, max_dims)
        arrays = tuple(d.array(shape) for _ in range(d.integer(1, 3)))
        return (lambda *a: fun(a)), arrays  # type: ignore[operator]

    return make


def _split(fun: object, min_dims: int, fixed_axis: object = None) -> object:
    """``fun(x, sections[, axis])``; ``fixed_axis(ndim)`` for hsplit/vsplit/dsplit."""

    def make(d: Inputs) -> Case:
        shape = list(d.shape(min_dims=min_dims))
        axis = d.axis(len(shape)) if fixed_axis is None else fixed_axis(len(shape))  # type: ignore[operator]
        parts = d.integer(1, 3)
        if fun is np.array_split or d.flag():
            sections: object = parts
            if fun is not np.array_split:
                shape[axis] = parts * d.integer(1, 2)
        else:
            sections = sorted({d.integer(0, shape[axis]) for _ in range(parts)})
        x = d.array(shape)
        if fixed_axis is None:
            return (lambda x: fun(x, sections, axis=axis)), (x,)  # type: ignore[operator]
        return (lambda x: fun(x, sections)), (x,)  # type: ignore[operator]

    return make


def _tile(d: Inputs) -> Case:
    shape = d.shape(max_dims=2)
    reps = d.choice([2, (2, 1), (1, 3), (2, 1, 2), (1,)])
    return (lambda x: np.tile(x, reps)), (d.array(shape),)


def _repeat(d: Inputs) -> Case:
    shape = d.shape(min_dims=1)
    if d.flag():
        return (lambda x: np.repeat(x, 2)), (d.array(shape),)
    axis = d.axis(len(shape))
    repeats = [int(r) for r in d.rng.integers(0, 3, shape[axis])]
    return (lambda x: np.repeat(x, repeats, axis=axis)), (d.array(shape),)


def _flip(d: Inputs) -> Case:
    shape = d.shape()
    axis = d.axes(len(shape))
    return (lambda x: np.flip(x, axis)), (d.array(shape),)


def _roll(d: Inputs) -> Case:
    shape = d.shape(min_dims=1)
    if d.flag():
        shift = d.integer(-5, 5)
        return (lambda x: np.roll(x, shift)), (d.array(shape),)
    axes = tuple(sorted({d.axis(len(shape)) % len(shape) for _ in range(2)}))
    shifts = tuple(d.integer(-5, 5) for _ in axes)
    return (lambda x: np.roll(x, shifts, axis=axes)), (d.array(shape),)


def _pad(d: Inputs) -> Case:
    shape = d.shape(min_dims=1, max_dims=2)
    mode = d.choice(["constant", "edge", "reflect", "symmetric", "wrap"])
    widths = [(d.integer(0, 2), d.integer(0, 2)) for _ in shape]
    if mode == "reflect":
        widths = [(min(lo, n - 1), min(hi, n - 1)) for (lo, hi), n in zip(widths, shape)]
    if mode == "constant":
        value = d.choice([0.0, 1.5])
        return (lambda x: np.pad(x, widths, constant_values=value)), (d.array(shape),)
    return (lambda x: np.pad(x, widths, mode=mode)), (d.array(shape),)


def _triangle(fun: object) -> object:
    def make(d: Inputs) -> Case:
        k = d.integer(-2, 2)
        return (lambda x: fun(x, k)), (d.array(d.shape(min_dims=2)),)  # type: ignore[operator]

    return make


def _at_least(fun: object) -> object:
    def make(d: Inputs) -> Case:
        arrays = tuple(d.array(d.shape(max_dims=3)) for _ in range(d.integer(1, 2)))
        return (lambda *a: fun(*a)), arrays  # type: ignore[operator]

    return make


def _full_like(d: Inputs) -> Case:
    # The traced fill value reaches descend when the template array is traced too.
    return (lambda x, fill: np.full_like(x, fill)), (d.array(d.shape()), d.array(()))


SHAPE = [
    spec("reshape", np.reshape, _reshape),
    spec("ravel", np.ravel, _ravel),
    spec("transpose", np.transpose, _transpose),
    spec("matrix_transpose", np.matrix_transpose, _unary(np.matrix_transpose, min_dims=2)),
    spec("swapaxes", np.swapaxes, _swapaxes),
    spec("moveaxis", np.moveaxis, _moveaxis),
    spec("expand_dims", np.expand_dims, _expand_dims),
    spec("squeeze", np.squeeze, _squeeze),
    spec("atleast_1d", np.atleast_1d, _at_least(np.atleast_1d)),
    spec("atleast_2d", np.atleast_2d, _at_least(np.atleast_2d)),
    spec("atleast_3d", np.atleast_3d, _at_least(np.atleast_3d)),
    spec("broadcast_to", np.broadcast_to, _broadcast_to),
    spec("broadcast_arrays", np.broadcast_arrays, _broadcast_arrays),
    spec("concatenate", np.concatenate, _concatenate),
    spec("stack", np.stack, _stack),
    spec("hstack", np.hstack, _stacker(np.hstack, 0, 3)),
    spec("vstack", np.vstack, _stacker(np.vstack, 0, 3)),
    spec("dstack", np.dstack, _stacker(np.dstack, 0, 3)),
    spec("column_stack", np.column_stack, _stacker(np.column_stack, 1, 2)),
    spec("split", np.split, _split(np.split, 1)),
    spec("array_split", np.array_split, _split(np.array_split, 1)),
    spec("hsplit", np.hsplit, _split(np.hsplit, 1, lambda n: 0 if n == 1 else 1)),
    spec("vsplit", np.vsplit, _split(np.vsplit, 2, lambda n: 0)),
    spec("dsplit", np.dsplit, _split(np.dsplit, 3, lambda n: 2)),
    spec("tile", np.tile, _tile),
    spec("repeat", np.repeat, _repeat),
    spec("flip", np.flip, _flip),
    spec("fliplr", np.fliplr, _unary(np.fliplr, min_dims=2)),
    spec("flipud", np.flipud, _unary(np.flipud, min_dims=1)),
    spec("roll", np.roll, _roll),
    spec("pad", np.pad, _pad),
    spec("triu", np.triu, _triangle(np.triu)),
    spec("tril", np.tril, _triangle(np.tril)),
    spec("copy", np.copy, _unary(np.copy)),
    spec("real", np.real, _unary(np.real)),
    spec("full_like with a traced fill value", np.full_like, _full_like),
]
