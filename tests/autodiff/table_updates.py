"""Spec table of index assignment on traced values (``y[index] = v``, ``y[index] += v``) and
of the ``*_like`` buffers that traced values are written into."""

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


UPDATES = [
    spec("setitem", ("Tracer.__setitem__", "__setitem__"), _assign),
    spec("like buffers", (np.zeros_like, np.ones_like, np.empty_like), _like_buffer),
]
