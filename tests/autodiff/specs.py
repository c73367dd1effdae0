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

from descend import check_grad, jacobian, jvp, vjp
from descend.pytree import tree_flatten, tree_unflatten

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
    """The traced forward pass gives NumPy's values and dtypes, check_grad passes to order 2,
    and forward mode (jvp) matches central differences (float64) to order 1."""
    expected = fun(*args)
    floats = [i for i, a in enumerate(args) if np.result_type(a).kind in "fc"]

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
    check_forward(of_floats, *(args[i] for i in floats))
    check_jacobian(of_floats, *(args[i] for i in floats))


def check_jacobian(fun: Callable[..., Any], *args: Any) -> None:
    """The batched reverse Jacobian contracted with random output weights equals one vjp."""
    if not args:
        return
    out, pull = vjp(fun, *args)
    rng = np.random.default_rng(2)
    out_leaves, out_def = tree_flatten(out)
    if any(np.iscomplexobj(o) for o in out_leaves):
        return  # jacobian needs holomorphic=True there; the complex tests cover those
    weights = [rng.standard_normal(np.shape(o)).astype(np.result_type(o)) for o in out_leaves]
    expected = pull(tree_unflatten(out_def, weights))
    jac = tree_flatten(jacobian(fun, argnums=tuple(range(len(args))))(*args))[0]
    n = len(args)
    for i, arg in enumerate(args):
        got = sum(
            np.tensordot(w.astype(np.float64), jac[k * n + i], axes=w.ndim)
            for k, w in enumerate(weights)
        )
        single = np.result_type(arg) in (np.float32, np.complex64)
        tol = 1e-4 if single else 1e-10
        scale = max(1.0, float(np.max(np.abs(expected[i]), initial=0.0)))
        np.testing.assert_allclose(
            got, np.asarray(expected[i]), rtol=tol, atol=tol * scale,
            err_msg="the batched jacobian disagrees with vjp",
        )  # fmt: skip


def check_forward(fun: Callable[..., Any], *args: Any, eps: float = 1e-6) -> None:
    """``jvp`` along a random direction equals the central difference of ``fun`` along it.

    The difference is taken in double precision (float32/complex64 arguments are promoted for
    it); complex arguments move along a complex direction. The tangent must have the output's
    dtype.
    """
    rng = np.random.default_rng(1)
    leaves, treedef = tree_flatten(args)
    directions = []
    for a in leaves:
        d = rng.standard_normal(np.shape(a))
        if np.iscomplexobj(a):
            d = d + 1j * rng.standard_normal(np.shape(a))
        directions.append(d.astype(np.result_type(a)))
    out, tangent = jvp(fun, args, tree_unflatten(treedef, directions))
    for o, t in zip(tree_flatten(out)[0], tree_flatten(tangent)[0]):
        assert np.result_type(t) == np.result_type(o)
        assert np.shape(t) == np.shape(o)

    def wide(x: Any) -> np.ndarray:
        return np.asarray(x, dtype=np.complex128 if np.iscomplexobj(x) else np.float64)

    def along(step: float) -> list[np.ndarray]:
        moved = [wide(a) + step * wide(d) for a, d in zip(leaves, directions)]
        res = fun(*tree_unflatten(treedef, moved))
        return [wide(r) for r in tree_flatten(res)[0]]

    scale = max(1.0, max((float(np.max(np.abs(a), initial=0.0)) for a in leaves), default=1.0))
    h = eps * scale
    lo, hi = along(-h), along(h)
    single = any(np.result_type(a) in (np.float32, np.complex64) for a in leaves)
    rtol, atol = (2e-3, 1e-3) if single else (1e-5, 1e-6)
    for t, a, b in zip(tree_flatten(tangent)[0], lo, hi):
        fd = (b - a) / (2 * h)
        tol_scale = max(1.0, float(np.max(np.abs(fd), initial=0.0)))
        np.testing.assert_allclose(
            wide(t), fd, rtol=rtol, atol=atol * tol_scale,
            err_msg="forward mode (jvp) disagrees with central differences",
        )  # fmt: skip
