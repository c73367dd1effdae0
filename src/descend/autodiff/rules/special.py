"""Derivative rules of scipy.special: logistic, error and gamma functions, entropies, losses.

scipy.special's functions are ufuncs, so they reach `Tracer.__array_ufunc__` exactly as
NumPy's do and a rule is registered per ufunc object. Each derivative is written with ufuncs
that have rules themselves (``d digamma = zeta(2, x)``, ``d jv = (jv(v-1) - jv(v+1)) / 2``),
so second and higher derivatives come from the same table.

Many special functions are differentiable in some arguments only: an order, a degree or a
shape parameter. `special_rule` records, for each such argument, why it has no derivative; the
error a user sees when a traced value reaches it says so. The other modules of this family are
`special_bessel`, `special_stats`, `special_polynomials`, `special_classified` (constant and
refused ufuncs) and `special_functions` (differentiable versions of scipy.special's Python
functions that convert their input, such as ``logsumexp``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.special as sp
from scipy.special import _ufuncs

from descend.autodiff.core import Rule, Vjp
from descend.autodiff.errors import NotDifferentiableError
from descend.autodiff.registry import UFUNC_RULES

__all__ = ["SpecialRule", "exprel_prime", "real_only", "small_split", "special_rule"]

SQRT_PI = math.sqrt(math.pi)
LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)
DEGREE = math.pi / 180
LN2 = math.log(2.0)
LN10 = math.log(10.0)

# Reasons shared by many functions; each completes "... with respect to <argument>: <reason>".
ORDER = "its derivative with respect to the order has no closed form in scipy.special"
INTEGER = "it is an integer (non-integer values are rounded down)"
SHAPE = (
    "the derivative with respect to a shape parameter of an incomplete gamma or beta function "
    "has no closed form in scipy.special"
)


class SpecialRule(Rule):
    """A broadcasting ufunc rule whose arguments without a derivative each say why.

    ``fixed`` maps an argument number to ``(name, reason)``; its vjp is ``None``.

    Examples
    --------
    >>> import scipy.special as sp
    >>> from descend.autodiff.registry import UFUNC_RULES
    >>> print(str(UFUNC_RULES[sp.jv].not_differentiable(0))[:71])
    scipy.special.jv is not differentiable with respect to the order v (arg
    """

    __slots__ = ("fixed",)

    def __init__(
        self,
        fun: Callable[..., Any],
        vjps: tuple[Vjp | None, ...],
        fixed: dict[int, tuple[str, str]],
        name: str,
    ) -> None:
        # Special functions have poles everywhere: a zero cotangent must stay exactly zero.
        super().__init__(fun, vjps, name=name, broadcasts=True, zero_safe=True)
        self.fixed = fixed

    def not_differentiable(self, argnum: int) -> NotDifferentiableError:
        name, reason = self.fixed.get(argnum, (f"argument {argnum}", "no derivative rule"))
        return NotDifferentiableError(
            f"{self.name} is not differentiable with respect to {name} (argument {argnum}): "
            f"{reason}. Pass it as a plain number or array (or wrap it in "
            "descend.stop_gradient(...)) and differentiate with respect to the other arguments."
        )


def special_rule(
    ufunc: np.ufunc,
    *vjps: Vjp | None,
    fixed: dict[int, tuple[str, str]] | None = None,
    name: str | None = None,
) -> SpecialRule:
    """Register the rule of a scipy.special ufunc: one vjp per argument, ``None`` where
    ``fixed`` gives the argument's name and the reason it has no derivative. ``name`` is the
    public function a private ufunc implements (``scipy.special.lambertw``).

    Examples
    --------
    >>> import scipy.special as sp
    >>> special_rule(sp.expit, lambda g, ans, x: g * ans * sp.expit(-x)).name
    'scipy.special.expit'
    """
    fixed = fixed or {}
    missing = [i for i, v in enumerate(vjps) if v is None and i not in fixed]
    if missing or len(vjps) != ufunc.nin:
        raise ValueError(f"{ufunc.__name__}: give a vjp or a reason for every argument")
    rule = SpecialRule(ufunc, vjps, fixed, name or f"scipy.special.{ufunc.__name__}")
    UFUNC_RULES[ufunc] = rule
    return rule


def real_only(name: str, vjp: Vjp) -> Vjp:
    """``vjp`` for real arguments; complex ones are refused (the formula is not holomorphic).

    Examples
    --------
    >>> vjp = real_only("f", lambda g, ans, x: g * 2)
    >>> vjp(1.0, None, 3.0)
    2.0
    """

    def checked(g: Any, ans: Any, *args: Any) -> Any:
        if any(np.iscomplexobj(a) for a in args):
            raise NotDifferentiableError(
                f"descend differentiates scipy.special.{name} for real arguments only: its "
                "derivative for complex arguments is not implemented. Differentiate with "
                "respect to real inputs, or pass descend.stop_gradient(z)."
            )
        return vjp(g, ans, *args)

    return checked


def small_split(x: Any, bound: float) -> tuple[Any, Any, Any]:
    """Mask of ``|x| < bound`` and ``x`` split into a copy safe for each branch of a where
    (a series near 0, a closed form elsewhere).

    In single precision ``bound`` is raised to 0.1: the closed forms these series replace
    cancel to about ``eps / x**2``, which float32 cannot afford anywhere near 0.

    Examples
    --------
    >>> small, near, far = small_split(np.array([1e-5, 2.0]), 1e-3)
    >>> small.tolist(), near.tolist(), far.tolist()
    ([True, False], [1e-05, 0.0], [0.001, 2.0])
    """
    if np.finfo(np.result_type(x, 1.0)).eps > 1e-10:
        bound = 0.1
    small = np.abs(x) < bound
    return small, np.where(small, x, 0.0), np.where(small, bound, x)


def exprel_prime(x: Any) -> Any:
    """The derivative of ``exprel(x) = (exp(x) - 1) / x``, without cancellation near 0.

    Examples
    --------
    >>> round(float(exprel_prime(0.0)), 12), round(float(exprel_prime(1.0)), 12)
    (0.5, 1.0)
    """
    # sum_k k x^(k-1) / (k+1)!: six terms leave a relative error below 1e-16 for |x| < 0.01
    # (below 1e-9 for |x| < 0.1).
    small, xs, xb = small_split(x, 1e-2)
    series = 1 / 2 + xs * (1 / 3 + xs * (1 / 8 + xs * (1 / 30 + xs * (1 / 144 + xs / 840))))
    return np.where(small, series, (np.exp(xb) - sp.exprel(xb)) / xb)


def _log1p_ratio_prime(u: Any) -> Any:
    """The derivative of ``log1p(u) / u`` (the ``lmbda``-derivative of inv_boxcox), stably."""
    # Six terms: relative error below 1e-18 for |u| < 1e-3 (below 2e-6 for |u| < 0.1).
    small, us, ub = small_split(u, 1e-3)
    series = -1 / 2 + us * (2 / 3 + us * (-3 / 4 + us * (4 / 5 + us * (-5 / 6 + us * 6 / 7))))
    return np.where(small, series, (ub / (1 + ub) - np.log1p(ub)) / (ub * ub))


def _digamma_prime(g: Any, ans: Any, x: Any) -> Any:
    if np.iscomplexobj(x):
        raise NotDifferentiableError(
            "descend differentiates scipy.special.digamma (psi) for real arguments only: "
            "scipy.special has no complex trigamma function."
        )
    return g * _ufuncs._zeta(2.0, x)


# --- elementary functions scipy.special defines again --------------------------------------
special_rule(sp.exp2, lambda g, ans, x: g * (ans * LN2))
special_rule(sp.exp10, lambda g, ans, x: g * (ans * LN10))
special_rule(sp.expm1, lambda g, ans, x: g * (ans + 1))
special_rule(sp.log1p, lambda g, ans, x: g / (1 + x))
special_rule(sp.cbrt, lambda g, ans, x: g / (3 * ans * ans))
special_rule(sp.cosm1, lambda g, ans, x: -g * np.sin(x))
special_rule(sp.exprel, lambda g, ans, x: g * exprel_prime(x))
special_rule(sp.sindg, lambda g, ans, x: g * (DEGREE * sp.cosdg(x)))
special_rule(sp.cosdg, lambda g, ans, x: -g * (DEGREE * sp.sindg(x)))
special_rule(sp.tandg, lambda g, ans, x: g * (DEGREE * (1 + ans * ans)))
special_rule(sp.cotdg, lambda g, ans, x: -g * (DEGREE * (1 + ans * ans)))
special_rule(
    sp.radian,
    lambda g, ans, d, m, s: g * DEGREE,
    lambda g, ans, d, m, s: g * (DEGREE / 60),
    lambda g, ans, d, m, s: g * (DEGREE / 3600),
)
special_rule(
    sp.powm1,
    lambda g, ans, x, y: g * (y * np.power(x, y - 1)),
    lambda g, ans, x, y: g * ((ans + 1) * np.log(x)),
)

# --- logistic and normal distribution -------------------------------------------------------
# expit(x) * expit(-x) rather than ans * (1 - ans): the latter is 0 once ans rounds to 1.
special_rule(sp.expit, lambda g, ans, x: g * (ans * sp.expit(-x)))
special_rule(sp.log_expit, lambda g, ans, x: g * sp.expit(-x))
special_rule(sp.logit, lambda g, ans, x: g / (x * (1 - x)))
special_rule(sp.ndtr, lambda g, ans, x: g * np.exp(-x * x / 2 - LOG_SQRT_2PI))
special_rule(sp.log_ndtr, lambda g, ans, x: g * np.exp(-x * x / 2 - LOG_SQRT_2PI - ans))
special_rule(sp.ndtri, lambda g, ans, p: g * np.exp(ans * ans / 2 + LOG_SQRT_2PI))
special_rule(sp.ndtri_exp, lambda g, ans, y: g * np.exp(ans * ans / 2 + LOG_SQRT_2PI + y))

# --- error functions ------------------------------------------------------------------------
special_rule(sp.erf, lambda g, ans, x: g * ((2 / SQRT_PI) * np.exp(-x * x)))
special_rule(sp.erfc, lambda g, ans, x: g * ((-2 / SQRT_PI) * np.exp(-x * x)))
special_rule(sp.erfi, lambda g, ans, x: g * ((2 / SQRT_PI) * np.exp(x * x)))
special_rule(sp.erfcx, lambda g, ans, x: g * (2 * x * ans - 2 / SQRT_PI))
special_rule(sp.erfinv, lambda g, ans, y: g * ((SQRT_PI / 2) * np.exp(ans * ans)))
special_rule(sp.erfcinv, lambda g, ans, y: g * ((-SQRT_PI / 2) * np.exp(ans * ans)))
special_rule(sp.dawsn, lambda g, ans, x: g * (1 - 2 * x * ans))
special_rule(sp.wofz, lambda g, ans, z: g * (-2 * z * ans + 2j / SQRT_PI))
special_rule(sp.wrightomega, lambda g, ans, z: g * (ans / (1 + ans)))
# W' = W / (z (1 + W)) = exp(-W) / (1 + W), the second form finite at z = 0.
special_rule(
    _ufuncs._lambertw,
    lambda g, ans, z, k, tol: g * (np.exp(-ans) / (1 + ans)),
    None,
    None,
    fixed={
        1: ("the branch k", "it is an integer"),
        2: ("the tolerance tol", "it only sets the accuracy of the result"),
    },
    name="scipy.special.lambertw",
)

# --- exponential integrals and dilogarithm --------------------------------------------------
special_rule(sp.exp1, lambda g, ans, x: -g * (np.exp(-x) / x))
special_rule(sp.expi, lambda g, ans, x: g * (np.exp(x) / x))


def _expn_x(g: Any, ans: Any, n: Any, x: Any) -> Any:
    # d/dx E_n = -E_{n-1}; scipy has no E_{-1}, so E_0 = exp(-x) / x is differentiated directly.
    previous = sp.expn(np.maximum(n - 1, 0), x)
    return -g * np.where(n >= 1, previous, np.exp(-x) * (1 + x) / (x * x))


special_rule(sp.expn, None, _expn_x, fixed={0: ("n", INTEGER)})
special_rule(sp.spence, lambda g, ans, z: g * (np.log(z) / (1 - z)))

# --- gamma, beta and zeta -------------------------------------------------------------------
special_rule(sp.gamma, lambda g, ans, x: g * (ans * sp.digamma(x)))
special_rule(sp.gammaln, lambda g, ans, x: g * sp.digamma(x))
special_rule(sp.loggamma, lambda g, ans, x: g * sp.digamma(x))


def _rgamma_prime(g: Any, ans: Any, x: Any) -> Any:
    # -rgamma * digamma is 0 * inf at the zeros x = 0, -1, -2... of rgamma; left of 1/2 the
    # reflection rgamma(x) = sin(pi x) gamma(1 - x) / pi differentiates without poles.
    left = np.real(x) < 0.5
    xl, xr = np.where(left, x, 0.0), np.where(left, 1.0, x)
    reflected = sp.gamma(1 - xl) * (
        np.cos(math.pi * xl) - np.sin(math.pi * xl) * sp.digamma(1 - xl) / math.pi
    )
    return g * np.where(left, reflected, -sp.rgamma(xr) * sp.digamma(xr))


special_rule(sp.rgamma, _rgamma_prime)
special_rule(sp.digamma, _digamma_prime)
# The Hurwitz zeta function behind scipy.special.zeta(s, q) and polygamma.
special_rule(
    _ufuncs._zeta,
    None,
    real_only("zeta", lambda g, ans, s, q: -g * (s * _ufuncs._zeta(s + 1, q))),
    fixed={0: ("s", "its derivative with respect to s has no closed form in scipy.special")},
    name="scipy.special.zeta",
)
special_rule(
    sp.beta,
    lambda g, ans, a, b: g * (ans * (sp.digamma(a) - sp.digamma(a + b))),
    lambda g, ans, a, b: g * (ans * (sp.digamma(b) - sp.digamma(a + b))),
)
special_rule(
    sp.betaln,
    lambda g, ans, a, b: g * (sp.digamma(a) - sp.digamma(a + b)),
    lambda g, ans, a, b: g * (sp.digamma(b) - sp.digamma(a + b)),
)
special_rule(
    sp.binom,
    lambda g, ans, n, k: g * (ans * (sp.digamma(n + 1) - sp.digamma(n - k + 1))),
    lambda g, ans, n, k: g * (ans * (sp.digamma(n - k + 1) - sp.digamma(k + 1))),
)
special_rule(
    sp.poch,
    lambda g, ans, z, m: g * (ans * (sp.digamma(z + m) - sp.digamma(z))),
    lambda g, ans, z, m: g * (ans * sp.digamma(z + m)),
)

# --- entropies and losses -------------------------------------------------------------------
special_rule(sp.entr, lambda g, ans, x: -g * (np.log(x) + 1))
special_rule(
    sp.rel_entr,
    lambda g, ans, x, y: g * (np.log(x) - np.log(y) + 1),
    lambda g, ans, x, y: -g * (x / y),
)
special_rule(
    sp.kl_div,
    lambda g, ans, x, y: g * (np.log(x) - np.log(y)),
    lambda g, ans, x, y: g * (1 - x / y),
)
# xlogy(0, y) is 0 for every y, so its y-derivative is 0 there, even at y == 0.
special_rule(
    sp.xlogy,
    lambda g, ans, x, y: g * np.log(y),
    lambda g, ans, x, y: g * (x / np.where(x == 0, 1.0, y)),
)
special_rule(
    sp.xlog1py,
    lambda g, ans, x, y: g * np.log1p(y),
    lambda g, ans, x, y: g * (x / np.where(x == 0, 1.0, 1 + y)),
)


def _huber_delta(g: Any, ans: Any, delta: Any, r: Any) -> Any:
    outside = np.abs(r) - delta
    return g * np.where(delta < 0, np.nan, np.where(outside > 0, outside, 0.0))


def _huber_r(g: Any, ans: Any, delta: Any, r: Any) -> Any:
    return g * np.where(delta < 0, np.nan, np.clip(r, -delta, delta))


special_rule(sp.huber, _huber_delta, _huber_r)


def _pseudo_huber_delta(g: Any, ans: Any, delta: Any, r: Any) -> Any:
    # d/d delta of delta^2 (s - 1), s = sqrt(1 + t^2), t = r / delta, rearranged as
    # delta t^4 / (s (s + 1)^2) so that it does not cancel for small t.
    t = r / delta
    s = np.sqrt(1 + t * t)
    return g * (delta * t**4 / (s * (s + 1) ** 2))


special_rule(
    sp.pseudo_huber,
    _pseudo_huber_delta,
    lambda g, ans, delta, r: g * (r / np.sqrt(1 + (r / delta) ** 2)),
)


# --- Box-Cox transforms ---------------------------------------------------------------------
# boxcox(x, l) = L * exprel(l * L) with L = log(x) (log1p(x) for boxcox1p), so the
# l-derivative is L^2 exprel'(l L), finite and accurate through l == 0.
def _boxcox_lmbda(log_x: Any, lmbda: Any) -> Any:
    return log_x * log_x * exprel_prime(lmbda * log_x)


special_rule(
    sp.boxcox,
    lambda g, ans, x, lmbda: g * np.exp((lmbda - 1) * np.log(x)),
    lambda g, ans, x, lmbda: g * _boxcox_lmbda(np.log(x), lmbda),
)
special_rule(
    sp.boxcox1p,
    lambda g, ans, x, lmbda: g * np.exp((lmbda - 1) * np.log1p(x)),
    lambda g, ans, x, lmbda: g * _boxcox_lmbda(np.log1p(x), lmbda),
)
# inv_boxcox(y, l) = exp(y * log1p(l y) / (l y)); d/dl of the exponent is y^2 h'(l y) with
# h(u) = log1p(u) / u.
special_rule(
    sp.inv_boxcox,
    lambda g, ans, y, lmbda: g * (ans / (1 + lmbda * y)),
    lambda g, ans, y, lmbda: g * (ans * y * y * _log1p_ratio_prime(lmbda * y)),
)
special_rule(
    sp.inv_boxcox1p,
    lambda g, ans, y, lmbda: g * ((ans + 1) / (1 + lmbda * y)),
    lambda g, ans, y, lmbda: g * ((ans + 1) * y * y * _log1p_ratio_prime(lmbda * y)),
)
