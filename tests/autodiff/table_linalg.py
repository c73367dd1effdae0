"""Spec table of numpy.linalg: every differentiable function on stacks of matrices.

Matrices are drawn where each function is smooth and well conditioned: general square
matrices near a multiple of the identity, symmetric positive definite ones, symmetric and
non-symmetric ones with eigenvalues at least 0.5 apart, and full-rank ones with singular
values at least 0.5 apart. Each has 0 to 2 leading batch dimensions. Eigen- and singular
vectors are compared after fixing their signs (the sign of the first row), which is locally
constant.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from descend.autodiff.rules import scipy_linalg as sla

from .specs import Case, Inputs, Spec, spec

la = np.linalg

# Batch and matrix sizes are kept small: order-2 checks cost one gradient per element.
MAX_ELEMENTS = 32


def _batch(d: Inputs, n: int, m: int | None = None) -> tuple[int, ...]:
    budget = MAX_ELEMENTS // (n * (m or n))
    batch: tuple[int, ...] = ()
    for _ in range(d.integer(0, 2)):
        side = d.integer(1, 2)
        if side * int(np.prod(batch, dtype=np.int64)) <= budget:
            batch = (*batch, side)
    return batch


def _cast(d: Inputs, x: np.ndarray) -> np.ndarray:
    return x.astype(d.dtype)


def general(d: Inputs, batch: tuple[int, ...], n: int) -> np.ndarray:
    """Square, near ``2 I``: eigenvalues within about 1 of 2, so well away from singular."""
    return _cast(d, 0.5 * d.rng.standard_normal((*batch, n, n)) + 2 * np.eye(n))


def spd(d: Inputs, batch: tuple[int, ...], n: int) -> np.ndarray:
    x = d.rng.standard_normal((*batch, n, n))
    return _cast(d, x @ np.swapaxes(x, -1, -2) / n + np.eye(n))


def _orthogonal(d: Inputs, batch: tuple[int, ...], n: int) -> np.ndarray:
    return la.qr(d.rng.standard_normal((*batch, n, n))).Q


def _spaced(d: Inputs, batch: tuple[int, ...], k: int, start: float) -> np.ndarray:
    return start + np.cumsum(d.rng.uniform(0.5, 1.0, (*batch, k)), axis=-1)


def symmetric(d: Inputs, batch: tuple[int, ...], n: int) -> np.ndarray:
    """Symmetric with eigenvalues at least 0.5 apart (of either sign)."""
    q = _orthogonal(d, batch, n)
    w = _spaced(d, batch, n, -1.5)
    return _cast(d, (q * w[..., None, :]) @ np.swapaxes(q, -1, -2))


def full_rank(d: Inputs, batch: tuple[int, ...], m: int, n: int) -> np.ndarray:
    """``m x n`` with singular values at least 0.5 apart and at least 1."""
    k = min(m, n)
    u = _orthogonal(d, batch, m)[..., :k]
    v = _orthogonal(d, batch, n)[..., :k]
    s = _spaced(d, batch, k, 0.5)[..., ::-1]
    return _cast(d, (u * s[..., None, :]) @ np.swapaxes(v, -1, -2))


def _square_case(d: Inputs, min_n: int = 1) -> tuple[tuple[int, ...], int]:
    n = d.integer(min_n, 4)
    return _batch(d, n), n


def _signs(v: Any) -> Any:
    """+-1 per column, from the first row: fixes the sign freedom of eigen/singular vectors."""
    return np.sign(v[..., :1, :])


# --- factorizations -------------------------------------------------------------------------------
def _inv(d: Inputs) -> Case:
    return la.inv, (general(d, *_square_case(d)),)


def _solve(d: Inputs) -> Case:
    batch, n = _square_case(d)
    a = general(d, batch, n)
    shape = (
        (n,) if d.flag() else (*batch[len(batch) - d.integer(0, len(batch)) :], n, d.integer(1, 3))
    )
    return la.solve, (a, _cast(d, d.rng.standard_normal(shape)))


def _det(d: Inputs) -> Case:
    return la.det, (general(d, *_square_case(d)),)


def _slogdet(d: Inputs) -> Case:
    a = general(d, *_square_case(d))
    if d.flag():  # a negative determinant: the sign is constant, log|det| still smooth
        a = a[..., ::-1, :]
    return (lambda a: tuple(la.slogdet(a))), (a,)


def _cholesky(d: Inputs) -> Case:
    upper = d.flag()
    return (lambda a: la.cholesky(a, upper=upper)), (spd(d, *_square_case(d)),)


def _eigh(d: Inputs) -> Case:
    uplo = d.choice(["L", "U"])

    def fun(a: Any) -> Any:
        w, v = la.eigh(a, uplo)
        return w, v * _signs(v)

    return fun, (symmetric(d, *_square_case(d)),)


def _eigvalsh(d: Inputs) -> Case:
    uplo = d.choice(["L", "U"])
    return (lambda a: la.eigvalsh(a, uplo)), (symmetric(d, *_square_case(d)),)


def nonsymmetric(d: Inputs, batch: tuple[int, ...], n: int) -> np.ndarray:
    """``S D S^-1`` with a well-conditioned ``S``: eigenvalues at least 0.5 apart, real or in
    complex-conjugate pairs (2x2 rotation blocks of ``D``)."""
    blocks = np.zeros((*batch, n, n))
    real = _spaced(d, batch, n, -2.0)
    i = 0
    while i < n:
        if i + 1 < n and d.flag():  # a pair re +- i im, im >= 0.5
            im = d.rng.uniform(0.5, 1.5, batch)
            blocks[..., i, i] = blocks[..., i + 1, i + 1] = real[..., i]
            blocks[..., i, i + 1], blocks[..., i + 1, i] = im, -im
            i += 2
        else:
            blocks[..., i, i] = real[..., i]
            i += 1
    s = np.eye(n) + 0.2 * d.rng.standard_normal((*batch, n, n))
    return _cast(d, s @ blocks @ la.inv(s))


def _eig(d: Inputs) -> Case:
    """Functions of eig's results that do not depend on NumPy's order of the eigenvalues: power
    sums, and per row of V the sum of w_i v_i^2 (which does depend on NumPy's normalization
    of each eigenvector: unit norm, largest component real)."""
    use_vectors = d.flag()

    def fun(a: Any) -> Any:
        if use_vectors:
            w, v = la.eig(a)
            return np.sum(w[..., None, :] * v**2, axis=-1)
        w = la.eigvals(a)
        return np.stack([np.sum(w**k, axis=-1) for k in (1, 2, 3)], axis=-1)

    return fun, (nonsymmetric(d, *_square_case(d)),)


def _rectangular(d: Inputs) -> np.ndarray:
    m, n = d.integer(1, 4), d.integer(1, 4)
    return full_rank(d, _batch(d, m, n), m, n)


def _svd(d: Inputs) -> Case:
    a = _rectangular(d)
    full = a.shape[-1] == a.shape[-2] and d.flag()

    def fun(a: Any) -> Any:
        u, s, vh = la.svd(a, full_matrices=full)
        signs = _signs(u)
        return u * signs, s, vh * np.swapaxes(signs, -1, -2)

    return fun, (a,)


def _svdvals(d: Inputs) -> Case:
    fun = la.svdvals if d.flag() else (lambda a: la.svd(a, compute_uv=False))
    return fun, (_rectangular(d),)


def _qr(d: Inputs) -> Case:
    a = _rectangular(d)
    modes = ["reduced", "r"] + (["complete"] if a.shape[-2] <= a.shape[-1] else [])
    mode = d.choice(modes)
    return (lambda a: la.qr(a, mode) if mode == "r" else tuple(la.qr(a, mode))), (a,)


def _pinv(d: Inputs) -> Case:
    return la.pinv, (_rectangular(d),)


def _lstsq(d: Inputs) -> Case:
    m, n = d.integer(1, 4), d.integer(1, 4)
    a = full_rank(d, (), m, n)
    b = _cast(d, d.rng.standard_normal((m,) if d.flag() else (m, d.integer(1, 2))))

    def fun(a: Any, b: Any) -> Any:
        x, residuals, _, s = la.lstsq(a, b)
        return x, residuals, s

    return fun, (a, b)


# --- composites -----------------------------------------------------------------------------------
def _matrix_power(d: Inputs) -> Case:
    power = d.integer(-3, 5)
    return (lambda a: la.matrix_power(a, power)), (general(d, *_square_case(d)),)


def _multi_dot(d: Inputs) -> Case:
    count = d.integer(2, 5)
    dims = [d.integer(1, 4) for _ in range(count + 1)]
    shapes = [(dims[i], dims[i + 1]) for i in range(count)]
    first_vector, last_vector = d.flag(), d.flag()
    if first_vector:
        shapes[0] = shapes[0][1:]
    if last_vector:
        shapes[-1] = shapes[-1][:1]
    arrays = [_cast(d, d.rng.standard_normal(s)) for s in shapes]
    return (lambda *arrays: la.multi_dot(list(arrays))), tuple(arrays)


def _tensorinv(d: Inputs) -> Case:
    ind = d.integer(1, 2)
    a = general(d, (), 4).reshape((2, 2, 4) if ind == 2 else (4, 2, 2))
    return (lambda a: la.tensorinv(a, ind)), (a,)


def _tensorsolve(d: Inputs) -> Case:
    a = general(d, (), 4).reshape(2, 2, 2, 2)
    axes = d.choice([None, (0,), (1, 2)])
    b = _cast(d, d.rng.standard_normal((2, 2)))
    return (lambda a, b: la.tensorsolve(a, b, axes)), (a, b)


VECTOR_ORDS = [None, 2, 1, 3, 0.5, -1, np.inf, -np.inf, 0]
MATRIX_ORDS = [None, "fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf]


def _away_from_zero(d: Inputs, shape: tuple[int, ...]) -> np.ndarray:
    """Distinct values at least 0.4 from zero: |x| has no kink and max|x| no tie."""
    x = d.distinct(shape)[0]
    return x + np.where(x > 0, 0.5, -0.5).astype(d.dtype)


def _norm(d: Inputs) -> Case:
    """Every ord with every axis form: None (flattened or whole matrix), one axis, two axes."""
    kind = d.choice(["flat", "vector", "matrix"])
    keepdims = d.flag()
    if kind == "flat":
        shape = d.shape(max_dims=3)
        ord = None if len(shape) not in (1, 2) or d.flag() else "fro" if len(shape) == 2 else 2
        return (lambda x: la.norm(x, ord, keepdims=keepdims)), (d.array(shape, "nonzero"),)
    if kind == "vector":
        shape = d.shape(min_dims=1, max_dims=3)
        ord = d.choice(VECTOR_ORDS)
        axis = d.axis(len(shape)) if len(shape) > 1 or d.flag() else None
        return (lambda x: la.norm(x, ord, axis, keepdims)), (_away_from_zero(d, shape),)
    ord = d.choice(MATRIX_ORDS)
    nd = d.integer(2, 3)
    batch, m, n = (d.integer(1, 2),) * (nd - 2), d.integer(1, 3), d.integer(1, 3)
    if ord in (2, -2, "nuc"):
        base = full_rank(d, batch, m, n)
    else:
        base = _away_from_zero(d, (*batch, m, n))
    row, col = (int(i) for i in d.rng.permutation(nd)[:2])
    x = np.moveaxis(base, (-2, -1), (row, col))
    axis = (row - nd * d.flag(), col)
    return (lambda x: la.norm(x, ord, axis, keepdims)), (x,)


def _vector_norm(d: Inputs) -> Case:
    shape = d.shape(min_dims=1, max_dims=3)
    ord = d.choice([2, 1, 3.0, np.inf, -np.inf])
    axis = d.axes(len(shape))
    keepdims = d.flag()
    x = _away_from_zero(d, shape)
    return (lambda x: la.vector_norm(x, axis=axis, keepdims=keepdims, ord=ord)), (x,)


def _matrix_norm(d: Inputs) -> Case:
    batch, n = _square_case(d)
    ord = d.choice(["fro", "nuc", 2, -2])
    keepdims = d.flag()
    return (lambda x: la.matrix_norm(x, keepdims=keepdims, ord=ord)), (full_rank(d, batch, n, n),)


def _cond(d: Inputs) -> Case:
    batch, n = _square_case(d)
    p = d.choice([None, 2, -2, "fro"])
    return (lambda x: la.cond(x, p)), (full_rank(d, batch, n, n),)


def _array_api(d: Inputs) -> Case:
    """The array-API spellings: matmul, tensordot, matrix_transpose, diagonal, trace."""
    batch, n = _square_case(d)
    a, b = general(d, batch, n), general(d, batch, n)
    offset = d.integer(-1, 1)
    which = d.choice(["matmul", "tensordot", "matrix_transpose", "diagonal", "trace"])
    funs = {
        "matmul": la.matmul,
        "tensordot": lambda a, b: la.tensordot(a, b, axes=([-1], [-2])),
        "matrix_transpose": lambda a, b: la.matrix_transpose(a) * b,
        "diagonal": lambda a, b: la.diagonal(a * b, offset=offset),
        "trace": lambda a, b: la.trace(a @ b, offset=offset),
    }
    return funs[which], (a, b)


def _vectors(d: Inputs) -> Case:
    """outer, vecdot and cross on stacks of vectors."""
    which = d.choice(["outer", "vecdot", "cross"])
    if which == "outer":
        return la.outer, (d.array((d.integer(1, 4),)), d.array((d.integer(1, 4),)))
    n = 3 if which == "cross" else d.integer(1, 4)
    x_shape, y_shape = d.shapes(2, max_dims=2)
    axis = d.choice([-1, 0]) if which == "cross" else -1
    x_shape, y_shape = (
        ((n, *x_shape), (n, *y_shape)) if axis == 0 else ((*x_shape, n), (*y_shape, n))
    )
    if axis == 0 and len(x_shape) != len(y_shape):  # axis 0 must be the vector axis of both
        y_shape = x_shape
    fun = la.cross if which == "cross" else la.vecdot
    return (lambda x, y: fun(x, y, axis=axis)), (d.array(x_shape), d.array(y_shape))


def _with_rank(d: Inputs) -> Case:
    """matrix_rank is constant: a result scaled by it carries no gradient through it."""
    batch, n = _square_case(d)
    return (lambda a: a * la.matrix_rank(a)[..., None, None]), (general(d, batch, n),)


# --- scipy.linalg (descend's differentiable versions) ---------------------------------------------
def _solve_triangular(d: Inputs) -> Case:
    batch, n = _square_case(d)
    lower, unit, trans = d.flag(), d.flag(), d.choice([0, 1, "T"])
    b = _cast(d, d.rng.standard_normal((n,) if d.flag() else (*batch, n, d.integer(1, 2))))
    a = general(d, batch, n)
    return (lambda a, b: sla.solve_triangular(a, b, trans, lower, unit)), (a, b)


def _cho(d: Inputs) -> Case:
    batch, n = _square_case(d)
    lower = d.flag()
    b = _cast(d, d.rng.standard_normal((*batch, n, d.integer(1, 2))))

    def fun(a: Any, b: Any) -> Any:
        c_and_lower = sla.cho_factor(a, lower)
        return sla.cholesky(a, lower), c_and_lower[0], sla.cho_solve(c_and_lower, b)

    return fun, (spd(d, batch, n), b)


def _lu(d: Inputs) -> Case:
    batch, n = _square_case(d)
    trans = d.choice([0, 1, 2])
    b = _cast(d, d.rng.standard_normal((*batch, n, d.integer(1, 2))))
    # Entries of distinct sizes: the pivots are unambiguous, so locally constant.
    a = _cast(d, d.distinct((*batch, n, n))[0] * 3 + 2 * np.eye(n))

    def fun(a: Any, b: Any) -> Any:
        lu_and_piv = sla.lu_factor(a)
        return lu_and_piv[0], sla.lu_solve(lu_and_piv, b, trans)

    return fun, (a, b)


def _matrix_function(d: Inputs) -> Case:
    """expm of any matrix; logm and sqrtm of positive definite ones (real results)."""
    name = d.choice(["expm", "logm", "sqrtm"])
    # SciPy's logm is slow Python, and its order-2 check runs it on 4n x 4n blocks: keep small.
    batch, n = ((), d.integer(1, 2)) if name == "logm" else _square_case(d)
    if name == "expm":
        return sla.expm, (_cast(d, 0.5 * d.rng.standard_normal((*batch, n, n))),)
    # Not symmetric, real eigenvalues 0.5 apart from 1 up: the principal branch, far from the
    # cut, and a real Schur form (SciPy's float32 logm turns complex pairs complex).
    s = np.eye(n) + 0.2 * d.rng.standard_normal((*batch, n, n))
    a = (s * _spaced(d, batch, n, 0.5)[..., None, :]) @ la.inv(s)
    return getattr(sla, name), (_cast(d, a),)


def _scipy_factorizations(d: Inputs) -> Case:
    """inv, solve, det, eigh, svd and qr in SciPy's spelling (they share NumPy's rules)."""
    batch, n = _square_case(d)
    a, s = general(d, batch, n), symmetric(d, batch, n)
    b = _cast(d, d.rng.standard_normal((*batch, n, 2)))
    transposed, lower = d.flag(), d.flag()

    def qr(a: Any) -> Any:
        q, r = sla.qr(a, mode="economic")
        signs = np.sign(np.diagonal(r, axis1=-2, axis2=-1))[..., None, :]
        return q * signs, sla.qr(a, mode="r")[0]

    def eigh(s: Any) -> Any:
        w, v = sla.eigh(s, lower=lower)
        return w, v * _signs(v), sla.eigh(s, lower=lower, eigvals_only=True)

    cases: dict[str, Case] = {
        "inv": (sla.inv, (a,)),
        "solve": ((lambda a, b: sla.solve(a, b, transposed=transposed)), (a, b)),
        "det": (sla.det, (a,)),
        "eigh": (eigh, (s,)),
        "svd": ((lambda a: sla.svd(a, compute_uv=False)), (a,)),
        "qr": (qr, (a,)),
    }
    return cases[d.choice(sorted(cases))]


LINALG: list[Spec] = [
    spec("linalg.inv", la.inv, _inv),
    spec("linalg.solve", la.solve, _solve),
    spec("linalg.det", la.det, _det),
    spec("linalg.slogdet", la.slogdet, _slogdet),
    spec("linalg.cholesky", la.cholesky, _cholesky),
    spec("linalg.eigh", la.eigh, _eigh),
    spec("linalg.eigvalsh", la.eigvalsh, _eigvalsh),
    spec("linalg.eig", (la.eig, la.eigvals), _eig),
    spec("linalg.svd", la.svd, _svd),
    spec("linalg.svdvals", (la.svdvals, la.svd), _svdvals),
    spec("linalg.qr", la.qr, _qr),
    spec("linalg.pinv", la.pinv, _pinv),
    spec("linalg.lstsq", (la.lstsq, la.svd), _lstsq),
    spec("linalg.matrix_power", la.matrix_power, _matrix_power),
    spec("linalg.multi_dot", la.multi_dot, _multi_dot),
    spec("linalg.tensorinv", la.tensorinv, _tensorinv),
    spec("linalg.tensorsolve", la.tensorsolve, _tensorsolve),
    spec("linalg.norm", la.norm, _norm),
    spec("linalg.vector_norm", la.vector_norm, _vector_norm),
    spec("linalg.matrix_norm", la.matrix_norm, _matrix_norm),
    spec("linalg.cond", la.cond, _cond),
    spec(
        "linalg.array_api",
        (la.matmul, la.tensordot, la.matrix_transpose, la.diagonal, la.trace),
        _array_api,
    ),
    spec("linalg.vectors", (la.outer, la.vecdot, la.cross), _vectors),
    spec("linalg.matrix_rank", la.matrix_rank, _with_rank),
    spec("scipy.linalg.solve_triangular", sla.solve_triangular, _solve_triangular),
    spec("scipy.linalg.cho", (sla.cholesky, sla.cho_factor, sla.cho_solve), _cho),
    spec("scipy.linalg.lu", (sla.lu_factor, sla.lu_solve), _lu),
    spec("scipy.linalg.matrix_functions", (sla.expm, sla.logm, sla.sqrtm), _matrix_function),
    spec(
        "scipy.linalg.factorizations",
        (sla.inv, sla.solve, sla.det, sla.eigh, sla.svd, sla.qr),
        _scipy_factorizations,
    ),
]
