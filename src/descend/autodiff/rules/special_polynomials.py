"""Derivative rules of scipy.special's orthogonal polynomials, Legendre functions and
hypergeometric functions, with respect to the variable ``x``.

The derivative of each family is a member of a family scipy.special evaluates (DLMF 18.9,
15.5, 13.3): ``d/dx C_n^(a) = 2a C_{n-1}^(a+1)``, ``d/dx P_n^(a,b) = (n+a+b+1)/2
P_{n-1}^(a+1,b+1)``, ``d/dz 2F1(a,b;c;z) = ab/c 2F1(a+1,b+1;c+1;z)``. Degree ``-1`` evaluates
to 0 in scipy, which is exactly the derivative of a degree-0 polynomial. Derivatives with
respect to the degree or the parameters have no closed form and are refused with that reason.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.special as sp

from descend.autodiff.rules.special import INTEGER, special_rule

__all__: list[str] = []

_DEGREE_REASON = "its derivative with respect to the degree has no closed form in scipy.special"
_PARAMETER = "its derivative with respect to this parameter has no closed form in scipy.special"
_N = {0: ("the degree n", _DEGREE_REASON)}


def _parameters(*names: str) -> dict[int, tuple[str, str]]:
    """The degree n and then ``names``, all without a derivative."""
    return {0: _N[0], **{i + 1: (name, _PARAMETER) for i, name in enumerate(names)}}


def _chebyu_prime(n: Any, x: Any) -> Any:
    # U_n = C_n^(1), so U_n' = 2 C_{n-1}^(2).
    return 2 * sp.eval_gegenbauer(n - 1, 2.0, x)


def _chebyt_prime(n: Any, x: Any) -> Any:
    return n * sp.eval_chebyu(n - 1, x)


def _legendre_prime(n: Any, x: Any) -> Any:
    # P_n = C_n^(1/2), so P_n' = C_{n-1}^(3/2).
    return sp.eval_gegenbauer(n - 1, 1.5, x)


special_rule(sp.eval_chebyt, None, lambda g, ans, n, x: g * _chebyt_prime(n, x), fixed=_N)
special_rule(sp.eval_chebyu, None, lambda g, ans, n, x: g * _chebyu_prime(n, x), fixed=_N)
special_rule(sp.eval_legendre, None, lambda g, ans, n, x: g * _legendre_prime(n, x), fixed=_N)
# chebyc(n, x) = 2 T_n(x / 2), chebys(n, x) = U_n(x / 2), and the shifted families are the
# plain ones at 2x - 1.
special_rule(sp.eval_chebyc, None, lambda g, ans, n, x: g * _chebyt_prime(n, x / 2), fixed=_N)
special_rule(sp.eval_chebys, None, lambda g, ans, n, x: g * (_chebyu_prime(n, x / 2) / 2), fixed=_N)
special_rule(
    sp.eval_sh_chebyt, None, lambda g, ans, n, x: g * (2 * _chebyt_prime(n, 2 * x - 1)), fixed=_N
)
special_rule(
    sp.eval_sh_chebyu, None, lambda g, ans, n, x: g * (2 * _chebyu_prime(n, 2 * x - 1)), fixed=_N
)
special_rule(
    sp.eval_sh_legendre,
    None,
    lambda g, ans, n, x: g * (2 * _legendre_prime(n, 2 * x - 1)),
    fixed=_N,
)
special_rule(
    sp.eval_gegenbauer,
    None,
    None,
    lambda g, ans, n, alpha, x: g * (2 * alpha * sp.eval_gegenbauer(n - 1, alpha + 1, x)),
    fixed=_parameters("alpha"),
)
special_rule(
    sp.eval_jacobi,
    None,
    None,
    None,
    lambda g, ans, n, a, b, x: g * ((n + a + b + 1) / 2 * sp.eval_jacobi(n - 1, a + 1, b + 1, x)),
    fixed=_parameters("alpha", "beta"),
)


# sh_jacobi(n, p, q, x) = jacobi(n, p - q, q - 1, 2x - 1) / binom(2n + p - 1, n).
def _sh_jacobi_x(g: Any, ans: Any, n: Any, p: Any, q: Any, x: Any) -> Any:
    scale = (n + p) / sp.binom(2 * n + p - 1, n)
    return g * (scale * sp.eval_jacobi(n - 1, p - q + 1, q, 2 * x - 1))


special_rule(sp.eval_sh_jacobi, None, None, None, _sh_jacobi_x, fixed=_parameters("p", "q"))
special_rule(
    sp.eval_laguerre,
    None,
    lambda g, ans, n, x: -g * sp.eval_genlaguerre(n - 1, 1.0, x),
    fixed=_N,
)
special_rule(
    sp.eval_genlaguerre,
    None,
    None,
    lambda g, ans, n, alpha, x: -g * sp.eval_genlaguerre(n - 1, alpha + 1, x),
    fixed=_parameters("alpha"),
)
# scipy's Hermite polynomials take integer degrees only and have no degree -1.
_INTEGER_N = {0: ("the degree n", INTEGER)}
special_rule(
    sp.eval_hermite,
    None,
    lambda g, ans, n, x: g * (2 * n * sp.eval_hermite(np.maximum(n - 1, 0), x)),
    fixed=_INTEGER_N,
)
special_rule(
    sp.eval_hermitenorm,
    None,
    lambda g, ans, n, x: g * (n * sp.eval_hermitenorm(np.maximum(n - 1, 0), x)),
    fixed=_INTEGER_N,
)
# (x^2 - 1) dP_v^m/dx = v x P_v^m - (v + m) P_{v-1}^m (DLMF 14.10.5), for -1 < x < 1.
special_rule(
    sp.lpmv,
    None,
    None,
    lambda g, ans, m, v, x: g * ((v * x * ans - (v + m) * sp.lpmv(m, v - 1, x)) / (x * x - 1)),
    fixed={0: ("the order m", INTEGER), 1: ("the degree v", _DEGREE_REASON)},
)

# --- hypergeometric functions ----------------------------------------------------------------
special_rule(
    sp.hyp0f1,
    None,
    lambda g, ans, v, z: g * (sp.hyp0f1(v + 1, z) / v),
    fixed={0: ("the parameter v", _PARAMETER)},
)
special_rule(
    sp.hyp1f1,
    None,
    None,
    lambda g, ans, a, b, x: g * (a / b * sp.hyp1f1(a + 1, b + 1, x)),
    fixed={0: ("the parameter a", _PARAMETER), 1: ("the parameter b", _PARAMETER)},
)
special_rule(
    sp.hyp2f1,
    None,
    None,
    None,
    lambda g, ans, a, b, c, z: g * (a * b / c * sp.hyp2f1(a + 1, b + 1, c + 1, z)),
    fixed={i: (f"the parameter {p}", _PARAMETER) for i, p in enumerate("abc")},
)
special_rule(
    sp.hyperu,
    None,
    None,
    lambda g, ans, a, b, x: -g * (a * sp.hyperu(a + 1, b + 1, x)),
    fixed={0: ("the parameter a", _PARAMETER), 1: ("the parameter b", _PARAMETER)},
)
