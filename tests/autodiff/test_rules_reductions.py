"""Every reduction and scan against finite differences (orders 1 and 2, float64 and float32)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from descend import (
    NotDifferentiableError,
    check_grad,
    grad,
    hessian,
    jacobian,
    value_and_grad,
)

from .specs import Spec, check_case
from .table_elementwise import REDUCTIONS


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("spec", REDUCTIONS, ids=str)
@settings(max_examples=12, deadline=None)
@given(data=st.data())
def test_matches_finite_differences(spec: Spec, dtype: type, data: st.DataObject) -> None:
    check_case(*data.draw(spec.cases(dtype)))


def _grad_sum(fun, x):
    return grad(lambda x: np.sum(fun(x)))(x)


@pytest.mark.parametrize(
    ("x", "gradient"),
    [
        ([2.0, 3.0, 5.0], [15.0, 10.0, 6.0]),
        ([2.0, 0.0, 3.0], [0.0, 6.0, 0.0]),
        ([2.0, 0.0, 0.0], [0.0, 0.0, 0.0]),
    ],
    ids=["no zero", "one zero", "two zeros"],
)
def test_prod_is_exact_with_zero_factors(x, gradient) -> None:
    np.testing.assert_array_equal(grad(np.prod)(np.array(x)), gradient)


def test_prod_hessian_with_zero_factors() -> None:
    # d2/dxi dxj prod(x) = product of the factors other than i and j.
    np.testing.assert_array_equal(
        hessian(np.prod)(np.array([2.0, 0.0, 3.0])), [[0, 3, 0], [3, 0, 2], [0, 2, 0]]
    )
    np.testing.assert_array_equal(
        hessian(np.prod)(np.array([2.0, 0.0, 0.0])), [[0, 0, 0], [0, 0, 2], [0, 2, 0]]
    )


@pytest.mark.parametrize(
    "x", [[2.0, 0.0, 3.0], [0.0, 0.0, 1.5], [1.5, -2.0, 0.0]], ids=["middle", "two", "last"]
)
def test_cumprod_with_zeros_matches_finite_differences(x) -> None:
    check_grad(np.cumprod, np.array(x), order=3)
    check_grad(lambda m: np.cumprod(m, axis=1), np.array([x, x[::-1]]), order=2)


def test_max_and_min_split_ties_equally() -> None:
    x = np.array([[1.0, 1.0, 0.0], [2.0, 1.0, 2.0]])
    expected = [[0.5, 0.5, 0.0], [0.5, 0.0, 0.5]]
    np.testing.assert_array_equal(_grad_sum(lambda x: np.max(x, axis=1), x), expected)
    np.testing.assert_array_equal(grad(np.max)(np.ones(4)), np.full(4, 0.25))
    np.testing.assert_array_equal(grad(np.min)(-x), [[0, 0, 0], [0.5, 0, 0.5]])


def test_initial_and_dtype_keywords() -> None:
    x = np.array([1.0, 2.0])
    assert grad(lambda x: np.max(x, initial=5.0))(x).tolist() == [0.0, 0.0]
    assert grad(lambda x: np.max(x, initial=1.5))(x).tolist() == [0.0, 1.0]
    assert grad(lambda x: np.sum(x, initial=5.0))(x).tolist() == [1.0, 1.0]
    assert grad(lambda x: np.prod(x, initial=3.0))(x).tolist() == [6.0, 3.0]
    g = grad(lambda x: np.sum(x, dtype=np.float32) * 2)(x)
    assert g.dtype == np.float64
    np.testing.assert_array_equal(g, [2.0, 2.0])


def test_var_correction_equals_ddof() -> None:
    x = np.array([1.0, 2.0, 4.0])
    np.testing.assert_allclose(
        grad(lambda x: np.var(x, correction=1))(x), grad(lambda x: np.var(x, ddof=1))(x)
    )
    np.testing.assert_allclose(grad(lambda x: np.var(x, ddof=1))(x), 2 * (x - x.mean()) / 2)


def test_average_returned_sum_of_weights() -> None:
    x, w = np.array([1.0, 2.0]), np.array([1.0, 3.0])
    gx, gw = grad(lambda x, w: np.average(x, weights=w), argnums=(0, 1))(x, w)
    np.testing.assert_allclose(gx, w / w.sum())
    np.testing.assert_allclose(gw, (x - np.average(x, weights=w)) / w.sum())
    g = grad(lambda w: np.average(x, weights=w, returned=True)[1])(w)
    np.testing.assert_array_equal(g, [1.0, 1.0])


def test_nan_reductions_ignore_nans() -> None:
    x = np.array([1.0, np.nan, 3.0])
    np.testing.assert_array_equal(grad(np.nansum)(x), [1.0, 0.0, 1.0])
    np.testing.assert_array_equal(grad(np.nanmean)(x), [0.5, 0.0, 0.5])
    x32 = x.astype(np.float32)
    value, g = value_and_grad(np.nanmean)(x32)
    assert value.dtype == np.nanmean(x32).dtype == np.float32
    assert g.dtype == np.float32


@pytest.mark.parametrize(
    ("fun", "match"),
    [
        (lambda x: np.sum(x, where=x > 0), r"numpy\.sum\(\.\.\., where=mask\)"),
        (lambda x: np.mean(x, where=x > 0), r"numpy\.mean\(\.\.\., where=mask\)"),
        (lambda x: np.std(x, mean=np.mean(x)), r"numpy\.std\(\.\.\., mean=\.\.\.\)"),
        (lambda x: np.max(x, out=np.empty(())), r"numpy\.max\(\.\.\., out=\.\.\.\)"),
    ],
    ids=["sum where", "mean where", "std mean", "max out"],
)
def test_unsupported_keywords_are_refused_by_name(fun, match: str) -> None:
    with pytest.raises(NotDifferentiableError, match=match):
        _grad_sum(fun, np.array([1.0, -2.0]))


@pytest.mark.parametrize("fun", [np.sum, np.mean, np.max, np.var, np.cumsum])
def test_bad_axis_is_an_axis_error(fun) -> None:
    with pytest.raises(np.exceptions.AxisError):
        _grad_sum(lambda x: fun(x, axis=2), np.ones((2, 2)))


@pytest.mark.parametrize("tiny", [1e-6, 1e-30])
@pytest.mark.parametrize("fun", [lambda x: np.sum(np.cumprod(x)), np.prod], ids=["cumprod", "prod"])
def test_third_derivative_with_a_tiny_factor(fun, tiny: float) -> None:
    # sum(cumprod(x)) = x0 + x0 x1 + x0 x1 x2 and prod(x) = x0 x1 x2: the only nonzero third
    # derivatives are d3/dx0 dx1 dx2 = 1. Dividing by the tiny x1 used to give ~1e14 here.
    third = jacobian(hessian(fun))(np.array([2.0, tiny, 3.0]))
    expected = np.zeros((3, 3, 3))
    for i, j, k in itertools.permutations(range(3)):
        expected[i, j, k] = 1.0
    np.testing.assert_allclose(third, expected, atol=1e-12)
