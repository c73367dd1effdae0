"""numpy.linalg functions composed from the factorization primitives of `linalg`.

matrix_power, multi_dot, tensorinv/tensorsolve, every norm (vector and matrix, all ``ord`` and
``axis`` forms), cond, and numpy.linalg's array-API spellings (matmul, tensordot, outer,
vecdot, cross, diagonal, trace, matrix_transpose). Being compositions, they inherit every
order, forward mode and batching from the primitives.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

import numpy as np

from descend.autodiff.core import Rule
from descend.autodiff.errors import NotDifferentiableError
from descend.autodiff.registry import constant_functions, implements
from descend.autodiff.rules.indexing import diagonal as _diagonal
from descend.autodiff.rules.indexing import trace as _trace
from descend.autodiff.rules.products import matmul as _matmul
from descend.autodiff.rules.products import outer as _outer
from descend.autodiff.rules.products import tensordot as _tensordot
from descend.autodiff.rules.shape import matrix_transpose as _matrix_transpose
from descend.autodiff.tracer import bind, unbox_all

la = np.linalg


# --- composites -----------------------------------------------------------------------------------
constant_functions([la.matrix_rank])


@implements(la.matrix_power)
def matrix_power(a: Any, n: int) -> Any:
    try:
        n = operator.index(n)
    except TypeError as e:
        raise TypeError("exponent must be an integer") from e
    if n == 0:  # the identity: no gradient flows
        return la.matrix_power(unbox_all(a), 0)
    if n < 0:
        a, n = la.inv(a), -n
    # NumPy's order of products, so the values agree to the last bit.
    if n <= 3:
        result = a
        for _ in range(n - 1):
            result = result @ a
        return result
    z = result = None
    while n > 0:
        z = a if z is None else z @ z
        n, bit = divmod(n, 2)
        if bit:
            result = z if result is None else result @ z
    return result


def _chain_order(dims: list[int]) -> list[list[int]]:
    """Cheapest parenthesisation of a matrix chain: ``split[i][j]`` splits the product i..j."""
    n = len(dims) - 1
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j], split[i][j] = min(
                (cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1], k)
                for k in range(i, j)
            )
    return split


@implements(la.multi_dot)
def multi_dot(arrays: Sequence[Any], *, out: Any = None) -> Any:
    if out is not None:
        raise NotDifferentiableError("numpy.linalg.multi_dot(..., out=...) is not "
                                     "differentiable; drop out=.")  # fmt: skip
    arrays = list(arrays)
    if len(arrays) < 2:
        raise ValueError("Expecting at least two arrays.")
    if len(arrays) == 2:
        return np.dot(arrays[0], arrays[1])
    first_vector, last_vector = np.ndim(arrays[0]) == 1, np.ndim(arrays[-1]) == 1
    if first_vector:
        arrays[0] = np.reshape(arrays[0], (1, -1))
    if last_vector:
        arrays[-1] = np.reshape(arrays[-1], (-1, 1))
    for a in arrays:
        if np.ndim(a) != 2:
            raise la.LinAlgError(
                f"{np.ndim(a)}-dimensional array given. Array must be two-dimensional"
            )
    split = _chain_order([np.shape(a)[0] for a in arrays] + [np.shape(arrays[-1])[1]])

    def product(i: int, j: int) -> Any:
        if i == j:
            return arrays[i]
        k = split[i][j]
        return product(i, k) @ product(k + 1, j)

    result = product(0, len(arrays) - 1)
    if first_vector:
        result = result[0]
    if last_vector:
        result = result[..., 0]
    return result


@implements(la.tensorinv)
def tensorinv(a: Any, ind: int = 2) -> Any:
    if ind <= 0:
        raise ValueError("Invalid ind argument.")
    shape = np.shape(a)
    rows = int(np.prod(shape[:ind], dtype=np.int64))
    return np.reshape(la.inv(np.reshape(a, (rows, -1))), shape[ind:] + shape[:ind])


@implements(la.tensorsolve)
def tensorsolve(a: Any, b: Any, axes: Any = None) -> Any:
    nd = np.ndim(a)
    if axes is not None:
        order = [i for i in range(nd) if i not in [int(k) % nd for k in axes]]
        a = np.transpose(a, order + [int(k) % nd for k in axes])
    shape = np.shape(a)[-(nd - np.ndim(b)) :]
    size = int(np.prod(shape, dtype=np.int64))
    if int(np.prod(np.shape(a), dtype=np.int64)) != size**2:
        raise la.LinAlgError(
            "Input arrays must satisfy the requirement prod(a.shape[b.ndim:]) == "
            "prod(a.shape[:b.ndim])"
        )
    return np.reshape(la.solve(np.reshape(a, (size, size)), np.ravel(b)), shape)


# --- norms ----------------------------------------------------------------------------------------
def _euclidean_vjp(g: Any, ans: Any, x: Any, axis: tuple[int, ...], keepdims: bool) -> Any:
    if not keepdims:
        g, ans = np.expand_dims(g, axis), np.expand_dims(ans, axis)
    # At x = 0 the gradient is the zero subgradient (as in PyTorch), not 0/0.
    safe = np.where(unbox_all(ans) == 0, 1, ans)
    return g * (np.conj(x) if x.dtype.kind == "c" else x) / safe


def _euclidean(x: Any, axis: tuple[int, ...], keepdims: bool) -> Any:
    squares = np.abs(x) ** 2 if x.dtype.kind == "c" else x * x
    return np.sqrt(np.sum(squares, axis=axis, keepdims=keepdims))


EUCLIDEAN = Rule(_euclidean, (_euclidean_vjp,), name="numpy.linalg.norm")


def _two_norm(x: Any, axis: int | tuple[int, ...], keepdims: bool) -> Any:
    axes = tuple(a % np.ndim(x) for a in ((axis,) if isinstance(axis, int) else axis))
    return bind(EUCLIDEAN, (x, axes, keepdims))


def _vector_norm(x: Any, ord: Any, axis: int, keepdims: bool) -> Any:
    if ord is None or ord == 2:
        return _two_norm(x, axis, keepdims)
    if ord == 0:  # a count of nonzeros: piecewise constant, no gradient flows
        nonzero = np.sum(unbox_all(x) != 0, axis=axis, keepdims=keepdims)
        return nonzero.astype(np.abs(unbox_all(x)).dtype)
    if isinstance(ord, str):
        raise ValueError(f"Invalid norm order '{ord}' for vectors")
    if ord == np.inf:
        return np.max(np.abs(x), axis=axis, keepdims=keepdims)
    if ord == -np.inf:
        return np.min(np.abs(x), axis=axis, keepdims=keepdims)
    if ord == 1:
        return np.sum(np.abs(x), axis=axis, keepdims=keepdims)
    p = float(ord)
    return np.sum(np.abs(x) ** p, axis=axis, keepdims=keepdims) ** (1 / p)


def _matrix_norm(x: Any, ord: Any, axes: tuple[int, int], keepdims: bool) -> Any:
    row, col = (a % np.ndim(x) for a in axes)
    if row == col:
        raise ValueError("Duplicate axes given.")
    if ord in (2, -2, "nuc"):
        s = la.svdvals(np.moveaxis(x, (row, col), (-2, -1)))
        result = s[..., 0] if ord == 2 else s[..., -1] if ord == -2 else np.sum(s, axis=-1)
    elif ord in (None, "fro", "f"):
        result = _two_norm(x, (row, col), False)
    elif ord in (1, -1):
        sums = np.sum(np.abs(x), axis=row)
        pick = np.max if ord == 1 else np.min
        result = pick(sums, axis=col - 1 if col > row else col)
    elif ord in (np.inf, -np.inf):
        sums = np.sum(np.abs(x), axis=col)
        pick = np.max if ord == np.inf else np.min
        result = pick(sums, axis=row - 1 if row > col else row)
    else:
        raise ValueError("Invalid norm order for matrices.")
    if keepdims:
        shape = list(np.shape(x))
        shape[row] = shape[col] = 1
        result = np.reshape(result, shape)
    return result


@implements(la.norm)
def norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Any:
    nd = np.ndim(x)
    if axis is None:
        if ord is None or (ord in ("f", "fro") and nd == 2) or (ord == 2 and nd == 1):
            result = _vector_norm(np.ravel(x), None, 0, False)
            return np.reshape(result, (1,) * nd) if keepdims else result
        axis = tuple(range(nd))
    elif np.ndim(axis) == 0:
        axis = (int(axis),)
    axis = tuple(int(a) for a in axis)
    if len(axis) == 1:
        return _vector_norm(x, ord, axis[0], keepdims)
    if len(axis) == 2:
        return _matrix_norm(x, ord, (axis[0], axis[1]), keepdims)
    raise ValueError("Improper number of dimensions to norm.")


@implements(la.vector_norm)
def vector_norm(x: Any, /, *, axis: Any = None, keepdims: bool = False, ord: Any = 2) -> Any:
    shape = np.shape(x)
    if axis is None:
        flat, kept = np.ravel(x), tuple(range(len(shape)))
    else:
        kept = tuple(sorted(int(a) % len(shape) for a in np.atleast_1d(axis)))
        rest = [i for i in range(len(shape)) if i not in kept]
        moved = np.transpose(x, rest + list(kept))
        flat = np.reshape(moved, (*(shape[i] for i in rest), -1))
    result = _vector_norm(flat, ord, -1, False)
    if keepdims:
        result = np.reshape(result, tuple(1 if i in kept else n for i, n in enumerate(shape)))
    return result


@implements(la.matrix_norm)
def matrix_norm(x: Any, /, *, keepdims: bool = False, ord: Any = "fro") -> Any:
    return norm(x, ord, (-2, -1), keepdims)


@implements(la.cond)
def cond(x: Any, p: Any = None) -> Any:
    if p in (None, 2, -2):
        s = la.svdvals(x)
        return s[..., -1] / s[..., 0] if p == -2 else s[..., 0] / s[..., -1]
    return norm(x, p, (-2, -1)) * norm(la.inv(x), p, (-2, -1))


# --- the array-API spellings in numpy.linalg ------------------------------------------------------
implements(la.matmul)(lambda x1, x2, /: _matmul(x1, x2))
implements(la.tensordot)(lambda x1, x2, /, *, axes=2: _tensordot(x1, x2, axes))
implements(la.matrix_transpose)(_matrix_transpose)
implements(la.diagonal)(lambda x, /, *, offset=0: _diagonal(x, offset, -2, -1))
implements(la.trace)(lambda x, /, *, offset=0, dtype=None: _trace(x, offset, -2, -1, dtype))


@implements(la.outer)
def outer(x1: Any, x2: Any, /) -> Any:
    if np.ndim(x1) != 1 or np.ndim(x2) != 1:
        raise ValueError(
            "Input arrays must be one-dimensional, but they are "
            f"x1.ndim={np.ndim(x1)} and x2.ndim={np.ndim(x2)}."
        )
    return _outer(x1, x2)


@implements(la.vecdot)
def vecdot(x1: Any, x2: Any, /, *, axis: int = -1) -> Any:
    if np.iscomplexobj(unbox_all(x1)):
        x1 = np.conj(x1)
    product = x1 * x2
    return np.sum(product, axis=int(axis) - np.ndim(product) if axis >= 0 else axis)


@implements(la.cross)
def cross(x1: Any, x2: Any, /, *, axis: int = -1) -> Any:
    if np.shape(x1)[axis] != 3 or np.shape(x2)[axis] != 3:
        raise ValueError(
            "Both input arrays must be (arrays of) 3-dimensional vectors, but they are "
            f"{np.shape(x1)[axis]} and {np.shape(x2)[axis]} dimensional instead."
        )
    a, b = np.moveaxis(x1, axis, -1), np.moveaxis(x2, axis, -1)
    parts = [
        a[..., 1] * b[..., 2] - a[..., 2] * b[..., 1],
        a[..., 2] * b[..., 0] - a[..., 0] * b[..., 2],
        a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0],
    ]
    return np.moveaxis(np.stack(parts, axis=-1), -1, axis)
