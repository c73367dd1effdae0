"""numpy.linalg against finite differences (orders 1 and 2, float64 and float32, stacked
matrices), closed forms, gauge invariance, and the refusals."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg
from hypothesis import given, settings
from hypothesis import strategies as st

from descend import NotDifferentiableError, check_grad, grad, hessian, jacobian
from descend.autodiff.rules import scipy_linalg as sla

from .specs import Spec, check_case
from .table_linalg import LINALG


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("spec", LINALG, ids=str)
@settings(max_examples=8, deadline=None)
@given(data=st.data())
def test_matches_finite_differences(spec: Spec, dtype: type, data: st.DataObject) -> None:
    check_case(*data.draw(spec.cases(dtype)))


RNG = np.random.default_rng(1)
A = RNG.standard_normal((2, 3, 3)) + 3 * np.eye(3)
SPD = A @ np.swapaxes(A, -1, -2) + np.eye(3)


def _sym(x: np.ndarray) -> np.ndarray:
    return (x + np.swapaxes(x, -1, -2)) / 2


# --- closed forms ---------------------------------------------------------------------------------
def test_gradient_of_log_abs_det_is_inverse_transpose() -> None:
    g = grad(lambda a: np.sum(np.linalg.slogdet(a).logabsdet))(A)
    np.testing.assert_allclose(g, np.swapaxes(np.linalg.inv(A), -1, -2), rtol=1e-12)


def test_gradient_of_det_is_det_times_inverse_transpose() -> None:
    g = grad(lambda a: np.sum(np.linalg.det(a)))(A)
    expected = np.linalg.det(A)[:, None, None] * np.swapaxes(np.linalg.inv(A), -1, -2)
    np.testing.assert_allclose(g, expected, rtol=1e-12)


def test_gradient_of_trace_of_inverse() -> None:
    # d tr(A^-1) = -tr(A^-1 dA A^-1): the gradient is -(A^-2)^T.
    g = grad(lambda a: np.sum(np.trace(np.linalg.inv(a), axis1=-2, axis2=-1)))(A)
    inv = np.linalg.inv(A)
    np.testing.assert_allclose(g, -np.swapaxes(inv @ inv, -1, -2), rtol=1e-12)


def test_hessian_of_log_det_is_minus_kronecker_of_inverses() -> None:
    a = A[0]
    h = hessian(lambda a: np.linalg.slogdet(a)[1])(a)
    inv = np.linalg.inv(a)
    # d^2 log det: -tr(A^-1 dA A^-1 dB) -> H[i,j,k,l] = -inv[l,i] inv[j,k]
    np.testing.assert_allclose(h, -np.einsum("li,jk->ijkl", inv, inv), rtol=1e-10, atol=1e-12)


def test_gradient_of_solve_quadratic_form() -> None:
    b = RNG.standard_normal(3)
    a = A[0]
    ga, gb = grad(lambda a, b: b @ np.linalg.solve(a, b), argnums=(0, 1))(a, b)
    x, y = np.linalg.solve(a, b), np.linalg.solve(a.T, b)
    np.testing.assert_allclose(ga, -np.outer(y, x), rtol=1e-12)
    np.testing.assert_allclose(gb, x + y, rtol=1e-12)


def test_eigenvalue_gradients_are_outer_products_of_eigenvectors() -> None:
    _, v = np.linalg.eigh(SPD)
    g = grad(lambda a: np.sum(np.linalg.eigvalsh(a)[..., -1]))(SPD)
    top = v[..., :, -1]
    expected = top[..., :, None] * top[..., None, :]
    # The lower triangle is read: off-diagonal entries count twice, the upper triangle never.
    np.testing.assert_allclose(g, np.tril(2 * expected) - expected * np.eye(3), atol=1e-12)


def test_eigenvalues_of_general_matrices_closed_forms() -> None:
    # sum w = tr A, sum w^2 = tr A^2, prod w = det A, for complex-conjugate pairs too.
    a = np.array([[1.0, 2.0, 0.5], [-2.0, 1.0, 0.0], [0.3, 0.0, -1.0]])
    assert np.iscomplexobj(np.linalg.eigvals(a))
    for fun, expected in (
        (lambda w: np.sum(w), np.eye(3)),
        (lambda w: np.sum(w**2), 2 * a.T),
        (lambda w: np.prod(w), np.linalg.det(a) * np.linalg.inv(a).T),
    ):
        g = grad(lambda a, fun=fun: np.real(fun(np.linalg.eigvals(a))))(a)
        assert g.dtype == np.float64
        np.testing.assert_allclose(g, expected, atol=1e-12)


def test_symmetric_inputs_give_the_symmetric_gradient() -> None:
    # Through A = X X^T the one-triangle convention and the symmetric one agree.
    x = A[0]
    for fun in (
        lambda a: np.sum(np.linalg.cholesky(a) ** 3),
        lambda a: np.sum(np.linalg.eigvalsh(a) ** 3),
        lambda a: np.sum(np.linalg.eigh(a)[1] ** 4),
    ):
        g = grad(lambda x, fun=fun: fun(x @ x.T))(x)
        g_upper = grad(lambda x, fun=fun: fun(np.triu(x @ x.T) + np.triu(x @ x.T, 1).T))(x)
        np.testing.assert_allclose(g, g_upper, rtol=1e-10)
        check_grad(lambda x, fun=fun: fun(x @ x.T), x, order=2)


def test_nuclear_norm_gradient_is_u_vt() -> None:
    x = RNG.standard_normal((4, 3))
    u, _, vh = np.linalg.svd(x, full_matrices=False)
    np.testing.assert_allclose(grad(lambda x: np.linalg.norm(x, "nuc"))(x), u @ vh, atol=1e-12)


def test_pinv_of_full_rank_matches_normal_equations() -> None:
    x = RNG.standard_normal((4, 2))
    via_pinv = jacobian(np.linalg.pinv)(x)
    via_solve = jacobian(lambda x: np.linalg.solve(x.T @ x, x.T))(x)
    np.testing.assert_allclose(via_pinv, via_solve, rtol=1e-9, atol=1e-12)


def test_lstsq_residuals_gradient() -> None:
    a, b = RNG.standard_normal((5, 2)), RNG.standard_normal(5)
    g = grad(lambda b: np.linalg.lstsq(a, b)[1][0])(b)
    # The residual is |(I - P) b|^2 with P the projector on range(a): gradient 2 (I - P) b.
    np.testing.assert_allclose(g, 2 * (b - a @ np.linalg.pinv(a) @ b), atol=1e-12)


def test_matrix_power_matches_repeated_products() -> None:
    a = A[0] / 3
    for n in (-2, 0, 1, 4):
        got = jacobian(lambda a, n=n: np.linalg.matrix_power(a, n))(a)
        expected = jacobian(lambda a, n=n: _power_by_products(a, n))(a)
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


def _power_by_products(a, n):
    base = a if n >= 0 else np.linalg.inv(a)
    out = np.eye(3) + 0 * a
    for _ in range(abs(n)):
        out = out @ base
    return out


# --- gauge invariance -----------------------------------------------------------------------------
def test_gauge_invariant_functions_of_eigenvectors() -> None:
    # The projectors v_i v_i^T do not depend on the signs of the eigenvectors; they are also
    # prod_{j != i} (A - w_j I) / (w_i - w_j), built from eigenvalues alone: same gradient.
    weights = RNG.standard_normal((3, 3))
    a = _sym(RNG.standard_normal((3, 3)))

    def through_vectors(a):
        _, v = np.linalg.eigh(a)
        return np.sum(weights * v**2)

    def through_values(a):
        w = np.linalg.eigvalsh(a)
        total = 0.0
        for i in range(3):
            proj = np.eye(3)
            for j in range(3):
                if j != i:
                    proj = proj @ (a - w[j] * np.eye(3)) / (w[i] - w[j])
            total = total + weights[:, i] @ np.diagonal(proj)
        return total

    assert np.isclose(through_vectors(a), through_values(a))
    # eigh reads one triangle, the product formula all of a: compare on symmetric directions.
    np.testing.assert_allclose(
        _sym(grad(through_vectors)(a)), grad(lambda a: through_values(_sym(a)))(a), atol=1e-10
    )
    check_grad(through_vectors, a, order=2)


def test_gauge_invariant_functions_of_singular_vectors() -> None:
    x = RNG.standard_normal((4, 3))

    def fun(x):
        u, s, vh = np.linalg.svd(x, full_matrices=False)
        return np.sum((u * s) @ vh[:, :1]) ** 2 + np.sum(u**2 * np.arange(3.0))

    check_grad(fun, x, order=2)


def test_reconstruction_from_a_decomposition_has_the_identity_gradient() -> None:
    x = RNG.standard_normal((2, 4, 3))
    w = RNG.standard_normal(x.shape)
    for rebuild in (
        lambda x: (lambda u, s, vh: (u * s[..., None, :]) @ vh)(*np.linalg.svd(x, False)),
        lambda x: np.matmul(*np.linalg.qr(x)),
    ):
        np.testing.assert_allclose(grad(lambda x, r=rebuild: np.sum(w * r(x)))(x), w, atol=1e-12)


# --- where the derivative does not exist ----------------------------------------------------------
def test_eigenvalues_alone_are_differentiable_at_repeated_eigenvalues() -> None:
    a = np.diag([1.0, 1.0, 2.0])
    for fun in (lambda a: np.sum(np.linalg.eigvalsh(a) ** 2),
                lambda a: np.sum(np.linalg.eigh(a).eigenvalues ** 2)):  # fmt: skip
        np.testing.assert_allclose(grad(fun)(a), np.diag([2.0, 2.0, 4.0]), atol=1e-12)


def test_eigenvectors_at_repeated_eigenvalues_are_refused() -> None:
    with pytest.raises(NotDifferentiableError, match=r"eigh.*repeated eigenvalues"):
        grad(lambda a: np.sum(np.linalg.eigh(a).eigenvectors ** 3))(np.eye(3))
    with pytest.raises(NotDifferentiableError, match=r"svd.*repeated singular values"):
        grad(lambda a: np.sum(np.linalg.svd(a)[0] ** 3))(np.eye(2))
    with pytest.raises(NotDifferentiableError, match=r"eig .*repeated eigenvalues"):
        grad(lambda a: np.real(np.sum(np.linalg.eig(a).eigenvectors ** 3)))(np.eye(3))
    with pytest.raises(NotDifferentiableError, match="defective"):
        grad(lambda a: np.real(np.sum(np.linalg.eigvals(a) ** 2)))(np.array([[1.0, 1], [0, 1]]))
    with pytest.raises(NotDifferentiableError, match="rank-deficient"):
        grad(lambda a: np.sum(np.linalg.svd(a, False)[0] ** 3))(np.array([[1.0], [0.0]]) * 0)


@pytest.mark.parametrize(
    ("fun", "match"),
    [
        (lambda a: np.linalg.svd(a[:, :2])[0], "full_matrices=False"),
        (lambda a: np.linalg.svd(a, hermitian=True)[1], "hermitian=True"),
        (lambda a: np.linalg.pinv(a, hermitian=True), "hermitian=True"),
        (lambda a: np.linalg.qr(a[:, :2], mode="complete")[0], "mode='reduced'"),
        (lambda a: np.linalg.qr(a, mode="raw")[0], "'raw'"),
        (lambda a: sla.solve_triangular(a + 0j, a[:, 0], trans=1), "real matrices only"),
    ],
    ids=[
        "svd-full",
        "svd-hermitian",
        "pinv-hermitian",
        "qr-complete",
        "qr-raw",
        "scipy-solve_triangular-complex",
    ],
)
def test_refusals_name_the_function_and_the_way_out(fun, match) -> None:
    with pytest.raises(NotDifferentiableError, match=match):
        grad(lambda a: np.sum(np.real(fun(a))))(SPD[0])


def test_pinv_and_lstsq_refuse_the_matrix_gradient_at_deficient_rank() -> None:
    a, b = np.array([[1.0, 2.0], [2.0, 4.0], [0.0, 0.0]]), np.array([1.0, 2.0, 3.0])
    for fun in (lambda a: np.linalg.pinv(a), lambda a: np.linalg.lstsq(a, b)[0]):
        with pytest.raises(NotDifferentiableError, match="full rank"):
            grad(lambda a, fun=fun: np.sum(fun(a)))(a)
    # With respect to b the solution is linear, hence differentiable at any rank.
    g = grad(lambda b: np.sum(np.linalg.lstsq(a, b)[0]))(b)
    np.testing.assert_allclose(g, np.linalg.pinv(a).T @ np.ones(2), atol=1e-12)


def test_two_norm_at_zero_has_the_zero_subgradient() -> None:
    np.testing.assert_array_equal(grad(np.linalg.norm)(np.zeros(3)), 0)
    x = np.array([[0.0, 0.0], [3.0, 4.0]])
    g = grad(lambda x: np.sum(np.linalg.norm(x, axis=1)))(x)
    np.testing.assert_allclose(g, [[0, 0], [0.6, 0.8]])
    h = hessian(np.linalg.norm)(np.array([3.0, 4.0]))
    np.testing.assert_allclose(h, (np.eye(2) - np.outer([0.6, 0.8], [0.6, 0.8])) / 5)


def test_constant_results_carry_no_gradient() -> None:
    x = np.array([0.0, 2.0, -3.0])
    np.testing.assert_array_equal(grad(lambda x: np.linalg.norm(x, 0) * np.sum(x))(x), 2.0)
    g = grad(lambda a: np.linalg.matrix_rank(a) * np.sum(a))(A[0])
    np.testing.assert_array_equal(g, np.full((3, 3), 3.0))
    np.testing.assert_array_equal(grad(lambda a: np.sum(np.linalg.matrix_power(a, 0)))(A[0]), 0)


def test_results_keep_numpy_types_and_dtypes() -> None:
    def fun(a):
        assert type(np.linalg.eigh(a)).__name__ == "EighResult"
        assert type(np.linalg.svd(a)).__name__ == "SVDResult"
        assert type(np.linalg.qr(a)).__name__ == "QRResult"
        assert type(np.linalg.slogdet(a)).__name__ == "SlogdetResult"
        return np.sum(np.linalg.inv(a))

    g = grad(fun)(SPD[0].astype(np.float32))
    assert g.dtype == np.float32


# --- complex matrices -----------------------------------------------------------------------------
def _complex(*shape: int) -> np.ndarray:
    return RNG.standard_normal(shape) + 1j * RNG.standard_normal(shape)


HOLOMORPHIC = {
    "inv": (np.linalg.inv, (_complex(2, 3, 3) + 3 * np.eye(3),)),
    "solve": (np.linalg.solve, (_complex(2, 3, 3) + 3 * np.eye(3), _complex(3, 2))),
    "det": (np.linalg.det, (_complex(2, 3, 3),)),
    "matrix_power": (lambda a: np.linalg.matrix_power(a, -2), (_complex(3, 3) + 3 * np.eye(3),)),
    "multi_dot": (lambda *m: np.linalg.multi_dot(m), (_complex(3), _complex(3, 2), _complex(2))),
    "tensorsolve": (
        np.linalg.tensorsolve,
        (_complex(2, 2, 4) + 3 * np.eye(4).reshape(2, 2, 4), _complex(2, 2)),
    ),
    "norms": (lambda x: np.linalg.norm(x) + np.linalg.norm(x, 1, axis=0), (_complex(3, 2),)),
    "vecdot": (lambda x, y: np.linalg.vecdot(x, y), (_complex(2, 3), _complex(3))),
    "eigvals": (np.linalg.eigvals, (_complex(2, 3, 3),)),
    "eig": (lambda a: tuple(np.linalg.eig(a)), (_complex(2, 3, 3),)),
    "expm": (sla.expm, (_complex(2, 3, 3) / 2,)),
    "sqrtm": (sla.sqrtm, (_complex(3, 3) / 4 + 2 * np.eye(3),)),
    "logm": (sla.logm, (_complex(2, 2) / 4 + 2 * np.eye(2),)),
}


@pytest.mark.parametrize("name", sorted(HOLOMORPHIC))
def test_complex_matrices_follow_the_transpose_convention(name: str) -> None:
    fun, args = HOLOMORPHIC[name]
    check_grad(fun, *args, order=2)


def test_complex_gradient_of_a_real_function_of_the_inverse() -> None:
    # f = |s|^2 with s = sum(inv(A)) holomorphic, ds = sum(D * dA): grad f = 2 conj(s) D
    # (df/dx - i df/dy, the convention that makes grad |z|^2 = 2 conj(z)).
    a = HOLOMORPHIC["inv"][1][0][0]
    inv = np.linalg.inv(a)
    d = -(inv @ np.ones((3, 3)) @ inv).T
    expected = 2 * np.conj(np.sum(inv)) * d
    np.testing.assert_allclose(grad(lambda a: np.abs(np.sum(np.linalg.inv(a))) ** 2)(a), expected)


# --- scipy.linalg ---------------------------------------------------------------------------------
SCIPY_CASES = {
    "solve_triangular": (
        lambda a, b: sla.solve_triangular(a, b, trans=1, lower=True),
        lambda a, b: scipy.linalg.solve_triangular(a, b, trans=1, lower=True),
        (A, RNG.standard_normal((2, 3, 2))),
    ),
    "cholesky": (sla.cholesky, scipy.linalg.cholesky, (SPD,)),
    "cho_factor": (
        lambda a: sla.cho_factor(a, True)[0],
        lambda a: scipy.linalg.cho_factor(a, True)[0],
        (SPD,),
    ),
    "cho_solve": (
        lambda a, b: sla.cho_solve(sla.cho_factor(a), b),
        lambda a, b: scipy.linalg.cho_solve(scipy.linalg.cho_factor(a), b),
        (SPD, RNG.standard_normal((2, 3, 2))),
    ),
    "lu_factor": (lambda a: sla.lu_factor(a)[0], lambda a: scipy.linalg.lu_factor(a)[0], (A,)),
    "lu_solve": (
        lambda a, b: sla.lu_solve(sla.lu_factor(a), b, trans=1),
        lambda a, b: scipy.linalg.lu_solve(scipy.linalg.lu_factor(a), b, trans=1),
        (RNG.standard_normal((3, 3)), RNG.standard_normal(3)),
    ),
    "expm": (sla.expm, scipy.linalg.expm, (A / 3,)),
    "logm": (sla.logm, scipy.linalg.logm, (SPD[0] + 0.1 * A[0],)),
    "sqrtm": (sla.sqrtm, scipy.linalg.sqrtm, (SPD,)),
    "inv": (sla.inv, scipy.linalg.inv, (A,)),
    "solve": (
        lambda a, b: sla.solve(a, b, transposed=True),
        lambda a, b: scipy.linalg.solve(a, b, transposed=True),
        (A, RNG.standard_normal(3)),
    ),
    "det": (sla.det, scipy.linalg.det, (A,)),
    "eigh": (
        lambda a: sla.eigh(a, lower=False)[0],
        lambda a: scipy.linalg.eigh(a, lower=False)[0],
        (SPD[0],),
    ),
    "svd": (lambda a: sla.svd(a)[1], lambda a: scipy.linalg.svd(a)[1], (A[0],)),
    "qr": (
        lambda a: np.abs(sla.qr(a, mode="r")[0]),
        lambda a: np.abs(scipy.linalg.qr(a, mode="r")[0]),
        (A[0, :, :2],),
    ),
}


@pytest.mark.parametrize("name", sorted(SCIPY_CASES))
def test_scipy_versions_give_scipys_values(name: str) -> None:
    ours, theirs, args = SCIPY_CASES[name]
    np.testing.assert_allclose(ours(*args), theirs(*args), rtol=1e-10, atol=1e-12)
    check_grad(ours, *args)


def test_expm_gradient_of_trace_is_expm_transpose() -> None:
    # d tr(expm(A)) = tr(expm(A) dA)
    a = A[0] / 3
    g = grad(lambda a: np.trace(sla.expm(a)))(a)
    np.testing.assert_allclose(g, scipy.linalg.expm(a).T, rtol=1e-12)


def test_logm_inverts_expm_derivatives() -> None:
    a = A[0] / 5
    np.testing.assert_allclose(
        jacobian(lambda a: sla.logm(sla.expm(a)))(a), np.eye(9).reshape(3, 3, 3, 3), atol=1e-9
    )


@pytest.mark.parametrize(
    ("fun", "match"),
    [
        (lambda a: sla.inv(a, assume_a="pos"), "assume_a='pos'"),
        (lambda a: sla.solve(a, a, assume_a="sym"), "assume_a='sym'"),
        (lambda a: sla.svd(a[:, :2])[0], "full_matrices=True"),
        (lambda a: sla.qr(a[:, :2])[0], "mode='full'"),
        (lambda a: sla.qr(a, pivoting=True)[0], "pivoting=True"),
        (lambda a: sla.eigh(a, np.eye(3))[0], "b="),
        (lambda a: sla.sqrtm(-a), "complex"),
    ],
    ids=["inv-pos", "solve-sym", "svd-full", "qr-full", "qr-pivoting", "eigh-b", "sqrtm-negative"],
)
def test_scipy_refusals(fun, match) -> None:
    with pytest.raises(NotDifferentiableError, match=match):
        grad(lambda a: np.sum(np.real(fun(a))))(SPD[0])


def test_scipy_versions_check_finite_like_scipy() -> None:
    with pytest.raises(ValueError, match="infs or NaNs"):
        sla.cholesky(np.full((2, 2), np.nan))
