"""Convex quadratics with a chosen condition number, the textbook stress test for step sizes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from descend.problems.problem import Problem, validated_dim

__all__ = ["QuadraticProblem", "ill_conditioned_quadratic"]


@dataclass(frozen=True, eq=False)
class QuadraticProblem(Problem):
    """A :class:`Problem` that also carries its constant Hessian matrix ``hessian``.

    Examples
    --------
    >>> from descend import problems
    >>> problems.ill_conditioned_quadratic(dim=3).hessian.shape
    (3, 3)
    """

    hessian: np.ndarray | None = None


def ill_conditioned_quadratic(dim: int = 10, cond: float = 1e3, seed: int = 0) -> Problem:
    """``f(x) = 0.5 (x - x*)^T A (x - x*)`` with ``A`` of condition number ``cond``.

    ``A = Q diag(lambda) Q^T`` with eigenvalues ``lambda`` log-spaced from 1 to ``cond`` and
    ``Q`` a random orthogonal matrix; ``Q``, the minimiser ``x*`` and the start ``x0`` are all
    drawn from ``numpy.random.default_rng(seed)``, so the same arguments give the same
    problem. Gradient descent with the best fixed step needs about ``cond`` iterations here,
    conjugate gradients at most ``dim``, Newton one.

    Parameters
    ----------
    dim : int
        Number of variables (at least 1; the condition number needs dim >= 2 to mean anything).
    cond : float
        Ratio of largest to smallest eigenvalue of ``A`` (at least 1).
    seed : int
        Seed for ``Q``, ``x*`` and ``x0``.

    Examples
    --------
    >>> import numpy as np
    >>> from descend import problems
    >>> p = problems.ill_conditioned_quadratic(dim=5, cond=100.0, seed=1)
    >>> eigenvalues = np.linalg.eigvalsh(p.hessian)
    >>> round(float(eigenvalues.max() / eigenvalues.min()), 6)
    100.0
    >>> float(p(p.x_min))
    0.0
    """
    dim = validated_dim("ill_conditioned_quadratic", dim)
    if not np.isfinite(cond) or cond < 1.0:
        raise ValueError(
            f"ill_conditioned_quadratic(cond=...) must be a finite number >= 1; got {cond!r}"
        )
    rng = np.random.default_rng(seed)
    q, r = np.linalg.qr(rng.standard_normal((dim, dim)))
    # Fixing the signs of R's diagonal makes Q Haar-distributed rather than biased by QR.
    q = q * np.sign(np.diag(r))
    eigenvalues = np.logspace(0.0, np.log10(cond), dim)
    hessian = (q * eigenvalues) @ q.T
    hessian = (hessian + hessian.T) / 2.0
    hessian.setflags(write=False)
    x_star = rng.standard_normal(dim)
    x0 = x_star + rng.standard_normal(dim)

    def fun(x: Any) -> Any:
        offset = x - x_star
        return 0.5 * (offset @ (hessian @ offset))

    tags = {"smooth", "convex", "quadratic", "scalable"}
    if cond >= 100.0:
        tags.add("ill-conditioned")
    return QuadraticProblem(
        name="ill_conditioned_quadratic",
        fun=fun,
        x0=x0,
        f_min=0.0,
        x_min=x_star,
        window=((x_star[0] - 3.0, x_star[0] + 3.0), (x_star[1] - 3.0, x_star[1] + 3.0))
        if dim == 2
        else None,
        tags=frozenset(tags),
        reference="e.g. Nocedal & Wright (2006), Numerical Optimization, sec. 3.3",
        hessian=hessian,
    )
