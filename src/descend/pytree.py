"""Nested containers of arrays ("pytrees"): flatten, rebuild and map over them.

A pytree is a leaf (a float, an array, anything not listed below) or a tuple, list,
namedtuple or dict of pytrees; ``None`` is an empty subtree. Dicts are walked in sorted key
order, as in JAX, so two dicts with the same keys always flatten the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "TreeDef",
    "tree_flatten",
    "tree_unflatten",
    "tree_leaves",
    "tree_map",
    "tree_vdot",
    "tree_zeros_like",
]


@dataclass(frozen=True)
class TreeDef:
    """The structure of a pytree with its leaves taken out.

    ``kind`` is ``"leaf"``, ``"none"``, ``"tuple"``, ``"list"``, ``"dict"`` or
    ``"namedtuple"``; ``meta`` holds the dict keys or the namedtuple class.

    Examples
    --------
    >>> tree_flatten({"w": 1.0, "b": [2.0, 3.0]})[1].num_leaves
    3
    """

    kind: str
    children: tuple[TreeDef, ...] = ()
    meta: Any = None

    @property
    def num_leaves(self) -> int:
        if self.kind == "leaf":
            return 1
        return sum(child.num_leaves for child in self.children)


_LEAF = TreeDef("leaf")
_NONE = TreeDef("none")


def _children(tree: Any) -> tuple[str, list[Any], Any] | None:
    if tree is None:
        return "none", [], None
    if isinstance(tree, dict):
        keys = sorted(tree)
        return "dict", [tree[k] for k in keys], tuple(keys)
    if isinstance(tree, tuple):
        if hasattr(tree, "_fields"):
            return "namedtuple", list(tree), type(tree)
        return "tuple", list(tree), None
    if isinstance(tree, list):
        return "list", tree, None
    return None


def tree_flatten(tree: Any) -> tuple[list[Any], TreeDef]:
    """Split a pytree into its list of leaves and its structure.

    Examples
    --------
    >>> leaves, treedef = tree_flatten({"b": (1.0, 2.0), "a": [3.0]})
    >>> leaves
    [3.0, 1.0, 2.0]
    >>> tree_unflatten(treedef, [0, 1, 2])
    {'a': [0], 'b': (1, 2)}
    """
    leaves: list[Any] = []

    def walk(node: Any) -> TreeDef:
        split = _children(node)
        if split is None:
            leaves.append(node)
            return _LEAF
        kind, kids, meta = split
        if kind == "none":
            return _NONE
        return TreeDef(kind, tuple(walk(k) for k in kids), meta)

    return leaves, walk(tree)


def tree_unflatten(treedef: TreeDef, leaves: list[Any] | tuple[Any, ...]) -> Any:
    """Rebuild a pytree of structure ``treedef`` from ``leaves`` (inverse of `tree_flatten`).

    Examples
    --------
    >>> _, treedef = tree_flatten((1.0, [2.0, None]))
    >>> tree_unflatten(treedef, ["x", "y"])
    ('x', ['y', None])
    """
    it: Iterator[Any] = iter(leaves)

    def build(node: TreeDef) -> Any:
        if node.kind == "leaf":
            leaf = next(it, _SENTINEL)
            if leaf is _SENTINEL:
                raise ValueError(f"too few leaves for a tree with {treedef.num_leaves} leaves")
            return leaf
        if node.kind == "none":
            return None
        kids = [build(c) for c in node.children]
        if node.kind == "dict":
            return dict(zip(node.meta, kids))
        if node.kind == "namedtuple":
            return node.meta(*kids)
        return tuple(kids) if node.kind == "tuple" else kids

    out = build(treedef)
    if next(it, _SENTINEL) is not _SENTINEL:
        raise ValueError(f"too many leaves for a tree with {treedef.num_leaves} leaves")
    return out


_SENTINEL = object()


def tree_leaves(tree: Any) -> list[Any]:
    """The leaves of a pytree, in flattening order.

    Examples
    --------
    >>> tree_leaves([1.0, {"w": 2.0}])
    [1.0, 2.0]
    """
    return tree_flatten(tree)[0]


def tree_map(fun: Callable[..., Any], tree: Any, *rest: Any) -> Any:
    """Apply ``fun`` leaf by leaf to one or more pytrees of the same structure.

    Examples
    --------
    >>> tree_map(lambda a, b: a + b, {"w": 1.0, "b": 2.0}, {"w": 10.0, "b": 20.0})
    {'b': 22.0, 'w': 11.0}
    """
    leaves, treedef = tree_flatten(tree)
    others = []
    for other in rest:
        other_leaves, other_def = tree_flatten(other)
        if other_def != treedef:
            raise ValueError(
                f"tree_map needs trees of the same structure; got {treedef} and {other_def}"
            )
        others.append(other_leaves)
    return tree_unflatten(treedef, [fun(*xs) for xs in zip(leaves, *others)])


def tree_vdot(a: Any, b: Any) -> Any:
    """Sum over all leaves of ``sum(a_leaf * b_leaf)``: the inner product of two pytrees.

    Works on traced values too, so it can sit inside a differentiated function.

    Examples
    --------
    >>> float(tree_vdot((np.ones(3), 2.0), (np.arange(3.0), 5.0)))
    13.0
    """
    total: Any = 0.0
    for x, y in zip(tree_leaves(a), tree_leaves(b), strict=True):
        total = total + np.sum(x * y)
    return total


def tree_zeros_like(tree: Any) -> Any:
    """A pytree of the same structure whose leaves are zero arrays of matching shape and dtype.

    Examples
    --------
    >>> tree_zeros_like({"w": np.ones(2, dtype=np.float32)})
    {'w': array([0., 0.], dtype=float32)}
    """
    return tree_map(lambda x: np.zeros(np.shape(x), dtype=np.result_type(x)), tree)
