"""scipy.special ufuncs without a derivative rule: the constant ones and the refused ones.

Every scipy.special ufunc is either differentiated (the other ``special*`` modules), constant
here (its result is integer-valued or piecewise constant) or refused here with the reason,
which descend's error gives as "descend does not differentiate scipy.special.f: <reason>".
"""

from __future__ import annotations

import scipy.special as sp
from scipy.special import _ufuncs

from descend.autodiff.registry import constant_functions, unsupported

__all__: list[str] = []

constant_functions([sp.gammasgn, sp.round])

unsupported(
    "scipy's radial spheroidal function of the second kind is not accurate enough to "
    "differentiate: the derivative it returns disagrees with its own values' differences, and "
    "its values break down (denormal or wrong) for many oblate arguments. If no gradient "
    "should flow through it, call it on descend.stop_gradient(x).",
    [
        sp.obl_rad2, sp.obl_rad2_cv, sp.pro_rad2, sp.pro_rad2_cv,
    ],
)  # fmt: skip
unsupported(
    "it solves for a shape parameter of a distribution, and its derivative would need the "
    "distribution function's derivative with respect to that parameter, which has no closed "
    "form in scipy.special. Pass its arguments as plain values (descend.stop_gradient).",
    [
        sp.bdtrik, sp.bdtrin, sp.btdtria, sp.btdtrib, sp.chdtriv, sp.chndtridf, sp.chndtrinc,
        sp.fdtridfd, sp.gdtrib, sp.nbdtrik, sp.nbdtrin, sp.ncfdtridfd, sp.ncfdtridfn,
        sp.ncfdtrinc, sp.nctdtridf, sp.nctdtrinc, sp.pdtrik, sp.stdtridf,
    ],
)  # fmt: skip
unsupported(
    "its derivative is the density of the noncentral F or t distribution, an infinite series "
    "that scipy.special does not provide as a function with derivatives of its own.",
    [sp.ncfdtr, sp.ncfdtri, sp.nctdtr, sp.nctdtrit],
)
unsupported(
    "its derivative exists only as scipy's private _kolmogp/_smirnovp, which cannot be "
    "differentiated again, so descend does not offer a rule that would fail at second order.",
    [sp.kolmogorov, sp.kolmogi, sp.smirnov, sp.smirnovi],
)
unsupported(
    "the derivatives of Carlson's symmetric elliptic integrals are Carlson integrals of higher "
    "index that scipy.special does not provide. Use ellipkinc/ellipeinc (differentiable in both "
    "arguments) where your integral has that form.",
    [sp.elliprc, sp.elliprd, sp.elliprf, sp.elliprg, sp.elliprj],
)
unsupported(
    "characteristic values of the Mathieu and spheroidal wave equations are eigenvalues "
    "without a closed-form derivative in scipy.special.",
    [sp.mathieu_a, sp.mathieu_b, sp.obl_cv, sp.pro_cv],
)
unsupported(
    "the derivative of the Riemann zeta function with respect to s has no closed form in "
    "scipy.special. The Hurwitz zeta function scipy.special.zeta(s, q) is differentiable "
    "with respect to q.",
    [sp.zetac, _ufuncs._riemann_zeta],
)
