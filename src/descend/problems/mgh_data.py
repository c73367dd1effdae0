"""Moré-Garbow-Hillstrom data-fitting problems: exponential and rational models fitted to
fixed data tables (Bard, Gaussian, Meyer, Osborne, ...).

Each objective is ``f(x) = sum_i r_i(x)**2`` over the table (``fun.residuals(x)`` returns
the residuals), with the paper's standard starting point and minimum value. The paper gives
``f*`` to six digits and most minimisers not at all; ``x_min`` and ``f_min`` here were
computed to double precision with :func:`scipy.optimize.least_squares` (tolerances 1e-15)
and agree with every digit the paper prints (checked in ``tests/problems``). The data tables
are those of the paper and of the original sources it cites.

Because the tables are float64 constants, these functions return float64 even for float32
input.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from descend.problems.problem import Problem
from descend.problems.residuals import sum_of_squares

__all__ = [
    "bard",
    "biggs_exp6",
    "box_3d",
    "brown_dennis",
    "gaussian",
    "gulf",
    "jennrich_sampson",
    "kowalik_osborne",
    "meyer",
    "osborne1",
    "osborne2",
]

_FITTING = frozenset({"smooth", "mgh", "least-squares"})


def _mgh(number: int) -> str:
    return f"More, Garbow & Hillstrom (1981), ACM TOMS 7(1), problem {number}"


def jennrich_sampson() -> Problem:
    """Jennrich and Sampson (MGH 6) with m = 10: ``f* = 124.362`` at ``x1 = x2 = 0.2578``.

    Examples
    --------
    >>> from descend import problems
    >>> p = problems.jennrich_sampson()
    >>> round(p.f_min, 3), round(float(p.x_min[0]), 4)
    (124.362, 0.2578)
    """
    i = np.arange(1.0, 11.0)

    def residuals(x: Any) -> tuple[Any, ...]:
        return (2.0 + 2.0 * i - (np.exp(i * x[0]) + np.exp(i * x[1])),)

    return Problem(
        name="jennrich_sampson",
        fun=sum_of_squares(residuals),
        x0=np.array([0.3, 0.4]),
        f_min=124.3621823556148,
        x_min=np.array([0.2578252135686162, 0.2578252135686162]),
        window=((0.0, 0.5), (0.0, 0.5)),
        tags=_FITTING,
        reference=_mgh(6),
    )


def bard() -> Problem:
    """Bard (MGH 8): a rational model with 15 data points, ``f* = 8.21487e-3``.

    There is a second, non-isolated minimum ``f = 17.4286`` as ``x2, x3 -> -inf``.

    Examples
    --------
    >>> from descend import problems
    >>> p = problems.bard()
    >>> round(p.f_min, 10)
    0.0082148773
    """
    y = np.array(
        [0.14, 0.18, 0.22, 0.25, 0.29, 0.32, 0.35, 0.39, 0.37, 0.58, 0.73, 0.96, 1.34, 2.10, 4.39]
    )
    u = np.arange(1.0, 16.0)
    v = 16.0 - u
    w = np.minimum(u, v)

    def residuals(x: Any) -> tuple[Any, ...]:
        return (y - (x[0] + u / (v * x[1] + w * x[2])),)

    return Problem(
        name="bard",
        fun=sum_of_squares(residuals),
        x0=np.array([1.0, 1.0, 1.0]),
        f_min=0.008214877306578971,
        x_min=np.array([0.08241056010589155, 1.1330360923770186, 2.343695178346852]),
        tags=_FITTING,
        reference=_mgh(8),
    )


def gaussian() -> Problem:
    """Gaussian (MGH 9): fit of a bell curve to 15 points, ``f* = 1.12793e-8``.

    Examples
    --------
    >>> from descend import problems
    >>> p = problems.gaussian()
    >>> f"{p.f_min:.5e}"
    '1.12793e-08'
    """
    t = (8.0 - np.arange(1.0, 16.0)) / 2.0
    half = np.array([0.0009, 0.0044, 0.0175, 0.0540, 0.1295, 0.2420, 0.3521, 0.3989])
    y = np.concatenate([half, half[-2::-1]])

    def residuals(x: Any) -> tuple[Any, ...]:
        return (x[0] * np.exp(-x[1] * (t - x[2]) ** 2 / 2.0) - y,)

    return Problem(
        name="gaussian",
        fun=sum_of_squares(residuals),
        x0=np.array([0.4, 1.0, 0.0]),
        f_min=1.1279327696186805e-08,
        x_min=np.array([0.3989561378385081, 1.0000190844855115, 0.0]),
        tags=_FITTING,
        reference=_mgh(9),
    )


def meyer() -> Problem:
    """Meyer (MGH 10): a notoriously badly scaled exponential fit, ``f* = 87.9458``.

    The minimiser is about ``(0.0056, 6181, 345)``: the variables differ by six orders of
    magnitude, so unscaled methods take many steps or stop early.

    Examples
    --------
    >>> from descend import problems
    >>> p = problems.meyer()
    >>> round(p.f_min, 6)
    87.945855
    """
    t = 45.0 + 5.0 * np.arange(1.0, 17.0)
    y = np.array(
        [34780.0, 28610.0, 23650.0, 19630.0, 16370.0, 13720.0, 11540.0, 9744.0,
         8261.0, 7030.0, 6005.0, 5147.0, 4427.0, 3820.0, 3307.0, 2872.0]
    )  # fmt: skip

    def residuals(x: Any) -> tuple[Any, ...]:
        return (x[0] * np.exp(x[1] / (t + x[2])) - y,)

    return Problem(
        name="meyer",
        fun=sum_of_squares(residuals),
        x0=np.array([0.02, 4000.0, 250.0]),
        f_min=87.94585517056493,
        x_min=np.array([0.005609636274405026, 6181.346375540635, 345.2236356099402]),
        tags=_FITTING | {"ill-conditioned", "badly-scaled"},
        reference=_mgh(10),
    )


def gulf() -> Problem:
    """Gulf research and development (MGH 11) with m = 99: minimum 0 at (50, 25, 1.5).

    Examples
    --------
    >>> from descend import problems
    >>> p = problems.gulf()
    >>> float(p(p.x_min)) < 1e-25
    True
    """
    t = np.arange(1.0, 100.0) / 100.0
    y = 25.0 + (-50.0 * np.log(t)) ** (2.0 / 3.0)

    def residuals(x: Any) -> tuple[Any, ...]:
        return (np.exp(-(np.abs(y - x[1]) ** x[2]) / x[0]) - t,)

    return Problem(
        name="gulf",
        fun=sum_of_squares(residuals),
        x0=np.array([5.0, 2.5, 0.15]),
        f_min=0.0,
        x_min=np.array([50.0, 25.0, 1.5]),
        tags=frozenset({"mgh", "least-squares"}),
        reference=_mgh(11),
    )


def box_3d() -> Problem:
    """Box three-dimensional (MGH 12) with m = 10: minimum 0.

    Zero is attained at (1, 10, 1), at (10, 1, -1) and along the whole line
    ``x1 = x2, x3 = 0``; ``minimizers`` lists the two isolated points.

    Examples
    --------
    >>> from descend import problems
    >>> p = problems.box_3d()
    >>> float(p([2.0, 2.0, 0.0])), len(p.minimizers)
    (0.0, 2)
    """
    t = 0.1 * np.arange(1.0, 11.0)
    scale = np.exp(-t) - np.exp(-10.0 * t)

    def residuals(x: Any) -> tuple[Any, ...]:
        return (np.exp(-t * x[0]) - np.exp(-t * x[1]) - x[2] * scale,)

    return Problem(
        name="box_3d",
        fun=sum_of_squares(residuals),
        x0=np.array([0.0, 10.0, 20.0]),
        f_min=0.0,
        x_min=np.array([1.0, 10.0, 1.0]),
        minimizers=(np.array([10.0, 1.0, -1.0]),),
        tags=_FITTING | {"multimodal"},
        reference=_mgh(12),
    )


def kowalik_osborne() -> Problem:
    """Kowalik and Osborne (MGH 15): enzyme-kinetics rational fit, ``f* = 3.07505e-4``.

    Examples
    --------
    >>> from descend import problems
    >>> p = problems.kowalik_osborne()
    >>> f"{p.f_min:.5e}"
    '3.07506e-04'
    """
    y = np.array(
        [0.1957, 0.1947, 0.1735, 0.1600, 0.0844, 0.0627, 0.0456, 0.0342, 0.0323, 0.0235, 0.0246]
    )
    u = np.array([4.0, 2.0, 1.0, 0.5, 0.25, 0.167, 0.125, 0.1, 0.0833, 0.0714, 0.0625])

    def residuals(x: Any) -> tuple[Any, ...]:
        return (y - x[0] * (u**2 + u * x[1]) / (u**2 + u * x[2] + x[3]),)

    return Problem(
        name="kowalik_osborne",
        fun=sum_of_squares(residuals),
        x0=np.array([0.25, 0.39, 0.415, 0.39]),
        f_min=0.0003075056038492371,
        x_min=np.array(
            [0.19280693458315776, 0.19128232873766107, 0.1230565070484383, 0.1360623307703602]
        ),
        tags=_FITTING,
        reference=_mgh(15),
    )


def brown_dennis() -> Problem:
    """Brown and Dennis (MGH 16) with m = 20: ``f* = 85822.2``.

    Examples
    --------
    >>> from descend import problems
    >>> p = problems.brown_dennis()
    >>> round(p.f_min, 1)
    85822.2
    """
    t = np.arange(1.0, 21.0) / 5.0

    def residuals(x: Any) -> tuple[Any, ...]:
        first = x[0] + t * x[1] - np.exp(t)
        second = x[2] + x[3] * np.sin(t) - np.cos(t)
        return (first**2 + second**2,)

    return Problem(
        name="brown_dennis",
        fun=sum_of_squares(residuals),
        x0=np.array([25.0, 5.0, -5.0, -1.0]),
        f_min=85822.20162635631,
        x_min=np.array(
            [-11.594439904534369, 13.20363005096622, -0.4034395120557191, 0.23677886529131395]
        ),
        tags=_FITTING,
        reference=_mgh(16),
    )


def osborne1() -> Problem:
    """Osborne 1 (MGH 17): sum of two exponentials fitted to 33 points, ``f* = 5.46489e-5``.

    Examples
    --------
    >>> from descend import problems
    >>> p = problems.osborne1()
    >>> f"{p.f_min:.5e}"
    '5.46489e-05'
    """
    t = 10.0 * np.arange(33.0)
    y = np.array(
        [0.844, 0.908, 0.932, 0.936, 0.925, 0.908, 0.881, 0.850, 0.818, 0.784, 0.751,
         0.718, 0.685, 0.658, 0.628, 0.603, 0.580, 0.558, 0.538, 0.522, 0.506, 0.490,
         0.478, 0.467, 0.457, 0.448, 0.438, 0.431, 0.424, 0.420, 0.414, 0.411, 0.406]
    )  # fmt: skip

    def residuals(x: Any) -> tuple[Any, ...]:
        return (y - (x[0] + x[1] * np.exp(-t * x[3]) + x[2] * np.exp(-t * x[4])),)

    return Problem(
        name="osborne1",
        fun=sum_of_squares(residuals),
        x0=np.array([0.5, 1.5, -1.0, 0.01, 0.02]),
        f_min=5.464894697482688e-05,
        x_min=np.array(
            [
                0.375410051291129,
                1.9358468181601733,
                -1.4646870414506503,
                0.012867534448233103,
                0.022122700044554792,
            ]
        ),
        tags=_FITTING,
        reference=_mgh(17),
    )


def biggs_exp6() -> Problem:
    """Biggs EXP6 (MGH 18) with m = 13: global minimum 0 at (1, 10, 1, 5, 4, 3).

    The data are generated by the model itself, so ``(4, 10, 3, 5, 1, 1)`` (the two decaying
    terms swapped) is a minimiser too. The paper also reports ``f = 5.65565e-3``, a local
    minimum where many methods stop.

    Examples
    --------
    >>> from descend import problems
    >>> p = problems.biggs_exp6()
    >>> [float(p(m)) < 1e-30 for m in p.minimizers]
    [True, True]
    """
    t = 0.1 * np.arange(1.0, 14.0)
    y = np.exp(-t) - 5.0 * np.exp(-10.0 * t) + 3.0 * np.exp(-4.0 * t)

    def residuals(x: Any) -> tuple[Any, ...]:
        model = x[2] * np.exp(-t * x[0]) - x[3] * np.exp(-t * x[1]) + x[5] * np.exp(-t * x[4])
        return (model - y,)

    return Problem(
        name="biggs_exp6",
        fun=sum_of_squares(residuals),
        x0=np.array([1.0, 2.0, 1.0, 1.0, 1.0, 1.0]),
        f_min=0.0,
        x_min=np.array([1.0, 10.0, 1.0, 5.0, 4.0, 3.0]),
        minimizers=(np.array([4.0, 10.0, 3.0, 5.0, 1.0, 1.0]),),
        tags=_FITTING | {"multimodal"},
        reference=_mgh(18),
    )


def osborne2() -> Problem:
    """Osborne 2 (MGH 19): an exponential plus three Gaussians fitted to 65 points.

    11 variables, ``f* = 4.01377e-2``.

    Examples
    --------
    >>> from descend import problems
    >>> p = problems.osborne2()
    >>> p.dim, f"{p.f_min:.5e}"
    (11, '4.01377e-02')
    """
    t = 0.1 * np.arange(65.0)
    y = np.array(
        [1.366, 1.191, 1.112, 1.013, 0.991, 0.885, 0.831, 0.847, 0.786, 0.725, 0.746,
         0.679, 0.608, 0.655, 0.616, 0.606, 0.602, 0.626, 0.651, 0.724, 0.649, 0.649,
         0.694, 0.644, 0.624, 0.661, 0.612, 0.558, 0.533, 0.495, 0.500, 0.423, 0.395,
         0.375, 0.372, 0.391, 0.396, 0.405, 0.428, 0.429, 0.523, 0.562, 0.607, 0.653,
         0.672, 0.708, 0.633, 0.668, 0.645, 0.632, 0.591, 0.559, 0.597, 0.625, 0.739,
         0.710, 0.729, 0.720, 0.636, 0.581, 0.428, 0.292, 0.162, 0.098, 0.054]
    )  # fmt: skip

    def residuals(x: Any) -> tuple[Any, ...]:
        model = (
            x[0] * np.exp(-t * x[4])
            + x[1] * np.exp(-((t - x[8]) ** 2) * x[5])
            + x[2] * np.exp(-((t - x[9]) ** 2) * x[6])
            + x[3] * np.exp(-((t - x[10]) ** 2) * x[7])
        )
        return (y - model,)

    return Problem(
        name="osborne2",
        fun=sum_of_squares(residuals),
        x0=np.array([1.3, 0.65, 0.65, 0.7, 0.6, 3.0, 5.0, 7.0, 2.0, 4.5, 5.5]),
        f_min=0.040137736293547686,
        x_min=np.array(
            [
                1.3099771555394124,
                0.4315537966790864,
                0.6336616998833785,
                0.599430536764915,
                0.7541832317977548,
                0.9042885631729225,
                1.365811845741543,
                4.823698813539978,
                2.3986848659096323,
                4.568874598096461,
                5.675341470219102,
            ]
        ),
        tags=_FITTING,
        reference=_mgh(19),
    )
