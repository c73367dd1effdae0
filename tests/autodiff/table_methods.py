"""Spec table of the ndarray methods and properties a traced value offers.

``covers`` names the `Tracer` attribute (``"Tracer.sum"``), so the completeness test can check
that every differentiable method has a line here.
"""

from __future__ import annotations

import numpy as np

from .specs import Case, Inputs, count, spec


def _reducing(method: str, domain: str = "real", min_count: int = 1, **extra: object) -> object:
    def make(d: Inputs) -> Case:
        shape = d.shape()
        axis, keepdims = d.axes(len(shape)), d.flag()
        if count(shape, axis) < min_count:
            axis = None
        x = d.array(shape, domain)
        if x.size < min_count:
            x = d.array((min_count,), domain)
            axis = None
        return (lambda x: getattr(x, method)(axis=axis, keepdims=keepdims, **extra)), (x,)

    return make


def _positional_axis(method: str, domain: str = "real") -> object:
    """``x.method(axis)`` with the axis passed positionally."""

    def make(d: Inputs) -> Case:
        shape = d.shape(min_dims=1)
        axis = d.axis(len(shape))
        return (lambda x: getattr(x, method)(axis)), (d.array(shape, domain),)

    return make


def _scan(method: str, domain: str) -> object:
    def make(d: Inputs) -> Case:
        shape = d.shape()
        axis = None if not shape or d.flag() else d.axis(len(shape))
        return (lambda x: getattr(x, method)(axis=axis)), (d.array(shape, domain),)

    return make


def _reshape(d: Inputs) -> Case:
    shape = d.shape(min_dims=1)
    size = int(np.prod(shape))
    form = d.choice(["tuple", "varargs", "int", "order"])
    if form == "tuple":
        return (lambda x: x.reshape((size, 1))), (d.array(shape),)
    if form == "varargs":
        return (lambda x: x.reshape(1, -1)), (d.array(shape),)
    if form == "int":
        return (lambda x: x.reshape(-1)), (d.array(shape),)
    return (lambda x: x.reshape(shape[::-1], order="F")), (d.array(shape),)


def _transpose(d: Inputs) -> Case:
    shape = d.shape(min_dims=1)
    perm = tuple(int(i) for i in d.rng.permutation(len(shape)))
    form = d.choice(["none", "tuple", "varargs", "None"])
    if form == "none":
        return (lambda x: x.transpose()), (d.array(shape),)
    if form == "tuple":
        return (lambda x: x.transpose(perm)), (d.array(shape),)
    if form == "varargs":
        return (lambda x: x.transpose(*perm)), (d.array(shape),)
    return (lambda x: x.transpose(None)), (d.array(shape),)


def _call(method: str, *args: object, min_dims: int = 0, **kwargs: object) -> object:
    def make(d: Inputs) -> Case:
        x = d.array(d.shape(min_dims=min_dims))
        return (lambda x: getattr(x, method)(*args, **kwargs)), (x,)

    return make


def _attribute(name: str, min_dims: int = 0) -> object:
    def make(d: Inputs) -> Case:
        return (lambda x: getattr(x, name)), (d.array(d.shape(min_dims=min_dims)),)

    return make


def _squeeze(d: Inputs) -> Case:
    shape = (d.integer(1, 3), 1, d.integer(1, 3))
    axis = d.choice([None, 1, -2])
    return (lambda x: x.squeeze(axis)), (d.array(shape),)


def _dot(d: Inputs) -> Case:
    shape = d.shape(min_dims=1, max_dims=2)
    other = d.array((shape[-1], d.integer(1, 3)))
    return (lambda x, y: x.dot(y)), (d.array(shape), other)


def _clip(d: Inputs) -> Case:
    x, lo = d.distinct(d.shape(), ())
    return (lambda x, lo: x.clip(lo, lo + 0.55)), (x, lo)


def _take(d: Inputs) -> Case:
    shape = d.shape(min_dims=1)
    indices = d.rng.integers(0, shape[0], 4)
    return (lambda x: x.take(indices, axis=0)), (d.array(shape),)


def _repeat(d: Inputs) -> Case:
    shape = d.shape(min_dims=1)
    return (lambda x: x.repeat(2, axis=-1)), (d.array(shape),)


def _diagonal(d: Inputs) -> Case:
    offset = d.integer(-1, 1)
    return (lambda x: x.diagonal(offset)), (d.array(d.shape(min_dims=2)),)


def _trace(d: Inputs) -> Case:
    return (lambda x: x.trace()), (d.array(d.shape(min_dims=2)),)


def _iterate(d: Inputs) -> Case:
    shape = d.shape(min_dims=1)
    return (lambda x: sum(row * (i + 1) for i, row in enumerate(x))), (d.array(shape),)


METHODS = [
    spec(".sum", "Tracer.sum", _reducing("sum")),
    spec(".sum(axis)", "Tracer.sum", _positional_axis("sum")),
    spec(".mean", "Tracer.mean", _reducing("mean")),
    spec(".prod", "Tracer.prod", _reducing("prod", "factor")),
    spec(".max", "Tracer.max", _reducing("max", "distinct")),
    spec(".max(axis)", "Tracer.max", _positional_axis("max", "distinct")),
    spec(".min", "Tracer.min", _reducing("min", "distinct")),
    spec(".std", "Tracer.std", _reducing("std", "distinct", min_count=2)),
    spec(".var", "Tracer.var", _reducing("var", ddof=0)),
    spec(".cumsum", "Tracer.cumsum", _scan("cumsum", "real")),
    spec(".cumprod", "Tracer.cumprod", _scan("cumprod", "factor")),
    spec(".reshape", "Tracer.reshape", _reshape),
    spec(".ravel", "Tracer.ravel", _call("ravel")),
    spec(".ravel('F')", "Tracer.ravel", _call("ravel", "F", min_dims=2)),
    spec(".flatten", "Tracer.flatten", _call("flatten")),
    spec(".transpose", "Tracer.transpose", _transpose),
    spec(".swapaxes", "Tracer.swapaxes", _call("swapaxes", 0, -1, min_dims=1)),
    spec(".squeeze", "Tracer.squeeze", _squeeze),
    spec(".dot", "Tracer.dot", _dot),
    spec(".clip", "Tracer.clip", _clip),
    spec(".take", "Tracer.take", _take),
    spec(".repeat", "Tracer.repeat", _repeat),
    spec(".diagonal", "Tracer.diagonal", _diagonal),
    spec(".trace", "Tracer.trace", _trace),
    spec(".astype(float64)", "Tracer.astype", _call("astype", np.float64)),
    spec(".copy", "Tracer.copy", _call("copy")),
    spec(".conj", "Tracer.conj", _call("conj")),
    spec(".conjugate", "Tracer.conjugate", _call("conjugate")),
    spec(".T", "Tracer.T", _attribute("T")),
    spec(".mT", "Tracer.mT", _attribute("mT", min_dims=2)),
    spec(".real", "Tracer.real", _attribute("real")),
    spec(".imag", "Tracer.imag", _attribute("imag")),
    spec("iteration", "Tracer.__iter__", _iterate),
]
