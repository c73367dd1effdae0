"""``scipy.linalg`` functions, made differentiable (see `descend.scipy`).

Same names, argument order and defaults as SciPy; on plain arrays they return SciPy's values.

Examples
--------
>>> import numpy as np
>>> import descend
>>> from descend.scipy.linalg import solve_triangular
>>> L = np.array([[2.0, 0.0], [1.0, 1.0]])
>>> descend.grad(lambda b: np.sum(solve_triangular(L, b, lower=True)))(np.ones(2))
array([0., 1.])
"""

from descend.autodiff.rules.scipy_linalg import (
    cho_factor,
    cho_solve,
    cholesky,
    det,
    eigh,
    expm,
    inv,
    logm,
    lu_factor,
    lu_solve,
    qr,
    solve,
    solve_triangular,
    sqrtm,
    svd,
)

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
