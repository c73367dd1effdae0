"""Every shape operation against finite differences (orders 1 and 2, float64 and float32)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from descend import NotDifferentiableError, grad, hessian

from .specs import Spec, check_case
from .table_shape import SHAPE


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("spec", SHAPE, ids=str)
@settings(max_examples=12, deadline=None)
@given(data=st.data())
def test_matches_finite_differences(spec: Spec, dtype: type, data: st.DataObject) -> None:
    check_case(*data.draw(spec.cases(dtype)))


def _grad_sum(fun, x):
    return grad(lambda x: np.sum(fun(x)))(x)


def test_gradient_of_joins_routes_each_slice_back() -> None:
    a, b = np.ones((2, 2)), np.ones((2, 3))
    w = np.arange(10.0).reshape(2, 5)
    ga, gb = grad(lambda a, b: np.sum(np.concatenate([a, b], axis=1) * w), argnums=(0, 1))(a, b)
    np.testing.assert_array_equal(ga, w[:, :2])
    np.testing.assert_array_equal(gb, w[:, 2:])


def test_join_of_traced_and_plain_arrays() -> None:
    x = np.array([1.0, 2.0], np.float32)
    for join in (np.concatenate, np.hstack, np.vstack, np.stack):
        g = grad(lambda x, join=join: np.sum(join([x, np.ones(2)]) ** 2))(x)
        assert g.dtype == np.float32
        np.testing.assert_array_equal(g, 2 * x)


def test_split_pieces_are_differentiable_twice() -> None:
    def f(x):
        first, second = np.split(x, 2)
        return second @ first

    np.testing.assert_array_equal(hessian(f)(np.arange(4.0)), np.roll(np.eye(4), 2, axis=1))


def test_broadcast_to_sums_the_cotangent_back() -> None:
    np.testing.assert_array_equal(_grad_sum(lambda x: np.broadcast_to(x, (3, 2)), np.ones(2)), 3)
    assert grad(lambda x: np.sum(np.broadcast_to(x, 4)))(2.0) == 4.0


def test_repeat_with_counts_and_tile() -> None:
    x = np.array([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(_grad_sum(lambda x: np.repeat(x, [0, 2, 3]), x), [0, 2, 3])
    np.testing.assert_array_equal(_grad_sum(lambda x: np.tile(x, (2, 2)), x), [4, 4, 4])


def test_pad_modes_count_copies() -> None:
    x = np.array([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(_grad_sum(lambda x: np.pad(x, 2, mode="edge"), x), [3, 1, 3])
    np.testing.assert_array_equal(_grad_sum(lambda x: np.pad(x, 1, mode="wrap"), x), [2, 1, 2])
    np.testing.assert_array_equal(_grad_sum(lambda x: np.pad(x, 1, mode="reflect"), x), [1, 3, 1])
    np.testing.assert_array_equal(_grad_sum(lambda x: np.pad(x, (0, 2)), x), [1, 1, 1])


def test_unsupported_pad_options_are_refused() -> None:
    with pytest.raises(NotDifferentiableError, match=r"numpy\.pad.*linear_ramp"):
        _grad_sum(lambda x: np.pad(x, 1, mode="linear_ramp"), np.ones(3))
    with pytest.raises(NotDifferentiableError, match="constant_values"):
        grad(lambda c: np.sum(np.pad(c * np.ones(2), 1, constant_values=c)))(1.0)


@pytest.mark.parametrize(
    "fun",
    [
        lambda x: np.swapaxes(x, 0, 5),
        lambda x: np.transpose(x, (0, 3)),
        lambda x: np.moveaxis(x, 0, 4),
        lambda x: np.flip(x, 3),
        lambda x: np.roll(x, 1, 4),
        lambda x: np.concatenate([x, x], 3),
        lambda x: np.expand_dims(x, 5),
    ],
    ids=["swapaxes", "transpose", "moveaxis", "flip", "roll", "concatenate", "expand_dims"],
)
def test_out_of_range_axes_raise_like_numpy(fun) -> None:
    with pytest.raises(np.exceptions.AxisError):
        fun(np.ones((2, 3)))
    with pytest.raises(np.exceptions.AxisError):
        _grad_sum(fun, np.ones((2, 3)))


def test_matrix_transpose_needs_two_dimensions() -> None:
    with pytest.raises(ValueError, match="ndim < 2"):
        _grad_sum(np.matrix_transpose, np.ones(3))
    with pytest.raises(ValueError):
        _grad_sum(lambda x: x.mT, np.ones(3))
