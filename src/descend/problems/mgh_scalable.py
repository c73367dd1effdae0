"""Moré-Garbow-Hillstrom problems with a free number of variables (MGH 21-35).

Each objective is ``f(x) = sum_i r_i(x)**2`` (``fun.residuals(x)`` returns the residuals)
with the paper's starting point. Where the paper gives the minimum value only for some
dimensions (penalty I and II, Watson, Chebyquad) only those dimensions are offered, and
``f_min`` is that value refined to double precision by :func:`scipy.optimize.least_squares`
(the refined values agree with every digit the paper prints). Coupled residuals are written
as products with constant band matrices, which keeps the functions free of in-place writes;
that costs O(dim**2) memory, fine for the sizes these problems are used at (up to a few
hundred variables).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.optimize import brentq

from descend.problems.problem import Problem, validated_dim
from descend.problems.residuals import sum_of_squares

__all__ = [
    "broyden_banded",
    "broyden_tridiagonal",
    "brown_almost_linear",
    "chebyquad",
    "discrete_boundary_value",
    "discrete_integral_equation",
    "extended_powell_singular",
    "extended_rosenbrock",
    "penalty_1",
    "penalty_2",
    "trigonometric",
    "variably_dimensioned",
    "watson",
]

_SCALABLE = frozenset({"smooth", "mgh", "least-squares", "scalable"})


def _mgh(number: int) -> str:
    return f"More, Garbow & Hillstrom (1981), ACM TOMS 7(1), problem {number}"


def _tabulated_minimum(name: str, dim: Any, table: dict[int, float]) -> tuple[int, float]:
    """Return ``(dim, f_min)`` for a problem whose minimum is known only for some sizes."""
    if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)) or dim not in table:
        sizes = ", ".join(map(str, sorted(table)))
        raise ValueError(
            f"{name}(dim=...) must be one of {sizes} (the sizes whose minimum value is "
            f"published); got dim={dim!r}"
        )
    return int(dim), table[int(dim)]


def extended_rosenbrock(dim: int = 2) -> Problem:
    """Extended Rosenbrock (MGH 21): ``dim / 2`` independent Rosenbrock pairs.

    Unlike :func:`descend.problems.rosenbrock` (chained), the pairs do not interact.
    Minimum 0 at ``(1, ..., 1)``; ``dim`` must be even.

    Examples
    --------
    >>> from descend import problems
    >>> p = problems.extended_rosenbrock(dim=4)
    >>> round(float(p(p.x0)), 10), float(p(p.x_min))
    (48.4, 0.0)
    """
    dim = validated_dim("extended_rosenbrock", dim, minimum=2, multiple_of=2)

    def residuals(x: Any) -> tuple[Any, ...]:
        return (10.0 * (x[1::2] - x[0::2] ** 2), 1.0 - x[0::2])

    return Problem(
        name="extended_rosenbrock",
        fun=sum_of_squares(residuals),
        x0=np.where(np.arange(dim) % 2 == 0, -1.2, 1.0),
        f_min=0.0,
        x_min=np.ones(dim),
        window=((-2.0, 2.0), (-1.0, 3.0)) if dim == 2 else None,
        tags=_SCALABLE,
        reference=_mgh(21),
    )


def extended_powell_singular(dim: int = 4) -> Problem:
    """Extended Powell singular (MGH 22): ``dim / 4`` copies of Powell's singular function.

    Examples
    --------
    >>> from descend import problems
    >>> p = problems.extended_powell_singular(dim=8)
    >>> round(float(p(p.x0)), 10), float(p(p.x_min))
    (430.0, 0.0)
    """
    dim = validated_dim("extended_powell_singular", dim, minimum=4, multiple_of=4)

    def residuals(x: Any) -> tuple[Any, ...]:
        a, b, c, d = x[0::4], x[1::4], x[2::4], x[3::4]
        return (
            a + 10.0 * b,
            5.0**0.5 * (c - d),
            (b - 2.0 * c) ** 2,
            10.0**0.5 * (a - d) ** 2,
        )

    return Problem(
        name="extended_powell_singular",
        fun=sum_of_squares(residuals),
        x0=np.tile([3.0, -1.0, 0.0, 1.0], dim // 4),
        f_min=0.0,
        x_min=np.zeros(dim),
        tags=_SCALABLE | {"singular-hessian"},
        reference=_mgh(22),
    )


_PENALTY_1_MIN = {4: 2.2499775008999375e-05, 10: 7.087651467090379e-05}


def penalty_1(dim: int = 4) -> Problem:
    """Penalty function I (MGH 23): ``f* = 2.24997e-5`` (dim 4) or ``7.08765e-5`` (dim 10).

    Examples
    --------
    >>> from descend import problems
    >>> p = problems.penalty_1(dim=10)
    >>> f"{p.f_min:.5e}", p.x0[:3].tolist()
    ('7.08765e-05', [1.0, 2.0, 3.0])
    """
    dim, f_min = _tabulated_minimum("penalty_1", dim, _PENALTY_1_MIN)
    root_a = 1e-5**0.5

    def residuals(x: Any) -> tuple[Any, ...]:
        return (root_a * (x - 1.0), np.sum(x**2) - 0.25)

    return Problem(
        name="penalty_1",
        fun=sum_of_squares(residuals),
        x0=np.arange(1.0, dim + 1.0),
        f_min=f_min,
        x_min=None,
        tags=_SCALABLE,
        reference=_mgh(23),
    )


_PENALTY_2_MIN = {4: 9.376293007355446e-06, 10: 2.9366053745674605e-04}


def penalty_2(dim: int = 4) -> Problem:
    """Penalty function II (MGH 24): ``f* = 9.37629e-6`` (dim 4) or ``2.93660e-4`` (dim 10).

    Examples
    --------
    >>> from descend import problems
    >>> p = problems.penalty_2(dim=4)
    >>> f"{p.f_min:.5e}"
    '9.37629e-06'
    """
    dim, f_min = _tabulated_minimum("penalty_2", dim, _PENALTY_2_MIN)
    root_a = 1e-5**0.5
    i = np.arange(2.0, dim + 1.0)
    y = np.exp(i / 10.0) + np.exp((i - 1.0) / 10.0)
    weights = np.arange(dim, 0.0, -1.0)

    def residuals(x: Any) -> tuple[Any, ...]:
        return (
            x[0] - 0.2,
            root_a * (np.exp(x[1:] / 10.0) + np.exp(x[:-1] / 10.0) - y),
            root_a * (np.exp(x[1:] / 10.0) - np.exp(-0.1)),
            np.sum(weights * x**2) - 1.0,
        )

    return Problem(
        name="penalty_2",
        fun=sum_of_squares(residuals),
        x0=np.full(dim, 0.5),
        f_min=f_min,
        x_min=None,
        tags=_SCALABLE,
        reference=_mgh(24),
    )


def variably_dimensioned(dim: int = 10) -> Problem:
    """Variably dimensioned (MGH 25): minimum 0 at ``(1, ..., 1)``, quartic along one direction.

    Examples
    --------
    >>> from descend import problems
    >>> p = problems.variably_dimensioned(dim=2)
    >>> p.x0.tolist(), float(p(p.x0))
    ([0.5, 0.0], 46.5625)
    """
    dim = validated_dim("variably_dimensioned", dim)
    j = np.arange(1.0, dim + 1.0)

    def residuals(x: Any) -> tuple[Any, ...]:
        weighted = np.sum(j * (x - 1.0))
        return (x - 1.0, weighted, weighted**2)

    return Problem(
        name="variably_dimensioned",
        fun=sum_of_squares(residuals),
        x0=1.0 - j / dim,
        f_min=0.0,
        x_min=np.ones(dim),
        tags=_SCALABLE,
        reference=_mgh(25),
    )


def trigonometric(dim: int = 5) -> Problem:
    """Trigonometric (MGH 26): minimum 0 (the paper gives no minimiser, so ``x_min`` is None).

    From ``x0``, Levenberg-Marquardt and BFGS reach 0 for dim 2 and 5 but stop at local
    minima for other sizes (e.g. 2.79506e-5 for dim 10, 2.57e-3 for dim 3).

    Examples
    --------
    >>> from descend import problems
    >>> p = problems.trigonometric(dim=5)
    >>> p.x0.tolist(), p.f_min, p.x_min is None
    ([0.2, 0.2, 0.2, 0.2, 0.2], 0.0, True)
    """
    dim = validated_dim("trigonometric", dim)
    i = np.arange(1.0, dim + 1.0)

    def residuals(x: Any) -> tuple[Any, ...]:
        cos_x = np.cos(x)
        return (dim - np.sum(cos_x) + i * (1.0 - cos_x) - np.sin(x),)

    return Problem(
        name="trigonometric",
        fun=sum_of_squares(residuals),
        x0=np.full(dim, 1.0 / dim),
        f_min=0.0,
        x_min=None,
        tags=_SCALABLE,
        reference=_mgh(26),
    )


def _other_roots(n: int) -> list[float]:
    """Real roots other than 1 of ``g(a) = n a**n - (n + 1) a**(n - 1) + 1``.

    ``g`` falls from ``g(0) = 1`` to its minimum at ``a* = 1 - 1 / n**2`` (so one root lies
    in ``(0, a*)``) and rises through ``g(1) = 0``; for odd ``n`` it also has one negative
    root, since ``g`` increases from ``-inf`` on ``a < 0``.
    """

    def g(a: float) -> float:
        return n * a**n - (n + 1) * a ** (n - 1) + 1.0

    roots = [brentq(g, 0.0, 1.0 - 1.0 / n**2, xtol=1e-15)]
    if n % 2 == 1:
        low = -1.0
        while g(low) > 0.0:
            low *= 2.0
        roots.insert(0, brentq(g, low, 0.0, xtol=1e-15))
    return roots


def brown_almost_linear(dim: int = 10) -> Problem:
    """Brown almost-linear (MGH 27): minimum 0 at ``(1, ..., 1)``.

    Other zeros are ``(a, ..., a, a**(1 - dim))`` for the other real roots ``a`` of
    ``dim a**dim - (dim + 1) a**(dim - 1) + 1``; there is also a local minimum
    ``f = 1`` at ``(0, ..., 0, dim + 1)``.

    Examples
    --------
    >>> from descend import problems
    >>> p = problems.brown_almost_linear(dim=5)
    >>> float(p(p.x_min)), len(p.minimizers)
    (0.0, 3)
    """
    dim = validated_dim("brown_almost_linear", dim, minimum=2)
    others = tuple(np.append(np.full(dim - 1, a), a ** (1 - dim)) for a in _other_roots(dim))

    def residuals(x: Any) -> tuple[Any, ...]:
        return (x[:-1] + np.sum(x) - (dim + 1.0), np.prod(x) - 1.0)

    return Problem(
        name="brown_almost_linear",
        fun=sum_of_squares(residuals),
        x0=np.full(dim, 0.5),
        f_min=0.0,
        x_min=np.ones(dim),
        minimizers=others,
        tags=_SCALABLE | {"multimodal"},
        reference=_mgh(27),
    )


def discrete_boundary_value(dim: int = 10) -> Problem:
    """Discrete boundary value (MGH 28): finite differences of ``u'' = (u + t + 1)**3 / 2``.

    Minimum 0 at the discrete solution (not known in closed form, so ``x_min`` is None).

    Examples
    --------
    >>> from descend import problems
    >>> p = problems.discrete_boundary_value(dim=10)
    >>> round(float(p.x0[0]), 6)
    -0.082645
    """
    dim = validated_dim("discrete_boundary_value", dim)
    h = 1.0 / (dim + 1.0)
    t = h * np.arange(1.0, dim + 1.0)
    second_difference = 2.0 * np.eye(dim) - np.eye(dim, k=1) - np.eye(dim, k=-1)

    def residuals(x: Any) -> tuple[Any, ...]:
        return (second_difference @ x + h**2 * (x + t + 1.0) ** 3 / 2.0,)

    return Problem(
        name="discrete_boundary_value",
        fun=sum_of_squares(residuals),
        x0=t * (t - 1.0),
        f_min=0.0,
        x_min=None,
        tags=_SCALABLE,
        reference=_mgh(28),
    )


def discrete_integral_equation(dim: int = 10) -> Problem:
    """Discrete integral equation (MGH 29): trapezoid discretisation of a Green's function
    form of the boundary value problem in :func:`discrete_boundary_value`. Minimum 0.

    Examples
    --------
    >>> from descend import problems
    >>> p = problems.discrete_integral_equation(dim=10)
    >>> p.f_min, p.x_min is None
    (0.0, True)
    """
    dim = validated_dim("discrete_integral_equation", dim)
    h = 1.0 / (dim + 1.0)
    t = h * np.arange(1.0, dim + 1.0)
    up_to_i = np.tril(np.ones((dim, dim)))
    after_i = np.triu(np.ones((dim, dim)), k=1)

    def residuals(x: Any) -> tuple[Any, ...]:
        cubes = (x + t + 1.0) ** 3
        integral = (1.0 - t) * (up_to_i @ (t * cubes)) + t * (after_i @ ((1.0 - t) * cubes))
        return (x + h * integral / 2.0,)

    return Problem(
        name="discrete_integral_equation",
        fun=sum_of_squares(residuals),
        x0=t * (t - 1.0),
        f_min=0.0,
        x_min=None,
        tags=_SCALABLE,
        reference=_mgh(29),
    )


def broyden_tridiagonal(dim: int = 10) -> Problem:
    """Broyden tridiagonal (MGH 30): minimum 0 (``x_min`` unknown in closed form).

    Examples
    --------
    >>> from descend import problems
    >>> p = problems.broyden_tridiagonal(dim=3)
    >>> float(p(p.x0))
    14.0
    """
    dim = validated_dim("broyden_tridiagonal", dim)
    neighbours = np.eye(dim, k=-1) + 2.0 * np.eye(dim, k=1)

    def residuals(x: Any) -> tuple[Any, ...]:
        return ((3.0 - 2.0 * x) * x - neighbours @ x + 1.0,)

    return Problem(
        name="broyden_tridiagonal",
        fun=sum_of_squares(residuals),
        x0=np.full(dim, -1.0),
        f_min=0.0,
        x_min=None,
        tags=_SCALABLE,
        reference=_mgh(30),
    )


def broyden_banded(dim: int = 10) -> Problem:
    """Broyden banded (MGH 31): each residual couples 5 neighbours below and 1 above.

    Minimum 0 (``x_min`` unknown in closed form).

    Examples
    --------
    >>> from descend import problems
    >>> p = problems.broyden_banded(dim=10)
    >>> p.f_min, p.x0[:2].tolist()
    (0.0, [-1.0, -1.0])
    """
    dim = validated_dim("broyden_banded", dim)
    offset = np.arange(dim)[None, :] - np.arange(dim)[:, None]
    band = ((offset >= -5) & (offset <= 1) & (offset != 0)).astype(np.float64)

    def residuals(x: Any) -> tuple[Any, ...]:
        return (x * (2.0 + 5.0 * x**2) + 1.0 - band @ (x * (1.0 + x)),)

    return Problem(
        name="broyden_banded",
        fun=sum_of_squares(residuals),
        x0=np.full(dim, -1.0),
        f_min=0.0,
        x_min=None,
        tags=_SCALABLE,
        reference=_mgh(31),
    )


# Refined with Gauss-Newton in 60-digit arithmetic (dim 12 is too ill-conditioned for float64).
_WATSON_MIN = {6: 2.2876700535524363e-03, 9: 1.39976013809902e-06, 12: 4.722381105891757e-10}


def watson(dim: int = 6) -> Problem:
    """Watson (MGH 20): polynomial fit of an ODE solution; ``f*`` for dim 6, 9 and 12.

    Increasingly ill-conditioned with ``dim`` (dim 12 has ``f* = 4.72238e-10``).

    Examples
    --------
    >>> from descend import problems
    >>> p = problems.watson(dim=6)
    >>> f"{p.f_min:.5e}", float(p(p.x0))
    ('2.28767e-03', 30.0)
    """
    dim, f_min = _tabulated_minimum("watson", dim, _WATSON_MIN)
    t = np.arange(1.0, 30.0)[:, None] / 29.0
    j = np.arange(dim)[None, :]
    powers = t**j
    derivative_powers = j * t ** np.maximum(j - 1, 0)

    def residuals(x: Any) -> tuple[Any, ...]:
        return (derivative_powers @ x - (powers @ x) ** 2 - 1.0, x[0], x[1] - x[0] ** 2 - 1.0)

    return Problem(
        name="watson",
        fun=sum_of_squares(residuals),
        x0=np.zeros(dim),
        f_min=f_min,
        x_min=None,
        tags=frozenset({"smooth", "mgh", "least-squares", "ill-conditioned"}),
        reference=_mgh(20),
    )


_CHEBYQUAD_MIN = {2: 0.0, 3: 0.0, 4: 0.0, 5: 0.0, 6: 0.0, 7: 0.0, 8: 3.5168737256784147e-03, 9: 0.0,
                  10: 6.503954800882936e-03}  # fmt: skip


def chebyquad(dim: int = 5) -> Problem:
    """Chebyquad (MGH 35) with m = dim: choose nodes so that equal-weight quadrature
    integrates the shifted Chebyshev polynomials of degree 1..dim exactly.

    ``f* = 0`` for dim <= 7 and dim = 9, ``3.51687e-3`` for dim = 8, ``6.50395e-3`` for
    dim = 10. Permuting the nodes gives the same value, so minimisers are never unique.

    Examples
    --------
    >>> from descend import problems
    >>> p = problems.chebyquad(dim=8)
    >>> f"{p.f_min:.5e}", p.x0[:2].tolist()
    ('3.51687e-03', [0.1111111111111111, 0.2222222222222222])
    """
    dim, f_min = _tabulated_minimum("chebyquad", dim, _CHEBYQUAD_MIN)
    degree = range(1, dim + 1)
    # Integral over [0, 1] of the shifted Chebyshev polynomial T_i(2x - 1).
    integrals = [-1.0 / (i * i - 1.0) if i % 2 == 0 else 0.0 for i in degree]

    def residuals(x: Any) -> tuple[Any, ...]:
        shifted = 2.0 * x - 1.0
        previous, current = 1.0, shifted
        pieces = []
        for integral in integrals:
            pieces.append(np.sum(current) / dim - integral)
            previous, current = current, 2.0 * shifted * current - previous
        return tuple(pieces)

    return Problem(
        name="chebyquad",
        fun=sum_of_squares(residuals),
        x0=np.arange(1.0, dim + 1.0) / (dim + 1.0),
        f_min=f_min,
        x_min=None,
        tags=_SCALABLE | {"multimodal"},
        reference=_mgh(35),
    )
