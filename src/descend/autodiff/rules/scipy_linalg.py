"""Differentiable versions of scipy.linalg functions, with SciPy's names and signatures.

SciPy's linear algebra converts its arguments with ``np.asarray``, so unlike NumPy it cannot be
intercepted on a traced value (it does not consult ``__array_function__``, nor the array API
unless ``SCIPY_ARRAY_API=1`` is set, and then only for known array libraries). These functions
are drop-in replacements: on plain arrays they give SciPy's results, on traced values they are
differentiable to any order, on stacks of matrices too.

The matrix functions ``expm``, ``logm`` and ``sqrtm`` use the block-matrix form of the Fréchet
derivative, ``f([[A^T, G], [0, A^T]])`` whose upper-right block is the vjp (Higham, "Functions
of Matrices", 2008, thm. 3.6), so their derivatives are again the same function and every order
comes for free. The factorizations reuse the rules of `descend.autodiff.rules.linalg`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg

from descend.autodiff.core import Rule
from descend.autodiff.errors import NotDifferentiableError
from descend.autodiff.rules.linalg import (
    CHOLESKY,
    DET,
    EIGH,
    EIGVALSH,
    INV,
    QR,
    SOLVE,
    SVD,
    SVDVALS,
    primitive,
    real_only,
    solve_triangular_stacked,
    unpack,
)
from descend.autodiff.rules.products import mT
from descend.autodiff.tracer import Tracer, bind, unbox_all

__all__ = [
    "cho_factor",
    "cho_solve",
    "cholesky",
    "det",
    "eigh",
    "expm",
    "inv",
    "logm",
    "lu_factor",
    "lu_solve",
    "qr",
    "solve",
    "solve_triangular",
    "sqrtm",
    "svd",
]

_GENERAL = (None, "general", "gen")


def _array(x: Any, check_finite: bool = True) -> Any:
    """``x`` as an array (traced values stay traced), validated like SciPy does."""
    x = x if type(x) is Tracer else np.asarray(x)
    if check_finite and not np.isfinite(unbox_all(x)).all():
        raise ValueError("array must not contain infs or NaNs")
    return x


def _refuse(name: str, what: str, instead: str) -> NotDifferentiableError:
    return NotDifferentiableError(
        f"descend does not differentiate scipy.linalg.{name} with {what}; {instead}."
    )


# --- triangular and Cholesky solves ---------------------------------------------------------------
def solve_triangular(
    a: Any,
    b: Any,
    trans: int | str = 0,
    lower: bool = False,
    unit_diagonal: bool = False,
    overwrite_b: bool = False,
    check_finite: bool = True,
) -> Any:
    """Solve ``a x = b`` for a triangular ``a``, like `scipy.linalg.solve_triangular`.

    Only the ``lower`` (or upper) triangle of ``a`` is read, so only it gets a gradient.
    ``trans`` is 0 (``a x = b``) or 1 / 2 (``a^T x = b``; real matrices).

    Examples
    --------
    >>> import numpy as np, descend
    >>> a = np.array([[2.0, 0.0], [1.0, 4.0]])
    >>> solve_triangular(a, np.array([2.0, 5.0]), lower=True)
    array([1., 1.])
    >>> descend.grad(lambda b: np.sum(solve_triangular(a, b, lower=True)))(np.ones(2))
    array([0.375, 0.25 ])
    """
    a, b = _array(a, check_finite), _array(b, check_finite)
    trans = {"N": 0, "T": 1, "C": 2}.get(trans, trans) if isinstance(trans, str) else int(trans)
    if trans not in (0, 1, 2):
        raise ValueError("The argument trans must be 0, 1, 2, 'N', 'T' or 'C'.")
    if trans:
        real_only("solve_triangular", a)
        a, lower = mT(a), not lower
    if np.ndim(b) == 1:
        return solve_triangular_stacked(a, b[:, None], lower, unit_diagonal)[..., 0]
    return solve_triangular_stacked(a, b, lower, unit_diagonal)


def cholesky(
    a: Any, lower: bool = False, overwrite_a: bool = False, check_finite: bool = True
) -> Any:
    """The Cholesky factor (upper by default), like `scipy.linalg.cholesky`.

    Examples
    --------
    >>> import numpy as np
    >>> cholesky(np.array([[4.0, 2.0], [2.0, 5.0]]))
    array([[2., 1.],
           [0., 2.]])
    """
    a = _array(a, check_finite)
    return bind(CHOLESKY, (a, not lower))


def cho_factor(
    a: Any, lower: bool = False, overwrite_a: bool = False, check_finite: bool = True
) -> tuple[Any, bool]:
    """``(c, lower)`` for `cho_solve`, like `scipy.linalg.cho_factor`.

    As in SciPy, the triangle of ``c`` that the factor does not use holds ``a``'s entries.

    Examples
    --------
    >>> import numpy as np
    >>> c, low = cho_factor(np.array([[4.0, 2.0], [2.0, 5.0]]))
    >>> cho_solve((c, low), np.array([6.0, 7.0]))
    array([1., 1.])
    """
    a = _array(a, check_finite)
    factor = cholesky(a, lower, check_finite=False)
    return factor + (np.triu(a, 1) if lower else np.tril(a, -1)), lower


def cho_solve(
    c_and_lower: tuple[Any, bool], b: Any, overwrite_b: bool = False, check_finite: bool = True
) -> Any:
    """Solve ``a x = b`` from ``cho_factor(a)``, like `scipy.linalg.cho_solve`.

    Examples
    --------
    >>> import numpy as np
    >>> cho_solve((np.array([[2.0, 1.0], [0.0, 2.0]]), False), np.array([6.0, 7.0]))
    array([1., 1.])
    """
    c, lower = c_and_lower
    c, b = _array(c, check_finite), _array(b, check_finite)
    low = c if lower else mT(c)  # the lower factor L, read from its triangle: a = L L^T
    y = solve_triangular(low, b, lower=True, check_finite=False)
    return solve_triangular(mT(low), y, lower=False, check_finite=False)


# --- LU -------------------------------------------------------------------------------------------
def _permutation(piv: np.ndarray) -> np.ndarray:
    """The row order ``p`` with ``a[p] = l @ u`` from LAPACK's sequential row swaps."""
    perm = np.broadcast_to(np.arange(piv.shape[-1]), piv.shape).copy()
    for index in np.ndindex(piv.shape[:-1]):
        row = perm[index]
        for i, j in enumerate(piv[index]):
            row[i], row[j] = row[j], row[i]
    return perm


def _rows(x: Any, order: np.ndarray) -> Any:
    """``x[..., order, :]`` per matrix of a stack."""
    index = np.broadcast_to(order[..., None], (*order.shape, np.shape(x)[-1]))
    return np.take_along_axis(x, index, axis=-2)


def _lu_vjp(g: Any, ans: Any, a: Any, inverse_perm: np.ndarray) -> Any:
    # P a = L U, lu = L - I + U; with X = L^-1 d(P a) U^-1: dL = L tril(X, -1), dU = triu(X) U.
    low = np.tril(ans, -1) + np.eye(ans.shape[-1], dtype=ans.dtype)
    gx = np.tril(mT(low) @ np.tril(g, -1), -1) + np.triu(np.triu(g) @ mT(np.triu(ans)))
    y = solve_triangular_stacked(mT(ans), gx, lower=False, unit=True)  # L^-T gx
    g_pa = mT(solve_triangular_stacked(ans, mT(y), lower=False))  # ... U^-T
    return _rows(g_pa, inverse_perm)


LU = primitive(
    lambda a, inverse_perm: scipy.linalg.lu_factor(a, check_finite=False)[0],
    (_lu_vjp,),
    "scipy.linalg.lu_factor",
)


def lu_factor(
    a: Any, overwrite_a: bool = False, check_finite: bool = True
) -> tuple[Any, np.ndarray]:
    """``(lu, piv)`` with partial pivoting, like `scipy.linalg.lu_factor`.

    The pivots are integers (no gradient); ``lu`` is differentiable where they do not change.

    Examples
    --------
    >>> import numpy as np
    >>> lu, piv = lu_factor(np.array([[1.0, 2.0], [3.0, 4.0]]))
    >>> piv
    array([1, 1], dtype=int32)
    >>> lu_solve((lu, piv), np.array([5.0, 11.0]))
    array([1., 2.])
    """
    a = _array(a, check_finite)
    real_only("lu_factor", a)
    piv = scipy.linalg.lu_factor(unbox_all(a), check_finite=False)[1]
    return bind(LU, (a, np.argsort(_permutation(piv), axis=-1))), piv


def lu_solve(
    lu_and_piv: tuple[Any, np.ndarray],
    b: Any,
    trans: int = 0,
    overwrite_b: bool = False,
    check_finite: bool = True,
) -> Any:
    """Solve ``a x = b`` (``trans=0``) or ``a^T x = b`` (1, 2) from `lu_factor`, like
    `scipy.linalg.lu_solve`.

    Examples
    --------
    >>> import numpy as np
    >>> lu, piv = lu_factor(np.array([[1.0, 2.0], [3.0, 4.0]]))
    >>> lu_solve((lu, piv), np.array([7.0, 10.0]), trans=1)
    array([1., 2.])
    """
    lu, piv = lu_and_piv
    lu, b = _array(lu, check_finite), _array(b, check_finite)
    real_only("lu_solve", lu, b)
    vector = np.ndim(b) == 1
    if vector:
        b = b[:, None]
    perm = _permutation(np.asarray(piv))
    if trans == 0:
        y = solve_triangular_stacked(lu, _rows(b, perm), lower=True, unit=True)
        x = solve_triangular_stacked(lu, y, lower=False)
    elif trans in (1, 2):
        z = solve_triangular_stacked(mT(lu), b, lower=True)
        w = solve_triangular_stacked(mT(lu), z, lower=False, unit=True)
        x = _rows(w, np.argsort(perm, axis=-1))
    else:
        raise ValueError("trans must be 0, 1 or 2")
    return x[..., 0] if vector else x


# --- general matrices -----------------------------------------------------------------------------
def inv(
    a: Any,
    overwrite_a: bool = False,
    check_finite: bool = True,
    *,
    assume_a: str | None = None,
    lower: bool = False,
) -> Any:
    """The inverse, like `scipy.linalg.inv` (general matrices).

    Examples
    --------
    >>> import numpy as np
    >>> inv(np.array([[2.0, 0.0], [0.0, 4.0]]))
    array([[0.5 , 0.  ],
           [0.  , 0.25]])
    """
    if assume_a not in _GENERAL:
        raise _refuse("inv", f"assume_a={assume_a!r}", "pass assume_a=None (same inverse)")
    return bind(INV, (_array(a, check_finite),))


def solve(
    a: Any,
    b: Any,
    lower: bool = False,
    overwrite_a: bool = False,
    overwrite_b: bool = False,
    check_finite: bool = True,
    assume_a: str | None = None,
    transposed: bool = False,
) -> Any:
    """Solve ``a x = b`` (or ``a^T x = b``), like `scipy.linalg.solve` (general matrices).

    Examples
    --------
    >>> import numpy as np
    >>> solve(np.array([[2.0, 1.0], [0.0, 4.0]]), np.array([3.0, 4.0]))
    array([1., 1.])
    """
    if assume_a not in _GENERAL:
        raise _refuse("solve", f"assume_a={assume_a!r}", "pass assume_a=None (same solution)")
    a, b = _array(a, check_finite), _array(b, check_finite)
    if transposed:
        real_only("solve", a)
        a = mT(a)
    return bind(SOLVE, (a, b))


def det(a: Any, overwrite_a: bool = False, check_finite: bool = True) -> Any:
    """The determinant, like `scipy.linalg.det`.

    Examples
    --------
    >>> import numpy as np, descend
    >>> descend.grad(det)(np.array([[2.0, 1.0], [1.0, 3.0]]))
    array([[ 3., -1.],
           [-1.,  2.]])
    """
    return bind(DET, (_array(a, check_finite),))


# --- decompositions -------------------------------------------------------------------------------
def eigh(
    a: Any,
    b: Any = None,
    *,
    lower: bool = True,
    eigvals_only: bool = False,
    overwrite_a: bool = False,
    overwrite_b: bool = False,
    type: int = 1,
    check_finite: bool = True,
    subset_by_index: Any = None,
    subset_by_value: Any = None,
    driver: str | None = None,
) -> Any:
    """Eigenvalues (and eigenvectors) of a symmetric matrix, like `scipy.linalg.eigh`.

    The standard problem only (``b=None``), all eigenvalues. Eigenvector signs are NumPy's.

    Examples
    --------
    >>> import numpy as np
    >>> eigh(np.array([[2.0, 1.0], [1.0, 2.0]]), eigvals_only=True)
    array([1., 3.])
    """
    if b is not None or subset_by_index is not None or subset_by_value is not None:
        raise _refuse(
            "eigh",
            "b= or a subset of eigenvalues",
            "solve the standard problem and select eigenvalues by indexing",
        )
    a = _array(a, check_finite)
    uplo = "L" if lower else "U"
    if eigvals_only:
        return bind(EIGVALSH, (a, uplo))
    n = np.shape(a)[-1]
    w, v = unpack(bind(EIGH, (a, uplo)), [(n,), (n, n)])
    return w, v


def svd(
    a: Any,
    full_matrices: bool = True,
    compute_uv: bool = True,
    overwrite_a: bool = False,
    check_finite: bool = True,
    lapack_driver: str = "gesdd",
) -> Any:
    """Singular value decomposition ``(u, s, vh)``, like `scipy.linalg.svd`.

    ``full_matrices=True`` is refused for non-square matrices (the extra singular vectors
    have no derivative).

    Examples
    --------
    >>> import numpy as np
    >>> svd(np.array([[3.0, 0.0], [0.0, -2.0]]), compute_uv=False)
    array([3., 2.])
    """
    a = _array(a, check_finite)
    if not compute_uv:
        return bind(SVDVALS, (a,))
    m, n = np.shape(a)[-2:]
    if full_matrices and m != n:
        raise _refuse("svd", f"full_matrices=True for a {m}x{n} matrix", "pass full_matrices=False")
    k = min(m, n)
    u, s, vh = unpack(bind(SVD, (a,)), [(m, k), (k,), (k, n)])
    return u, s, vh


def qr(
    a: Any,
    overwrite_a: bool = False,
    lwork: int | None = None,
    mode: str = "full",
    pivoting: bool = False,
    check_finite: bool = True,
) -> Any:
    """QR decomposition, like `scipy.linalg.qr`: ``(q, r)``, or ``(r,)`` with ``mode='r'``.

    ``mode='full'`` of a tall matrix and ``pivoting=True`` are refused.

    Examples
    --------
    >>> import numpy as np
    >>> q, r = qr(np.array([[3.0, 1.0], [4.0, 2.0], [0.0, 0.0]]), mode="economic")
    >>> np.round(np.abs(r), 6)
    array([[5. , 2.2],
           [0. , 0.4]])
    """
    a = _array(a, check_finite)
    m, n = np.shape(a)[-2:]
    k = min(m, n)
    if pivoting or mode not in ("full", "economic", "r") or (mode == "full" and m > n):
        raise _refuse(
            "qr",
            f"mode={mode!r}, pivoting={pivoting} for a {m}x{n} matrix",
            "use mode='economic' (or 'r'), without pivoting",
        )
    q, r = unpack(bind(QR, (a,)), [(m, k), (k, n)])
    if mode == "r":  # SciPy's R has all m rows, zero below the k-th
        zeros = np.zeros((*np.shape(r)[:-2], m - k, n), dtype=r.dtype)
        return (np.concatenate([r, zeros], axis=-2),)
    return q, r


# --- matrix functions -----------------------------------------------------------------------------
def _matrix_function(f: Any, name: str) -> Rule:
    def vjp(g: Any, ans: Any, a: Any) -> Any:
        n = a.shape[-1]
        at = mT(a)
        zeros = np.zeros(g.shape, dtype=np.result_type(g.dtype, a.dtype))
        block = np.concatenate(
            [np.concatenate([at, g], axis=-1), np.concatenate([zeros, at], axis=-1)], axis=-2
        )
        out = bind(rule, (block,))[..., :n, n:]
        return out if out.dtype == a.dtype else out.astype(a.dtype)

    rule = primitive(f, (vjp,), f"scipy.linalg.{name}")
    return rule


EXPM = _matrix_function(scipy.linalg.expm, "expm")
LOGM = _matrix_function(lambda a: scipy.linalg.logm(a), "logm")
SQRTM = _matrix_function(lambda a: scipy.linalg.sqrtm(a), "sqrtm")


def _apply(rule: Rule, a: Any, name: str) -> Any:
    a = _array(a)
    out = bind(rule, (a,))
    if type(a) is Tracer and out.dtype.kind == "c" and a.dtype.kind != "c":
        raise NotDifferentiableError(
            f"scipy.linalg.{name} of this real matrix is complex (it has eigenvalues on the "
            "negative real axis, or SciPy kept a rounding-level imaginary part, as it does in "
            "float32); descend differentiates it when the result is real, or when the matrix "
            "is complex: pass a.astype(complex)."
        )
    return out


def expm(A: Any) -> Any:
    """The matrix exponential, like `scipy.linalg.expm` (stacks of matrices too).

    Examples
    --------
    >>> import numpy as np, descend
    >>> descend.grad(lambda t: np.sum(expm(t * np.eye(2))))(1.0)
    np.float64(5.43656365691809)
    """
    return _apply(EXPM, A, "expm")


def logm(A: Any) -> Any:
    """The principal matrix logarithm, like `scipy.linalg.logm`.

    Examples
    --------
    >>> import numpy as np
    >>> np.round(logm(np.diag([1.0, np.e])), 12)
    array([[0., 0.],
           [0., 1.]])
    """
    return _apply(LOGM, A, "logm")


def sqrtm(A: Any) -> Any:
    """The principal matrix square root, like `scipy.linalg.sqrtm`.

    Examples
    --------
    >>> import numpy as np
    >>> sqrtm(np.array([[4.0, 0.0], [0.0, 9.0]]))
    array([[2., 0.],
           [0., 3.]])
    """
    return _apply(SQRTM, A, "sqrtm")
