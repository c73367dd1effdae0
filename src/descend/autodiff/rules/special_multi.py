"""Derivative rules of the scipy.special ufuncs that return several arrays.

Each differentiable output is a primitive of its own (a `SpecialRule` whose ``fun`` picks
that output), and the ufunc's handler binds one per output. The derivatives are closed forms
in ufuncs descend differentiates: an output's derivative is often another output of the same
function (``Ai' = Aip``), and the derivative of a derivative output follows from the
differential equation the function solves (``Aip' = x Ai``; Mathieu, parabolic cylinder and
spheroidal equations). A vjp calls the ufunc itself on possibly-traced values, which goes
through its handler again, so second and higher derivatives come from the same rules.

Orders, characteristic values and other parameters without a derivative are refused per
argument with the reason, as in `descend.autodiff.rules.special`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.special as sp

from descend.autodiff.errors import NotDifferentiableError
from descend.autodiff.registry import implements
from descend.autodiff.rules.special import ORDER, SpecialRule, real_only, small_split
from descend.autodiff.tracer import bind

__all__: list[str] = []

DEGREE = math.pi / 180
SQRT_PI = math.sqrt(math.pi)
# d/dx of an output, given all the ufunc's arguments (the differentiated one among them).
Derivative = Callable[..., Any]


def _register_multi(
    ufunc: np.ufunc,
    derivatives: tuple[Derivative, ...],
    argnum: int = -1,
    fixed: dict[int, tuple[str, str]] | None = None,
    complex_ok: bool = True,
) -> None:
    """Register ``ufunc``'s handler: output ``i`` is a primitive whose only derivative, with
    respect to argument ``argnum``, is ``derivatives[i](*args)``; every other argument is in
    ``fixed`` with its name and the reason it has no derivative."""
    fixed = fixed or {}
    name = f"scipy.special.{ufunc.__name__}"
    argnum = argnum % ufunc.nin
    if len(derivatives) != ufunc.nout or set(fixed) | {argnum} != set(range(ufunc.nin)):
        raise ValueError(f"{name}: give a derivative per output and a reason per fixed argument")

    def output_rule(i: int, derivative: Derivative) -> SpecialRule:
        def vjp(g: Any, ans: Any, *args: Any) -> Any:
            return g * derivative(*args)

        checked = vjp if complex_ok else real_only(ufunc.__name__, vjp)
        vjps = tuple(checked if k == argnum else None for k in range(ufunc.nin))
        return SpecialRule(lambda *args: ufunc(*args)[i], vjps, fixed, name)

    rules = tuple(output_rule(i, d) for i, d in enumerate(derivatives))

    def handler(*args: Any, **kwargs: Any) -> tuple[Any, ...]:
        if kwargs:
            raise NotDifferentiableError(
                f"descend differentiates {name} without options; got "
                f"{', '.join(k + '=' for k in sorted(kwargs))}."
            )
        return tuple(bind(rule, args) for rule in rules)

    handler.__doc__ = f"{name}, one traced primitive per output."
    implements(ufunc)(handler)


def _sinhc(x: Any) -> Any:
    """``sinh(x) / x``, equal to 1 at 0."""
    small, xs, xb = small_split(x, 1e-2)
    x2 = xs * xs
    series = 1 + x2 * (1 / 6 + x2 * (1 / 120 + x2 / 5040))
    return np.where(small, series, np.sinh(xb) / xb)


def _bessel0_ratio(x: Any, sign: int) -> Any:
    """``(1 - J0(x)) / x`` (``sign = -1``) or ``(I0(x) - 1) / x`` (``sign = 1``): both cancel
    near 0, where their power series replaces them."""
    # x/4 sum_k c_k (x^2/4)^(k-1), c_k = sign^(k+1) / (k!)^2; six terms leave a relative error
    # below 1e-17 for |x| < 0.25, where the closed form loses at most two digits.
    small, xs, xb = small_split(x, 0.25)
    q = xs * xs / 4
    poly: Any = 0.0
    for k in range(6, 0, -1):
        poly = poly * q + sign ** (k + 1) / math.factorial(k) ** 2
    closed = (sp.i0(xb) - 1) / xb if sign > 0 else (1 - sp.j0(xb)) / xb
    return np.where(small, xs / 4 * poly, closed)


def _root_positive(x: Any) -> Any:
    """``sqrt(x)`` for ``x > 0`` and 0 elsewhere: where airye's exponential scaling applies."""
    positive = x > 0
    return np.where(positive, np.sqrt(np.where(positive, x, 1.0)), 0.0)


def _nonzero(x: Any) -> Any:
    """``x`` with its zeros replaced by 1, for a quotient a where discards at 0."""
    return np.where(x == 0, 1.0, x)


# --- sine, cosine, hyperbolic and Fresnel integrals: the derivative is the integrand ----------
# Ci(x) and Chi(x) of a negative real x are the real parts, Ci(|x|) and Chi(|x|), whose
# derivatives cos(x) / x and cosh(x) / x are the same formulas.
_register_multi(sp.sici, (lambda x: np.sinc(x / math.pi), lambda x: np.cos(x) / x))
_register_multi(sp.shichi, (_sinhc, lambda x: np.cosh(x) / x))
_register_multi(
    sp.fresnel,
    (lambda z: np.sin((math.pi / 2) * (z * z)), lambda z: np.cos((math.pi / 2) * (z * z))),
)


# F+(x) = int_x^inf exp(i t^2) dt and K+(x) = F+(x) exp(-i (x^2 + pi/4)) / sqrt(pi); the
# minus functions conjugate the exponentials. scipy's F+- of a negative x is not that integral
# (its imaginary part has another slope), so their derivative there is nan rather than wrong.
def _modfresnel_f(sign: int) -> Derivative:
    return lambda x: np.where(x < 0, np.nan, -np.exp(sign * 1j * (x * x)))


_register_multi(
    sp.modfresnelp,
    (
        _modfresnel_f(1),
        lambda x: -2j * x * sp.modfresnelp(x)[1] - np.exp(-0.25j * math.pi) / SQRT_PI,
    ),
)
_register_multi(
    sp.modfresnelm,
    (
        _modfresnel_f(-1),
        lambda x: 2j * x * sp.modfresnelm(x)[1] - np.exp(0.25j * math.pi) / SQRT_PI,
    ),
)

# --- Airy functions: Ai'' = x Ai, Bi'' = x Bi ---------------------------------------------
_register_multi(
    sp.airy,
    (
        lambda z: sp.airy(z)[1],
        lambda z: z * sp.airy(z)[0],
        lambda z: sp.airy(z)[3],
        lambda z: z * sp.airy(z)[2],
    ),
)
# airye scales Ai, Ai' by exp(zeta) and Bi, Bi' by exp(-zeta), zeta = 2/3 x^(3/2), for x > 0
# (zeta' = sqrt(x)); for x <= 0 it leaves Bi, Bi' alone and gives nan for Ai, Ai'. For
# complex z the scaling of Bi is exp(-|Re zeta|), which is not holomorphic: real x only.
_register_multi(
    sp.airye,
    (
        lambda x: sp.airye(x)[1] + _root_positive(x) * sp.airye(x)[0],
        lambda x: x * sp.airye(x)[0] + _root_positive(x) * sp.airye(x)[1],
        lambda x: sp.airye(x)[3] - _root_positive(x) * sp.airye(x)[2],
        lambda x: x * sp.airye(x)[2] - _root_positive(x) * sp.airye(x)[3],
    ),
    complex_ok=False,
)


# --- Kelvin functions ------------------------------------------------------------------------
# Be = ber + i bei = J0(x e^(3 pi i / 4)) and Ke = ker + i kei = K0(x e^(pi i / 4)) both solve
# x^2 w'' + x w' - i x^2 w = 0, so w'' = i w - w' / x. At x = 0, Be'' = i Be / 2; Ke has a
# logarithmic singularity there, and its second derivative is nan.
def _kelvin_second(x: Any, w: Any, wp: Any, at_zero: Any) -> Any:
    return np.where(x == 0, at_zero, 1j * w - wp / _nonzero(x))


_register_multi(
    sp.kelvin,
    (
        lambda x: sp.kelvin(x)[2],
        lambda x: sp.kelvin(x)[3],
        lambda x: _kelvin_second(x, sp.kelvin(x)[0], sp.kelvin(x)[2], 0.5j * sp.kelvin(x)[0]),
        lambda x: _kelvin_second(x, sp.kelvin(x)[1], sp.kelvin(x)[3], np.nan),
    ),
)

# --- integrals of Bessel and Airy functions: the derivative is the integrand -----------------
_register_multi(sp.itj0y0, (sp.j0, sp.y0))
_register_multi(sp.iti0k0, (sp.i0, sp.k0))
# int_0^x (1 - J0(t)) / t dt, int_x^inf Y0(t) / t dt, and their modified counterparts.
_register_multi(sp.it2j0y0, (lambda x: _bessel0_ratio(x, -1), lambda x: -sp.y0(x) / x))
_register_multi(sp.it2i0k0, (lambda x: _bessel0_ratio(x, 1), lambda x: -sp.k0(x) / x))
_register_multi(
    sp.itairy,
    (
        lambda x: sp.airy(x)[0],
        lambda x: sp.airy(x)[2],
        lambda x: sp.airy(-x)[0],
        lambda x: sp.airy(-x)[2],
    ),
)

# --- Jacobi elliptic functions, in u --------------------------------------------------------
_register_multi(
    sp.ellipj,
    (
        lambda u, m: sp.ellipj(u, m)[1] * sp.ellipj(u, m)[2],
        lambda u, m: -sp.ellipj(u, m)[0] * sp.ellipj(u, m)[2],
        lambda u, m: -m * sp.ellipj(u, m)[0] * sp.ellipj(u, m)[1],
        lambda u, m: sp.ellipj(u, m)[2],
    ),
    argnum=0,
    fixed={
        1: (
            "the parameter m",
            "its derivative involves the incomplete elliptic integral of the second kind at "
            "the amplitude and is not implemented",
        )
    },
)

# --- parabolic cylinder functions: (value, x-derivative) and the differential equation --------
# D_v and V_v solve y'' = (x^2/4 - v - 1/2) y; W(a, x) solves y'' = (a - x^2/4) y.
for _pbf in (sp.pbdv, sp.pbvv):
    _register_multi(
        _pbf,
        (
            (lambda f: lambda v, x: f(v, x)[1])(_pbf),
            (lambda f: lambda v, x: (x * x / 4 - v - 0.5) * f(v, x)[0])(_pbf),
        ),
        fixed={0: ("the order v", ORDER)},
    )
_register_multi(
    sp.pbwa,
    (lambda a, x: sp.pbwa(a, x)[1], lambda a, x: (a - x * x / 4) * sp.pbwa(a, x)[0]),
    fixed={0: ("the parameter a", "its derivative with respect to a has no closed form")},
)

# --- Mathieu functions: (value, x-derivative) and Mathieu's equation -------------------------
MATHIEU_FIXED = {
    0: ("the order m", "it is an integer"),
    1: (
        "the parameter q",
        "the derivative with respect to q needs that of the characteristic value "
        "(mathieu_a/mathieu_b), which has no closed form in scipy.special",
    ),
}


def _mathieu(ufunc: np.ufunc, characteristic: np.ufunc) -> None:
    # ce_m and se_m take x in degrees and return the derivative in radians; they solve
    # y'' + (a - 2 q cos 2x) y = 0 (x in radians), a the characteristic value.
    _register_multi(
        ufunc,
        (
            lambda m, q, x: DEGREE * ufunc(m, q, x)[1],
            lambda m, q, x: (
                DEGREE * (2 * q * np.cos(2 * DEGREE * x) - characteristic(m, q)) * ufunc(m, q, x)[0]
            ),
        ),
        fixed=MATHIEU_FIXED,
    )


def _modified_mathieu(ufunc: np.ufunc, characteristic: np.ufunc) -> None:
    # The modified (radial) functions solve y'' - (a - 2 q cosh 2x) y = 0.
    _register_multi(
        ufunc,
        (
            lambda m, q, x: ufunc(m, q, x)[1],
            lambda m, q, x: (characteristic(m, q) - 2 * q * np.cosh(2 * x)) * ufunc(m, q, x)[0],
        ),
        fixed=MATHIEU_FIXED,
    )


_mathieu(sp.mathieu_cem, sp.mathieu_a)
_mathieu(sp.mathieu_sem, sp.mathieu_b)
for _f, _cv in (
    (sp.mathieu_modcem1, sp.mathieu_a),
    (sp.mathieu_modcem2, sp.mathieu_a),
    (sp.mathieu_modsem1, sp.mathieu_b),
    (sp.mathieu_modsem2, sp.mathieu_b),
):
    _modified_mathieu(_f, _cv)


# --- spheroidal wave functions: (value, x-derivative) and the spheroidal equation -------------
def _spheroidal_second(x: Any, out: tuple[Any, Any], m: Any, c: Any, cv: Any, kind: str) -> Any:
    """y'' from the spheroidal equation: prolate (angular and radial)
    (1 - x^2) y'' - 2x y' + (cv - c^2 x^2 - m^2 / (1 - x^2)) y = 0, oblate angular with
    +c^2 x^2, and oblate radial (x^2 + 1) y'' + 2x y' - (cv - c^2 x^2 - m^2 / (x^2 + 1)) y = 0."""
    (y, yp), x2, c2, m2 = out, x * x, c * c, m * m
    if kind == "obl_rad":
        return ((cv - c2 * x2 - m2 / (x2 + 1)) * y - 2 * x * yp) / (x2 + 1)
    sign = -1 if kind == "pro" else 1
    return (2 * x * yp - (cv + sign * c2 * x2 - m2 / (1 - x2)) * y) / (1 - x2)


SPHEROIDAL_FIXED = {
    0: ("the order m", "it is an integer"),
    1: ("the degree n", "it is an integer"),
    2: (
        "the spheroidal parameter c",
        "the derivative with respect to c needs that of the characteristic value, which has "
        "no closed form in scipy.special",
    ),
}
CV_FIXED = {
    **SPHEROIDAL_FIXED,
    3: (
        "the characteristic value cv",
        "it must equal pro_cv/obl_cv(m, n, c), so it cannot vary on its own",
    ),
}


def _spheroidal(ufunc: np.ufunc, with_cv: np.ufunc, characteristic: np.ufunc, kind: str) -> None:
    _register_multi(
        ufunc,
        (
            lambda m, n, c, x: ufunc(m, n, c, x)[1],
            lambda m, n, c, x: _spheroidal_second(
                x, ufunc(m, n, c, x), m, c, characteristic(m, n, c), kind
            ),
        ),
        fixed=SPHEROIDAL_FIXED,
    )
    _register_multi(
        with_cv,
        (
            lambda m, n, c, cv, x: with_cv(m, n, c, cv, x)[1],
            lambda m, n, c, cv, x: _spheroidal_second(x, with_cv(m, n, c, cv, x), m, c, cv, kind),
        ),
        fixed=CV_FIXED,
    )


_spheroidal(sp.pro_ang1, sp.pro_ang1_cv, sp.pro_cv, "pro")
_spheroidal(sp.pro_rad1, sp.pro_rad1_cv, sp.pro_cv, "pro")
_spheroidal(sp.obl_ang1, sp.obl_ang1_cv, sp.obl_cv, "obl")
_spheroidal(sp.obl_rad1, sp.obl_rad1_cv, sp.obl_cv, "obl_rad")
