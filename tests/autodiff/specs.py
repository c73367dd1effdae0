"""The machinery of the table-driven derivative tests: a `Spec` per function, drawn `Inputs`.

A spec names one NumPy function (or one call form of it) and knows how to draw a test case:
a plain-NumPy callable together with the arrays to differentiate it at. Shapes, axes and
flags come from hypothesis; values come from a NumPy generator seeded by hypothesis, in a
domain where the function is smooth (``positive`` for ``log``, ``distinct`` for ``max``...).
The tests then run ``descend.check_grad(fun, *args, order=2)`` on every case.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import hypothesis.extra.numpy as hnp
import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

from descend import check_grad, vjp
from descend.pytree import tree_flatten

Case = tuple[Callable[..., Any], tuple[Any, ...]]

MAX_SIDE = 4
MAX_DIMS = 3

# Each domain keeps a function away from its kinks, poles and branch cuts by a margin far
# larger than check_grad's finite-difference step.
DOMAINS: dict[str, Callable[[np.random.Generator, tuple[int, ...]], np.ndarray]] = {
    "real": lambda rng, shape: rng.uniform(-2.0, 2.0, shape),
    "positive": lambda rng, shape: rng.uniform(0.5, 2.0, shape),
    "unit": lambda rng, shape: rng.uniform(-0.9, 0.9, shape),
    "above1": lambda rng, shape: rng.uniform(1.2, 3.0, shape),
    "nonzero": lambda rng, shape: rng.choice([-1.0, 1.0], shape) * rng.uniform(0.3, 2.0, shape),
    "factor": lambda rng, shape: rng.choice([-1.0, 1.0], shape) * rng.uniform(0.5, 1.5, shape),
}


class Inputs:
    """What a spec draws its case from: shapes, axes and flags by hypothesis, values by a
    seeded generator, all arrays in the dtype under test."""

    def __init__(self, draw: Any, dtype: np.dtype) -> None:
        self.draw = draw
        self.dtype = np.dtype(dtype)
        self.rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1), label="seed"))

    def shape(self, min_dims: int = 0, max_dims: int = MAX_DIMS, min_side: int = 1) -> tuple:
        return self.draw(
            hnp.array_shapes(
                min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=MAX_SIDE
            )
        )

    def shapes(self, n: int, min_dims: int = 0, max_dims: int = MAX_DIMS) -> tuple[tuple, ...]:
        """``n`` shapes that broadcast together."""
        return self.draw(
            hnp.mutually_broadcastable_shapes(
                num_shapes=n, min_dims=min_dims, max_dims=max_dims, min_side=1, max_side=MAX_SIDE
            )
        ).input_shapes

    def array(self, shape: Sequence[int], domain: str = "real") -> np.ndarray:
        if domain == "distinct":
            return self.distinct(tuple(shape))[0]
        return np.asarray(DOMAINS[domain](self.rng, tuple(shape))).astype(self.dtype)

    def distinct(self, *shapes: tuple[int, ...]) -> tuple[np.ndarray, ...]:
        """Arrays whose values are all different from each other (no ties for max/sort).

        Values sit on a grid of spacing 0.1 with jitter below 0.02, so any two differ by more
        than 0.06: far beyond the finite-difference step, and exact in float32.
        """
        sizes = [int(np.prod(s, dtype=np.int64)) for s in shapes]
        total = sum(sizes)
        grid = self.rng.permutation(np.arange(-total, total))[:total] * 0.1
        flat = grid + self.rng.uniform(-0.02, 0.02, total)
        out, start = [], 0
        for s, n in zip(shapes, sizes):
            out.append(flat[start : start + n].reshape(s).astype(self.dtype))
            start += n
        return tuple(out)

    def integer(self, lo: int, hi: int) -> int:
        return self.draw(st.integers(lo, hi))

    def flag(self) -> bool:
        return self.draw(st.booleans())

    def choice(self, options: Sequence[Any]) -> Any:
        return self.draw(st.sampled_from(list(options)))

    def axis(self, ndim: int) -> int:
        """One axis of an ``ndim``-array, possibly negative."""
        return self.draw(st.integers(-ndim, ndim - 1))

    def axes(self, ndim: int) -> int | tuple[int, ...] | None:
        """``None``, one axis, or a tuple of distinct axes (each possibly negative)."""
        if ndim == 0:
            return self.choice([None, ()])
        kind = self.choice(["none", "int", "tuple"])
        if kind == "none":
            return None
        if kind == "int":
            return self.axis(ndim)
        chosen = self.draw(st.lists(st.integers(0, ndim - 1), unique=True, max_size=ndim))
        return tuple(a - ndim if self.flag() else a for a in chosen)


@dataclass(frozen=True)
class Spec:
    """One function under test: how to draw ``(fun, args)``, and which NumPy callables
    (ufuncs, ``__array_function__`` functions, Tracer methods) it exercises."""

    name: str
    make: Callable[[Inputs], Case]
    covers: tuple[Any, ...]

    def cases(self, dtype: Any) -> st.SearchStrategy[Case]:
        return st.composite(lambda draw: self.make(Inputs(draw, dtype)))()

    def __str__(self) -> str:
        return self.name


def spec(name: str, covers: Any, make: Callable[[Inputs], Case]) -> Spec:
    """A spec from a drawing function; ``covers`` is one callable or a tuple of them."""
    return Spec(name, make, covers if isinstance(covers, tuple) else (covers,))


def elementwise(ufunc: np.ufunc, *domains: str, name: str | None = None) -> Spec:
    """``ufunc`` applied to arrays of mutually broadcasting shapes, one domain per argument."""

    def make(d: Inputs) -> Case:
        shapes = d.shapes(len(domains))
        if "distinct" in domains:
            pool = iter(d.distinct(*(s for s, dom in zip(shapes, domains) if dom == "distinct")))
            args = tuple(
                next(pool) if dom == "distinct" else d.array(s, dom)
                for s, dom in zip(shapes, domains)
            )
        else:
            args = tuple(d.array(s, dom) for s, dom in zip(shapes, domains))
        return ufunc, args

    return spec(name or ufunc.__name__, ufunc, make)


def count(shape: tuple[int, ...], axis: Any) -> int:
    """How many elements a reduction over ``axis`` combines."""
    if axis is None:
        return int(np.prod(shape, dtype=np.int64))
    axes = (axis,) if isinstance(axis, int) else axis
    return int(np.prod([shape[a] for a in axes], dtype=np.int64))


def reduction(
    fun: Callable[..., Any],
    domain: str = "real",
    *,
    name: str | None = None,
    min_count: int = 1,
    covers: Any = None,
    **extra: Any,
) -> Spec:
    """``fun(x, axis=..., keepdims=..., **extra)`` over random axes (None, int, tuple)."""

    def make(d: Inputs) -> Case:
        shape = d.shape()
        axis = d.axes(len(shape))
        keepdims = d.flag()
        assume(count(shape, axis) >= min_count)
        return (lambda x: fun(x, axis=axis, keepdims=keepdims, **extra)), (d.array(shape, domain),)

    return spec(name or fun.__name__, fun if covers is None else covers, make)


def check_case(fun: Callable[..., Any], args: tuple[Any, ...]) -> None:
    """The traced forward pass gives NumPy's values and dtypes, and check_grad passes to order 2."""
    expected = fun(*args)
    floats = [i for i, a in enumerate(args) if np.result_type(a).kind == "f"]

    def of_floats(*values: Any) -> Any:
        call = list(args)
        for i, v in zip(floats, values):
            call[i] = v
        return fun(*call)

    traced, _ = vjp(of_floats, *(args[i] for i in floats))
    expected_leaves, expected_def = tree_flatten(expected)
    traced_leaves, traced_def = tree_flatten(traced)
    assert traced_def == expected_def
    for want, got in zip(expected_leaves, traced_leaves):
        dtype = np.result_type(want)
        assert np.result_type(got) == dtype
        # Products may sum in another order than NumPy does: allow rounding, nothing more.
        tol = 100 * np.finfo(dtype).eps if dtype.kind == "f" else 0
        scale = float(np.max(np.abs(want), initial=1.0)) if np.size(want) else 1.0
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol * scale)
    check_grad(fun, *args, order=2)
