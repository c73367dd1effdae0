"""numpy.fft against finite differences (orders 1 and 2), against the exact transposes of the
transforms built column by column from NumPy itself, and against closed forms."""

from __future__ import annotations

import itertools
import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from descend import NotDifferentiableError, grad, hessian, vjp

from .specs import Spec, check_case
from .table_fft import FFT, NORMS


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("spec", FFT, ids=str)
@settings(max_examples=8, deadline=None)
@given(data=st.data())
def test_matches_finite_differences(spec: Spec, dtype: type, data: st.DataObject) -> None:
    with warnings.catch_warnings():
        # The forward-mode check of the shared harness views complex outputs as real.
        warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
        check_case(*data.draw(spec.cases(dtype)))


def exact_vjp(linear: Any, x: np.ndarray, cotangent: np.ndarray) -> np.ndarray:
    """The cotangent of ``x`` under descend's convention, for an R-linear ``linear``.

    ``f(x) = Re(sum(cotangent * linear(x)))`` is linear, so its partial derivatives are its
    values at the unit vectors: ``df/dx_j = f(e_j)`` and ``df/dy_j = f(1j * e_j)``, and the
    convention's cotangent is ``df/dx - 1j * df/dy`` (just ``df/dx`` for real ``x``).
    """

    def f(v: np.ndarray) -> float:
        return float(np.real(np.sum(cotangent * linear(v))))

    out = np.zeros(x.shape, dtype=x.dtype)
    for j in range(x.size):
        unit = np.zeros(x.shape, dtype=x.dtype)
        unit.flat[j] = 1
        out.flat[j] = f(unit)
        if x.dtype.kind == "c":
            out.flat[j] -= 1j * f(1j * unit)
    return out


# Every input length against every output length from 1 to 8, odd and even, padded and
# truncated, for each norm: the vjps must be the exact transposes, not just close.
ONE_D = {
    "fft": (np.fft.fft, True),
    "ifft": (np.fft.ifft, True),
    "rfft": (np.fft.rfft, False),
    "irfft": (np.fft.irfft, True),
    "hfft": (np.fft.hfft, True),
    "ihfft": (np.fft.ihfft, False),
}


@pytest.mark.parametrize("norm", NORMS)
@pytest.mark.parametrize("name", ONE_D)
def test_one_d_vjps_are_exact_transposes(name: str, norm: str | None) -> None:
    transform, complex_input = ONE_D[name]
    rng = np.random.default_rng(0)
    for m, n in itertools.product(range(1, 7), [None, *range(1, 9)]):
        if n is None and name in ("irfft", "hfft") and m == 1:
            continue  # the default length 2 * (m - 1) is 0: NumPy refuses it too
        x = rng.standard_normal((2, m))
        if complex_input:
            x = x + 1j * rng.standard_normal((2, m))
        out, pull = vjp(lambda x, n=n: transform(x, n, 1, norm), x)
        np.testing.assert_allclose(out, transform(x, n, 1, norm), rtol=1e-12, atol=1e-12)
        cotangent = rng.standard_normal(out.shape)
        if out.dtype.kind == "c":
            cotangent = cotangent + 1j * rng.standard_normal(out.shape)
        want = exact_vjp(lambda v, n=n: transform(v, n, 1, norm), x, cotangent)
        (got,) = pull(cotangent)
        assert got.dtype == x.dtype
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12, err_msg=f"m={m}, n={n}")


@pytest.mark.parametrize(
    "transform, kwargs",
    [
        (np.fft.fftn, {"s": (3, 5), "axes": (0, 2)}),
        (np.fft.ifft2, {"s": (2, 4)}),
        (np.fft.rfftn, {"s": (4, 3), "axes": (2, 0)}),
        (np.fft.rfft2, {}),
        (np.fft.irfftn, {"s": (3, 5), "axes": (1, 2)}),
        (np.fft.irfft2, {"norm": "ortho"}),
        (np.fft.irfftn, {}),
        (np.fft.fftshift, {"axes": (0, 2)}),
        (np.fft.ifftshift, {}),
    ],
)
def test_n_d_vjps_are_exact_transposes(transform: Any, kwargs: dict) -> None:
    rng = np.random.default_rng(1)
    real_input = transform in (np.fft.rfftn, np.fft.rfft2)
    x = rng.standard_normal((3, 2, 4))
    if not real_input:
        x = x + 1j * rng.standard_normal(x.shape)
    out, pull = vjp(lambda x: transform(x, **kwargs), x)
    np.testing.assert_allclose(out, transform(x, **kwargs), rtol=1e-12, atol=1e-12)
    cotangent = rng.standard_normal(out.shape) + 1j * rng.standard_normal(out.shape)
    if out.dtype.kind == "f":
        cotangent = cotangent.real
    np.testing.assert_allclose(
        pull(cotangent)[0], exact_vjp(lambda v: transform(v, **kwargs), x, cotangent),
        rtol=1e-10, atol=1e-12,
    )  # fmt: skip


def test_parseval_gives_twice_the_signal() -> None:
    # With norm="ortho" the DFT is unitary: sum |fft(x)|² = sum x², gradient 2x.
    x = np.array([0.5, -1.0, 2.0, 0.25, 3.0])
    energy = grad(lambda x: np.sum(np.abs(np.fft.fft(x, norm="ortho")) ** 2))
    np.testing.assert_allclose(energy(x), 2 * x, rtol=1e-12)
    # Half a spectrum: each of the 5 // 2 + 1 bins moves with unit modulus along every x_j.
    half_energy = hessian(lambda x: np.sum(np.abs(np.fft.rfftn(x)) ** 2))(x)
    np.testing.assert_allclose(np.diag(half_energy), 2 * (len(x) // 2 + 1), rtol=1e-12)


def test_round_trip_is_the_identity_to_second_order() -> None:
    x = np.array([1.0, -2.0, 0.5, 4.0])

    def round_trip(x: np.ndarray) -> Any:
        return np.sum(np.fft.irfft(np.fft.rfft(x), len(x)) ** 3)

    np.testing.assert_allclose(grad(round_trip)(x), 3 * x**2, rtol=1e-12)
    np.testing.assert_allclose(hessian(round_trip)(x), np.diag(6 * x), atol=1e-12)


def test_circular_convolution_gradient_is_a_correlation() -> None:
    # y = irfft(rfft(x) * rfft(k)) is circular convolution: dy/dx pulls back by correlation.
    x, k, w = np.array([1.0, 2.0, 0.0, -1.0]), np.array([0.5, 1.0, 0.0, 0.0]), np.arange(4.0)
    got = grad(lambda x: np.sum(w * np.fft.irfft(np.fft.rfft(x) * np.fft.rfft(k), 4)))(x)
    want = [sum(w[(i + j) % 4] * k[j] for j in range(4)) for i in range(4)]
    np.testing.assert_allclose(got, want, atol=1e-12)


def test_fftfreq_is_traced_arithmetic_of_the_spacing() -> None:
    # fftfreq(n, d) = k / (n d): not a dispatcher, differentiable through its arithmetic.
    d = 0.5
    got = grad(lambda d: np.sum(np.fft.fftfreq(4, d)))(d)
    np.testing.assert_allclose(got, -np.sum(np.fft.fftfreq(4, 1.0)) / d**2)


def test_out_and_bad_options_are_refused() -> None:
    x = np.ones(4)
    with pytest.raises(NotDifferentiableError, match=r"numpy\.fft\.rfft\(\.\.\., out="):
        grad(lambda x: np.sum(np.abs(np.fft.rfft(x, out=np.empty(3, complex)))))(x)
    with pytest.raises(ValueError, match="Invalid norm"):
        grad(lambda x: np.sum(np.abs(np.fft.fft(x, norm="unitary"))))(x)
    with pytest.raises(ValueError, match="Invalid number of FFT data points"):
        grad(lambda x: np.sum(np.fft.irfft(x, 0)))(x)
