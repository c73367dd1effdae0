"""descend.pytree: flattening, rebuilding, mapping and inner products of nested containers."""

from __future__ import annotations

from collections import namedtuple

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from descend.pytree import (
    tree_flatten,
    tree_leaves,
    tree_map,
    tree_unflatten,
    tree_vdot,
    tree_zeros_like,
)

Point = namedtuple("Point", "x y")

leaves = st.one_of(st.floats(-10, 10), st.integers(-5, 5), st.just(None))
trees = st.recursive(
    leaves,
    lambda kids: st.one_of(
        st.lists(kids, max_size=3),
        st.lists(kids, max_size=3).map(tuple),
        st.dictionaries(st.text("abc", min_size=1, max_size=2), kids, max_size=3),
        st.tuples(kids, kids).map(lambda t: Point(*t)),
    ),
    max_leaves=8,
)


@settings(max_examples=60, deadline=None)
@given(tree=trees)
def test_unflatten_inverts_flatten(tree) -> None:
    flat, treedef = tree_flatten(tree)
    assert None not in flat
    assert treedef.num_leaves == len(flat)
    assert tree_unflatten(treedef, flat) == tree


@settings(max_examples=30, deadline=None)
@given(tree=trees)
def test_tree_map_preserves_structure(tree) -> None:
    doubled = tree_map(lambda v: 2 * v, tree)
    assert tree_flatten(doubled)[1] == tree_flatten(tree)[1]
    assert tree_leaves(doubled) == [2 * v for v in tree_leaves(tree)]


def test_dicts_flatten_in_sorted_key_order() -> None:
    flat, treedef = tree_flatten({"b": 1.0, "a": [2.0, 3.0]})
    assert flat == [2.0, 3.0, 1.0]
    assert tree_flatten({"a": [0, 0], "b": 0})[1] == treedef
    assert tree_unflatten(treedef, [7, 8, 9]) == {"a": [7, 8], "b": 9}


def test_containers_keep_their_types() -> None:
    tree = {"p": Point(1.0, [2.0]), "t": (3.0,), "l": [4.0], "n": None}
    rebuilt = tree_map(lambda v: v * 10, tree)
    assert isinstance(rebuilt["p"], Point)
    assert isinstance(rebuilt["t"], tuple) and not isinstance(rebuilt["t"], Point)
    assert isinstance(rebuilt["l"], list)
    assert rebuilt == {"p": Point(10.0, [20.0]), "t": (30.0,), "l": [40.0], "n": None}


def test_arrays_are_leaves() -> None:
    a = np.ones((2, 3))
    flat, treedef = tree_flatten([a, (a,)])
    assert len(flat) == 2 and flat[0] is a
    assert treedef.num_leaves == 2


def test_different_structures_compare_unequal() -> None:
    assert tree_flatten([1.0, 2.0])[1] != tree_flatten((1.0, 2.0))[1]
    assert tree_flatten({"a": 1.0})[1] != tree_flatten({"b": 1.0})[1]
    assert tree_flatten(Point(1, 2))[1] != tree_flatten((1, 2))[1]


def test_unflatten_with_wrong_number_of_leaves() -> None:
    _, treedef = tree_flatten([1.0, 2.0])
    with pytest.raises(ValueError, match="too many leaves"):
        tree_unflatten(treedef, [1, 2, 3])
    with pytest.raises(ValueError, match="leaves"):
        tree_unflatten(treedef, [1])


def test_tree_map_over_several_trees_and_mismatch() -> None:
    assert tree_map(lambda a, b: a - b, [3.0, {"k": 5.0}], [1.0, {"k": 2.0}]) == [2.0, {"k": 3.0}]
    with pytest.raises(ValueError, match="same structure"):
        tree_map(lambda a, b: a, [1.0, 2.0], (1.0, 2.0))


def test_tree_vdot() -> None:
    a = {"w": np.array([1.0, 2.0]), "b": 3.0}
    b = {"w": np.array([4.0, 5.0]), "b": -1.0}
    assert tree_vdot(a, b) == pytest.approx(1 * 4 + 2 * 5 - 3)
    assert tree_vdot(np.ones((2, 2)), np.full((2, 2), 2.0)) == 8.0
    with pytest.raises(ValueError):
        tree_vdot([1.0, 2.0], [1.0])


def test_tree_vdot_keeps_float32() -> None:
    a = [np.ones(3, np.float32)]
    assert np.result_type(tree_vdot(a, a)) == np.float32


def test_tree_zeros_like_matches_shapes_and_dtypes() -> None:
    tree = {"a": np.ones((2, 3), np.float32), "b": [np.arange(3)], "c": 1.5}
    zeros = tree_zeros_like(tree)
    assert zeros["a"].shape == (2, 3) and zeros["a"].dtype == np.float32
    assert zeros["b"][0].dtype == np.arange(3).dtype
    np.testing.assert_array_equal(zeros["b"][0], [0, 0, 0])
    assert np.shape(zeros["c"]) == () and zeros["c"] == 0.0
    assert not np.shares_memory(zeros["a"], tree["a"])
