"""Sorting, order statistics, NaN-ignoring reductions, unique values, set operations and
histograms against finite differences (orders 1 and 2, float64 and float32), and their
closed forms: the gradient of a sort is the inverse permutation, of a median a one-hot."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from descend import NotDifferentiableError, grad, hessian, jacobian

from .specs import Spec, check_case
from .table_sorting import SORTING


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("spec", SORTING, ids=str)
@settings(max_examples=8, deadline=None)
@given(data=st.data())
def test_matches_finite_differences(spec: Spec, dtype: type, data: st.DataObject) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no NaN slice or division by zero
        check_case(*data.draw(spec.cases(dtype)))


def _grad_dot(fun, x, weights):
    return grad(lambda x: np.sum(fun(x) * weights))(x)


# --- sorting --------------------------------------------------------------------------------------
def test_sort_gradient_is_the_inverse_permutation() -> None:
    x = np.array([3.0, 1.0, 4.0, 2.0])
    np.testing.assert_array_equal(jacobian(np.sort)(x), np.eye(4)[np.argsort(x)])
    m = np.array([[2.0, 0.0], [1.0, 5.0], [3.0, 4.0]])
    jac = jacobian(lambda m: np.sort(m, axis=0))(m)
    for col in range(2):
        for rank, row in enumerate(np.argsort(m[:, col])):
            assert jac[rank, col, row, col] == 1.0
    assert np.sum(jac) == m.size
    np.testing.assert_array_equal(hessian(lambda x: np.sort(x) @ np.arange(4.0))(x), 0.0)


def test_ties_share_the_gradient_as_in_max() -> None:
    x = np.array([1.0, 3.0, 3.0, 0.0])
    expected = grad(np.max)(x)
    np.testing.assert_array_equal(expected, [0.0, 0.5, 0.5, 0.0])
    np.testing.assert_array_equal(grad(lambda x: np.sort(x)[-1])(x), expected)
    np.testing.assert_array_equal(grad(lambda x: np.partition(x, 3)[3])(x), expected)
    np.testing.assert_array_equal(grad(lambda x: np.sort(x)[-2])(x), expected)
    # The two tied outputs together get the full cotangent of each: 1 + 2 shared equally.
    np.testing.assert_array_equal(_grad_dot(np.sort, x, np.array([0, 0, 1, 2])), [0, 1.5, 1.5, 0])


def test_partition_matches_numpy_and_routes_each_value_home() -> None:
    x = np.array([5.0, -1.0, 3.0, 8.0, 0.5])
    weights = np.arange(5.0)
    parted = np.partition(x, [1, 3])
    gradient = _grad_dot(lambda x: np.partition(x, [1, 3]), x, weights)
    for value, w in zip(parted, weights):
        assert gradient[list(x).index(value)] == w


def test_sort_complex_gives_numpys_dtype_and_a_real_gradient() -> None:
    x = np.array([3.0, -1.0, 2.0], dtype=np.float32)
    assert np.sort_complex(x).dtype == np.complex128
    gradient = grad(lambda x: np.sum(np.abs(np.sort_complex(x)) ** 2))(x)
    assert gradient.dtype == np.float32
    np.testing.assert_allclose(gradient, 2 * x)


def test_structured_sorts_and_out_are_refused() -> None:
    with pytest.raises(NotDifferentiableError, match=r"numpy\.sort.*order="):
        grad(lambda x: np.sum(np.sort(x, order="a")))(np.ones(3))
    with pytest.raises(NotDifferentiableError, match=r"numpy\.median.*out="):
        grad(lambda x: np.median(x, out=np.empty(())))(np.ones(3))


# --- order statistics -----------------------------------------------------------------------------
def test_median_of_odd_count_is_a_one_hot_at_the_middle_value() -> None:
    x = np.array([4.0, -2.0, 7.0, 1.0, 3.0])
    np.testing.assert_array_equal(grad(np.median)(x), [0, 0, 0, 0, 1])
    np.testing.assert_array_equal(grad(np.median)(x[:4]), [0.5, 0, 0, 0.5])
    np.testing.assert_array_equal(hessian(np.median)(x), np.zeros((5, 5)))


@pytest.mark.parametrize(
    ("method", "gradient"),
    [
        ("linear", [0, 0, 0, 0.8, 0.2]),  # virtual index (n - 1) q = 1.2
        ("lower", [0, 0, 0, 1, 0]),
        ("higher", [0, 0, 0, 0, 1]),
        ("nearest", [0, 0, 0, 1, 0]),
        ("midpoint", [0, 0, 0, 0.5, 0.5]),
        ("hazen", [0, 0, 0, 1, 0]),  # n q - 1/2 = 1
        ("weibull", [0, 0.2, 0, 0.8, 0]),  # (n + 1) q - 1 = 0.8: between ranks 0 and 1
    ],
)
def test_quantile_interpolation_weights(method, gradient) -> None:
    x = np.array([4.0, 0.0, 3.0, 1.0, 2.0])  # ranks 0 1 2 3 4 sit at positions 1 3 4 2 0
    got = grad(lambda x: np.quantile(x, 0.3, method=method))(x)
    np.testing.assert_allclose(got, gradient, atol=1e-15)
    # Piecewise linear: the gradient reproduces the value.
    np.testing.assert_allclose(got @ x, np.quantile(x, 0.3, method=method), rtol=1e-15)


def test_percentile_is_quantile_of_q_over_100() -> None:
    x = np.array([[0.5, 2.0, -1.0], [3.0, 1.0, 0.0]])
    for axis in (0, 1, None):
        np.testing.assert_allclose(
            jacobian(lambda x, axis=axis: np.percentile(x, [25.0, 80.0], axis=axis))(x),
            jacobian(lambda x, axis=axis: np.quantile(x, [0.25, 0.8], axis=axis))(x),
        )


def test_weighted_quantile_picks_one_value() -> None:
    x = np.array([1.0, 2.0, 3.0, 4.0])
    weights = np.array([1.0, 1.0, 5.0, 1.0])
    gradient = grad(lambda x: np.quantile(x, 0.5, method="inverted_cdf", weights=weights))(x)
    np.testing.assert_array_equal(gradient, [0, 0, 1, 0])


def test_traced_levels_are_refused() -> None:
    with pytest.raises(NotDifferentiableError, match=r"numpy\.quantile with respect to q"):
        grad(lambda q: np.quantile(np.arange(4.0), q))(0.5)


def test_slices_holding_nan_give_nan_with_zero_gradient() -> None:
    x = np.array([[1.0, np.nan, 3.0], [2.0, 5.0, 4.0]])
    for fun in (
        lambda x: np.median(x, axis=1),
        lambda x: np.quantile(x, 0.5, axis=1),
        lambda x: np.percentile(x, [10.0, 90.0], axis=1).T,
    ):
        value = fun(x)
        assert np.all(np.isnan(value[0])) and not np.any(np.isnan(value[1]))
        gradient = grad(lambda x, fun=fun: np.sum(fun(x)[1]) + 0 * np.nansum(fun(x)))(x)
        assert np.all(np.isfinite(gradient))
        np.testing.assert_array_equal(gradient[0], 0.0)


# --- NaN-ignoring functions -----------------------------------------------------------------------
ALL_NAN_ROW = np.array([[np.nan, np.nan, np.nan], [2.0, np.nan, 4.0]])


@pytest.mark.parametrize(
    ("fun", "message"),
    [
        (lambda x: np.nanmax(x, axis=1), "All-NaN slice"),
        (lambda x: np.nanmin(x, axis=1), "All-NaN slice"),
        (lambda x: np.nanmedian(x, axis=1), "All-NaN slice"),
        (lambda x: np.nanquantile(x, 0.3, axis=1), "All-NaN slice"),
        (lambda x: np.nanpercentile(x, [30.0, 70.0], axis=1).T, "All-NaN slice"),
        (lambda x: np.nanvar(x, axis=1), "Degrees of freedom"),
        (lambda x: np.nanstd(x, axis=1), "Degrees of freedom"),
    ],
    ids=["nanmax", "nanmin", "nanmedian", "nanquantile", "nanpercentile", "nanvar", "nanstd"],
)
def test_all_nan_slices_are_nan_like_numpy_with_zero_gradient(fun, message) -> None:
    with pytest.warns(RuntimeWarning, match=message):
        expected = fun(ALL_NAN_ROW)
    with pytest.warns(RuntimeWarning, match=message):
        gradient = grad(lambda x: np.nansum(fun(x)))(ALL_NAN_ROW)
    assert np.all(np.isnan(expected[0]))
    assert np.all(np.isfinite(gradient))
    np.testing.assert_array_equal(gradient[0], 0.0)
    np.testing.assert_array_equal(gradient[1, 1], 0.0)  # the NaN of the other row
    assert np.any(gradient[1] != 0)


def test_nanvar_gradient_is_the_centred_values_over_the_count() -> None:
    x = np.array([1.0, np.nan, 4.0, 7.0])
    present = x[~np.isnan(x)]
    expected = np.zeros(4)
    expected[~np.isnan(x)] = 2 * (present - present.mean()) / (present.size - 1)
    np.testing.assert_allclose(grad(lambda x: np.nanvar(x, ddof=1))(x), expected)


def test_nan_scans_pass_no_gradient_to_nans() -> None:
    x = np.array([2.0, np.nan, 3.0])
    np.testing.assert_array_equal(grad(lambda x: np.sum(np.nancumsum(x)))(x), [3, 0, 1])
    # d/dx (2, 2, 2 * 3) summed = (1 + 1 + 3, 0, 2)
    np.testing.assert_array_equal(grad(lambda x: np.sum(np.nancumprod(x)))(x), [5, 0, 2])
    np.testing.assert_array_equal(grad(lambda x: np.nanprod(x))(x), [3, 0, 2])


def test_nanargmax_is_a_constant_index() -> None:
    x = np.array([1.0, np.nan, 5.0, 2.0])
    np.testing.assert_array_equal(grad(lambda x: x[np.nanargmax(x)] - x[np.nanargmin(x)])(x),
                                  [-1, 0, 1, 0])  # fmt: skip


# --- unique values and sets -----------------------------------------------------------------------
def test_unique_values_share_the_gradient_among_duplicates() -> None:
    x = np.array([1.0, 2.0, 1.0, 1.0])
    np.testing.assert_allclose(_grad_dot(np.unique, x, np.array([3.0, 5.0])), [1, 5, 1, 1])
    for fun in (np.unique_values, lambda x: np.unique_counts(x).values,
                lambda x: np.unique_all(x).values):  # fmt: skip
        np.testing.assert_allclose(_grad_dot(fun, x, np.array([3.0, 5.0])), [1, 5, 1, 1])
    rows = np.array([[1.0, 2.0], [0.0, 0.0], [1.0, 2.0]])
    np.testing.assert_allclose(
        _grad_dot(lambda r: np.unique(r, axis=0), rows, np.array([[1.0, 2.0], [4.0, 6.0]])),
        [[2, 3], [1, 2], [2, 3]],
    )


def test_unique_keeps_numpys_other_outputs() -> None:
    x = np.array([3.0, 1.0, 3.0])
    values, index, inverse, counts = np.unique(x, True, True, True)
    got = grad(lambda x: np.sum(np.unique(x, True, True, True)[0] * counts))(x)
    np.testing.assert_array_equal(got, [1, 1, 1])
    traced = np.unique(x, True, True, True)
    for want, have in zip((values, index, inverse, counts), traced):
        np.testing.assert_array_equal(want, have)


def test_set_operations_share_values_found_in_both_arrays() -> None:
    a, b = np.array([1.0, 2.0, 2.0]), np.array([2.0, 3.0])
    ga, gb = grad(lambda a, b: np.sum(np.intersect1d(a, b)), argnums=(0, 1))(a, b)
    np.testing.assert_allclose(ga, [0, 1 / 3, 1 / 3])
    np.testing.assert_allclose(gb, [1 / 3, 0])
    ga, gb = grad(lambda a, b: np.union1d(a, b) @ np.array([1.0, 2.0, 3.0]), argnums=(0, 1))(a, b)
    np.testing.assert_allclose(ga, [1, 2 / 3, 2 / 3])
    np.testing.assert_allclose(gb, [2 / 3, 3])
    ga, gb = grad(lambda a, b: np.sum(np.setdiff1d(a, b)), argnums=(0, 1))(a, b)
    np.testing.assert_array_equal(ga, [1, 0, 0])
    np.testing.assert_array_equal(gb, [0, 0])


# --- histograms -----------------------------------------------------------------------------------
def test_weighted_counts_gather_the_cotangent_from_each_bin() -> None:
    index = np.array([0, 2, 2, 1])
    cotangent = np.array([10.0, 20.0, 30.0, 40.0])
    gradient = _grad_dot(lambda w: np.bincount(index, w, minlength=4), np.ones(4), cotangent)
    np.testing.assert_array_equal(gradient, cotangent[index])
    a = np.array([0.1, 0.7, 0.4, 2.0])  # bins [0, .5), [.5, 1]; 2.0 is outside
    gradient = grad(lambda w: np.histogram(a, 2, (0.0, 1.0), weights=w)[0] @ np.array([1.0, 2.0]))(
        np.ones(4)
    )
    np.testing.assert_array_equal(gradient, [1, 2, 1, 0])


def test_edges_follow_the_data_range_unless_given() -> None:
    a = np.array([0.0, 3.0, 1.0])
    jac = jacobian(lambda a: np.histogram_bin_edges(a, 3))(a)
    t = np.arange(4) / 3
    np.testing.assert_allclose(jac, np.stack([1 - t, t, 0 * t], axis=1))
    np.testing.assert_array_equal(jacobian(lambda a: np.histogram(a, 3, (0.0, 3.0))[1])(a), 0)
    counts = np.histogram(a, 3)[0]
    assert grad(lambda a: np.sum(np.histogram(a, 3)[0] * 1.0))(a).tolist() == [0, 0, 0]
    # density = counts / (n * width), width = (max - min) / 3
    density = grad(lambda a: np.histogram(a, 3, density=True)[0][0])(a)
    np.testing.assert_allclose(density, counts[0] / 3 / (3 - 0) ** 2 * np.array([3, -3, 0]))


def test_traced_edges_and_range_carry_the_density_gradient() -> None:
    a = np.array([0.1, 0.2, 0.7])  # counts 2 and 1 in [0, .5) and [.5, 1]
    np.testing.assert_allclose(
        jacobian(lambda e: np.histogram(a, e, density=True)[0])(np.array([0.0, 0.5, 1.0])),
        [[8 / 3, -8 / 3, 0], [0, 4 / 3, -4 / 3]],
    )
    np.testing.assert_allclose(
        jacobian(lambda r: np.histogram(a, 2, (r[0], r[1]))[1])(np.array([0.0, 1.0])),
        [[1, 0], [0.5, 0.5], [0, 1]],
    )
    edges = grad(lambda e: np.sum(np.histogramdd(a[:, None], [e], density=True)[0]))
    np.testing.assert_allclose(edges(np.array([0.0, 0.5, 1.0])), [8 / 3, -4 / 3, -4 / 3])
