"""Test problems for minimisers: classic functions, the Moré-Garbow-Hillstrom set and
ill-conditioned quadratics, each with a standard start and its known minimum.

Every problem is a :class:`Problem` whose ``fun`` is plain NumPy, so it can be passed to
:func:`descend.grad`, :func:`descend.minimize` or :func:`scipy.optimize.minimize` alike.

Examples
--------
>>> from descend import problems
>>> p = problems.get("wood")
>>> p.dim, p.x0.tolist(), p.f_min
(4, [-3.0, -1.0, -3.0, -1.0], 0.0)
>>> "helical_valley" in problems.list_problems("mgh")
True
"""

from descend.problems.classic import (
    ackley,
    beale,
    booth,
    himmelblau,
    matyas,
    rastrigin,
    rosenbrock,
    styblinski_tang,
    three_hump_camel,
    zakharov,
)
from descend.problems.mgh_data import (
    bard,
    biggs_exp6,
    box_3d,
    brown_dennis,
    gaussian,
    gulf,
    jennrich_sampson,
    kowalik_osborne,
    meyer,
    osborne1,
    osborne2,
)
from descend.problems.mgh_scalable import (
    brown_almost_linear,
    broyden_banded,
    broyden_tridiagonal,
    chebyquad,
    discrete_boundary_value,
    discrete_integral_equation,
    extended_powell_singular,
    extended_rosenbrock,
    penalty_1,
    penalty_2,
    trigonometric,
    variably_dimensioned,
    watson,
)
from descend.problems.mgh_small import (
    brown_badly_scaled,
    freudenstein_roth,
    helical_valley,
    powell_badly_scaled,
    powell_singular,
    wood,
)
from descend.problems.problem import Problem
from descend.problems.quadratic import QuadraticProblem, ill_conditioned_quadratic
from descend.problems.registry import TAGS, all_problems, get, list_problems

__all__ = [
    "TAGS",
    "Problem",
    "QuadraticProblem",
    "ackley",
    "all_problems",
    "bard",
    "beale",
    "biggs_exp6",
    "booth",
    "box_3d",
    "brown_almost_linear",
    "brown_badly_scaled",
    "brown_dennis",
    "broyden_banded",
    "broyden_tridiagonal",
    "chebyquad",
    "discrete_boundary_value",
    "discrete_integral_equation",
    "extended_powell_singular",
    "extended_rosenbrock",
    "freudenstein_roth",
    "gaussian",
    "get",
    "gulf",
    "helical_valley",
    "himmelblau",
    "ill_conditioned_quadratic",
    "jennrich_sampson",
    "kowalik_osborne",
    "list_problems",
    "matyas",
    "meyer",
    "osborne1",
    "osborne2",
    "penalty_1",
    "penalty_2",
    "powell_badly_scaled",
    "powell_singular",
    "rastrigin",
    "rosenbrock",
    "styblinski_tang",
    "three_hump_camel",
    "trigonometric",
    "variably_dimensioned",
    "watson",
    "wood",
    "zakharov",
]
