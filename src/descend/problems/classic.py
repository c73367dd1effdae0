"""Classic smooth and multimodal test functions (Rosenbrock, Beale, Himmelblau, ...).

Most of these functions have no standard starting point in the literature; where none is
published we use a fixed point that is neither the minimiser nor a stationary point and,
for the multimodal functions, lies in the basin of the global minimiser (from elsewhere a
local method ends in one of the local minima, which is the expected behaviour, not a bug).
Minimum values and minimisers are from Jamil & Yang (2013), "A literature survey of
benchmark functions for global optimization problems", and were re-derived to full double
precision by solving the gradient equations.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from descend.problems.problem import Problem, Window, validated_dim
from descend.problems.residuals import sum_of_squares

__all__ = [
    "ackley",
    "beale",
    "booth",
    "himmelblau",
    "matyas",
    "rastrigin",
    "rosenbrock",
    "styblinski_tang",
    "three_hump_camel",
    "zakharov",
]

_SURVEY = "Jamil & Yang (2013), Int. J. Math. Model. Numer. Optim. 4(2)"


def _window_if_2d(dim: int, low: float, high: float) -> Window | None:
    return ((low, high), (low, high)) if dim == 2 else None


def rosenbrock(dim: int = 2) -> Problem:
    """Rosenbrock's banana valley, chained over ``dim`` variables.

    ``f(x) = sum_i 100 (x[i+1] - x[i]**2)**2 + (1 - x[i])**2``, minimum 0 at ``(1, ..., 1)``.
    Same function as :func:`scipy.optimize.rosen`. For dim >= 4 there is also a local
    minimum near ``(-1, 1, ..., 1)``.

    The start is Rosenbrock's ``(-1.2, 1)`` for dim = 2 and, as in Nash (1984) and CUTEst's
    GENROSE, ``x_i = i / (dim + 1)`` otherwise: repeating ``(-1.2, 1)`` instead sends
    BFGS to the local minimum (f = 3.98658) for some sizes (e.g. 7 to 10).

    Examples
    --------
    >>> from descend import problems
    >>> p = problems.rosenbrock(dim=3)
    >>> p.x0.tolist(), round(float(p(p.x0)), 10), float(p(p.x_min))
    ([0.25, 0.5, 0.75], 44.953125, 0.0)
    """
    dim = validated_dim("rosenbrock", dim, minimum=2)

    def fun(x: Any) -> Any:
        return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)

    return Problem(
        name="rosenbrock",
        fun=fun,
        x0=np.array([-1.2, 1.0]) if dim == 2 else np.arange(1.0, dim + 1.0) / (dim + 1.0),
        f_min=0.0,
        x_min=np.ones(dim),
        window=((-2.0, 2.0), (-1.0, 3.0)) if dim == 2 else None,
        tags=frozenset({"smooth", "scalable"}),
        reference="Rosenbrock (1960), Comput. J. 3(3); Nash (1984), SIAM J. Numer. Anal. 21",
    )


def beale() -> Problem:
    """Beale's function (MGH problem 5): sum of three squared residuals, minimum 0 at (3, 0.5).

    Examples
    --------
    >>> from descend import problems
    >>> p = problems.beale()
    >>> float(p(p.x0)), float(p(p.x_min))
    (14.203125, 0.0)
    """
    y = np.array([1.5, 2.25, 2.625])
    powers = np.arange(1, 4)

    def residuals(x: Any) -> tuple[Any, ...]:
        return (y - x[0] * (1.0 - x[1] ** powers),)

    return Problem(
        name="beale",
        fun=sum_of_squares(residuals),
        x0=np.array([1.0, 1.0]),
        f_min=0.0,
        x_min=np.array([3.0, 0.5]),
        window=((-4.5, 4.5), (-4.5, 4.5)),
        tags=frozenset({"smooth", "mgh", "least-squares"}),
        reference="Beale (1958); More, Garbow & Hillstrom (1981) problem 5",
    )


def booth() -> Problem:
    """Booth's function, a convex quadratic: ``(x + 2y - 7)**2 + (2x + y - 5)**2``.

    Examples
    --------
    >>> from descend import problems
    >>> p = problems.booth()
    >>> float(p(p.x_min)), float(p(p.x0))
    (0.0, 74.0)
    """

    def residuals(x: Any) -> tuple[Any, ...]:
        return (x[0] + 2.0 * x[1] - 7.0, 2.0 * x[0] + x[1] - 5.0)

    return Problem(
        name="booth",
        fun=sum_of_squares(residuals),
        x0=np.array([0.0, 0.0]),
        f_min=0.0,
        x_min=np.array([1.0, 3.0]),
        window=((-10.0, 10.0), (-10.0, 10.0)),
        tags=frozenset({"smooth", "convex", "quadratic", "least-squares"}),
        reference=_SURVEY,
    )


def himmelblau() -> Problem:
    """Himmelblau's function: four global minima with value 0.

    ``f(x, y) = (x**2 + y - 11)**2 + (x + y**2 - 7)**2``; ``x_min`` is (3, 2), the other
    three minimisers are irrational and given to double precision in ``minimizers``.

    Examples
    --------
    >>> from descend import problems
    >>> p = problems.himmelblau()
    >>> len(p.minimizers), max(float(p(m)) for m in p.minimizers) < 1e-20
    (4, True)
    """

    def fun(x: Any) -> Any:
        return (x[0] ** 2 + x[1] - 11.0) ** 2 + (x[0] + x[1] ** 2 - 7.0) ** 2

    return Problem(
        name="himmelblau",
        fun=fun,
        x0=np.array([0.0, 0.0]),
        f_min=0.0,
        x_min=np.array([3.0, 2.0]),
        minimizers=(
            np.array([-2.805118086952745, 3.131312518250573]),
            np.array([-3.7793102533777465, -3.2831859912861696]),
            np.array([3.5844283403304917, -1.8481265269644036]),
        ),
        window=((-5.0, 5.0), (-5.0, 5.0)),
        tags=frozenset({"smooth", "multimodal"}),
        reference="Himmelblau (1972), Applied Nonlinear Programming",
    )


def matyas() -> Problem:
    """Matyas function, a convex quadratic with a narrow valley along ``x = y``.

    Examples
    --------
    >>> from descend import problems
    >>> p = problems.matyas()
    >>> round(float(p(p.x0)), 12), float(p(p.x_min))
    (25.04, 0.0)
    """

    def fun(x: Any) -> Any:
        return 0.26 * (x[0] ** 2 + x[1] ** 2) - 0.48 * x[0] * x[1]

    return Problem(
        name="matyas",
        fun=fun,
        x0=np.array([6.0, -4.0]),
        f_min=0.0,
        x_min=np.array([0.0, 0.0]),
        window=((-10.0, 10.0), (-10.0, 10.0)),
        tags=frozenset({"smooth", "convex", "quadratic"}),
        reference=_SURVEY,
    )


def three_hump_camel() -> Problem:
    """Three-hump camel: global minimum 0 at the origin, local minima at +-(1.7476, -0.8738).

    Examples
    --------
    >>> from descend import problems
    >>> p = problems.three_hump_camel()
    >>> float(p(p.x_min)), round(float(p(p.x0)), 12)
    (0.0, 0.936979166667)
    """

    def fun(x: Any) -> Any:
        return 2.0 * x[0] ** 2 - 1.05 * x[0] ** 4 + x[0] ** 6 / 6.0 + x[0] * x[1] + x[1] ** 2

    return Problem(
        name="three_hump_camel",
        fun=fun,
        x0=np.array([-0.5, 1.0]),
        f_min=0.0,
        x_min=np.array([0.0, 0.0]),
        window=((-2.0, 2.0), (-2.0, 2.0)),
        tags=frozenset({"smooth", "multimodal"}),
        reference=_SURVEY,
    )


# Each coordinate of the Styblinski-Tang minimiser is the negative root of 4t^3 - 32t + 5.
_STYBLINSKI_TANG_ROOT = -2.903534027771177
_STYBLINSKI_TANG_MIN_PER_DIM = -39.16616570377141


def styblinski_tang(dim: int = 2) -> Problem:
    """Styblinski-Tang: ``0.5 * sum(x**4 - 16 x**2 + 5 x)``, separable with 2**dim minima.

    The global minimum is ``-39.16616570377141 * dim`` at ``x_i = -2.903534027771177``.

    Examples
    --------
    >>> from descend import problems
    >>> p = problems.styblinski_tang(dim=3)
    >>> round(p.f_min, 6), float(p(p.x0))
    (-117.498497, 0.0)
    """
    dim = validated_dim("styblinski_tang", dim)

    def fun(x: Any) -> Any:
        return 0.5 * np.sum(x**4 - 16.0 * x**2 + 5.0 * x)

    return Problem(
        name="styblinski_tang",
        fun=fun,
        x0=np.zeros(dim),
        f_min=_STYBLINSKI_TANG_MIN_PER_DIM * dim,
        x_min=np.full(dim, _STYBLINSKI_TANG_ROOT),
        window=_window_if_2d(dim, -5.0, 5.0),
        tags=frozenset({"smooth", "multimodal", "scalable"}),
        reference="Styblinski & Tang (1990), Neural Networks 3(4)",
    )


def rastrigin(dim: int = 2) -> Problem:
    """Rastrigin: ``10 dim + sum(x**2 - 10 cos(2 pi x))``, a bowl covered in local minima.

    Started at ``(0.4, ..., 0.4)``, inside the basin of the global minimum 0 at the origin.

    Examples
    --------
    >>> from descend import problems
    >>> p = problems.rastrigin(dim=5)
    >>> float(p(p.x_min))
    0.0
    """
    dim = validated_dim("rastrigin", dim)

    def fun(x: Any) -> Any:
        return 10.0 * dim + np.sum(x**2 - 10.0 * np.cos(2.0 * np.pi * x))

    return Problem(
        name="rastrigin",
        fun=fun,
        x0=np.full(dim, 0.4),
        f_min=0.0,
        x_min=np.zeros(dim),
        window=_window_if_2d(dim, -5.12, 5.12),
        tags=frozenset({"smooth", "multimodal", "scalable"}),
        reference="Rastrigin (1974); Muhlenbein et al. (1991), Parallel Computing 17",
    )


def ackley(dim: int = 2) -> Problem:
    """Ackley's function: a nearly flat, bumpy plateau with a cone-shaped hole at the origin.

    ``f(x) = -20 exp(-0.2 r) - exp(mean(cos(2 pi x))) + 20 + e`` with
    ``r = sqrt(mean(x**2))``. The minimum 0 sits at the tip of the cone, where ``f`` is not
    differentiable (tag ``"nonsmooth-at-min"``). The square root is guarded so that ``f`` and
    its traced gradient are finite everywhere: at the origin the gradient evaluates to 0,
    which is a valid subgradient there.

    Examples
    --------
    >>> from descend import problems
    >>> p = problems.ackley(dim=3)
    >>> abs(float(p(p.x_min))) < 1e-14
    True
    """
    dim = validated_dim("ackley", dim)

    def fun(x: Any) -> Any:
        mean_square = np.sum(x**2) / dim
        positive = mean_square > 0.0
        # "Double where": the inner where keeps sqrt (and its infinite slope) away from 0, so
        # a reverse-mode pass never forms inf * 0 at the minimiser.
        radius = np.where(positive, np.sqrt(np.where(positive, mean_square, 1.0)), 0.0)
        mean_cos = np.sum(np.cos(2.0 * np.pi * x)) / dim
        return -20.0 * np.exp(-0.2 * radius) - np.exp(mean_cos) + 20.0 + np.e

    return Problem(
        name="ackley",
        fun=fun,
        x0=np.full(dim, 0.4),
        f_min=0.0,
        x_min=np.zeros(dim),
        window=_window_if_2d(dim, -5.0, 5.0),
        tags=frozenset({"multimodal", "nonsmooth-at-min", "scalable"}),
        reference="Ackley (1987), A Connectionist Machine for Genetic Hillclimbing",
    )


def zakharov(dim: int = 2) -> Problem:
    """Zakharov: ``sum(x**2) + s**2 + s**4`` with ``s = sum(0.5 i x_i)``; convex, minimum 0.

    Examples
    --------
    >>> from descend import problems
    >>> p = problems.zakharov(dim=2)
    >>> float(p(p.x0)), float(p(p.x_min))
    (9.3125, 0.0)
    """
    dim = validated_dim("zakharov", dim)
    weights = 0.5 * np.arange(1, dim + 1)

    def fun(x: Any) -> Any:
        s = np.sum(weights * x)
        return np.sum(x**2) + s**2 + s**4

    return Problem(
        name="zakharov",
        fun=fun,
        x0=np.ones(dim),
        f_min=0.0,
        x_min=np.zeros(dim),
        window=((-5.0, 10.0), (-5.0, 10.0)) if dim == 2 else None,
        tags=frozenset({"smooth", "convex", "scalable"}),
        reference=_SURVEY,
    )
