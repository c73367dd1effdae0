"""Small hand-written Moré-Garbow-Hillstrom problems (2 to 4 variables, no data tables).

Definitions, starting points and minima follow J. J. Moré, B. S. Garbow and K. E. Hillstrom,
"Testing unconstrained optimization software", ACM TOMS 7(1):17-41, 1981 ("MGH"), where each
problem is ``f(x) = sum_i r_i(x)**2``; ``fun.residuals(x)`` returns the residuals. Minimisers
that the paper gives only to a few digits were refined to double precision by solving the
least-squares problem with :func:`scipy.optimize.least_squares` at tight tolerances.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from descend.problems.problem import Problem
from descend.problems.residuals import sum_of_squares

__all__ = [
    "brown_badly_scaled",
    "freudenstein_roth",
    "helical_valley",
    "powell_badly_scaled",
    "powell_singular",
    "wood",
]


def _mgh(number: int) -> str:
    return f"More, Garbow & Hillstrom (1981), ACM TOMS 7(1), problem {number}"


def freudenstein_roth() -> Problem:
    """Freudenstein and Roth (MGH 2): global minimum 0 at (5, 4).

    There is also a local minimum ``f = 48.9842...`` at about ``(11.41, -0.8968)``, which
    the standard start ``(0.5, -2)`` often leads to.

    Examples
    --------
    >>> from descend import problems
    >>> p = problems.freudenstein_roth()
    >>> float(p(p.x0)), float(p(p.x_min))
    (400.5, 0.0)
    """

    def residuals(x: Any) -> tuple[Any, ...]:
        return (
            -13.0 + x[0] + ((5.0 - x[1]) * x[1] - 2.0) * x[1],
            -29.0 + x[0] + ((x[1] + 1.0) * x[1] - 14.0) * x[1],
        )

    return Problem(
        name="freudenstein_roth",
        fun=sum_of_squares(residuals),
        x0=np.array([0.5, -2.0]),
        f_min=0.0,
        x_min=np.array([5.0, 4.0]),
        window=((-5.0, 15.0), (-3.0, 6.0)),
        tags=frozenset({"smooth", "mgh", "least-squares", "multimodal"}),
        reference=_mgh(2),
    )


def powell_badly_scaled() -> Problem:
    """Powell badly scaled (MGH 3): minimum 0 at about ``(1.098e-5, 9.106)``.

    Examples
    --------
    >>> from descend import problems
    >>> p = problems.powell_badly_scaled()
    >>> round(float(p(p.x0)), 8), float(p(p.x_min)) < 1e-25
    (1.13526172, True)
    """

    def residuals(x: Any) -> tuple[Any, ...]:
        return (1e4 * x[0] * x[1] - 1.0, np.exp(-x[0]) + np.exp(-x[1]) - 1.0001)

    return Problem(
        name="powell_badly_scaled",
        fun=sum_of_squares(residuals),
        x0=np.array([0.0, 1.0]),
        f_min=0.0,
        x_min=np.array([1.0981593296998175e-05, 9.106146739866524]),
        window=((-1e-4, 3e-4), (0.0, 12.0)),
        tags=frozenset({"smooth", "mgh", "least-squares", "ill-conditioned", "badly-scaled"}),
        reference=_mgh(3),
    )


def brown_badly_scaled() -> Problem:
    """Brown badly scaled (MGH 4): minimum 0 at ``(1e6, 2e-6)``.

    Examples
    --------
    >>> from descend import problems
    >>> p = problems.brown_badly_scaled()
    >>> float(p(p.x0)), float(p(p.x_min))
    (999998000003.0, 0.0)
    """

    def residuals(x: Any) -> tuple[Any, ...]:
        return (x[0] - 1e6, x[1] - 2e-6, x[0] * x[1] - 2.0)

    return Problem(
        name="brown_badly_scaled",
        fun=sum_of_squares(residuals),
        x0=np.array([1.0, 1.0]),
        f_min=0.0,
        x_min=np.array([1e6, 2e-6]),
        window=((0.0, 2e6), (-1e-5, 1e-5)),
        tags=frozenset({"smooth", "mgh", "least-squares", "ill-conditioned", "badly-scaled"}),
        reference=_mgh(4),
    )


def helical_valley() -> Problem:
    """Helical valley (MGH 7): a steep spiral valley, minimum 0 at (1, 0, 0).

    The angle follows the paper: ``theta = arctan(x2 / x1) / (2 pi)`` for ``x1 > 0`` and
    ``... + 1/2`` for ``x1 < 0``, so ``theta`` lies in ``(-1/4, 3/4)``. ``np.arctan2``
    returns angles in ``(-pi, pi]``; the paper's branch differs from it by one full turn
    only when ``x1 < 0`` and ``x2 < 0``, which the ``np.where`` adds back. At ``x1 = 0``
    (undefined in the paper) we take the limit from ``x1 > 0``.

    Examples
    --------
    >>> from descend import problems
    >>> p = problems.helical_valley()
    >>> float(p(p.x0)), float(p(p.x_min))
    (2500.0, 0.0)
    """

    def residuals(x: Any) -> tuple[Any, ...]:
        turns = np.arctan2(x[1], x[0]) / (2.0 * np.pi)
        theta = np.where((x[0] < 0.0) & (x[1] < 0.0), turns + 1.0, turns)
        return (
            10.0 * (x[2] - 10.0 * theta),
            10.0 * (np.sqrt(x[0] ** 2 + x[1] ** 2) - 1.0),
            x[2],
        )

    return Problem(
        name="helical_valley",
        fun=sum_of_squares(residuals),
        x0=np.array([-1.0, 0.0, 0.0]),
        f_min=0.0,
        x_min=np.array([1.0, 0.0, 0.0]),
        tags=frozenset({"mgh", "least-squares"}),
        reference=_mgh(7),
    )


def powell_singular() -> Problem:
    """Powell singular (MGH 13): minimum 0 at the origin, where the Hessian is singular.

    Newton-type methods converge only linearly here.

    Examples
    --------
    >>> from descend import problems
    >>> p = problems.powell_singular()
    >>> round(float(p(p.x0)), 10), float(p(p.x_min))
    (215.0, 0.0)
    """

    def residuals(x: Any) -> tuple[Any, ...]:
        return (
            x[0] + 10.0 * x[1],
            5.0**0.5 * (x[2] - x[3]),
            (x[1] - 2.0 * x[2]) ** 2,
            10.0**0.5 * (x[0] - x[3]) ** 2,
        )

    return Problem(
        name="powell_singular",
        fun=sum_of_squares(residuals),
        x0=np.array([3.0, -1.0, 0.0, 1.0]),
        f_min=0.0,
        x_min=np.array([0.0, 0.0, 0.0, 0.0]),
        tags=frozenset({"smooth", "mgh", "least-squares", "singular-hessian"}),
        reference=_mgh(13),
    )


def wood() -> Problem:
    """Wood's function (MGH 14): minimum 0 at (1, 1, 1, 1), with a saddle region on the way.

    Examples
    --------
    >>> from descend import problems
    >>> p = problems.wood()
    >>> float(p(p.x0)), float(p(p.x_min))
    (19192.0, 0.0)
    """

    def residuals(x: Any) -> tuple[Any, ...]:
        return (
            10.0 * (x[1] - x[0] ** 2),
            1.0 - x[0],
            90.0**0.5 * (x[3] - x[2] ** 2),
            1.0 - x[2],
            10.0**0.5 * (x[1] + x[3] - 2.0),
            (x[1] - x[3]) / 10.0**0.5,
        )

    return Problem(
        name="wood",
        fun=sum_of_squares(residuals),
        x0=np.array([-3.0, -1.0, -3.0, -1.0]),
        f_min=0.0,
        x_min=np.array([1.0, 1.0, 1.0, 1.0]),
        tags=frozenset({"smooth", "mgh", "least-squares"}),
        reference=_mgh(14),
    )
