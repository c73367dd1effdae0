"""Derivative rules of scipy.special's incomplete gamma and beta functions and the
distribution functions built on them (``chdtr``, ``gdtr``, ``pdtr``, ``bdtr``, ``stdtr``...).

A distribution function's derivative in its variable is the density, which is elementary in
terms of ``gammaln``/``betaln``; an inverse's derivative is one over the density at the
result. Derivatives with respect to shape parameters (``a`` of ``gammainc``, degrees of
freedom) need Meijer-G or hypergeometric series that scipy.special does not provide, so those
arguments are refused with that reason; integer counts (``k`` of ``pdtr``) are piecewise
constant and refused as well, since scipy rounds them down.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import scipy.special as sp

from descend.autodiff.rules.special import INTEGER, LOG_SQRT_2PI, SHAPE, SQRT_PI, special_rule

__all__: list[str] = []

_DOF = "the derivative with respect to degrees of freedom has no closed form in scipy.special"


def _gamma_pdf(a: Any, x: Any) -> Any:
    """Density of the gamma distribution with shape ``a`` (the x-derivative of gammainc)."""
    return np.exp(sp.xlogy(a - 1, x) - x - sp.gammaln(a))


def _beta_pdf(a: Any, b: Any, x: Any) -> Any:
    """Density of the beta distribution (the x-derivative of betainc)."""
    return np.exp(sp.xlogy(a - 1, x) + sp.xlog1py(b - 1, -x) - sp.betaln(a, b))


def _f_pdf(dfn: Any, dfd: Any, x: Any) -> Any:
    scale = dfd + dfn * x
    return _beta_pdf(dfn / 2, dfd / 2, dfn * x / scale) * (dfn * dfd / (scale * scale))


def _t_pdf(df: Any, t: Any) -> Any:
    log_norm = sp.gammaln((df + 1) / 2) - sp.gammaln(df / 2) - 0.5 * np.log(df * math.pi)
    return np.exp(log_norm - (df + 1) / 2 * np.log1p(t * t / df))


def _ncx2_pdf(x: Any, df: Any, nc: Any) -> Any:
    # DLMF-style closed form with the scaled Bessel function, so large sqrt(nc x) cannot overflow.
    root = np.sqrt(nc * x)
    log_part = -(x + nc) / 2 + root + (df / 4 - 0.5) * np.log(x / nc)
    return 0.5 * np.exp(log_part) * sp.ive(df / 2 - 1, root)


# --- incomplete gamma and beta functions and their inverses -------------------------------------
_A = {0: ("the shape a", SHAPE)}
_AB = {0: ("the shape a", SHAPE), 1: ("the shape b", SHAPE)}
special_rule(sp.gammainc, None, lambda g, ans, a, x: g * _gamma_pdf(a, x), fixed=_A)
special_rule(sp.gammaincc, None, lambda g, ans, a, x: -g * _gamma_pdf(a, x), fixed=_A)
special_rule(sp.gammaincinv, None, lambda g, ans, a, y: g / _gamma_pdf(a, ans), fixed=_A)
special_rule(sp.gammainccinv, None, lambda g, ans, a, y: -g / _gamma_pdf(a, ans), fixed=_A)
special_rule(sp.betainc, None, None, lambda g, ans, a, b, x: g * _beta_pdf(a, b, x), fixed=_AB)
special_rule(sp.betaincc, None, None, lambda g, ans, a, b, x: -g * _beta_pdf(a, b, x), fixed=_AB)
special_rule(sp.betaincinv, None, None, lambda g, ans, a, b, y: g / _beta_pdf(a, b, ans), fixed=_AB)
special_rule(
    sp.betainccinv, None, None, lambda g, ans, a, b, y: -g / _beta_pdf(a, b, ans), fixed=_AB
)

# --- chi-square, gamma and Poisson distributions ------------------------------------------------
_V = {0: ("the degrees of freedom v", _DOF)}
special_rule(sp.chdtr, None, lambda g, ans, v, x: g * (_gamma_pdf(v / 2, x / 2) / 2), fixed=_V)
special_rule(sp.chdtrc, None, lambda g, ans, v, x: -g * (_gamma_pdf(v / 2, x / 2) / 2), fixed=_V)
special_rule(sp.chdtri, None, lambda g, ans, v, p: -g / (_gamma_pdf(v / 2, ans / 2) / 2), fixed=_V)
_B = {1: ("the shape b", SHAPE)}
# gdtr(a, b, x) = gammainc(b, a x): a and x enter only through their product.
special_rule(
    sp.gdtr,
    lambda g, ans, a, b, x: g * (x * _gamma_pdf(b, a * x)),
    None,
    lambda g, ans, a, b, x: g * (a * _gamma_pdf(b, a * x)),
    fixed=_B,
)
special_rule(
    sp.gdtrc,
    lambda g, ans, a, b, x: -g * (x * _gamma_pdf(b, a * x)),
    None,
    lambda g, ans, a, b, x: -g * (a * _gamma_pdf(b, a * x)),
    fixed=_B,
)
special_rule(
    sp.gdtrix,
    lambda g, ans, a, b, p: -g * (ans / a),
    None,
    lambda g, ans, a, b, p: g / (a * _gamma_pdf(b, a * ans)),
    fixed=_B,
)
special_rule(
    sp.gdtria,
    lambda g, ans, p, b, x: g / (x * _gamma_pdf(b, ans * x)),
    None,
    lambda g, ans, p, b, x: -g * (ans / x),
    fixed=_B,
)
_K = {0: ("the count k", INTEGER)}
special_rule(sp.pdtr, None, lambda g, ans, k, m: -g * _gamma_pdf(np.floor(k) + 1, m), fixed=_K)
special_rule(sp.pdtrc, None, lambda g, ans, k, m: g * _gamma_pdf(np.floor(k) + 1, m), fixed=_K)
special_rule(sp.pdtri, None, lambda g, ans, k, y: -g / _gamma_pdf(np.floor(k) + 1, ans), fixed=_K)


# --- binomial and negative binomial distributions -------------------------------------------------
# bdtr(k, n, p) = betainc(n - k, k + 1, 1 - p) and nbdtr(k, n, p) = betainc(n, k + 1, p), with
# k and n rounded down.
def _binomial_pdf(k: Any, n: Any, p: Any) -> Any:
    k, n = np.floor(k), np.floor(n)
    return _beta_pdf(k + 1, n - k, p)


def _negative_binomial_pdf(k: Any, n: Any, p: Any) -> Any:
    return _beta_pdf(np.floor(n), np.floor(k) + 1, p)


_KN = {0: ("the count k", INTEGER), 1: ("the count n", INTEGER)}
special_rule(sp.bdtr, None, None, lambda g, ans, k, n, p: -g * _binomial_pdf(k, n, p), fixed=_KN)
special_rule(sp.bdtrc, None, None, lambda g, ans, k, n, p: g * _binomial_pdf(k, n, p), fixed=_KN)
special_rule(sp.bdtri, None, None, lambda g, ans, k, n, y: -g / _binomial_pdf(k, n, ans), fixed=_KN)
special_rule(
    sp.nbdtr, None, None, lambda g, ans, k, n, p: g * _negative_binomial_pdf(k, n, p), fixed=_KN
)
special_rule(
    sp.nbdtrc, None, None, lambda g, ans, k, n, p: -g * _negative_binomial_pdf(k, n, p), fixed=_KN
)
special_rule(
    sp.nbdtri,
    None,
    None,
    lambda g, ans, k, n, y: g / _negative_binomial_pdf(k, n, ans),
    fixed=_KN,
)

# --- F, Student t and noncentral chi-square distributions ---------------------------------------
_DFS = {0: ("the degrees of freedom dfn", _DOF), 1: ("the degrees of freedom dfd", _DOF)}
special_rule(sp.fdtr, None, None, lambda g, ans, dfn, dfd, x: g * _f_pdf(dfn, dfd, x), fixed=_DFS)
special_rule(sp.fdtrc, None, None, lambda g, ans, dfn, dfd, x: -g * _f_pdf(dfn, dfd, x), fixed=_DFS)
special_rule(
    sp.fdtri, None, None, lambda g, ans, dfn, dfd, p: g / _f_pdf(dfn, dfd, ans), fixed=_DFS
)
_DF = {0: ("the degrees of freedom df", _DOF)}
special_rule(sp.stdtr, None, lambda g, ans, df, t: g * _t_pdf(df, t), fixed=_DF)
special_rule(sp.stdtrit, None, lambda g, ans, df, p: g / _t_pdf(df, ans), fixed=_DF)
_NC = {
    1: ("the degrees of freedom df", _DOF),
    2: ("the noncentrality nc", "its derivative has no closed form in scipy.special"),
}
special_rule(sp.chndtr, lambda g, ans, x, df, nc: g * _ncx2_pdf(x, df, nc), None, None, fixed=_NC)
special_rule(
    sp.chndtrix, lambda g, ans, p, df, nc: g / _ncx2_pdf(ans, df, nc), None, None, fixed=_NC
)


# --- normal distribution parameters, Owen's T, Tukey lambda -------------------------------------
def _ndtri_prime(p: Any) -> Any:
    z = sp.ndtri(p)
    return np.exp(z * z / 2 + LOG_SQRT_2PI)


# nrdtrimn(p, std, x) = x - std * ndtri(p); nrdtrisd(mn, p, x) = (x - mn) / ndtri(p).
special_rule(
    sp.nrdtrimn,
    lambda g, ans, p, std, x: -g * (std * _ndtri_prime(p)),
    lambda g, ans, p, std, x: -g * sp.ndtri(p),
    lambda g, ans, p, std, x: g,
)
special_rule(
    sp.nrdtrisd,
    lambda g, ans, mn, p, x: -g / sp.ndtri(p),
    lambda g, ans, mn, p, x: -g * (ans * _ndtri_prime(p) / sp.ndtri(p)),
    lambda g, ans, mn, p, x: g / sp.ndtri(p),
)
special_rule(
    sp.owens_t,
    lambda g, ans, h, a: (
        -g * (np.exp(-h * h / 2 - LOG_SQRT_2PI) * sp.erf(a * h / math.sqrt(2.0)) / 2)
    ),
    lambda g, ans, h, a: g * (np.exp(-h * h * (1 + a * a) / 2) / (2 * math.pi * (1 + a * a))),
)
# tklmbda is the inverse of the quantile Q(F) = (F^l - (1 - F)^l) / l: dF/dx = 1 / Q'(F).
special_rule(
    sp.tklmbda,
    lambda g, ans, x, lmbda: g / (np.power(ans, lmbda - 1) + np.power(1 - ans, lmbda - 1)),
    None,
    fixed={1: ("the shape lmbda", "its derivative is not implemented")},
)


# voigt_profile(x, sigma, gamma) = Re w(z) / (sigma sqrt(2 pi)) with z = (x + i gamma) /
# (sigma sqrt 2) and w = wofz; w' = -2 z w + 2i / sqrt(pi) gives every partial derivative.
def _voigt_parts(x: Any, sigma: Any, gamma: Any) -> tuple[Any, Any, Any]:
    """``z``, ``w'(z)`` and the factor ``1 / (2 sqrt(pi) sigma^2)`` of dV/dz."""
    z = (x + 1j * gamma) / (sigma * math.sqrt(2.0))
    return z, -2 * z * sp.wofz(z) + 2j / SQRT_PI, 1 / (2 * SQRT_PI * sigma * sigma)


def _voigt_x(g: Any, ans: Any, x: Any, sigma: Any, gamma: Any) -> Any:
    _, w_prime, scale = _voigt_parts(x, sigma, gamma)
    return g * (np.real(w_prime) * scale)


def _voigt_sigma(g: Any, ans: Any, x: Any, sigma: Any, gamma: Any) -> Any:
    # dz/dsigma = -z / sigma, and the prefactor 1/sigma contributes -V / sigma.
    z, w_prime, scale = _voigt_parts(x, sigma, gamma)
    return -g * ((ans + np.real(w_prime * z) * scale * sigma * math.sqrt(2.0)) / sigma)


def _voigt_gamma(g: Any, ans: Any, x: Any, sigma: Any, gamma: Any) -> Any:
    _, w_prime, scale = _voigt_parts(x, sigma, gamma)
    return -g * (np.imag(w_prime) * scale)


special_rule(sp.voigt_profile, _voigt_x, _voigt_sigma, _voigt_gamma)
