"""scipy.special's ufuncs with several outputs: derivatives against the derivative outputs scipy
returns and against closed forms, the classification, and the errors. Their finite-difference
specs (table_special_multi.py) run in test_rules_special.py with the other special functions."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.special as sp

from descend import NotDifferentiableError, grad
from descend.autodiff.registry import FUNCTION_HANDLERS, UNSUPPORTED

from .table_special import elementwise_grad
from .table_special_multi import SPECIAL_MULTI

MULTI_OUTPUT = sorted(
    n for n in dir(sp) if isinstance(getattr(sp, n), np.ufunc) and getattr(sp, n).nout > 1
)
DEGREE = math.pi / 180


# --- classification ---------------------------------------------------------------------------
def test_every_multi_output_ufunc_is_differentiated_or_refused() -> None:
    handled = [n for n in MULTI_OUTPUT if getattr(sp, n) in FUNCTION_HANDLERS]
    refused = [n for n in MULTI_OUTPUT if getattr(sp, n) in UNSUPPORTED]
    assert sorted(handled + refused) == MULTI_OUTPUT
    assert refused == ["obl_rad2", "obl_rad2_cv", "pro_rad2", "pro_rad2_cv"]
    assert len(handled) == 31


def test_every_handler_has_a_spec() -> None:
    covered = {f for s in SPECIAL_MULTI for f in s.covers}
    handled = [n for n in MULTI_OUTPUT if getattr(sp, n) in FUNCTION_HANDLERS]
    assert [n for n in handled if getattr(sp, n) not in covered] == []


# --- against scipy's derivative outputs and closed forms ----------------------------------------
X = np.array([-1.7, -0.4, 0.3, 1.1, 2.6])


def test_airy_derivatives_to_third_order() -> None:
    ai, aip, _, bip = sp.airy(X)
    np.testing.assert_allclose(elementwise_grad(lambda x: sp.airy(x)[0])(X), aip, rtol=1e-13)
    np.testing.assert_allclose(elementwise_grad(lambda x: sp.airy(x)[2])(X), bip, rtol=1e-13)
    np.testing.assert_allclose(elementwise_grad(lambda x: sp.airy(x)[0], 2)(X), X * ai, 1e-13)
    # Ai''' = Ai + x Ai'
    third = elementwise_grad(lambda x: sp.airy(x)[0], 3)(X)
    np.testing.assert_allclose(third, ai + X * aip, rtol=1e-12)


def test_airye_is_the_scaled_airy_function() -> None:
    x = np.array([0.2, 1.3, 3.5])

    def scaled(x):
        zeta = 2 / 3 * x**1.5
        ai, aip, bi, bip = sp.airy(x)
        return ai * np.exp(zeta), aip * np.exp(zeta), bi * np.exp(-zeta), bip * np.exp(-zeta)

    for i in range(4):
        for order in (1, 2):
            got = elementwise_grad(lambda x, i=i: sp.airye(x)[i], order)(x)
            want = elementwise_grad(lambda x, i=i: scaled(x)[i], order)(x)
            np.testing.assert_allclose(got, want, rtol=1e-12)


@pytest.mark.parametrize("f", [sp.pbdv, sp.pbvv, sp.pbwa], ids=["pbdv", "pbvv", "pbwa"])
@pytest.mark.parametrize("v", [0.0, 0.5, 1.5, -0.7])
def test_parabolic_cylinder_derivative_is_scipys(f, v) -> None:
    got = elementwise_grad(lambda x: f(v, x)[0])(X)
    np.testing.assert_allclose(got, f(v, X)[1], rtol=1e-12, atol=1e-14)


def test_mathieu_derivatives_are_scipys_in_degrees() -> None:
    x = np.array([-70.0, 15.0, 100.0])
    for f, m in ((sp.mathieu_cem, 2), (sp.mathieu_sem, 1)):
        got = elementwise_grad(lambda x, f=f, m=m: f(m, 1.5, x)[0])(x)
        np.testing.assert_allclose(got, DEGREE * f(m, 1.5, x)[1], rtol=1e-12)
    r = np.array([0.3, 0.9])
    for f in (sp.mathieu_modcem1, sp.mathieu_modcem2, sp.mathieu_modsem1, sp.mathieu_modsem2):
        got = elementwise_grad(lambda x, f=f: f(1, 0.8, x)[0])(r)
        np.testing.assert_allclose(got, f(1, 0.8, r)[1], rtol=1e-12)


def test_spheroidal_derivatives_are_scipys() -> None:
    for f, x in (
        (sp.pro_ang1, np.array([-0.6, 0.2])),
        (sp.obl_ang1, np.array([-0.6, 0.2])),
        (sp.pro_rad1, np.array([1.3, 2.2])),
        (sp.obl_rad1, np.array([0.4, 2.2])),
    ):
        got = elementwise_grad(lambda x, f=f: f(1, 2, 0.7, x)[0])(x)
        np.testing.assert_allclose(got, f(1, 2, 0.7, x)[1], rtol=1e-9)


def test_integrals_differentiate_to_their_integrands() -> None:
    x = np.array([0.2, 1.1, 3.4])
    pairs = [
        (sp.itj0y0, (sp.j0(x), sp.y0(x))),
        (sp.iti0k0, (sp.i0(x), sp.k0(x))),
        (sp.it2j0y0, ((1 - sp.j0(x)) / x, -sp.y0(x) / x)),
        (sp.it2i0k0, ((sp.i0(x) - 1) / x, -sp.k0(x) / x)),
        (sp.itairy, (sp.airy(x)[0], sp.airy(x)[2], sp.airy(-x)[0], sp.airy(-x)[2])),
        (sp.sici, (np.sin(x) / x, np.cos(x) / x)),
        (sp.shichi, (np.sinh(x) / x, np.cosh(x) / x)),
        (sp.fresnel, (np.sin(math.pi / 2 * x * x), np.cos(math.pi / 2 * x * x))),
    ]
    for f, integrands in pairs:
        for i, want in enumerate(integrands):
            got = elementwise_grad(lambda x, f=f, i=i: f(x)[i])(x)
            np.testing.assert_allclose(got, want, rtol=1e-12, err_msg=f"{f.__name__}[{i}]")


def test_series_at_and_near_zero() -> None:
    si = lambda x: sp.sici(x)[0]  # noqa: E731
    shi = lambda x: sp.shichi(x)[0]  # noqa: E731
    assert elementwise_grad(si)(0.0) == 1.0 and elementwise_grad(si, 2)(0.0) == 0.0
    assert elementwise_grad(shi)(0.0) == 1.0
    np.testing.assert_allclose(elementwise_grad(si, 3)(0.0), -1 / 3, rtol=1e-14)
    np.testing.assert_allclose(elementwise_grad(shi, 3)(0.0), 1 / 3, rtol=1e-14)
    # (1 - J0(x)) / x and (I0(x) - 1) / x, whose closed forms cancel near 0.
    x = np.array([1e-6, 1e-3, 0.2, -0.2])
    terms = [(x / 2) ** (2 * k) / math.factorial(k) ** 2 / x for k in range(1, 12)]
    want_j = sum((-1) ** (k + 1) * t for k, t in enumerate(terms, 1))
    want_i = sum(terms)
    got_j = elementwise_grad(lambda x: sp.it2j0y0(x)[0])(x)
    got_i = elementwise_grad(lambda x: sp.it2i0k0(x)[0])(x)
    np.testing.assert_allclose(got_j, want_j, rtol=1e-14)
    np.testing.assert_allclose(got_i, want_i, rtol=1e-14)
    assert elementwise_grad(lambda x: sp.it2j0y0(x)[0], 2)(0.0) == 0.25


def test_kelvin_matches_the_real_kelvin_functions() -> None:
    x = np.array([0.1, 0.5, 2.0])
    for order in (1, 2):
        for i, (re, im) in enumerate([(sp.ber, sp.bei), (sp.berp, sp.beip)]):
            got_re = elementwise_grad(lambda x, i=i: np.real(sp.kelvin(x)[2 * i]), order)(x)
            got_im = elementwise_grad(lambda x, i=i: np.imag(sp.kelvin(x)[2 * i]), order)(x)
            np.testing.assert_allclose(got_re, elementwise_grad(re, order)(x), atol=1e-13)
            np.testing.assert_allclose(got_im, elementwise_grad(im, order)(x), atol=1e-13)
    # At 0 (where berp's own rule divides by x): ber''(0) = 0, bei''(0) = 1/2.
    assert elementwise_grad(lambda x: np.real(sp.kelvin(x)[2]))(0.0) == 0.0
    assert elementwise_grad(lambda x: np.imag(sp.kelvin(x)[2]))(0.0) == 0.5


def test_jacobi_elliptic_functions() -> None:
    u, m = np.array([-0.9, 0.4, 1.8]), 0.6
    sn, cn, dn, _ = sp.ellipj(u, m)
    for i, want in enumerate([cn * dn, -sn * dn, -m * sn * cn, dn]):
        got = elementwise_grad(lambda u, i=i: sp.ellipj(u, m)[i])(u)
        np.testing.assert_allclose(got, want, rtol=1e-12)
    # sn'' = -(1 + m) sn + 2 m sn^3
    got = elementwise_grad(lambda u: sp.ellipj(u, m)[0], 2)(u)
    np.testing.assert_allclose(got, -(1 + m) * sn + 2 * m * sn**3, rtol=1e-11)


def test_modified_fresnel_integrals() -> None:
    x = np.array([0.3, 1.4])
    for f, sign in ((sp.modfresnelp, 1), (sp.modfresnelm, -1)):
        want = -np.exp(sign * 1j * x * x)
        got_re = elementwise_grad(lambda x, f=f: np.real(f(x)[0]))(x)
        got_im = elementwise_grad(lambda x, f=f: np.imag(f(x)[0]))(x)
        np.testing.assert_allclose(got_re + 1j * got_im, want, rtol=1e-13)
        # scipy's F of a negative argument is not the integral: no derivative there.
        assert np.isnan(elementwise_grad(lambda x, f=f: np.real(f(x)[0]))(-0.5))


# --- errors -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("fun", "words"),
    [
        (lambda v: sp.pbdv(v, 1.0)[0], "pbdv is not differentiable with respect to the order v"),
        (lambda a: sp.pbwa(a, 1.0)[1], "with respect to the parameter a"),
        (lambda m: sp.ellipj(0.5, m)[0], "with respect to the parameter m (argument 1)"),
        (lambda q: sp.mathieu_cem(1, q, 20.0)[0], "with respect to the parameter q"),
        (lambda c: sp.pro_ang1(0, 1, c, 0.3)[0], "with respect to the spheroidal parameter c"),
        (lambda cv: sp.obl_ang1_cv(0, 1, 0.5, cv, 0.3)[1], "the characteristic value cv"),
    ],
    ids=["pbdv", "pbwa", "ellipj", "mathieu_cem", "pro_ang1", "obl_ang1_cv"],
)  # fmt: skip
def test_arguments_without_derivative_say_why(fun, words) -> None:
    with pytest.raises(NotDifferentiableError, match="stop_gradient") as info:
        grad(fun)(1.5)
    assert words in str(info.value)


@pytest.mark.parametrize("name", ["pro_rad2", "obl_rad2"])
def test_inaccurate_radial_functions_are_refused(name) -> None:
    with pytest.raises(
        NotDifferentiableError, match=f"does not differentiate scipy.special.{name}"
    ):
        grad(lambda x: getattr(sp, name)(0, 1, 0.5, x)[0])(1.5)


def test_complex_airye_and_options_are_refused() -> None:
    with pytest.raises(NotDifferentiableError, match="airye for real arguments only"):
        grad(lambda z: sp.airye(z)[0], holomorphic=True)(1.0 + 0.5j)
    with pytest.raises(NotDifferentiableError, match="sici without options"):
        grad(lambda x: sp.sici(x, dtype=np.float64)[0])(1.5)
