"""Every indexing and selection function against finite differences (orders 1 and 2, float64
and float32)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from descend import grad

from .specs import Spec, check_case
from .table_indexing import INDEXING


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("spec", INDEXING, ids=str)
@settings(max_examples=12, deadline=None)
@given(data=st.data())
def test_matches_finite_differences(spec: Spec, dtype: type, data: st.DataObject) -> None:
    check_case(*data.draw(spec.cases(dtype)))


def _grad_sum(fun, x):
    return grad(lambda x: np.sum(fun(x)))(x)


def test_take_modes_accumulate_repeats() -> None:
    x = np.array([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(_grad_sum(lambda x: np.take(x, [0, 0, 2]), x), [2, 0, 1])
    np.testing.assert_array_equal(
        _grad_sum(lambda x: np.take(x, [-1, 3, 5], mode="wrap"), x), [1, 0, 2]
    )
    np.testing.assert_array_equal(
        _grad_sum(lambda x: np.take(x, [-4, 7], mode="clip"), x), [1, 0, 1]
    )


def test_take_along_axis_with_repeats() -> None:
    m = np.ones((2, 3))
    idx = np.array([[0, 0], [2, 1]])
    np.testing.assert_array_equal(
        _grad_sum(lambda m: np.take_along_axis(m, idx, axis=1), m), [[2, 0, 0], [0, 1, 1]]
    )


def test_diag_builds_and_extracts() -> None:
    v = np.array([1.0, 2.0])
    w = np.arange(9.0).reshape(3, 3)
    np.testing.assert_array_equal(_grad_sum(lambda v: np.diag(v, 1) * w, v), [1.0, 5.0])
    np.testing.assert_array_equal(_grad_sum(lambda m: np.diag(m, -1), w), np.eye(3, k=-1))


def test_where_routes_the_cotangent_by_condition() -> None:
    c = np.array([True, False, True])
    gx, gy = grad(lambda x, y: np.sum(np.where(c, x, y) * 2.0), argnums=(0, 1))(
        np.ones(3), np.ones(3)
    )
    np.testing.assert_array_equal(gx, [2, 0, 2])
    np.testing.assert_array_equal(gy, [0, 2, 0])
    # Broadcast scalar branch: its cotangent is the sum over where it was chosen.
    assert grad(lambda y: np.sum(np.where(c, np.ones(3), y)))(5.0) == 1.0


def test_one_argument_where_is_a_constant_index() -> None:
    np.testing.assert_array_equal(
        grad(lambda x: np.sum(x[np.where(x > 0)] ** 2))(np.array([1.0, -1.0, 2.0])), [2, 0, 4]
    )


def test_clip_passes_the_gradient_inside_and_to_active_bounds() -> None:
    x = np.array([-2.0, 0.5, 3.0])
    gx, glo, ghi = grad(lambda x, lo, hi: np.sum(np.clip(x, lo, hi)), argnums=(0, 1, 2))(
        x, 0.0, 1.0
    )
    np.testing.assert_array_equal(gx, [0, 1, 0])
    assert (glo, ghi) == (1.0, 1.0)


def test_astype_to_integer_is_a_constant() -> None:
    np.testing.assert_array_equal(
        _grad_sum(lambda x: x.astype(int) * x, np.array([1.5, 2.5])), [1.0, 2.0]
    )
