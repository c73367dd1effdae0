"""Spec table of scipy.special: every ufunc with a derivative rule, in a domain where it is
smooth, differentiated with respect to its differentiable arguments.

An argument is either `var` (an array drawn uniformly from ``[lo, hi]``, optionally with a
random sign, whose derivative is checked) or `fixed` (one of a few plain values: an order, a
degree, a shape parameter). Functions of a complex argument are checked along a line
``x + c * 1j`` through the complex plane, with the real or imaginary part of the result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.special as sp
from scipy.special import _ufuncs

from descend import grad
from descend.autodiff.rules.special_functions import (
    log_softmax,
    logsumexp,
    polygamma,
    softmax,
    spherical_in,
    spherical_jn,
    spherical_kn,
    spherical_yn,
)

from .specs import Case, Inputs, Spec, spec


@dataclass(frozen=True)
class var:
    """A differentiated argument drawn from ``[lo, hi]`` (times a random sign if ``signed``)."""

    lo: float
    hi: float
    signed: bool = False


def fixed(*choices: Any) -> tuple[Any, ...]:
    """A constant argument: one of ``choices``."""
    return choices


def _draw(d: Inputs, args: tuple[Any, ...]) -> tuple[list[Any], list[int], list[np.ndarray]]:
    """All arguments, the positions of the drawn ones, and the drawn arrays."""
    drawn = [i for i, a in enumerate(args) if isinstance(a, var)]
    shapes = d.shapes(len(drawn), max_dims=2)  # at most 16 elements: order 2 is costly
    call: list[Any] = [None if isinstance(a, var) else d.choice(a) for a in args]
    arrays = []
    for i, shape in zip(drawn, shapes):
        a = args[i]
        x = d.rng.uniform(a.lo, a.hi, shape)
        if a.signed:
            x = x * d.rng.choice([-1.0, 1.0], shape)
        arrays.append(x.astype(d.dtype))
    return call, drawn, arrays


def special(ufunc: Any, *args: Any, name: str = "", part: Callable[..., Any] | None = None,
            shift: complex = 0, covers: Any = None) -> Spec:  # fmt: skip
    """``ufunc(*args)`` differentiated in its `var` arguments; ``part`` (``np.real``...) and
    ``shift`` (added to the last drawn argument) check a complex function along a line; ``covers``
    names the ufunc behind a Python wrapper such as ``scipy.special.zeta``."""

    def make(d: Inputs) -> Case:
        call, drawn, arrays = _draw(d, args)

        def fun(*values: Any) -> Any:
            full = list(call)
            for i, v in zip(drawn, values):
                full[i] = v
            if shift:
                full[drawn[-1]] = full[drawn[-1]] + shift
            out = ufunc(*full)
            return out if part is None else part(out)

        return fun, tuple(arrays)

    label = name or ufunc.__name__
    return spec(f"scipy.special.{label}", ufunc if covers is None else covers, make)


def _huber(d: Inputs) -> Case:
    # delta in [1, 1.5] and |r| outside [0.8, 1.7] keep r away from the kink at |r| == delta.
    sd, sr = d.shapes(2)
    delta = d.rng.uniform(1.0, 1.5, sd)
    r = d.rng.choice([-1.0, 1.0], sr) * d.rng.choice([0.5, 2.3], sr)
    r = r + d.rng.uniform(-0.3, 0.3, sr)
    return sp.huber, (delta.astype(d.dtype), r.astype(d.dtype))


def _polygamma(d: Inputs) -> Case:
    n = d.choice([0, 1, 2, np.array([0, 1, 3])])
    shape = np.shape(n) or d.shape()
    return (lambda x: polygamma(n, x)), (d.rng.uniform(0.5, 3.0, shape).astype(d.dtype),)


def _axis_case(fun: Callable[..., Any]) -> Callable[[Inputs], Case]:
    def make(d: Inputs) -> Case:
        shape = d.shape(min_dims=1)
        axis = d.choice([None, d.axis(len(shape))])
        return (lambda x: fun(x, axis=axis)), (d.array(shape),)

    return make


def _logsumexp(d: Inputs) -> Case:
    shape = d.shape(min_dims=1)
    axis = d.choice([None, d.axis(len(shape))])
    keepdims = d.flag()
    if d.flag():
        return (lambda a: logsumexp(a, axis=axis, keepdims=keepdims)), (d.array(shape),)
    b = d.rng.uniform(0.5, 2.0, shape[-1:]).astype(d.dtype)  # weights broadcast along the end
    return (lambda a, b: logsumexp(a, axis=axis, b=b, keepdims=keepdims)), (d.array(shape), b)


_X = var(0.3, 4.0)
_ORDERS = fixed(0.0, 0.5, 1.0, 2.5)
_N = fixed(0, 1, 2, 3, 5)
_P = var(0.1, 0.9)
_UNIT = var(-0.9, 0.9)
_SHIFTED_UNIT = var(0.05, 0.95)

SPECIAL = [
    # --- elementary functions scipy.special defines again -------------------------------------
    special(sp.exp2, var(-2, 2)),
    special(sp.exp10, var(-1, 1)),
    special(sp.expm1, var(-2, 2)),
    special(sp.log1p, var(-0.8, 2)),
    special(sp.cbrt, var(0.3, 2, signed=True)),
    special(sp.cosm1, var(-3, 3)),
    special(sp.exprel, var(-3, 3)),
    special(sp.exprel, var(-0.02, 0.02), name="exprel near 0"),
    special(sp.sindg, var(-200, 200)),
    special(sp.cosdg, var(-200, 200)),
    special(sp.tandg, var(-80, 80)),
    special(sp.cotdg, var(10, 170)),
    special(sp.radian, var(-5, 5), var(-5, 5), var(-5, 5)),
    special(sp.powm1, var(0.5, 2), var(-2, 2)),
    # --- logistic and normal distribution ------------------------------------------------------
    special(sp.expit, var(-6, 6)),
    special(sp.log_expit, var(-6, 6)),
    special(sp.logit, var(0.05, 0.95)),
    special(sp.ndtr, var(-3, 3)),
    special(sp.log_ndtr, var(-6, 3)),
    special(sp.ndtri, var(0.05, 0.95)),
    special(sp.ndtri_exp, var(-5, -0.1)),
    # --- error functions -----------------------------------------------------------------------
    special(sp.erf, var(-2, 2)),
    special(sp.erfc, var(-2, 2)),
    special(sp.erfi, var(-1.5, 1.5)),
    special(sp.erfcx, var(-1, 3)),
    special(sp.erfinv, var(-0.9, 0.9)),
    special(sp.erfcinv, var(0.1, 1.9)),
    special(sp.dawsn, var(-3, 3)),
    special(sp.wofz, var(-2, 2), part=np.real, shift=0.5j, name="wofz (real part)"),
    special(sp.wofz, var(-2, 2), part=np.imag, shift=0.5j, name="wofz (imaginary part)"),
    special(sp.lambertw, var(-0.3, 3), fixed(0), part=np.real, covers=_ufuncs._lambertw),
    special(
        sp.lambertw,
        var(-0.35, -0.05),
        fixed(-1),
        part=np.real,
        covers=_ufuncs._lambertw,
        name="lambertw branch -1",
    ),
    special(
        sp.lambertw,
        var(0.2, 3),
        fixed(0, 1),
        part=np.imag,
        shift=0.5j,
        covers=_ufuncs._lambertw,
        name="lambertw complex",
    ),
    special(sp.wrightomega, var(-2, 3)),
    special(sp.wrightomega, var(-2, 3), part=np.imag, shift=0.7j, name="wrightomega complex"),
    # --- exponential integrals and dilogarithm -------------------------------------------------
    special(sp.exp1, _X),
    special(sp.expi, var(0.3, 3, signed=True)),
    special(sp.expn, fixed(0, 1, 2, 3), _X),
    special(sp.spence, var(0.2, 3)),
    # --- gamma, beta and zeta ------------------------------------------------------------------
    special(sp.gamma, var(0.3, 4)),
    special(sp.gamma, var(-0.8, -0.2), name="gamma of negative x"),
    special(sp.gammaln, var(0.3, 4)),
    special(sp.loggamma, var(0.3, 4)),
    special(sp.rgamma, var(-0.8, 4)),
    special(sp.digamma, var(0.3, 4), name="digamma (psi)"),
    special(sp.zeta, fixed(2.0, 3.5), var(0.5, 3), name="zeta(s, q)", covers=_ufuncs._zeta),
    spec("scipy.special.polygamma", (sp.digamma, _ufuncs._zeta), _polygamma),
    special(sp.beta, var(0.5, 3), var(0.5, 3)),
    special(sp.betaln, var(0.5, 3), var(0.5, 3)),
    special(sp.binom, var(2.5, 5), var(0.5, 2)),
    special(sp.poch, var(0.5, 3), var(0.2, 2)),
    # --- entropies and losses ------------------------------------------------------------------
    special(sp.entr, var(0.2, 3)),
    special(sp.rel_entr, var(0.2, 3), var(0.2, 3)),
    special(sp.kl_div, var(0.2, 3), var(0.2, 3)),
    special(sp.xlogy, var(-2, 2), var(0.2, 3)),
    special(sp.xlog1py, var(-2, 2), var(-0.8, 2)),
    spec("scipy.special.huber", sp.huber, _huber),
    special(sp.pseudo_huber, var(0.5, 2), var(-2, 2)),
    special(sp.boxcox, var(0.5, 3), var(-1.5, 1.5)),
    special(sp.boxcox, var(0.5, 3), var(-0.005, 0.005), name="boxcox near lmbda 0"),
    special(sp.boxcox1p, var(-0.5, 2), var(-1.5, 1.5)),
    special(sp.inv_boxcox, var(0.1, 1), var(-0.5, 1.5)),
    special(sp.inv_boxcox, var(0.1, 1), var(-0.002, 0.002), name="inv_boxcox near lmbda 0"),
    special(sp.inv_boxcox1p, var(0.1, 1), var(-0.5, 1.5)),
    # --- Bessel functions ----------------------------------------------------------------------
    special(sp.jv, _ORDERS, var(0.5, 5)),
    special(sp.yv, _ORDERS, var(0.5, 5)),
    special(sp.iv, _ORDERS, var(0.2, 3)),
    special(sp.kv, _ORDERS, _X),
    special(sp.jve, _ORDERS, var(0.5, 5)),
    special(sp.yve, _ORDERS, var(0.5, 5)),
    special(sp.ive, _ORDERS, var(0.2, 3)),
    special(sp.kve, _ORDERS, _X),
    special(sp.hankel1, _ORDERS, var(0.5, 4), part=np.real, shift=0.3j),
    special(sp.hankel2, _ORDERS, var(0.5, 4), part=np.imag, shift=0.3j),
    special(sp.hankel1e, _ORDERS, var(0.5, 4), part=np.imag, shift=0.3j),
    special(sp.hankel2e, _ORDERS, var(0.5, 4), part=np.real, shift=0.3j),
    special(sp.yn, fixed(0, 1, 2), _X),
    special(sp.kn, fixed(0, 1, 2), _X),
    special(sp.j0, var(0.3, 5, signed=True)),
    special(sp.j1, var(0.3, 5, signed=True)),
    special(sp.y0, _X),
    special(sp.y1, _X),
    special(sp.i0, var(0.3, 3, signed=True)),
    special(sp.i1, var(0.3, 3, signed=True)),
    special(sp.i0e, var(0.3, 3, signed=True)),
    special(sp.i1e, var(0.3, 3, signed=True)),
    special(sp.k0, _X),
    special(sp.k1, _X),
    special(sp.k0e, _X),
    special(sp.k1e, _X),
    special(
        spherical_jn,
        fixed(0, 1, 2, 3),
        var(-3, 3),
        fixed(False, True),
        covers=(_ufuncs._spherical_jn, _ufuncs._spherical_jn_d),
    ),
    special(
        spherical_yn,
        fixed(0, 1, 2, 3),
        var(0.3, 3, signed=True),
        fixed(False, True),
        covers=(_ufuncs._spherical_yn, _ufuncs._spherical_yn_d),
    ),
    special(
        spherical_in,
        fixed(0, 1, 2, 3),
        var(-3, 3),
        fixed(False, True),
        covers=(_ufuncs._spherical_in, _ufuncs._spherical_in_d),
    ),
    special(
        spherical_kn,
        fixed(0, 1, 2, 3),
        var(0.3, 3, signed=True),
        fixed(False, True),
        covers=(_ufuncs._spherical_kn, _ufuncs._spherical_kn_d),
    ),
    special(sp.struve, fixed(0.0, 1.0, 1.5), _X),
    special(sp.modstruve, fixed(0.0, 1.0, 1.5), var(0.3, 3)),
    special(sp.itstruve0, _X),
    special(sp.it2struve0, _X),
    special(sp.itmodstruve0, var(0.3, 3)),
    *(special(f, _X) for f in (sp.ber, sp.bei, sp.ker, sp.kei)),
    *(special(f, _X) for f in (sp.berp, sp.beip, sp.kerp, sp.keip)),
    special(sp.wright_bessel, fixed(0.5, 1.0), fixed(0.5, 1.5), var(0.1, 3)),
    special(sp.log_wright_bessel, fixed(0.5, 1.0), fixed(0.5, 1.5), var(0.1, 3)),
    special(sp.besselpoly, var(0.2, 2), fixed(0.0, 1.0), fixed(0.0, 1.0, 2.0)),
    # --- elliptic integrals --------------------------------------------------------------------
    special(sp.ellipk, var(-0.5, 0.9)),
    special(sp.ellipkm1, var(0.1, 1.5)),
    special(sp.ellipe, var(-0.5, 0.9)),
    special(sp.ellipk, var(-0.002, 0.002), name="ellipk near m 0"),
    special(sp.ellipe, var(-0.002, 0.002), name="ellipe near m 0"),
    special(sp.agm, var(0.3, 3), var(0.3, 3)),
    special(sp.agm, var(-3, -0.3), var(-3, -0.3), name="agm of negative numbers"),
    special(sp.ellipkinc, var(-1.2, 1.2), var(-0.5, 0.9)),
    special(sp.ellipeinc, var(-1.2, 1.2), var(-0.5, 0.9)),
    # --- incomplete gamma and beta functions and distributions ---------------------------------
    special(sp.gammainc, fixed(0.5, 1.0, 2.5), _X),
    special(sp.gammaincc, fixed(0.5, 1.0, 2.5), _X),
    special(sp.gammaincinv, fixed(0.5, 1.0, 2.5), _P),
    special(sp.gammainccinv, fixed(0.5, 1.0, 2.5), _P),
    special(sp.betainc, fixed(0.5, 2.0, 3.5), fixed(0.5, 2.0), _P),
    special(sp.betaincc, fixed(0.5, 2.0, 3.5), fixed(0.5, 2.0), _P),
    special(sp.betaincinv, fixed(0.5, 2.0, 3.5), fixed(0.5, 2.0), _P),
    special(sp.betainccinv, fixed(0.5, 2.0, 3.5), fixed(0.5, 2.0), _P),
    special(sp.chdtr, fixed(1.0, 3.0, 4.5), _X),
    special(sp.chdtrc, fixed(1.0, 3.0, 4.5), _X),
    special(sp.chdtri, fixed(1.0, 3.0, 4.5), _P),
    special(sp.gdtr, var(0.5, 2), fixed(1.0, 2.5), var(0.3, 3)),
    special(sp.gdtrc, var(0.5, 2), fixed(1.0, 2.5), var(0.3, 3)),
    special(sp.gdtrix, var(0.5, 2), fixed(1.0, 2.5), _P),
    special(sp.gdtria, _P, fixed(1.0, 2.5), var(0.5, 2)),
    special(sp.pdtr, fixed(0.0, 1.0, 3.0), _X),
    special(sp.pdtrc, fixed(0.0, 1.0, 3.0), _X),
    special(sp.pdtri, fixed(0.0, 1.0, 3.0), _P),
    special(sp.bdtr, fixed(0, 1, 2), fixed(4, 6), _P),
    special(sp.bdtrc, fixed(0, 1, 2), fixed(4, 6), _P),
    special(sp.bdtri, fixed(0, 1, 2), fixed(4, 6), _P),
    special(sp.nbdtr, fixed(0.0, 1.0, 3.0), fixed(1.0, 2.0, 5.0), _P),
    special(sp.nbdtrc, fixed(0.0, 1.0, 3.0), fixed(1.0, 2.0, 5.0), _P),
    special(sp.nbdtri, fixed(0.0, 1.0, 3.0), fixed(1.0, 2.0, 5.0), _P),
    special(sp.fdtr, fixed(1.0, 3.5), fixed(2.0, 6.0), var(0.2, 4)),
    special(sp.fdtrc, fixed(1.0, 3.5), fixed(2.0, 6.0), var(0.2, 4)),
    special(sp.fdtri, fixed(1.0, 3.5), fixed(2.0, 6.0), _P),
    special(sp.stdtr, fixed(1.0, 3.0, 10.0), var(-3, 3)),
    special(sp.stdtrit, fixed(1.0, 3.0, 10.0), _P),
    special(sp.chndtr, var(0.3, 5), fixed(1.0, 3.0), fixed(0.5, 2.0)),
    special(sp.chndtrix, _P, fixed(1.0, 3.0), fixed(0.5, 2.0)),
    special(sp.nrdtrimn, _P, var(0.5, 2), var(-2, 2)),
    special(sp.nrdtrisd, var(-2, -1), var(0.6, 0.95), var(0.5, 2)),
    special(sp.owens_t, var(-2, 2), var(-2, 2)),
    special(sp.voigt_profile, var(-3, 3), var(0.3, 2), var(0.05, 2)),
    special(sp.tklmbda, var(-2, 2), fixed(0.0, -0.5, 0.3)),
    # --- orthogonal polynomials and hypergeometric functions -----------------------------------
    special(sp.eval_chebyt, _N, _UNIT),
    special(sp.eval_chebyu, _N, _UNIT),
    special(sp.eval_legendre, _N, _UNIT),
    special(sp.eval_legendre, fixed(0.5, 2.5), _UNIT, name="eval_legendre of degree 2.5"),
    special(sp.eval_chebyc, _N, var(-1.8, 1.8)),
    special(sp.eval_chebys, _N, var(-1.8, 1.8)),
    special(sp.eval_sh_chebyt, _N, _SHIFTED_UNIT),
    special(sp.eval_sh_chebyu, _N, _SHIFTED_UNIT),
    special(sp.eval_sh_legendre, _N, _SHIFTED_UNIT),
    special(sp.eval_gegenbauer, _N, fixed(0.5, 1.5), _UNIT),
    special(sp.eval_jacobi, _N, fixed(0.5, 1.5), fixed(0.3, 2.0), _UNIT),
    special(sp.eval_sh_jacobi, _N, fixed(2.5, 3.0), fixed(1.5, 1.0), _SHIFTED_UNIT),
    special(sp.eval_laguerre, _N, var(0.0, 4)),
    special(sp.eval_genlaguerre, _N, fixed(0.5, 2.0), var(0.0, 4)),
    special(sp.eval_hermite, fixed(0, 1, 2, 4), var(-2, 2)),
    special(sp.eval_hermitenorm, fixed(0, 1, 2, 4), var(-2, 2)),
    special(sp.lpmv, fixed(0.0, 1.0, 2.0), fixed(2.0, 2.5, 3.0), _UNIT),
    special(sp.hyp0f1, fixed(0.5, 1.5), var(-2, 2)),
    special(sp.hyp1f1, fixed(0.5, 1.5), fixed(1.5, 2.5), var(-2, 2)),
    special(sp.hyp2f1, fixed(0.5, 1.5), fixed(0.3, 1.0), fixed(1.5, 2.5), var(-0.9, 0.6)),
    special(sp.hyperu, fixed(0.5, 1.5), fixed(0.5, 2.0), var(0.3, 3)),
    # --- non-ufunc functions: descend's differentiable versions --------------------------------
    spec("scipy.special.logsumexp", (logsumexp, np.exp, np.log, np.sum), _logsumexp),
    spec("scipy.special.softmax", (softmax, np.exp, np.sum), _axis_case(softmax)),
    spec("scipy.special.log_softmax", (log_softmax, np.exp, np.sum), _axis_case(log_softmax)),
]


def elementwise_grad(fun: Any, order: int = 1) -> Any:
    """The ``order``-th derivative of an elementwise ``fun``, elementwise."""
    for _ in range(order):
        fun = (lambda f: grad(lambda x: np.sum(f(x))))(fun)
    return fun
