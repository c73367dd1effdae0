"""Complex numbers: the convention (JAX's), closed forms of holomorphic derivatives, the
complex-to-real functions, check_grad on complex arguments, and the leftover ufuncs."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from descend import GradientCheckError, check_grad, grad, stop_gradient, vjp

from .specs import Spec, check_case
from .table_complex import COMPLEX


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("spec", COMPLEX, ids=str)
@settings(max_examples=6, deadline=None)
@given(data=st.data())
def test_matches_finite_differences(spec: Spec, dtype: type, data: st.DataObject) -> None:
    with warnings.catch_warnings():
        # complex-to-real astype warns in NumPy itself, and the shared forward-mode check
        # views complex outputs as real.
        warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
        check_case(*data.draw(spec.cases(dtype)))


# --- the convention ----------------------------------------------------------------------------
def test_gradient_of_a_real_function_is_df_dx_minus_i_df_dy() -> None:
    z = np.array([1.0 + 2.0j, -0.5 + 0.25j])
    np.testing.assert_allclose(grad(lambda z: np.sum(np.abs(z) ** 2))(z), 2 * np.conj(z))
    np.testing.assert_array_equal(grad(lambda z: np.sum(np.real(z)))(z), [1, 1])
    np.testing.assert_array_equal(grad(lambda z: np.sum(np.imag(z)))(z), [-1j, -1j])
    np.testing.assert_allclose(
        grad(lambda z: np.sum(np.abs(z)))(z), np.conj(z) / np.abs(z), rtol=1e-15
    )
    np.testing.assert_allclose(
        grad(lambda z: np.sum(np.angle(z)))(z), -1j * np.conj(z) / np.abs(z) ** 2, rtol=1e-15
    )


def test_vjp_is_the_transpose_without_conjugation() -> None:
    z, g = np.array([1.0 + 2.0j]), np.array([0.5 - 1.5j])
    assert vjp(np.conj, z)[1](g)[0] == np.conj(g)
    assert vjp(lambda z: z * (2 + 3j), z)[1](g)[0] == g * (2 + 3j)
    assert vjp(np.exp, z)[1](g)[0] == g * np.exp(z)
    np.testing.assert_allclose(vjp(lambda z: 1j * z, z)[1](g)[0], 1j * g)


def test_real_input_through_complex_values_gets_the_real_part() -> None:
    x = np.array([0.5, -1.0])
    c = np.array([1.0 - 2.0j, 3.0 + 0.5j])
    # f(x) = |c x|² = |c|² x²: the imaginary parts of the complex cotangent are dropped.
    got = grad(lambda x: np.sum(np.abs(c * x) ** 2))(x)
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, 2 * np.abs(c) ** 2 * x)


def test_real_results_of_complex_values_pull_back_only_real_parts() -> None:
    # Re z times a complex constant: only Re(c) reaches z (Im(c) multiplies nothing real).
    z, c = np.array([1.0 + 1.0j]), 2.0 - 3.0j
    np.testing.assert_allclose(grad(lambda z: np.real(np.sum(np.real(z) * c)))(z), [2.0])
    np.testing.assert_allclose(grad(lambda z: np.real(np.sum(np.imag(z) * c)))(z), [-2.0j])
    np.testing.assert_allclose(
        grad(lambda z: np.real(np.sum(np.abs(z) * c)))(z), 2 * np.conj(z) / np.abs(z)
    )
    np.testing.assert_allclose(grad(lambda z: np.real(np.var(z) * c))(z), [0.0])


def test_abs_and_sign_are_zero_safe_at_zero() -> None:
    z = np.array([0.0 + 0.0j, 3.0 + 4.0j])
    np.testing.assert_allclose(grad(lambda z: np.sum(np.abs(z)))(z), [0, 0.6 - 0.8j], rtol=1e-15)
    assert np.isfinite(grad(lambda z: np.sum(np.real(np.sign(z))))(z)).all()


def test_real_sign_and_angle_carry_no_gradient() -> None:
    x = np.array([-2.0, 3.0])
    np.testing.assert_array_equal(grad(lambda x: np.sum(np.sign(x) * x))(x), np.sign(x))
    np.testing.assert_array_equal(grad(lambda x: np.sum(np.angle(x) + np.imag(x)))(x), [0, 0])


# --- holomorphic derivatives against their closed forms ----------------------------------------
CLOSED_FORMS: dict[str, tuple[Any, Any]] = {
    "exp": (np.exp, np.exp),
    "log": (np.log, lambda z: 1 / z),
    "sqrt": (np.sqrt, lambda z: 0.5 / np.sqrt(z)),
    "sin": (np.sin, np.cos),
    "tan": (np.tan, lambda z: 1 / np.cos(z) ** 2),
    "tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2),
    "arcsin": (np.arcsin, lambda z: 1 / np.sqrt(1 - z * z)),
    "arccos": (np.arccos, lambda z: -1 / np.sqrt(1 - z * z)),
    "arctan": (np.arctan, lambda z: 1 / (1 + z * z)),
    "arcsinh": (np.arcsinh, lambda z: 1 / np.sqrt(1 + z * z)),
    "arccosh": (np.arccosh, lambda z: 1 / (np.sqrt(z - 1) * np.sqrt(z + 1))),
    "arctanh": (np.arctanh, lambda z: 1 / (1 - z * z)),
    "cube": (lambda z: z**3, lambda z: 3 * z**2),
    "reciprocal": (np.reciprocal, lambda z: -1 / z**2),
    "power": (lambda z: np.power(z, 2.5 - 0.5j), lambda z: (2.5 - 0.5j) * z ** (1.5 - 0.5j)),
    "exponential": (lambda z: np.power(1.5 - 2j, z), lambda z: (1.5 - 2j) ** z * np.log(1.5 - 2j)),
    "z to the z": (lambda z: z**z, lambda z: z**z * (np.log(z) + 1)),
}

# Anywhere in the plane at least 0.3 from both axes: across the branch cuts' sides too.
complex_points = st.builds(
    lambda re, im: complex(re, im),
    st.floats(0.3, 2.0) | st.floats(-2.0, -0.3),
    st.floats(0.3, 2.0) | st.floats(-2.0, -0.3),
)


@pytest.mark.parametrize("name", CLOSED_FORMS)
@settings(max_examples=10, deadline=None)
@given(z=complex_points)
def test_holomorphic_derivative_matches_closed_form(name: str, z: complex) -> None:
    fun, derivative = CLOSED_FORMS[name]
    z0 = np.complex128(z)
    np.testing.assert_allclose(grad(fun, holomorphic=True)(z0), derivative(z0), rtol=1e-12)
    second = grad(grad(fun, holomorphic=True), holomorphic=True)(z0)
    np.testing.assert_allclose(second, grad(derivative, holomorphic=True)(z0), rtol=1e-10)


# --- check_grad on complex arguments -------------------------------------------------------------
complex_vectors = st.lists(complex_points, min_size=1, max_size=4).map(np.array)


@settings(max_examples=10, deadline=None)
@given(z=complex_vectors)
def test_check_grad_accepts_correct_real_functions_of_complex_arguments(z: np.ndarray) -> None:
    check_grad(lambda z: np.sum(np.abs(np.exp(z) - z) ** 2) + np.sum(np.angle(z)), z, order=2)
    check_grad(lambda z: np.abs(np.fft.fft(z * z)), z, order=2)


def test_check_grad_catches_a_wrong_imaginary_derivative() -> None:
    def half_stopped(z: Any) -> Any:  # the imaginary part is hidden from the engine
        return np.sum(np.real(z) ** 2 + stop_gradient(np.imag(z)) ** 2)

    with pytest.raises(GradientCheckError, match="argument 0"):
        check_grad(half_stopped, np.array([1.0 + 2.0j]))
    with pytest.raises(GradientCheckError, match="order-1"):
        check_grad(lambda z: np.sum(np.abs(z * stop_gradient(z))), np.array([1.0 + 2.0j]))


def test_check_grad_tolerances_follow_complex64() -> None:
    z = np.array([1.0 + 2.0j, 0.5 - 1.0j], np.complex64)
    check_grad(lambda z: np.sum(np.abs(np.sin(z)) ** 2), z, order=2)


# --- the leftover ufuncs -------------------------------------------------------------------------
def test_two_output_ufuncs_split_into_derivative_and_constant() -> None:
    x = np.array([2.75, -1.5, 0.3])
    np.testing.assert_array_equal(grad(lambda x: np.sum(np.modf(x)[0]))(x), [1, 1, 1])
    np.testing.assert_array_equal(grad(lambda x: np.sum(np.modf(x)[1] * x))(x), np.trunc(x))
    np.testing.assert_array_equal(grad(lambda x: np.sum(np.frexp(x)[0]))(x), 2.0 ** -np.frexp(x)[1])
    quotient, remainder = grad(lambda x, y: np.sum(np.divmod(x, y)[1]), argnums=(0, 1))(x, 0.4 + x)
    np.testing.assert_array_equal(quotient, [1, 1, 1])
    np.testing.assert_array_equal(remainder, -np.floor_divide(x, 0.4 + x))


def test_degrees_and_radians_are_scalings() -> None:
    assert grad(np.degrees)(1.0) == 180 / np.pi
    assert grad(np.radians)(1.0) == np.pi / 180
