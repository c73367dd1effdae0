"""numpy.linalg's factorizations of complex (Hermitian) matrices: finite differences of orders
1 and 2 along the real and imaginary parts of every entry (batched, both triangles), closed
forms in descend's convention (``grad f = df/dx - 1j df/dy``), NumPy's result dtypes, and the
refusals of phase-dependent functions of eigen- and singular vectors.

The matrices are built around a well-conditioned centre (eigenvalues or singular values at
least 1 apart) plus a small complex perturbation ``z``, so every derivative exists and the
finite differences are accurate. Only real-valued functions are differentiated; those of
eigen- and singular vectors are invariant to the vectors' phases.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from descend import NotDifferentiableError, check_grad, grad, jvp, vjp
from descend.scipy import linalg as sla

la = np.linalg
Case = tuple[Callable[..., Any], tuple[np.ndarray, ...]]


def _h(x: Any) -> Any:
    return np.conj(np.swapaxes(x, -1, -2))


class Draw:
    """Complex test matrices from a hypothesis-drawn seed, batch shape and size."""

    def __init__(self, data: st.DataObject, dtype: type) -> None:
        self.rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="seed"))
        self.batch: tuple[int, ...] = data.draw(st.sampled_from([(), (2,), (2, 1)]), label="batch")
        self.n: int = data.draw(st.integers(1, 3), label="n")
        self.m: int = data.draw(st.integers(1, 3), label="m")
        self.flag: bool = data.draw(st.booleans(), label="flag")
        self.dtype = dtype

    def complex(self, *shape: int) -> np.ndarray:
        z = self.rng.standard_normal((*self.batch, *shape))
        return (z + 1j * self.rng.standard_normal(z.shape)).astype(self.dtype)

    def weights(self, *shape: int) -> np.ndarray:
        return self.rng.standard_normal(shape)

    def unitary(self, n: int) -> np.ndarray:
        return la.qr(self.complex(n, n).astype(complex))[0]

    def spaced(self, k: int, low: float) -> np.ndarray:
        """``k`` values from ``low`` up, at least 1 apart, in random order."""
        return low + np.cumsum(1 + self.rng.random(k)) - 1

    def hermitian(self, n: int, low: float) -> np.ndarray:
        u = self.unitary(n)
        return ((u * self.spaced(n, low)[..., None, :]) @ _h(u)).astype(self.dtype)

    def rectangular(self, m: int, n: int) -> np.ndarray:
        k = min(m, n)
        u, v = self.unitary(m)[..., :k], self.unitary(n)[..., :k]
        return ((u * self.spaced(k, 1.0)[..., None, :]) @ _h(v)).astype(self.dtype)


def _perturb(d: Draw, centre: np.ndarray) -> Case:
    """``centre + 0.1 z`` as a function of ``z``: Hermitian if ``d.flag`` and square."""
    if d.flag and centre.shape[-1] == centre.shape[-2]:
        return (lambda z: centre + 0.05 * (z + _h(z))), (d.complex(*centre.shape[-2:]),)
    return (lambda z: centre + 0.1 * z), (d.complex(*centre.shape[-2:]),)


def slogdet_case(d: Draw) -> Case:
    a, (z,) = _perturb(d, d.rectangular(d.n, d.n))
    c = d.weights(2) + 1j * d.weights(2)

    def f(z: Any) -> Any:
        sign, logabsdet = la.slogdet(a(z))
        return np.sum(logabsdet) + np.sum(np.real(c[0] * sign) + np.imag(c[1] * sign))

    return f, (z,)


def eigvalsh_case(d: Draw) -> Case:
    a, (z,) = _perturb(d, d.hermitian(d.n, -1.0))
    w, uplo = d.weights(d.n), "UL"[d.flag]
    return (lambda z: np.sum(w * la.eigvalsh(a(z), uplo))), (z,)


def eigh_case(d: Draw) -> Case:
    a, (z,) = _perturb(d, d.hermitian(d.n, -1.0))
    c, uplo = d.weights(2, d.n, d.n), "UL"[d.flag]

    def f(z: Any) -> Any:
        w, v = la.eigh(a(z), uplo)
        # |v|^2, a spectral function V diag(w^2) V^H, and the eigenvalues: phase-invariant.
        spectral = (v * w[..., None, :] ** 2) @ _h(v)
        return np.sum(c[0] * np.abs(v) ** 2) + np.sum(np.real(c[1] * spectral)) + np.sum(w**3)

    return f, (z,)


def cholesky_case(d: Draw) -> Case:
    a, (z,) = _perturb(d, d.hermitian(d.n, 2.0))
    c = d.weights(d.n, d.n) + 1j * d.weights(d.n, d.n)
    upper = d.rng.random() < 0.5

    def f(z: Any) -> Any:
        factor = la.cholesky(a(z), upper=upper)  # unique: the diagonal is real and positive
        return np.sum(np.abs(factor) ** 2 * np.real(c)) + np.sum(np.real(c * factor))

    return f, (z,)


def svdvals_case(d: Draw) -> Case:
    a, (z,) = _perturb(d, d.rectangular(d.m, d.n))
    w = d.weights(min(d.m, d.n))
    if d.flag:
        return (lambda z: np.sum(w * la.svd(a(z), compute_uv=False))), (z,)
    return (lambda z: np.sum(w * la.svdvals(a(z)))), (z,)


def svd_case(d: Draw) -> Case:
    a, (z,) = _perturb(d, d.rectangular(d.m, d.n))
    k = min(d.m, d.n)
    cu, cv, ca = d.weights(d.m, k), d.weights(k, d.n), d.weights(d.m, d.n)

    def f(z: Any) -> Any:
        u, s, vh = la.svd(a(z), full_matrices=False)
        # |u|^2, |vh|^2 and U diag(s^2) Vh are invariant to the common phase of (u_k, v_k).
        remade = (u * s[..., None, :] ** 2) @ vh
        return (
            np.sum(cu * np.abs(u) ** 2)
            + np.sum(cv * np.abs(vh) ** 2)
            + np.sum(np.real(ca * remade))
            + np.sum(np.imag(ca * remade))
        )

    return f, (z,)


def qr_case(d: Draw) -> Case:
    a, (z,) = _perturb(d, d.rectangular(d.m, d.n))
    k = min(d.m, d.n)
    cq, cr = d.weights(d.m, k) + 1j * d.weights(d.m, k), d.weights(k, d.n) + 0.5j
    if d.flag:
        return (lambda z: np.sum(np.real(cr * la.qr(a(z), mode="r")))), (z,)

    def f(z: Any) -> Any:
        q, r = la.qr(a(z))  # unique: R's diagonal is real (LAPACK's choice, kept by descend)
        return np.sum(np.real(cq * q)) + np.sum(np.imag(cr * r))

    return f, (z,)


def pinv_case(d: Draw) -> Case:
    a, (z,) = _perturb(d, d.rectangular(d.m, d.n))
    c = d.weights(d.n, d.m) + 1j * d.weights(d.n, d.m)
    return (lambda z: np.sum(np.real(c * la.pinv(a(z))))), (z,)


def lstsq_case(d: Draw) -> Case:
    # lstsq does not broadcast: one matrix, and a tall one so the residuals are returned.
    d.batch = ()
    m, n = max(d.m, d.n) + 1, min(d.m, d.n)
    a = d.rectangular(m, n)
    b = d.complex(m, 2) if d.flag else d.complex(m)
    if d.rng.random() < 0.3:  # a real right-hand side gets a real gradient
        b = np.real(b)
    c = d.weights(*b.shape[1:])

    def f(z: Any, b: Any) -> Any:
        x, residuals, _, s = la.lstsq(a + 0.1 * z, b)
        return np.sum(np.abs(x) ** 2) + np.sum(c * residuals) + np.sum(s**2)

    return f, (d.complex(m, n), b)


CASES: dict[str, Callable[[Draw], Case]] = {
    "slogdet": slogdet_case,
    "eigvalsh": eigvalsh_case,
    "eigh": eigh_case,
    "cholesky": cholesky_case,
    "svdvals": svdvals_case,
    "svd": svd_case,
    "qr": qr_case,
    "pinv": pinv_case,
    "lstsq": lstsq_case,
}


@pytest.mark.parametrize("name", sorted(CASES))
@settings(max_examples=12, deadline=None)
@given(data=st.data())
def test_matches_finite_differences_to_order_two(name: str, data: st.DataObject) -> None:
    fun, args = CASES[name](Draw(data, np.complex128))
    check_grad(fun, *args, order=2)


@pytest.mark.parametrize("name", sorted(CASES))
@settings(max_examples=6, deadline=None)
@given(data=st.data())
def test_single_precision_gradients_keep_complex64(name: str, data: st.DataObject) -> None:
    fun, args = CASES[name](Draw(data, np.complex64))
    check_grad(fun, *args)
    assert grad(fun)(*args).dtype == np.complex64


# --- closed forms ---------------------------------------------------------------------------------
RNG = np.random.default_rng(7)
Z = RNG.standard_normal((2, 3, 3)) + 1j * RNG.standard_normal((2, 3, 3))
HERMITIAN = Z @ _h(Z) + np.eye(3)


def test_log_abs_det_has_the_inverse_transpose_as_gradient() -> None:
    # d log|det A| = Re(tr(A^-1 dA)) = Re(sum(A^-T * dA)): the transpose, not conjugated.
    g = grad(lambda a: np.sum(la.slogdet(a).logabsdet))(Z)
    np.testing.assert_allclose(g, np.swapaxes(la.inv(Z), -1, -2), rtol=1e-12)


def test_sum_of_singular_values_has_gradient_conj_u_vh() -> None:
    # d sum(s) = Re(tr(U^H dA V)) = Re(sum(conj(U Vh) * dA)).
    u, _, vh = la.svd(Z)
    np.testing.assert_allclose(grad(lambda a: np.sum(la.svdvals(a)))(Z), np.conj(u @ vh))


def test_eigenvalue_gradient_reads_the_lower_triangle_and_real_diagonal() -> None:
    # The trace is the sum of the eigenvalues; eigvalsh reads Re(diag), so grad = I (real).
    g = grad(lambda a: np.sum(la.eigvalsh(a)))(HERMITIAN)
    np.testing.assert_allclose(g, np.broadcast_to(np.eye(3), g.shape), atol=1e-12)
    # w_k = v_k^H A v_k: the read (lower) entry (i, j) stands for A[i, j] and conj(A[j, i]).
    _, v = la.eigh(HERMITIAN[0])
    free = np.conj(v[:, :1]) @ v[:, :1].T
    expected = np.tril(free + free.conj().T, -1) + np.diag(np.real(np.diag(free)))
    np.testing.assert_allclose(grad(lambda a: la.eigvalsh(a)[0])(HERMITIAN[0]), expected)


def test_traced_results_keep_numpy_dtypes() -> None:
    def results(a: Any) -> tuple[Any, ...]:
        return (
            la.eigvalsh(a),
            *la.eigh(a),
            *la.svd(a),
            la.svdvals(a),
            *la.slogdet(a),
            la.cholesky(a),
            *la.qr(a),
            la.pinv(a),
            *la.lstsq(a, a[..., 0])[:2],
        )

    a = HERMITIAN[0]
    traced, _ = vjp(results, a)
    for ours, theirs in zip(traced, results(a), strict=True):
        assert ours.dtype == theirs.dtype
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)


# --- refusals -------------------------------------------------------------------------------------
def _svd_twice(a: Any) -> Any:
    # u_k vh_k is phase-invariant, but each of the two calls sees only half of it.
    return np.sum(np.real(la.svd(a).U[:, :1] * la.svd(a).Vh[:1]))


REFUSALS: dict[str, tuple[Callable[[Any], Any], str]] = {
    "eigh-phase": (lambda a: np.sum(np.real(la.eigh(a).eigenvectors)), "eigenvectors of a com"),
    "svd-phase": (lambda a: np.sum(np.real(la.svd(a).U)), "singular vectors of a complex"),
    "svd-two-calls": (_svd_twice, "call numpy.linalg.svd once"),
    "svd-hermitian": (lambda a: np.sum(la.svd(a, hermitian=True).S), "hermitian=True"),
    "svd-full": (lambda a: np.sum(np.abs(la.svd(a[:, :2]).U)), "full_matrices=False"),
    "pinv-hermitian": (lambda a: np.sum(np.abs(la.pinv(a, hermitian=True))), "hermitian=True"),
    "eigh-repeated": (lambda a: np.sum(np.abs(la.eigh(a - a).eigenvectors)), "repeated"),
}


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_refusals_remain_for_complex_input(name: str) -> None:
    fun, match = REFUSALS[name]
    with pytest.raises(NotDifferentiableError, match=match):
        grad(fun)(Z[0])


def test_phase_invariant_functions_of_one_call_are_not_refused() -> None:
    # u_k vh_k does not depend on the common phase of (u_k, v_k).
    def f(a: Any) -> Any:
        u, _, vh = la.svd(a)
        return np.sum(np.real(u[:, :1] * vh[:1]))

    check_grad(f, HERMITIAN[1] + 0.3j * np.tril(np.ones((3, 3))))


@pytest.mark.parametrize(
    ("fun", "degree"),
    [
        (lambda z: np.linalg.norm(z, ord=2, axis=(-2, -1)), 1),
        (lambda z: np.linalg.norm(z, ord=-2, axis=(-2, -1)), 1),
        (lambda z: np.linalg.norm(z, ord="nuc", axis=(-2, -1)), 1),
        (lambda z: np.linalg.matrix_norm(z, ord="nuc"), 1),
        (lambda z: np.linalg.cond(z), 0),
        (lambda z: np.linalg.cond(z, -2), 0),
    ],
    ids=["norm 2", "norm -2", "norm nuc", "matrix_norm nuc", "cond", "cond -2"],
)
def test_spectral_norms_and_condition_numbers_of_complex_matrices(fun, degree: int) -> None:
    rng = np.random.default_rng(7)
    z = rng.standard_normal((2, 3, 3)) + 1j * rng.standard_normal((2, 3, 3))
    check_grad(lambda z: np.sum(fun(z)), z, order=2)
    # Homogeneous of degree d in z: the directional derivative along z itself is d * f(z).
    _, tangent = jvp(lambda z: np.sum(fun(z)), (z,), (z,))
    np.testing.assert_allclose(tangent, degree * np.sum(fun(z)), rtol=1e-10, atol=1e-12)


def _hermitian(z: np.ndarray) -> np.ndarray:
    return z @ np.conj(np.swapaxes(z, -1, -2)) + 3 * np.eye(z.shape[-1])


@pytest.mark.parametrize(
    "fun",
    [
        lambda z: np.abs(sla.cholesky(_hermitian(z))) ** 2,
        lambda z: np.abs(sla.cholesky(_hermitian(z), lower=True)) ** 2,
        lambda z: sla.eigh(_hermitian(z), eigvals_only=True) ** 2,
        lambda z: np.abs(sla.eigh(_hermitian(z))[1]) ** 2,
        lambda z: sla.svd(z, compute_uv=False),
        lambda z: np.abs(sla.svd(z)[0]) ** 2,
        lambda z: np.abs(sla.qr(z)[1]) ** 2,
    ],
    ids=["cholesky", "cholesky lower", "eigvalsh", "eigh vectors", "svdvals", "svd u", "qr r"],
)
def test_scipy_drop_ins_accept_complex_matrices(fun) -> None:
    z = np.random.default_rng(3).standard_normal((3, 3)) * (1 + 0.5j) + 0.2j
    weights = np.arange(1.0, 1.0 + np.size(fun(z))).reshape(np.shape(fun(z)))
    check_grad(lambda z: np.sum(fun(z) * weights), z, order=2)
