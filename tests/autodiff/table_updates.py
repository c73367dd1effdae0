"""Spec table of index assignment on traced values (``y[index] = v``, ``y[index] += v``), of
NumPy's in-place writers (``np.put``, ``np.copyto``...), and of the ``*_like`` buffers that
traced values are written into."""

from __future__ import annotations

import numpy as np

from .specs import Case, Inputs, spec


def _index(d: Inputs, shape: tuple[int, ...]) -> object:
    """A basic, mask, or integer-array index (repeats allowed) into an array of ``shape``."""
    kind = d.choice(["int", "slice", "mask", "array", "tuple"])
    n = shape[0]
    if kind == "int":
        return d.integer(-n, n - 1)
    if kind == "slice":
        return slice(d.integer(0, n), None, d.choice([1, 2, -1]))
    if kind == "mask":
        return d.rng.random(shape) < 0.5
    if kind == "array":
        return d.rng.integers(0, n, d.integer(1, 5))
    return (slice(None), d.integer(0, shape[1] - 1)) if len(shape) > 1 else d.integer(0, n - 1)


def _assign(d: Inputs) -> Case:
    shape = d.shape(min_dims=1)
    index = _index(d, shape)
    selected = np.zeros(shape)[index].shape
    broadcast_scalar = d.flag()
    value_shape = () if broadcast_scalar else selected
    accumulate = d.flag()

    def fun(x: np.ndarray, v: np.ndarray) -> np.ndarray:
        y = x * 1.0
        if accumulate:
            y[index] += v * y[index]
        else:
            y[index] = v
        return y * x

    return fun, (d.array(shape), d.array(value_shape))


def _like_buffer(d: Inputs) -> Case:
    """A ``*_like`` buffer of the traced input, partly overwritten with traced values."""
    shape = d.shape(min_dims=1)
    make = d.choice([np.zeros_like, np.ones_like, np.empty_like])

    def fun(x: np.ndarray) -> np.ndarray:
        buf = make(x)
        buf[0] = np.sin(x[0])
        return buf * x if make is not np.empty_like else buf[0]

    return fun, (d.array(shape),)


def _writer(d: Inputs) -> Case:
    """One of NumPy's in-place writers applied to a traced copy, with traced values."""
    shape = d.shape(min_dims=2, max_dims=2)
    size = shape[0] * shape[1]
    kind = d.choice(["copyto", "put", "place", "putmask", "put_along_axis", "fill_diagonal"])
    mask = d.rng.random(shape) < 0.5
    flat = d.rng.integers(-size, size, d.integer(1, 5))
    along = d.rng.integers(0, shape[1], (shape[0], d.integer(1, 3)))

    def fun(x: np.ndarray, v: np.ndarray) -> np.ndarray:
        y = x * 1.0
        if kind == "copyto":
            np.copyto(y, v[: shape[1]], where=mask)
        elif kind == "put":
            np.put(y, flat, v, mode=d_mode)
        elif kind == "place":
            np.place(y, mask, v)
        elif kind == "putmask":
            np.putmask(y, mask, v)
        elif kind == "put_along_axis":
            np.put_along_axis(y, along, v[: along.shape[1]], axis=1)
        else:
            np.fill_diagonal(y, v, wrap=True)
        return y * x

    d_mode = d.choice(["raise", "wrap", "clip"])
    return fun, (d.array(shape), d.array((max(shape[1], 3),)))


UPDATES = [
    spec("setitem", ("Tracer.__setitem__", "__setitem__"), _assign),
    spec("like buffers", (np.zeros_like, np.ones_like, np.empty_like), _like_buffer),
    spec(
        "in-place writers",
        (np.copyto, np.put, np.place, np.putmask, np.put_along_axis, np.fill_diagonal),
        _writer,
    ),
]
