"""Derivative rules of scipy.special's Bessel, Struve, Kelvin and elliptic-integral functions.

Derivatives with respect to the argument follow from the recurrences between neighbouring
orders (DLMF 10.6, 10.29, 11.4): ``J_v' = (J_{v-1} - J_{v+1}) / 2`` and its relatives, so they
are again Bessel functions with rules of their own. Derivatives with respect to the order have
no closed form and are refused with that reason. The exponentially scaled variants add the
derivative of their scale factor; where that factor is ``exp(-|Re z|)`` or ``exp(-|Im z|)``
(``ive``, ``jve``, ``yve``) it is not holomorphic, so those accept real arguments only.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import scipy.special as sp
from scipy.special import _ufuncs

from descend.autodiff.rules.special import (
    INTEGER,
    ORDER,
    SQRT_PI,
    real_only,
    small_split,
    special_rule,
)

__all__: list[str] = []

_ORDER = {0: ("the order v", ORDER)}


def _first_kind(f: np.ufunc) -> Any:
    return lambda g, ans, v, x: g * ((f(v - 1, x) - f(v + 1, x)) / 2)


# --- Bessel functions of any order ------------------------------------------------------------
special_rule(sp.jv, None, _first_kind(sp.jv), fixed=_ORDER)
special_rule(sp.yv, None, _first_kind(sp.yv), fixed=_ORDER)
special_rule(sp.iv, None, lambda g, ans, v, x: g * ((sp.iv(v - 1, x) + sp.iv(v + 1, x)) / 2),
             fixed=_ORDER)  # fmt: skip
special_rule(sp.kv, None, lambda g, ans, v, x: -g * ((sp.kv(v - 1, x) + sp.kv(v + 1, x)) / 2),
             fixed=_ORDER)  # fmt: skip
# For real x, jve == jv and yve == yv (their factor exp(-|Im x|) is 1).
special_rule(sp.jve, None, real_only("jve", _first_kind(sp.jve)), fixed=_ORDER)
special_rule(sp.yve, None, real_only("yve", _first_kind(sp.yve)), fixed=_ORDER)
special_rule(
    sp.ive,
    None,
    real_only(
        "ive",
        lambda g, ans, v, x: g * ((sp.ive(v - 1, x) + sp.ive(v + 1, x)) / 2 - np.sign(x) * ans),
    ),
    fixed=_ORDER,
)
special_rule(
    sp.kve,
    None,
    lambda g, ans, v, x: g * (ans - (sp.kve(v - 1, x) + sp.kve(v + 1, x)) / 2),
    fixed=_ORDER,
)
special_rule(sp.hankel1, None, _first_kind(sp.hankel1), fixed=_ORDER)
special_rule(sp.hankel2, None, _first_kind(sp.hankel2), fixed=_ORDER)
# hankel1e = hankel1 * exp(-1j z) and hankel2e = hankel2 * exp(1j z): holomorphic factors.
special_rule(
    sp.hankel1e,
    None,
    lambda g, ans, v, z: g * ((sp.hankel1e(v - 1, z) - sp.hankel1e(v + 1, z)) / 2 - 1j * ans),
    fixed=_ORDER,
)
special_rule(
    sp.hankel2e,
    None,
    lambda g, ans, v, z: g * ((sp.hankel2e(v - 1, z) - sp.hankel2e(v + 1, z)) / 2 + 1j * ans),
    fixed=_ORDER,
)

# --- integer orders -----------------------------------------------------------------------------
_DEGREE = {0: ("the order n", INTEGER)}
special_rule(sp.yn, None, lambda g, ans, n, x: g * ((sp.yn(n - 1, x) - sp.yn(n + 1, x)) / 2),
             fixed=_DEGREE)  # fmt: skip
special_rule(sp.kn, None, lambda g, ans, n, x: -g * ((sp.kn(n - 1, x) + sp.kn(n + 1, x)) / 2),
             fixed=_DEGREE)  # fmt: skip


# --- spherical Bessel functions (the private ufuncs behind scipy.special.spherical_jn...) ---------
# f_n' = (n f_{n-1}' -+ (n + 1) f_{n+1}') / (2n + 1) (DLMF 10.51.2, 10.51.5), with no pole at 0;
# n f_{n-1} vanishes for n == 0, where scipy has no order -1.
def _spherical(value: np.ufunc, slope: np.ufunc, plus: bool, negate: bool, name: str) -> None:
    def second(g: Any, ans: Any, n: Any, z: Any) -> Any:
        below, above = n * slope(np.maximum(n - 1, 0), z), (n + 1) * slope(n + 1, z)
        total = below + above if plus else below - above
        return g * ((-total if negate else total) / (2 * n + 1))

    fixed = {0: ("the order n", INTEGER)}
    special_rule(value, None, lambda g, ans, n, z: g * slope(n, z), fixed=fixed, name=name)
    special_rule(slope, None, second, fixed=fixed, name=f"{name}(..., derivative=True)")


_spherical(_ufuncs._spherical_jn, _ufuncs._spherical_jn_d, False, False,
           "scipy.special.spherical_jn")  # fmt: skip
_spherical(_ufuncs._spherical_yn, _ufuncs._spherical_yn_d, False, False,
           "scipy.special.spherical_yn")  # fmt: skip
_spherical(_ufuncs._spherical_in, _ufuncs._spherical_in_d, True, False,
           "scipy.special.spherical_in")  # fmt: skip
_spherical(_ufuncs._spherical_kn, _ufuncs._spherical_kn_d, True, True,
           "scipy.special.spherical_kn")  # fmt: skip

special_rule(sp.j0, lambda g, ans, x: -g * sp.j1(x))
special_rule(sp.j1, lambda g, ans, x: g * ((sp.j0(x) - sp.jv(2.0, x)) / 2))
special_rule(sp.y0, lambda g, ans, x: -g * sp.y1(x))
special_rule(sp.y1, lambda g, ans, x: g * ((sp.y0(x) - sp.yv(2.0, x)) / 2))
special_rule(sp.i0, lambda g, ans, x: g * sp.i1(x))
special_rule(sp.i1, lambda g, ans, x: g * ((sp.i0(x) + sp.iv(2.0, x)) / 2))
special_rule(sp.k0, lambda g, ans, x: -g * sp.k1(x))
special_rule(sp.k1, lambda g, ans, x: -g * ((sp.k0(x) + sp.kv(2.0, x)) / 2))
# i0e = i0 exp(-|x|), k0e = k0 exp(x) and so on.
special_rule(sp.i0e, lambda g, ans, x: g * (sp.i1e(x) - np.sign(x) * ans))
special_rule(sp.i1e, lambda g, ans, x: g * ((sp.i0e(x) + sp.ive(2.0, x)) / 2 - np.sign(x) * ans))
special_rule(sp.k0e, lambda g, ans, x: g * (ans - sp.k1e(x)))
special_rule(sp.k1e, lambda g, ans, x: g * (ans - (sp.k0e(x) + sp.kve(2.0, x)) / 2))


# --- Struve functions (DLMF 11.4.23-24) --------------------------------------------------------
def _struve_extra(v: Any, x: Any) -> Any:
    return np.power(x / 2, v) * sp.rgamma(v + 1.5) / (2 * SQRT_PI)


special_rule(
    sp.struve,
    None,
    lambda g, ans, v, x: (
        g * ((sp.struve(v - 1, x) - sp.struve(v + 1, x)) / 2 + _struve_extra(v, x))
    ),
    fixed=_ORDER,
)
special_rule(
    sp.modstruve,
    None,
    lambda g, ans, v, x: (
        g * ((sp.modstruve(v - 1, x) + sp.modstruve(v + 1, x)) / 2 + _struve_extra(v, x))
    ),
    fixed=_ORDER,
)
special_rule(sp.itstruve0, lambda g, ans, x: g * sp.struve(0.0, x))
special_rule(sp.it2struve0, lambda g, ans, x: -g * (sp.struve(0.0, x) / x))
special_rule(sp.itmodstruve0, lambda g, ans, x: g * sp.modstruve(0.0, x))

# --- Kelvin functions: ber + i bei solves w'' + w'/x - i w = 0 (DLMF 10.61) --------------------
special_rule(sp.ber, lambda g, ans, x: g * sp.berp(x))
special_rule(sp.bei, lambda g, ans, x: g * sp.beip(x))
special_rule(sp.ker, lambda g, ans, x: g * sp.kerp(x))
special_rule(sp.kei, lambda g, ans, x: g * sp.keip(x))
special_rule(sp.berp, lambda g, ans, x: -g * (ans / x + sp.bei(x)))
special_rule(sp.beip, lambda g, ans, x: g * (sp.ber(x) - ans / x))
special_rule(sp.kerp, lambda g, ans, x: -g * (ans / x + sp.kei(x)))
special_rule(sp.keip, lambda g, ans, x: g * (sp.ker(x) - ans / x))

# --- Wright's generalised Bessel function: d/dx Phi(a, b, x) = Phi(a, a + b, x) ------------------
_PARAMETER = "its derivative with respect to the parameters a and b has no closed form"
special_rule(
    sp.wright_bessel,
    None,
    None,
    lambda g, ans, a, b, x: g * sp.wright_bessel(a, a + b, x),
    fixed={0: ("a", _PARAMETER), 1: ("b", _PARAMETER)},
)
special_rule(
    sp.log_wright_bessel,
    None,
    None,
    lambda g, ans, a, b, x: g * np.exp(sp.log_wright_bessel(a, a + b, x) - ans),
    fixed={0: ("a", _PARAMETER), 1: ("b", _PARAMETER)},
)
# besselpoly(a, l, v) = int_0^1 x^l J_v(2 a x) dx, differentiated under the integral.
special_rule(
    sp.besselpoly,
    lambda g, ans, a, lmb, nu: (
        g * (sp.besselpoly(a, lmb + 1, nu - 1) - sp.besselpoly(a, lmb + 1, nu + 1))
    ),
    None,
    None,
    fixed={
        1: ("the power lmb", "its derivative has no closed form in scipy.special"),
        2: ("the order nu", ORDER),
    },
)


# --- complete and incomplete elliptic integrals of the first and second kind (DLMF 19.4) --------
# The closed forms divide a difference of integrals by m; near m == 0 the Maclaurin series of
# K and E (DLMF 19.5.1-2), differentiated, replace them.
def _ellipk_prime(m: Any) -> Any:
    small, ms, mb = small_split(m, 1e-3)
    series = (math.pi / 2) * (
        1 / 4 + ms * (9 / 32 + ms * (75 / 256 + ms * (1225 / 4096 + ms * (19845 / 65536))))
    )
    return np.where(small, series, (sp.ellipe(mb) - (1 - mb) * sp.ellipk(mb)) / (2 * mb * (1 - mb)))


def _ellipe_prime(m: Any) -> Any:
    small, ms, mb = small_split(m, 1e-3)
    series = (math.pi / 2) * (
        -1 / 4 + ms * (-3 / 32 + ms * (-15 / 256 + ms * (-175 / 4096 + ms * (-2205 / 65536))))
    )
    return np.where(small, series, (sp.ellipe(mb) - sp.ellipk(mb)) / (2 * mb))


# agm(a, b) = pi (a + b) / (4 K(m)) with m = ((a - b) / (a + b))^2 (Landen's transformation):
# m is 0 at a == b, where the series of K' keeps the derivative exact (1/2 each).
def _agm_partial(a: Any, b: Any, sign: float) -> Any:
    total = a + b
    k = (a - b) / total
    big_k = sp.ellipk(k * k)
    slope = math.pi * total * _ellipk_prime(k * k) / (4 * big_k * big_k)
    other = b if sign < 0 else a
    return math.pi / (4 * big_k) + sign * slope * 4 * k * other / (total * total)


special_rule(
    sp.agm,
    lambda g, ans, a, b: g * _agm_partial(a, b, -1.0),
    lambda g, ans, a, b: g * _agm_partial(a, b, 1.0),
)
special_rule(sp.ellipk, lambda g, ans, m: g * _ellipk_prime(m))
special_rule(sp.ellipkm1, lambda g, ans, p: -g * _ellipk_prime(1 - p))
special_rule(sp.ellipe, lambda g, ans, m: g * _ellipe_prime(m))


def _delta(phi: Any, m: Any) -> Any:
    s = np.sin(phi)
    return np.sqrt(1 - m * s * s)


def _ellipkinc_m(g: Any, ans: Any, phi: Any, m: Any) -> Any:
    e = sp.ellipeinc(phi, m)
    edge = np.sin(2 * phi) / (4 * (1 - m) * _delta(phi, m))
    return g * (e / (2 * m * (1 - m)) - ans / (2 * m) - edge)


special_rule(sp.ellipkinc, lambda g, ans, phi, m: g / _delta(phi, m), _ellipkinc_m)
special_rule(
    sp.ellipeinc,
    lambda g, ans, phi, m: g * _delta(phi, m),
    lambda g, ans, phi, m: g * ((ans - sp.ellipkinc(phi, m)) / (2 * m)),
)
