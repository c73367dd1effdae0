"""Derivative rules of numpy.linalg (stacked-matrix aware).

Every rule works on stacks of matrices (leading batch dimensions) and keeps the dtype. The
factorizations (inverse, solve, determinant, Cholesky, symmetric eigendecomposition, SVD, QR,
pseudo-inverse, least squares) are primitives with the standard matrix-calculus vjps (Giles
2008; Murray 2016 for Cholesky; Townsend 2016 for the SVD; Walter & Lehmann 2018 for QR).
Their vjps are written with NumPy functions descend differentiates, so every order works.
Norms, powers, chained products and the tensor forms are composed from those primitives in
`descend.autodiff.rules.linalg_composites`.

Functions that read one triangle of a symmetric matrix (``cholesky``, ``eigh``,
``eigvalsh``) get the gradient of exactly that: the other triangle gets zero, as finite
differences of NumPy's own function say. For a symmetric perturbation (``A = X @ X.T``) this
is the same derivative that JAX and PyTorch give.

Every rule follows the complex convention of the engine (the vjp is the transpose, without
conjugation, of the R-linear derivative). Holomorphic maps (inv, solve, det, matrix_power,
multi_dot, tensorinv, tensorsolve) need nothing more; the factorizations of complex matrices
branch on the dtype where their derivatives have conjugate transposes (Hermitian ``eigh``,
``eigvalsh`` and ``cholesky``, ``svd``, ``qr``, ``pinv``, ``lstsq``, ``slogdet``'s sign), so
real input runs exactly the real code. Functions of complex eigen- or singular vectors that
depend on the vectors' arbitrary phases are refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.linalg
from numpy.linalg._linalg import EighResult, EigResult, QRResult, SlogdetResult, SVDResult

from descend.autodiff.core import Rule
from descend.autodiff.errors import NotDifferentiableError
from descend.autodiff.registry import implements
from descend.autodiff.rules.products import mT
from descend.autodiff.tape import unbroadcast
from descend.autodiff.tracer import Primitive, bind, is_complex, unbox_all

__all__ = ["primitive", "real_only", "solve_triangular_stacked", "unpack"]

la = np.linalg


# --- helpers --------------------------------------------------------------------------------------


def _eye_like(x: Any) -> np.ndarray:
    """The identity of the trailing (square) matrix size of ``x``, in ``x``'s dtype."""
    return np.eye(x.shape[-1], dtype=x.dtype)


def real_only(name: str, *arrays: Any) -> None:
    """Refuse complex input to a rule whose derivative is written for real matrices only.

    Examples
    --------
    >>> real_only("cholesky", np.eye(2))
    >>> try:
    ...     real_only("cholesky", np.eye(2) + 0j)
    ... except NotDifferentiableError as e:
    ...     print(str(e)[:62])
    descend differentiates numpy.linalg.cholesky for real matrices
    """
    for a in arrays:
        dtype = a.dtype if hasattr(a, "dtype") else np.result_type(a)
        if dtype.kind == "c":
            raise NotDifferentiableError(
                f"descend differentiates numpy.linalg.{name} for real matrices only: with "
                "complex input its derivative needs conjugate-transpose terms descend does not "
                "implement. Split the matrix into real and imaginary parts, or use a real "
                "formulation."
            )


def _read_triangle(abar: Any, lower: bool) -> Any:
    """The gradient of a function of a symmetric matrix that reads only one triangle of it.

    ``abar`` is the cotangent as if every entry were free (symmetric perturbations only are
    meaningful). The entry (i, j) of the read triangle stands for both (i, j) and (j, i).
    A complex (Hermitian) matrix is read as LAPACK does: (j, i) is the conjugate of (i, j)
    and the imaginary part of the diagonal is ignored, so the diagonal cotangent is real.
    """
    if is_complex(abar):
        both = abar + np.conj(mT(abar))
        half = np.tril(both) if lower else np.triu(both)
        return half - 0.5 * both * _eye_like(abar)
    both = abar + mT(abar)
    half = np.tril(both) if lower else np.triu(both)
    return half - abar * _eye_like(abar)


def _real_part(x: Any) -> Any:
    """A real result (eigen- or singular values) unpacked from a complex `_pack`, made real."""
    return np.real(x) if is_complex(x) else x


def _pack(parts: Sequence[Any], batch_ndim: int) -> Any:
    """Several results of one factorization as a single array (one primitive, one cotangent)."""
    batch = tuple(parts[0].shape[:batch_ndim])
    return np.concatenate([np.reshape(p, (*batch, -1)) for p in parts], axis=-1)


def unpack(x: Any, shapes: Sequence[tuple[int, ...]]) -> list[Any]:
    """Split the last axis of ``x`` into arrays of trailing ``shapes`` (undoes `_pack`).

    Examples
    --------
    >>> [p.shape for p in unpack(np.zeros((5, 6)), [(2,), (2, 2)])]
    [(5, 2), (5, 2, 2)]
    """
    out, start = [], 0
    for shape in shapes:
        size = int(np.prod(shape, dtype=np.int64))
        out.append(np.reshape(x[..., start : start + size], tuple(x.shape[:-1]) + tuple(shape)))
        start += size
    return out


def _is_zero(x: Any) -> bool:
    return not np.any(unbox_all(x))


def _gap_check(name: str, values: Any, what: str) -> None:
    """Refuse the eigenvector/singular-vector derivative where it does not exist."""
    v = unbox_all(values)
    n = v.shape[-1]
    distance = np.abs(v[..., :, None] - v[..., None, :]) + np.where(
        np.eye(n, dtype=bool), np.inf, 0
    )
    scale = np.max(np.abs(v), axis=-1, initial=1.0)
    if np.any(
        np.min(distance, axis=(-2, -1), initial=np.inf) <= 100 * np.finfo(v.dtype).eps * scale
    ):
        raise NotDifferentiableError(
            f"descend cannot differentiate the {what} of numpy.linalg.{name} here: the matrix "
            f"has repeated {'singular values' if name == 'svd' else 'eigenvalues'}, where "
            f"the {what} are not unique and have no derivative. Use the values alone "
            "(np.linalg.eigvalsh / svdvals), or a function invariant to the choice of basis."
        )


def primitive(impl: Any, vjps: Sequence[Any], name: str) -> Rule:
    """The rule of a function NumPy cannot dispatch to descend (a SciPy routine).

    Its ``fun`` is a `Primitive`, so that when the rule runs on values of an outer trace
    (nested differentiation) it is recorded there too instead of meeting ``np.asarray``.

    Examples
    --------
    >>> import descend
    >>> cube = primitive(lambda x: x**3, (lambda g, ans, x: 3 * g * x**2,), "cube")
    >>> float(descend.grad(descend.grad(lambda x: bind(cube, (x,))))(2.0))
    12.0
    """
    fun = Primitive(impl, name)
    fun.rule = Rule(fun, vjps, name=name)
    return fun.rule


# --- triangular solve -----------------------------------------------------------------------------
def _tri(x: Any, lower: bool, unit: bool) -> Any:
    return np.tril(x, -int(unit)) if lower else np.triu(x, int(unit))


def _tsolve_vjp_b(g: Any, ans: Any, a: Any, b: Any, lower: bool, unit: bool) -> Any:
    return unbroadcast(solve_triangular_stacked(mT(a), g, not lower, unit), b.shape)


def _tsolve_vjp_a(g: Any, ans: Any, a: Any, b: Any, lower: bool, unit: bool) -> Any:
    gb = solve_triangular_stacked(mT(a), g, not lower, unit)
    return unbroadcast(-_tri(np.matmul(gb, mT(ans)), lower, unit), a.shape)


def _triangular_solve(a: np.ndarray, b: np.ndarray, lower: bool, unit: bool) -> np.ndarray:
    # LAPACK's trtrs per matrix: scipy.linalg.solve_triangular's batch wrapper and input
    # checks cost a hundred times the solve on the small matrices rules work with.
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    a = np.broadcast_to(a, batch + a.shape[-2:])
    b = np.broadcast_to(b, batch + b.shape[-2:])
    trtrs = scipy.linalg.get_lapack_funcs("trtrs", (a, b))
    out = np.empty(b.shape, dtype=trtrs.dtype)
    for index in np.ndindex(batch):
        out[index], info = trtrs(a[index], b[index], lower=lower, unitdiag=unit)
        if info > 0:
            raise la.LinAlgError("Singular matrix: a zero on the diagonal of a triangular solve")
    return out


TRIANGULAR_SOLVE = primitive(_triangular_solve, (_tsolve_vjp_a, _tsolve_vjp_b), "solve_triangular")


def solve_triangular_stacked(a: Any, b: Any, lower: bool, unit: bool = False) -> Any:
    """``x`` with ``tri(a) @ x == b`` for stacks of matrices ``a`` (..., n, n), ``b`` (..., n, k).

    Only the ``lower`` (or upper) triangle of ``a`` is read, and with ``unit`` its diagonal is
    taken to be ones. Differentiable in ``a`` and ``b`` to any order.

    Examples
    --------
    >>> solve_triangular_stacked(np.array([[2.0, 9.0], [1.0, 4.0]]), np.ones((2, 1)), True)
    array([[0.5  ],
           [0.125]])
    """
    return bind(TRIANGULAR_SOLVE, (a, b, bool(lower), bool(unit)))


# --- inverse, solve, determinants -----------------------------------------------------------------
INV = Rule(la.inv, (lambda g, ans, a: -mT(ans) @ g @ mT(ans),), name="numpy.linalg.inv")
implements(la.inv)(lambda a: bind(INV, (a,)))


def _solve_vjp_b(g: Any, ans: Any, a: Any, b: Any) -> Any:
    if b.ndim == 1:
        return unbroadcast(la.solve(mT(a), g[..., None])[..., 0], b.shape)
    return unbroadcast(la.solve(mT(a), g), b.shape)


def _solve_vjp_a(g: Any, ans: Any, a: Any, b: Any) -> Any:
    if b.ndim == 1:
        gb = la.solve(mT(a), g[..., None])
        return unbroadcast(-gb * ans[..., None, :], a.shape)
    return unbroadcast(-la.solve(mT(a), g) @ mT(ans), a.shape)


SOLVE = Rule(la.solve, (_solve_vjp_a, _solve_vjp_b), name="numpy.linalg.solve")
implements(la.solve)(lambda a, b: bind(SOLVE, (a, b)))

DET = Rule(
    la.det,
    (lambda g, ans, a: (g * ans)[..., None, None] * mT(la.inv(a)),),
    name="numpy.linalg.det",
)
implements(la.det)(lambda a: bind(DET, (a,)))

LOGABSDET = Rule(
    lambda a: la.slogdet(a).logabsdet,
    (lambda g, ans, a: g[..., None, None] * mT(la.inv(a)),),
    name="numpy.linalg.slogdet",
)


# The sign of a complex determinant is a phase: d sign = 1j * sign * Im(tr(A^-1 dA)).
SLOGDET_SIGN = Rule(
    lambda a: la.slogdet(a).sign,
    (lambda g, ans, a: 1j * np.imag(g * ans)[..., None, None] * mT(la.inv(a)),),
    name="numpy.linalg.slogdet",
)


@implements(la.slogdet)
def slogdet(a: Any) -> Any:
    # d log|det A| = Re(tr(A^-1 dA)): with a real cotangent the vjp is the real one.
    logabsdet = bind(LOGABSDET, (a,))
    if is_complex(a):
        return SlogdetResult(bind(SLOGDET_SIGN, (a,)), logabsdet)
    # The sign of a real determinant is locally constant: no gradient flows through it.
    return SlogdetResult(la.slogdet(unbox_all(a)).sign, logabsdet)


# --- Cholesky -------------------------------------------------------------------------------------
def _cholesky_vjp(g: Any, ans: Any, a: Any, upper: bool) -> Any:
    low, g_low = (mT(ans), mT(g)) if upper else (ans, g)
    if upper and is_complex(ans):  # U = L^H
        low, g_low = np.conj(low), np.conj(g_low)
    m = mT(low) @ g_low
    phi = np.tril(m) - 0.5 * m * _eye_like(m)
    # S = L^-T phi L^-1 (L^-T phi conj(L)^-1 for complex A = L L^H), by two triangular solves.
    x = solve_triangular_stacked(mT(low), phi, lower=False)
    right = np.conj(low) if is_complex(low) else low
    s = mT(solve_triangular_stacked(mT(right), mT(x), lower=False))
    return _read_triangle(s, lower=not upper)


CHOLESKY = Rule(
    lambda a, upper: la.cholesky(a, upper=upper), (_cholesky_vjp,), name="numpy.linalg.cholesky"
)


@implements(la.cholesky)
def cholesky(a: Any, /, *, upper: bool = False) -> Any:
    return bind(CHOLESKY, (a, bool(upper)))


# --- symmetric eigendecomposition -----------------------------------------------------------------
def _eigh_vjp(g: Any, ans: Any, a: Any, uplo: str) -> Any:
    n = a.shape[-1]
    w, v = unpack(ans, [(n,), (n, n)])
    gw, gv = unpack(g, [(n,), (n, n)])
    w, gw = _real_part(w), _real_part(gw)
    eye = _eye_like(w)
    inner = eye * gw[..., None, :]
    if not _is_zero(gv):
        _gap_check("eigh", w, "eigenvectors")
        f = 1 / (w[..., None, :] - w[..., :, None] + eye) - eye
        vtgv = mT(v) @ gv
        if is_complex(v):
            _gauge_check("eigh", v, vtgv)
        inner = inner + f * vtgv
    # dw = diag(C), dV = V (F * C) with C = V^H dA V: the cotangent is conj(V) inner V^T.
    left = np.conj(v) if is_complex(v) else v
    return _read_triangle(left @ inner @ mT(v), lower=uplo.upper() == "L")


def _gauge_check(name: str, vectors: Any, *parts: Any) -> None:
    """Refuse a cotangent of complex eigen- or singular vectors that depends on their phases.

    Turning vector k (for ``svd`` the pair u_k, v_k) by ``exp(1j t)`` changes the loss at the
    rate ``Im(sum(parts)[k, k])`` (up to sign); a function of the vectors has a derivative only
    where every such rate is zero (to the rounding of ``vectors``, against each part's size).
    """
    values = [unbox_all(part) for part in parts]
    rate = np.abs(np.imag(np.diagonal(sum(values), axis1=-2, axis2=-1)))
    scale = sum(np.max(np.abs(m), axis=(-2, -1), initial=0.0) for m in values)
    if np.any(rate > np.sqrt(np.finfo(vectors.dtype).eps) * scale[..., None]):
        vectors = "singular vectors" if name == "svd" else "eigenvectors"
        raise NotDifferentiableError(
            f"descend cannot differentiate this function of the {vectors} of a complex "
            f"numpy.linalg.{name}: it depends on their phases, which are arbitrary (v and "
            "exp(1j t) v are as good). Use a function invariant to those phases, such as "
            "abs(v)**2, the projectors v v^H, or reconstructions like U diag(f(s)) V^H, and "
            f"call numpy.linalg.{name} once: each call must be invariant on its own."
        )


EIGH = Rule(
    lambda a, uplo: _pack(la.eigh(a, uplo), a.ndim - 2), (_eigh_vjp,), name="numpy.linalg.eigh"
)


@implements(la.eigh)
def eigh(a: Any, UPLO: str = "L") -> Any:
    n = np.shape(a)[-1]
    w, v = unpack(bind(EIGH, (a, UPLO)), [(n,), (n, n)])
    w = _real_part(w)
    return EighResult(w, v)


def _eigvalsh_vjp(g: Any, ans: Any, a: Any, uplo: str) -> Any:
    v = la.eigh(a, uplo).eigenvectors  # type: ignore[call-overload]
    left = np.conj(v) if is_complex(v) else v
    return _read_triangle((left * g[..., None, :]) @ mT(v), lower=uplo.upper() == "L")


EIGVALSH = Rule(la.eigvalsh, (_eigvalsh_vjp,), name="numpy.linalg.eigvalsh")


@implements(la.eigvalsh)
def eigvalsh(a: Any, UPLO: str = "L") -> Any:
    return bind(EIGVALSH, (a, UPLO))


# --- general eigendecomposition -------------------------------------------------------------------
def _eig_cotangent(a: Any, w: Any, v: Any, gw: Any, gv: Any) -> Any:
    """``V^-T (diag(gw) + F * (V^T gv)) V^T`` with ``F[i, j] = 1 / (w[j] - w[i])``.

    The eigenvector term is for the tangent ``dV = V (F * (V^-1 dA V))``, the one with no
    component along each eigenvector itself; `_eig_vjp` adds what NumPy's normalization
    changes. A real matrix's cotangent is the real part (its eigenvalues may be complex).
    """
    v_ = unbox_all(v)
    condition = np.max(la.cond(v_)) if v_.size else 1.0
    if not condition < 1 / np.sqrt(np.finfo(v_.dtype).eps):
        raise NotDifferentiableError(
            "descend cannot differentiate numpy.linalg.eig/eigvals here: the matrix is (nearly) "
            f"defective, its eigenvectors (nearly) dependent (condition number {condition:.2g}), "
            "and there its eigenvalues move like a root of the perturbation. Symmetric "
            "functions of the eigenvalues have other formulas: np.trace(a), "
            "np.linalg.det(a), np.trace(np.linalg.matrix_power(a, k))."
        )
    eye = _eye_like(v)
    inner = eye * gw[..., None, :]
    if gv is not None:
        _gap_check("eig", w, "eigenvectors")
        f = 1 / (w[..., None, :] - w[..., :, None] + eye) - eye
        inner = inner + f * (mT(v) @ gv)
    out = la.solve(mT(v), inner @ mT(v))
    return np.real(out) if a.dtype.kind != "c" else out


def _eig_shapes(a: Any) -> list[tuple[int, ...]]:
    n = a.shape[-1]
    return [(n,), (n, n)]


def _eig_vjp(g: Any, ans: Any, a: Any) -> Any:
    w, v = unpack(ans, _eig_shapes(a))
    gw, gv = unpack(g, _eig_shapes(a))
    if _is_zero(gv):
        return _eig_cotangent(a, w, v, gw, None)
    # LAPACK scales each eigenvector v to unit norm with its largest component v[k] real:
    # dv = dv0 + v (alpha + i beta), alpha = -Re(v^H dv0), beta = -Im(dv0[k]) / v[k].
    # The transpose of that correction, in the pairing Re(sum(g * t)) of descend's convention:
    s = np.sum(gv * v, axis=-2)
    gv = gv - np.real(s)[..., None, :] * np.conj(v)
    if v.dtype.kind == "c":
        k = np.argmax(np.abs(unbox_all(v)), axis=-2)
        pivot = np.real(np.take_along_axis(v, k[..., None, :], axis=-2))
        at_pivot = np.arange(v.shape[-2])[:, None] == k[..., None, :]
        gv = gv - 1j * at_pivot * (np.imag(s)[..., None, :] / pivot)
    return _eig_cotangent(a, w, v, gw, gv)


EIG = Rule(lambda a: _pack(la.eig(a), a.ndim - 2), (_eig_vjp,), name="numpy.linalg.eig")


@implements(la.eig)
def eig(a: Any) -> Any:
    w, v = unpack(bind(EIG, (a,)), _eig_shapes(a))
    return EigResult(w, v)


def _eigvals_vjp(g: Any, ans: Any, a: Any) -> Any:
    w, v = la.eig(a)
    return _eig_cotangent(a, w, v, g, None)


EIGVALS = Rule(la.eigvals, (_eigvals_vjp,), name="numpy.linalg.eigvals")
implements(la.eigvals)(lambda a: bind(EIGVALS, (a,)))


# --- singular value decomposition -----------------------------------------------------------------
def _svd_shapes(a: Any) -> list[tuple[int, ...]]:
    m, n = a.shape[-2:]
    k = min(m, n)
    return [(m, k), (k,), (k, n)]


def _svd_vjp(g: Any, ans: Any, a: Any) -> Any:
    shapes = _svd_shapes(a)
    u, s, vh = unpack(ans, shapes)
    gu, gs, gvh = unpack(g, shapes)
    s, gs = _real_part(s), _real_part(gs)
    eye = np.eye(s.shape[-1], dtype=s.dtype)
    inner = eye * gs[..., None, :]
    if _is_zero(gu) and _is_zero(gvh):
        return _conj_if_complex(u @ inner @ vh)
    _gap_check("svd", s, "singular vectors")
    m, n = a.shape[-2:]
    s_ = unbox_all(s)
    if m != n and np.any(s_[..., -1] <= 100 * np.finfo(s_.dtype).eps * s_[..., 0]):
        raise NotDifferentiableError(
            "descend cannot differentiate the singular vectors of numpy.linalg.svd here: the "
            f"{m}x{n} matrix is rank-deficient, and the vectors of a zero singular value are "
            "an arbitrary basis. Use the singular values alone (np.linalg.svdvals)."
        )
    s2 = s * s
    f = 1 / (s2[..., None, :] - s2[..., :, None] + eye) - eye
    if is_complex(a):
        return _svd_complex_cotangent(u, s, vh, gu, inner, gvh, f)
    v, gv = mT(vh), mT(gvh)
    utgu, vtgv = mT(u) @ gu, mT(v) @ gv
    inner = (
        inner
        + (f * (utgu - mT(utgu))) * s[..., None, :]
        + s[..., :, None] * (f * (vtgv - mT(vtgv)))
    )
    out = u @ inner @ vh
    if m > n:  # the part of gu outside the column space of u
        out = out + ((gu - u @ utgu) / s[..., None, :]) @ vh
    if n > m:
        out = out + u @ (mT(gv - v @ vtgv) / s[..., :, None])
    return out


def _svd_complex_cotangent(u: Any, s: Any, vh: Any, gu: Any, inner: Any, gvh: Any, f: Any) -> Any:
    """The complex SVD's vjp: Townsend's formula with conjugate transposes, conjugated.

    In the conjugate pairing Re tr(G^H dY), with ``Gu = conj(gu)`` and ``Gv = gvh^T``, the
    cotangent is the real one with ``^T`` read as ``^H``, plus ``i Im(diag(U^H Gu)) / s`` for
    the phase of ``u_k`` relative to ``v_k``; descend's (transposed) cotangent is its conjugate.
    The common phase of ``(u_k, v_k)`` is arbitrary: functions depending on it are refused.
    """
    m, n = u.shape[-2], vh.shape[-1]
    v, g_u, g_v = np.conj(mT(vh)), np.conj(gu), mT(gvh)
    uhgu, vhgv = mT(np.conj(u)) @ g_u, vh @ g_v
    _gauge_check("svd", u, uhgu, vhgv)
    diagonal_phase = np.imag(np.diagonal(uhgu, axis1=-2, axis2=-1)) / s
    eye = np.eye(s.shape[-1], dtype=s.dtype)
    inner = (
        inner
        + 1j * eye * diagonal_phase[..., None, :]
        + (f * (uhgu - np.conj(mT(uhgu)))) * s[..., None, :]
        + s[..., :, None] * (f * (vhgv - np.conj(mT(vhgv))))
    )
    out = u @ inner @ vh
    if m > n:  # the part of Gu outside the column space of u
        out = out + ((g_u - u @ uhgu) / s[..., None, :]) @ vh
    if n > m:
        out = out + u @ (np.conj(mT(g_v - v @ vhgv)) / s[..., :, None])
    return np.conj(out)


SVD = Rule(
    lambda a: _pack(la.svd(a, full_matrices=False), a.ndim - 2),
    (_svd_vjp,),
    name="numpy.linalg.svd",
)


def _conj_if_complex(x: Any) -> Any:
    # ds_k = Re(u_k^H dA v_k) = Re(sum(conj(u_k v_k^T) * dA)): complex cotangents are conjugated.
    return np.conj(x) if is_complex(x) else x


def _svdvals_vjp(g: Any, ans: Any, a: Any) -> Any:
    u, _, vh = la.svd(a, full_matrices=False)
    return _conj_if_complex((u * g[..., None, :]) @ vh)


SVDVALS = Rule(la.svdvals, (_svdvals_vjp,), name="numpy.linalg.svdvals")


@implements(la.svd)
def svd(
    a: Any, full_matrices: bool = True, compute_uv: bool = True, hermitian: bool = False
) -> Any:
    if hermitian:
        raise NotDifferentiableError(
            "descend does not differentiate numpy.linalg.svd(..., hermitian=True), which is "
            "computed from the eigendecomposition of one triangle; use np.linalg.eigh (or svd "
            "without hermitian=True), both differentiable."
        )
    if not compute_uv:
        return bind(SVDVALS, (a,))
    m, n = np.shape(a)[-2:]
    if full_matrices and m != n:
        raise NotDifferentiableError(
            f"descend does not differentiate numpy.linalg.svd(a, full_matrices=True) of a "
            f"non-square ({m}x{n}) matrix: the extra singular vectors are an arbitrary basis of "
            "a null space and have no derivative. Pass full_matrices=False."
        )
    u, s, vh = unpack(bind(SVD, (a,)), _svd_shapes(a))
    s = _real_part(s)
    return SVDResult(u, s, vh)


@implements(la.svdvals)
def svdvals(x: Any, /) -> Any:
    return bind(SVDVALS, (x,))


# --- QR -------------------------------------------------------------------------------------------
def _qr_tall_vjp(q: Any, r: Any, gq: Any, gr: Any) -> Any:
    """Cotangent of ``a`` (m >= n) from those of its reduced factors ``q`` and ``r``."""
    m = r @ mT(gr) - mT(gq) @ q
    if is_complex(m):
        # R's diagonal is real: Q^H dQ is skew-Hermitian with diagonal i Im(diag(Q^H dA R^-1)).
        lower = np.tril(m, -1)
        copyltu = np.conj(lower) + np.real(m) * _eye_like(m) + mT(lower)
        b = gq + np.conj(q) @ copyltu
    else:
        copyltu = np.tril(m) + mT(np.tril(m, -1))
        b = gq + q @ copyltu
    # b @ r^-T, as a triangular solve
    return mT(solve_triangular_stacked(r, mT(b), lower=False))


def _qr_shapes(a: Any) -> list[tuple[int, ...]]:
    m, n = a.shape[-2:]
    k = min(m, n)
    return [(m, k), (k, n)]


def _qr_vjp(g: Any, ans: Any, a: Any) -> Any:
    shapes = _qr_shapes(a)
    q, r = unpack(ans, shapes)
    gq, gr = unpack(g, shapes)
    m, n = a.shape[-2:]
    if m >= n:
        return _qr_tall_vjp(q, r, gq, gr)
    # Wide: a = [x | y] with x = q @ r[:, :m] square, and y = q @ r[:, m:].
    y, gv = a[..., m:], gr[..., m:]
    if is_complex(a):  # r[:, m:] = Q^H y
        gx = _qr_tall_vjp(q, r[..., :m], gq + np.conj(y @ mT(gv)), gr[..., :m])
        return np.concatenate([gx, np.conj(q) @ gv], axis=-1)
    gx = _qr_tall_vjp(q, r[..., :m], gq + y @ mT(gv), gr[..., :m])
    return np.concatenate([gx, q @ gv], axis=-1)


QR = Rule(lambda a: _pack(la.qr(a), a.ndim - 2), (_qr_vjp,), name="numpy.linalg.qr")


@implements(la.qr)
def qr(a: Any, mode: str = "reduced") -> Any:
    m, n = np.shape(a)[-2:]
    if mode not in ("reduced", "r", "complete") or (mode == "complete" and m > n):
        raise NotDifferentiableError(
            f"descend differentiates numpy.linalg.qr in mode 'reduced' and 'r' (and 'complete' "
            f"when rows <= columns); got mode={mode!r} for a {m}x{n} matrix. The extra columns "
            "of a complete Q span an arbitrary basis and have no derivative; 'raw' returns "
            "Householder reflectors. Use mode='reduced'."
        )
    q, r = unpack(bind(QR, (a,)), _qr_shapes(a))
    return r if mode == "r" else QRResult(q, r)


# --- pseudo-inverse and least squares -------------------------------------------------------------
def _pinv_cotangent(name: str, g: Any, p: Any, a: Any) -> Any:
    """vjp of ``p = pinv(a)`` (Golub & Pereyra 1973) for a matrix of full rank."""
    a_, p_ = unbox_all(a), unbox_all(p)
    m, n = a_.shape[-2:]
    product = p_ @ a_ if m >= n else a_ @ p_
    if not np.allclose(product, np.eye(min(m, n)), atol=100 * np.sqrt(np.finfo(p_.dtype).eps)):
        raise NotDifferentiableError(
            f"descend differentiates numpy.linalg.{name} with respect to the matrix only where "
            f"it has full rank (here {m}x{n} needs rank {min(m, n)}): at a rank-deficient "
            "matrix the result jumps when a perturbation changes the rank. Regularize (e.g. "
            "add a small multiple of the identity, as ridge regression does), or hold the "
            "matrix constant with descend.stop_gradient."
        )
    pt, gt = mT(p), mT(g)
    out = -pt @ g @ pt
    if is_complex(p):
        # dP = -P dA P + P P^H dA^H (I - A P) + (I - P A) dA^H P^H P: the dA^H terms transpose
        # to conjugates.
        ph = np.conj(pt)
        out = out + np.conj((gt - a @ (p @ gt)) @ (p @ ph))
        return out + np.conj((ph @ p) @ (gt - (gt @ p) @ a))
    out = out + (gt - a @ (p @ gt)) @ (p @ pt)
    return out + (pt @ p) @ (gt - (gt @ p) @ a)


PINV = Rule(
    lambda a, kwargs: la.pinv(a, **kwargs),
    (lambda g, ans, a, kwargs: _pinv_cotangent("pinv", g, ans, a),),
    name="numpy.linalg.pinv",
)


@implements(la.pinv)
def pinv(a: Any, rcond: Any = None, hermitian: bool = False, *, rtol: Any = np._NoValue) -> Any:
    if hermitian:
        raise NotDifferentiableError(
            "descend does not differentiate numpy.linalg.pinv(..., hermitian=True), which reads "
            "one triangle of the matrix; call it without hermitian=True (same result for a "
            "symmetric matrix, and differentiable)."
        )
    kwargs = {"rcond": unbox_all(rcond)}
    if rtol is not np._NoValue:
        kwargs["rtol"] = unbox_all(rtol)
    return bind(PINV, (a, kwargs))


def _lstsq_vjp_a(g: Any, ans: Any, a: Any, b: Any, rcond: Any) -> Any:
    gp = g[:, None] * b[None, :] if b.ndim == 1 else g @ mT(b)
    return _pinv_cotangent("lstsq", gp, la.pinv(a), a)


LSTSQ = Rule(
    lambda a, b, rcond: la.lstsq(a, b, rcond)[0],
    (_lstsq_vjp_a, lambda g, ans, a, b, rcond: mT(la.pinv(a)) @ g),
    name="numpy.linalg.lstsq",
)


@implements(la.lstsq)
def lstsq(a: Any, b: Any, rcond: Any = None) -> tuple[Any, Any, Any, Any]:
    _, residuals, rank, _ = la.lstsq(unbox_all(a), unbox_all(b), unbox_all(rcond))
    x = bind(LSTSQ, (a, b, unbox_all(rcond)))
    if np.size(residuals):  # full column rank and more rows than columns
        r = b - a @ x
        squares = np.real(r * np.conj(r)) if is_complex(r) else r * r
        residuals = np.sum(squares, axis=0, keepdims=np.ndim(b) == 1)
    return x, residuals, rank, la.svd(a, compute_uv=False)
