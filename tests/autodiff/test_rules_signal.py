"""Differences, integration, interpolation, convolution, statistics and polynomials against
finite differences (orders 1 and 2, float64 and float32), closed forms and refusals."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.special
from hypothesis import given, settings
from hypothesis import strategies as st

from descend import NotDifferentiableError, grad, jacobian, vjp

from .specs import Spec, check_case
from .table_signal import SIGNAL


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("spec", SIGNAL, ids=str)
@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_matches_finite_differences(spec: Spec, dtype: type, data: st.DataObject) -> None:
    check_case(*data.draw(spec.cases(dtype)))


# --- closed forms -----------------------------------------------------------------------------
def test_trapezoid_gradient_is_the_trapezoid_weights() -> None:
    x = np.array([0.0, 0.5, 2.0, 2.5])
    steps = np.diff(x)
    weights = (np.concatenate([steps, [0.0]]) + np.concatenate([[0.0], steps])) / 2
    np.testing.assert_allclose(grad(lambda y: np.trapezoid(y, x))(np.ones(4)), weights)
    # With respect to x: d/dx_i of sum (x_{i+1} - x_i)(y_i + y_{i+1}) / 2.
    y = np.array([1.0, 3.0, -2.0, 4.0])
    pair_sums = (y[1:] + y[:-1]) / 2
    expected = np.concatenate([[0.0], pair_sums]) - np.concatenate([pair_sums, [0.0]])
    np.testing.assert_allclose(grad(lambda x: np.trapezoid(y, x))(x), expected)


def test_interp_gradients_are_segment_slopes_and_linear_weights() -> None:
    xp = np.array([0.0, 1.0, 3.0])
    fp = np.array([2.0, 4.0, 0.0])
    x = np.array([-1.0, 0.25, 2.0, 3.0, 5.0])
    slopes = grad(lambda x: np.sum(np.interp(x, xp, fp)))(x)
    np.testing.assert_allclose(slopes, [0.0, 2.0, -2.0, -2.0, 0.0])
    weights = jacobian(lambda fp: np.interp(x, xp, fp))(fp)
    np.testing.assert_allclose(
        weights, [[1, 0, 0], [0.75, 0.25, 0], [0, 0.5, 0.5], [0, 0, 1], [0, 0, 1]]
    )

    # With respect to a knot: the value at 2 on the segment (x_1, x_2) of the closed form.
    def at_two(x1: float) -> float:
        return fp[1] + (fp[2] - fp[1]) * (2.0 - x1) / (3.0 - x1)

    knot_grad = grad(lambda xp: np.interp(2.0, xp, fp))(xp)
    h = 1e-6
    np.testing.assert_allclose(knot_grad[1], (at_two(1 + h) - at_two(1 - h)) / (2 * h), rtol=1e-6)
    # left= and right= receive the gradient outside the knots (NumPy dispatches on x, xp
    # and fp only, so one of those must be traced too).
    edges = grad(lambda fp, lo, hi: np.sum(np.interp(x, xp, fp, lo, hi)), argnums=(0, 1, 2))(
        fp, 0.0, 0.0
    )
    assert edges[1:] == (1.0, 1.0)


def test_convolve_gradient_is_the_correlation_with_the_kernel() -> None:
    rng = np.random.default_rng(0)
    a, v, g = rng.normal(size=7), rng.normal(size=3), rng.normal(size=9)
    _, pull = vjp(lambda a, v: np.convolve(a, v), a, v)
    da, dv = pull(g)
    np.testing.assert_allclose(da, np.correlate(g, v, "valid"))
    np.testing.assert_allclose(dv, np.correlate(g, a, "valid"))
    # Its Jacobian is the Toeplitz matrix of the kernel.
    toeplitz = np.stack([np.convolve(np.eye(7)[i], v) for i in range(7)], axis=1)
    np.testing.assert_allclose(jacobian(lambda a: np.convolve(a, v))(a), toeplitz)


def test_cross_gradient_of_the_triple_product() -> None:
    a, b, c = np.array([1.0, 2, 3]), np.array([0.0, -1, 2]), np.array([4.0, 1, -1])
    ga, gb = grad(lambda a, b: np.dot(np.cross(a, b), c), argnums=(0, 1))(a, b)
    np.testing.assert_allclose(ga, np.cross(b, c))
    np.testing.assert_allclose(gb, np.cross(c, a))


def test_diff_and_gradient_jacobians_are_their_stencils() -> None:
    f = np.array([1.0, 4.0, 9.0, 16.0, 25.0])
    np.testing.assert_array_equal(
        jacobian(np.diff)(f), np.eye(5)[1:] - np.eye(5)[:-1]
    )  # fmt: skip
    coords = np.array([0.0, 0.5, 1.5, 2.0, 3.5])
    for edge_order in (1, 2):
        stencil = np.stack(
            [np.gradient(e, coords, edge_order=edge_order) for e in np.eye(5)], axis=1
        )
        jac = jacobian(lambda f, eo=edge_order: np.gradient(f, coords, edge_order=eo))(f)
        np.testing.assert_allclose(jac, stencil)


def test_gradient_with_respect_to_the_coordinates() -> None:
    f = np.array([1.0, 3.0, 2.0, 5.0])
    coords = np.array([0.0, 1.0, 3.0, 3.5])
    for edge_order in (1, 2):

        def summed(x: np.ndarray, eo: int = edge_order) -> float:
            return np.sum(np.gradient(f, x, edge_order=eo) * np.arange(1.0, 5.0))

        h = 1e-6
        expected = [(summed(coords + h * e) - summed(coords - h * e)) / (2 * h) for e in np.eye(4)]
        np.testing.assert_allclose(grad(summed)(coords), expected, rtol=1e-6)


def test_variance_from_cov_and_flat_corrcoef_diagonal() -> None:
    x = np.array([1.0, 2.0, 4.0, 7.0])
    np.testing.assert_allclose(grad(np.cov)(x), 2 * (x - x.mean()) / 3)
    m = np.array([[1.0, 2.0, 4.0], [0.0, 3.0, 1.0]])
    np.testing.assert_allclose(grad(lambda m: np.trace(np.corrcoef(m)))(m), 0.0, atol=1e-12)


def test_sinc_derivatives_at_and_near_zero() -> None:
    assert grad(np.sinc)(0.0) == 0.0
    np.testing.assert_allclose(grad(grad(np.sinc))(0.0), -(np.pi**2) / 3)
    np.testing.assert_allclose(grad(np.sinc)(1.0), -1.0)
    np.testing.assert_allclose(grad(grad(np.sinc))(1e-9), -(np.pi**2) / 3)


def test_i0_derivative_is_i1() -> None:
    x = np.array([-2.0, 0.0, 0.5, 3.0])
    np.testing.assert_allclose(grad(lambda x: np.sum(np.i0(x)))(x), scipy.special.i1(x))


def test_unwrap_and_nan_to_num_pass_the_gradient_through() -> None:
    p = np.array([0.0, 3.0, 6.5, 0.5, -2.0])
    assert not np.allclose(np.unwrap(p), p)
    np.testing.assert_array_equal(jacobian(np.unwrap)(p), np.eye(5))
    # Each entry moved by k whole periods has derivative k in the period (NumPy dispatches
    # on p alone, so p is traced too).
    turns = np.round((np.unwrap(p, period=5.0) - p) / 5.0)
    assert np.any(turns != 0)
    np.testing.assert_allclose(jacobian(lambda t: np.unwrap(p + 0 * t, period=t))(5.0), turns)
    holes = np.array([0.0, np.nan, np.inf, -np.inf, 0.0])
    g = grad(lambda x: np.sum(np.nan_to_num(x + holes)))(np.ones(5))
    np.testing.assert_array_equal(g, [1.0, 0.0, 0.0, 0.0, 1.0])


def test_polynomial_gradients() -> None:
    p, x = np.array([2.0, -1.0, 3.0, 0.5]), np.array([0.5, -1.5, 2.0])
    np.testing.assert_allclose(
        grad(lambda x: np.sum(np.polyval(p, x)))(x), np.polyval(np.polyder(p), x)
    )
    np.testing.assert_allclose(jacobian(lambda p: np.polyval(p, x))(p), np.vander(x, 4))
    r = np.array([1.5, -2.0])
    np.testing.assert_allclose(jacobian(np.poly)(r), [[0, 0], [-1, -1], [r[1], r[0]]])


def test_polyfit_is_the_pseudoinverse_in_y() -> None:
    x = np.array([0.0, 1.0, 2.0, 4.0, 5.0])
    y = np.array([1.0, 0.0, 2.0, -1.0, 3.0])
    jac = jacobian(lambda y: np.polyfit(x, y, 2))(y)
    np.testing.assert_allclose(jac, np.linalg.pinv(np.vander(x, 3)), atol=1e-12)


def test_roots_move_by_implicit_differentiation() -> None:
    # x^2 + b x + c has roots (-b +- sqrt(b^2 - 4c)) / 2.
    b, c = 1.0, -6.0
    found = np.roots([1.0, b, c])
    disc = np.sqrt(b * b - 4 * c)
    jac = jacobian(np.roots)(np.array([1.0, b, c]))
    for i, root in enumerate(found):
        sign = 1.0 if root > -b / 2 else -1.0
        np.testing.assert_allclose(jac[i, 1:], [(-1 + sign * b / disc) / 2, -sign / disc])


def test_piecewise_and_select_route_each_branch() -> None:
    x = np.array([-2.0, -0.5, 0.5, 2.0])
    gx, gc = grad(
        lambda x, c: np.sum(np.piecewise(x, [x < 0, x > 1], [lambda v: v**2, c, 0.0])),
        argnums=(0, 1),
    )(x, 3.0)
    np.testing.assert_array_equal(gx, [-4.0, -1.0, 0.0, 0.0])
    assert gc == 1.0
    ga, gb = grad(lambda a, b: np.sum(np.select([x < 0, x < 1], [a, b * 2])), argnums=(0, 1))(
        np.ones(4), np.ones(4)
    )
    np.testing.assert_array_equal(ga, [1, 1, 0, 0])
    np.testing.assert_array_equal(gb, [0, 0, 2, 0])


def test_apply_along_axis_traces_the_function() -> None:
    m = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    g = grad(lambda m: np.sum(np.apply_along_axis(lambda r: r[0] * r[-1], 1, m)))(m)
    np.testing.assert_array_equal(g, [[3, 0, 1], [6, 0, 4]])


# --- refusals and errors ----------------------------------------------------------------------
def test_unsupported_cases_raise_with_the_function_name() -> None:
    x = np.array([0.0, 1.0, 2.0, 4.0])
    cases = [
        (lambda xp: np.interp(1.5, xp[::-1], x), r"numpy\.interp only for increasing xp"),
        (lambda p: np.roots(p), "some roots are complex"),
        (lambda p: np.roots(p * np.array([0.0, 1, 1, 1])), r"p\[0\] == 0"),
        (lambda p: np.roots(np.array([1.0, -2.0, 1.0]) * p[0]), "a root is repeated"),
        (lambda m: np.poly(np.reshape(m, (2, 2))), r"numpy\.poly of a matrix"),
        (lambda x: np.cov(x[:1]), r"numpy\.cov has no degrees of freedom"),
        (lambda x: np.nan_to_num(x, nan=x[0]), r"numpy\.nan_to_num with constant"),
    ]
    for fun, message in cases:
        with pytest.raises(NotDifferentiableError, match=message):
            grad(lambda v, fun=fun: np.sum(fun(v)))(np.array([1.0, 0.0, 1.0, 2.0]))


def test_bad_arguments_raise_like_numpy() -> None:
    x = np.ones(3)
    for fun, error in [
        (lambda x: np.diff(x, -1), ValueError),
        (lambda x: np.gradient(x, edge_order=3), ValueError),
        (lambda x: np.gradient(x[:2], edge_order=2), ValueError),
        (lambda x: np.gradient(x, np.ones((3, 1))), ValueError),
        (lambda x: np.convolve(x, x, mode="middle"), ValueError),
        (lambda x: np.convolve(x, x[:0]), ValueError),
        (lambda x: np.interp(x, [], []), ValueError),
        (lambda x: np.cross(x, x[:1]), ValueError),
        (lambda x: np.polyder(x, -1), ValueError),
        (lambda x: np.ediff1d(x, to_end=np.array([1j])), TypeError),
    ]:
        with pytest.raises(error):
            fun(x)
        with pytest.raises(error):
            grad(lambda v, fun=fun: np.sum(fun(v)))(x)


def test_two_vector_cross_warns_at_the_call() -> None:
    with pytest.warns(DeprecationWarning, match="2-dimensional vectors"):
        g = grad(lambda a: np.cross(a, np.array([1.0, 2.0])))(np.array([3.0, 4.0]))
    np.testing.assert_array_equal(g, [2.0, -1.0])


@pytest.mark.parametrize(
    "fun",
    [
        lambda z: np.convolve(z, np.array([0.5 - 1j, 2 + 0.3j]), "same"),
        lambda z: np.correlate(np.array([0.5 - 1j, 2 + 0.3j]), z, "full"),
        lambda z: np.interp(np.array([0.5, 1.7]), np.array([0.0, 1.0, 2.0]), z),
        lambda z: np.cov(np.stack([z, z * z])),
    ],
    ids=["convolve", "correlate", "interp", "cov"],
)
def test_complex_inputs_follow_the_conjugate_gradient_convention(fun) -> None:
    # grad of a real f of complex z is df/dx - i df/dy (JAX's convention).
    z = np.array([1 + 2j, -0.5 + 1j, 2 - 1j])
    weights = np.arange(1.0, 1.0 + np.size(fun(z))).reshape(np.shape(fun(z)))

    def loss(z):
        return np.abs(np.sum(fun(z) * weights)) ** 2

    h = 1e-6
    expected = [
        (loss(z + h * e) - loss(z - h * e)) / (2 * h)
        - 1j * (loss(z + 1j * h * e) - loss(z - 1j * h * e)) / (2 * h)
        for e in np.eye(3)
    ]
    np.testing.assert_allclose(grad(loss)(z), expected, rtol=1e-6)
