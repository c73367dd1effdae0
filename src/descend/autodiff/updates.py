"""Index updates with value semantics: ``x[i] = v`` on traced values, and `at` for any array.

NumPy's ``x[i] = v`` mutates memory; descend records operations, so an assignment to a traced
``x`` is recorded as the functional update ``x = set_item(x, i, v)`` and the Python object ``x``
is re-pointed at the result. NumPy's functions that write into their first argument
(``np.put``, ``np.copyto``, ``np.place``, ``np.putmask``, ``np.put_along_axis``,
``np.fill_diagonal``) are the same assignment, spelled differently. Every name bound to that
same object sees the update, as with NumPy; views taken from ``x`` *before* the assignment
(``y = x[:2]``) keep their old values, unlike NumPy. `at` is the explicit route that works on
plain arrays too (it never mutates): ``x = descend.at(x)[i].set(v)``, as in JAX.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from descend.autodiff.core import Rule
from descend.autodiff.errors import NotDifferentiableError
from descend.autodiff.registry import METHOD_HANDLERS, implements, numpy_name
from descend.autodiff.rules.indexing import _normalize_index, _targets_unique, scatter_add
from descend.autodiff.tape import unbroadcast
from descend.autodiff.tracer import Primitive, Tracer, unbox_all

__all__ = ["at", "set_item"]


def _set_item_impl(x: Any, index: Any, values: Any) -> np.ndarray:
    out = np.array(x, copy=True)
    out[index] = values
    return out


set_item = Primitive(_set_item_impl, "set_item")
"""``x`` with ``x[index] = values`` applied to a copy (values cast to ``x``'s dtype, as NumPy)."""


def _winners(shape: tuple[int, ...], index: Any, selected: tuple[int, ...]) -> np.ndarray:
    """Which elements of ``x[index]`` survive ``x[index] = v`` (the last of repeated targets)."""
    n = int(np.prod(selected, dtype=np.int64))
    ids = np.full(shape, -1, dtype=np.int64)
    ids[index] = np.arange(n).reshape(selected)
    won = np.zeros(n, dtype=bool)
    won[ids[ids >= 0]] = True
    return won.reshape(selected)


def _vjp_values(g: Any, ans: Any, x: Any, index: Any, values: Any) -> Any:
    c = g[index]
    if not _targets_unique(index):
        c = c * _winners(np.shape(x), index, np.shape(c))
    return unbroadcast(c, np.shape(values))


def _jvp(tangents: list[Any], ans: Any, x: Any, index: Any, values: Any) -> Any:
    tx, _, tv = tangents
    if tx is None:
        tx = np.zeros(np.shape(unbox_all(ans)), dtype=np.result_type(unbox_all(ans)))
    return set_item(tx, index, 0.0 if tv is None else tv)


set_item.rule = Rule(
    set_item,
    (lambda g, ans, x, index, values: set_item(g, index, 0.0), None, _vjp_values),
    name="index assignment x[...] = v",
    jvp=_jvp,
)


def assign(target: Tracer, index: Any, values: Any) -> None:
    """``target[index] = values`` for a traced ``target``: re-point it at the updated value."""
    new = set_item(target, _normalize_index(index), values)
    target._value, target._trace, target._idx = new._value, new._trace, new._idx


METHOD_HANDLERS["__setitem__"] = assign


class _Updater:
    """``at(x)[index]``: the functional updates of one indexed region of ``x``."""

    __slots__ = ("index", "x")

    def __init__(self, x: Any, index: Any) -> None:
        self.x = x
        self.index = _normalize_index(index)

    def get(self) -> Any:
        """``x[index]``."""
        return self.x[self.index]

    def set(self, values: Any) -> Any:
        """A copy of ``x`` with ``x[index] = values``."""
        return set_item(self.x, self.index, values)

    def add(self, values: Any) -> Any:
        """A copy of ``x`` with ``values`` added at ``index``; repeated indices accumulate."""
        x = self.x
        dtype = np.result_type(unbox_all(x))
        selected = np.shape(unbox_all(x)[self.index])
        spread = scatter_add(np.broadcast_to(values, selected), self.index, np.shape(x))
        out = x + spread
        return out if np.result_type(unbox_all(out)) == dtype else out.astype(dtype)

    def multiply(self, values: Any) -> Any:
        """A copy of ``x`` with ``x[index] *= values`` (repeated indices: the last one wins)."""
        return self.set(self.x[self.index] * values)

    def divide(self, values: Any) -> Any:
        """A copy of ``x`` with ``x[index] /= values`` (repeated indices: the last one wins)."""
        return self.set(self.x[self.index] / values)

    def power(self, values: Any) -> Any:
        """A copy of ``x`` with ``x[index] **= values`` (repeated indices: the last one wins)."""
        return self.set(self.x[self.index] ** values)

    def min(self, values: Any) -> Any:
        """A copy of ``x`` with ``x[index] = minimum(x[index], values)``."""
        return self.set(np.minimum(self.x[self.index], values))

    def max(self, values: Any) -> Any:
        """A copy of ``x`` with ``x[index] = maximum(x[index], values)``."""
        return self.set(np.maximum(self.x[self.index], values))


class at:
    """Functional index updates of a plain or traced array: ``at(x)[index].set(values)``.

    This is the route for writing traced values into a plain NumPy buffer inside a
    differentiated function (``buf[i] = x`` on an ndarray cannot hold a traced value). It
    never mutates ``x``: it returns the updated copy, plain if nothing is traced. Methods:
    ``get``, ``set``, ``add`` (repeated indices accumulate, like ``np.add.at``), ``multiply``,
    ``divide``, ``power``, ``min``, ``max``.

    Examples
    --------
    >>> import numpy as np
    >>> import descend
    >>> def f(x):
    ...     buf = np.zeros(3)
    ...     buf = descend.at(buf)[1:].set(x ** 2)
    ...     return np.sum(buf)
    >>> descend.grad(f)(np.array([1.0, 2.0]))
    array([2., 4.])
    >>> descend.at(np.zeros(3))[[0, 0, 2]].add(1.0)
    array([2., 0., 1.])
    """

    __slots__ = ("x",)

    def __init__(self, x: Any) -> None:
        self.x = x if type(x) is Tracer else np.asarray(x)

    def __getitem__(self, index: Any) -> _Updater:
        return _Updater(self.x, index)


# --- NumPy's functions that write into their first argument -------------------------------------
def _destination(fun: Any, a: Any, hint: str = "") -> Tracer:
    if type(a) is not Tracer:
        raise NotDifferentiableError(
            f"{numpy_name(fun)} would write traced values into a plain NumPy array, which "
            "cannot hold them. Make the destination traced (np.zeros_like(x) of a traced x), "
            f"or build the result with descend.at(a)[index].set(values), which returns it.{hint}"
        )
    return a


def _cycled(values: Any, n: int) -> Any:
    """The first ``n`` elements of ``values`` flattened and repeated as often as needed."""
    flat = np.ravel(values)
    size = np.size(unbox_all(flat))
    if size == 0:
        raise ValueError("cannot write from an empty array of values")
    return flat[np.arange(n) % size]


def _flat_positions(shape: tuple[int, ...], flat: np.ndarray) -> tuple[np.ndarray, ...]:
    return np.unravel_index(flat, shape) if shape else ()


@implements(np.copyto)
def copyto(dst: Any, src: Any, casting: str = "same_kind", where: Any = True) -> None:
    dst = _destination(
        np.copyto,
        dst,
        " np.full_like(plain_array, v) with a traced v ends here too (NumPy "
        "fills a new plain array with copyto): use np.broadcast_to(v, plain_array.shape).",
    )
    mask = np.broadcast_to(np.asarray(unbox_all(where), dtype=bool), dst.shape)
    assign(dst, mask, np.broadcast_to(src, dst.shape)[mask])


@implements(np.put)
def put(a: Any, ind: Any, v: Any, mode: str = "raise") -> None:
    a = _destination(np.put, a)
    flat = np.ravel(np.asarray(unbox_all(ind), dtype=np.intp))
    n = a.size
    if mode == "wrap":
        flat = np.mod(flat, n)
    elif mode == "clip":
        flat = np.clip(flat, 0, n - 1)
    elif np.any((flat < -n) | (flat >= n)):
        raise IndexError(f"index out of range for array of size {n}")
    assign(a, _flat_positions(a.shape, np.mod(flat, max(n, 1))), _cycled(v, flat.size))


@implements(np.place)
def place(arr: Any, mask: Any, vals: Any) -> None:
    arr = _destination(np.place, arr)
    positions = np.flatnonzero(np.asarray(unbox_all(mask), dtype=bool))
    if positions.size:
        assign(arr, _flat_positions(arr.shape, positions), _cycled(vals, positions.size))


@implements(np.putmask)
def putmask(a: Any, mask: Any, values: Any) -> None:
    a = _destination(np.putmask, a)
    positions = np.flatnonzero(np.broadcast_to(np.asarray(unbox_all(mask), bool), a.shape))
    if positions.size:
        # putmask pairs a.flat[i] with values.flat[i % values.size], not the i-th true one.
        flat = np.ravel(values)
        picked = flat[positions % np.size(unbox_all(flat))]
        assign(a, _flat_positions(a.shape, positions), picked)


@implements(np.put_along_axis)
def put_along_axis(arr: Any, indices: Any, values: Any, axis: Any) -> None:
    arr = _destination(np.put_along_axis, arr)
    indices = np.asarray(unbox_all(indices))
    if axis is None:
        flat = np.ravel(indices)
        assign(arr, _flat_positions(arr.shape, np.mod(flat, arr.size)),
               np.ravel(np.broadcast_to(values, flat.shape)))  # fmt: skip
        return
    ndim = arr.ndim
    axis = int(axis) % ndim
    index = tuple(
        indices if i == axis else np.arange(arr.shape[i]).reshape([-1 if j == i else 1
                                                                    for j in range(ndim)])
        for i in range(ndim)
    )  # fmt: skip
    shape = np.broadcast_shapes(*(np.shape(i) for i in index))
    assign(arr, index, np.broadcast_to(values, shape))


@implements(np.fill_diagonal)
def fill_diagonal(a: Any, val: Any, wrap: bool = False) -> None:
    a = _destination(np.fill_diagonal, a)
    # NumPy decides which elements are the diagonal; ask it on a mask of the same shape.
    mask = np.zeros(a.shape, dtype=bool)
    np.fill_diagonal(mask, True, wrap=wrap)
    positions = np.flatnonzero(mask)
    assign(a, _flat_positions(a.shape, positions), _cycled(val, positions.size))
