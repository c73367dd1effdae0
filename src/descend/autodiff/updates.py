"""Index updates with value semantics: ``x[i] = v`` on traced values, and `at` for any array.

NumPy's ``x[i] = v`` mutates memory; descend records operations, so an assignment to a traced
``x`` is recorded as the functional update ``x = set_item(x, i, v)`` and the Python object ``x``
is re-pointed at the result. Every name bound to that same object sees the update, as with
NumPy; views taken from ``x`` *before* the assignment (``y = x[:2]``) keep their old values,
unlike NumPy. `at` is the explicit route that works on plain arrays too (it never mutates):
``x = descend.at(x)[i].set(v)``, as in JAX.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from descend.autodiff.core import Rule
from descend.autodiff.registry import METHOD_HANDLERS
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
