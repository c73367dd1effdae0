"""scipy.special: every rule against finite differences (orders 1 and 2), derivatives against
scipy's own derivative functions and densities, the classification of every ufunc, the
errors, and the differentiable logsumexp/softmax/log_softmax/polygamma."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.special as sp
import scipy.stats as stats
from hypothesis import given, settings
from hypothesis import strategies as st

import descend
from descend import NotDifferentiableError, TracerConversionError, grad
from descend.autodiff.registry import (
    CONSTANT_UFUNCS,
    FUNCTION_HANDLERS,
    UFUNC_RULES,
    UNSUPPORTED,
)
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

from .specs import Spec, check_case
from .table_special import SPECIAL, elementwise_grad
from .table_special_multi import SPECIAL_MULTI

SCIPY_UFUNCS = sorted(n for n in dir(sp) if isinstance(getattr(sp, n), np.ufunc))

# The m-derivatives of the incomplete elliptic integrals divide a difference of integrals by
# m, which loses most of single precision near m = 0; scipy's float32 loops of the binomial
# distribution take the integer counts as floats and warn. Their float64 checks cover them.
_NOT_IN_FLOAT32 = {
    "scipy.special.ellipkinc", "scipy.special.ellipeinc",
    "scipy.special.bdtr", "scipy.special.bdtrc", "scipy.special.bdtri",
}  # fmt: skip
# scipy's single-precision loops of these give nan (pbvv at v = 0, Mathieu functions) or do
# not return (spheroidal functions); their float64 checks cover the rules.
_BROKEN_IN_FLOAT32 = ("pbvv", "mathieu", "pro_", "obl_")
FLOAT32 = [s for s in SPECIAL if s.name not in _NOT_IN_FLOAT32] + [
    s for s in SPECIAL_MULTI if not any(b in s.name for b in _BROKEN_IN_FLOAT32)
]


@pytest.mark.parametrize("spec", SPECIAL + SPECIAL_MULTI, ids=str)
@settings(max_examples=5, deadline=None)
@given(data=st.data())
def test_matches_finite_differences_float64(spec: Spec, data: st.DataObject) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # branches np.where discards
        check_case(*data.draw(spec.cases(np.float64)))


@pytest.mark.parametrize("spec", FLOAT32, ids=str)
@settings(max_examples=3, deadline=None)
@given(data=st.data())
def test_matches_finite_differences_float32(spec: Spec, data: st.DataObject) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        check_case(*data.draw(spec.cases(np.float32)))


# --- classification ---------------------------------------------------------------------------
def test_every_scipy_special_ufunc_is_classified_once() -> None:
    kinds = {}
    for name in SCIPY_UFUNCS:
        f = getattr(sp, name)
        # FUNCTION_HANDLERS: the ufuncs with several outputs (special_multi).
        found = [f in UFUNC_RULES, f in FUNCTION_HANDLERS, f in CONSTANT_UFUNCS, f in UNSUPPORTED]
        assert sum(found) == 1, f"scipy.special.{name}: {found}"
        kinds[name] = found.index(True)
    counts = [list(kinds.values()).count(k) for k in range(4)]
    assert counts == [159, 31, 2, 40]


def test_every_special_rule_has_a_spec() -> None:
    covered = {f for s in SPECIAL for f in s.covers}
    rules = [n for n in SCIPY_UFUNCS if getattr(sp, n) in UFUNC_RULES]
    assert [n for n in rules if getattr(sp, n) not in covered] == []


def test_unsupported_reasons_say_what_to_do() -> None:
    for name in SCIPY_UFUNCS:
        reason = UNSUPPORTED.get(getattr(sp, name))
        if reason is not None:
            assert len(reason) > 60 and reason.endswith("."), name


# --- against scipy's derivatives and densities ---------------------------------------------------
X = np.array([0.4, 1.3, 2.7, 4.1])


@pytest.mark.parametrize(
    ("f", "derivative"),
    [(sp.jv, sp.jvp), (sp.yv, sp.yvp), (sp.iv, sp.ivp), (sp.kv, sp.kvp)],
    ids=["jv", "yv", "iv", "kv"],
)
@pytest.mark.parametrize("v", [0.0, 1.0, 2.5])
def test_bessel_derivatives_match_scipy(f, derivative, v) -> None:
    for order in (1, 2, 3):
        got = elementwise_grad(lambda x: f(v, x), order)(X)
        np.testing.assert_allclose(got, derivative(v, X, n=order), rtol=1e-10, atol=1e-12)


def test_scipys_derivative_helpers_are_traceable() -> None:
    # scipy.special.jvp/ivp/... call jv/iv on their input, so they differentiate too.
    np.testing.assert_allclose(
        elementwise_grad(lambda x: sp.jvp(1.5, x, 1))(X), sp.jvp(1.5, X, 2), rtol=1e-10
    )
    np.testing.assert_allclose(
        elementwise_grad(lambda x: sp.kvp(0.5, x, 2))(X), sp.kvp(0.5, X, 3), rtol=1e-10
    )


@pytest.mark.parametrize(
    ("mine", "theirs", "z"),
    [
        (spherical_jn, sp.spherical_jn, np.array([-2.1, -0.4, 0.0, 0.7, 2.9])),
        (spherical_yn, sp.spherical_yn, np.array([-2.1, -0.4, 0.7, 2.9])),
        (spherical_in, sp.spherical_in, np.array([-2.1, -0.4, 0.0, 0.7, 2.9])),
        (spherical_kn, sp.spherical_kn, np.array([-2.1, -0.4, 0.7, 2.9])),
    ],
    ids=["jn", "yn", "in", "kn"],
)
def test_spherical_bessel_functions_match_scipy(mine, theirs, z) -> None:
    for n in (0, 1, 3):
        for derivative in (False, True):
            out, _ = descend.vjp(lambda z, n=n, d=derivative: mine(n, z, d), z)
            np.testing.assert_allclose(out, theirs(n, z, derivative), rtol=1e-13)
        got = elementwise_grad(lambda z, n=n: mine(n, z))(z)
        np.testing.assert_allclose(got, theirs(n, z, derivative=True), rtol=1e-11, atol=1e-14)
    # Through the ODE z^2 j'' + 2 z j' + (z^2 - n(n+1)) j = 0 (j_n, y_n; i_n, k_n flip z^2).
    n, z = 2, np.array([0.7, 1.9])
    sign = 1.0 if mine in (spherical_jn, spherical_yn) else -1.0
    second = elementwise_grad(lambda z: mine(n, z), 2)(z)
    ode = -2 / z * theirs(n, z, True) - (sign - n * (n + 1) / z**2) * theirs(n, z)
    np.testing.assert_allclose(second, ode, rtol=1e-11)


def test_spherical_jn_is_smooth_at_zero() -> None:
    assert np.isclose(grad(lambda z: spherical_jn(1, z))(0.0), 1 / 3, rtol=1e-14)
    assert np.isclose(grad(grad(lambda z: spherical_jn(0, z)))(0.0), -1 / 3, rtol=1e-14)


def test_lambertw_closed_forms() -> None:
    assert np.isclose(grad(lambda z: np.real(sp.lambertw(z)))(0.0), 1.0, rtol=1e-14)
    assert np.isclose(grad(lambda z: np.real(sp.lambertw(z)))(np.e), 1 / (2 * np.e), rtol=1e-14)


def test_agm_and_voigt_profile_are_homogeneous() -> None:
    # agm has degree 1, voigt_profile degree -1: Euler's theorem ties their partials together.
    a, b = 2.3, 0.6
    da, db = grad(sp.agm, argnums=(0, 1))(a, b)
    assert np.isclose(a * da + b * db, sp.agm(a, b), rtol=1e-13)
    assert grad(sp.agm, argnums=(0, 1))(1.5, 1.5) == (0.5, 0.5)
    x, sigma, gamma = 0.8, 0.6, 0.3
    parts = grad(sp.voigt_profile, argnums=(0, 1, 2))(x, sigma, gamma)
    euler = x * parts[0] + sigma * parts[1] + gamma * parts[2]
    assert np.isclose(euler, -sp.voigt_profile(x, sigma, gamma), rtol=1e-12)
    # gamma == 0 is the normal density, whose x-derivative is -x / sigma^2 times itself.
    got = grad(lambda x: sp.voigt_profile(x, sigma, 0.0))(x)
    assert np.isclose(got, -x / sigma**2 * stats.norm.pdf(x, scale=sigma), rtol=1e-12)


def test_hankel_is_holomorphic_with_scipys_derivative() -> None:
    z = 1.3 + 0.4j
    got = grad(lambda z: sp.hankel1(1.5, z), holomorphic=True)(z)
    np.testing.assert_allclose(got, sp.h1vp(1.5, z), rtol=1e-10)
    got = grad(lambda z: sp.hankel2(0.5, z), holomorphic=True)(z)
    np.testing.assert_allclose(got, sp.h2vp(0.5, z), rtol=1e-10)


@pytest.mark.parametrize(
    ("cdf", "density"),
    [
        (lambda x: sp.gammainc(2.5, x), lambda x: stats.gamma.pdf(x, 2.5)),
        (lambda x: sp.betainc(2.0, 3.5, x / 5), lambda x: stats.beta.pdf(x / 5, 2.0, 3.5) / 5),
        (lambda x: sp.stdtr(3.0, x), lambda x: stats.t.pdf(x, 3.0)),
        (lambda x: sp.fdtr(3.0, 5.0, x), lambda x: stats.f.pdf(x, 3.0, 5.0)),
        (lambda x: sp.chdtr(3.0, x), lambda x: stats.chi2.pdf(x, 3.0)),
        (lambda x: sp.chndtr(x, 3.0, 1.5), lambda x: stats.ncx2.pdf(x, 3.0, 1.5)),
        (lambda x: sp.ndtr(x), stats.norm.pdf),
    ],
    ids=["gammainc", "betainc", "stdtr", "fdtr", "chdtr", "chndtr", "ndtr"],
)
def test_distribution_derivatives_are_scipy_stats_densities(cdf, density) -> None:
    np.testing.assert_allclose(elementwise_grad(cdf)(X), density(X), rtol=1e-9)


def test_gamma_family_closed_forms() -> None:
    np.testing.assert_allclose(elementwise_grad(sp.gammaln)(X), sp.digamma(X), rtol=1e-12)
    np.testing.assert_allclose(elementwise_grad(sp.gammaln, 2)(X), sp.polygamma(1, X))
    np.testing.assert_allclose(elementwise_grad(sp.digamma, 2)(X), sp.polygamma(2, X))
    np.testing.assert_allclose(elementwise_grad(sp.gamma)(X), sp.gamma(X) * sp.digamma(X))
    np.testing.assert_allclose(
        elementwise_grad(lambda q: sp.zeta(3.0, q))(X), -3 * sp.zeta(4.0, X), rtol=1e-12
    )


def test_rgamma_is_smooth_through_its_zeros() -> None:
    # rgamma(x) = x + euler_gamma x^2 + ... at 0, and rgamma'(-n) = (-1)^n n!.
    assert grad(sp.rgamma)(0.0) == 1.0
    assert np.isclose(grad(grad(sp.rgamma))(0.0), 2 * np.euler_gamma, rtol=1e-14)
    np.testing.assert_allclose(
        elementwise_grad(sp.rgamma)(np.array([-1.0, -2.0, -3.0])), [-1.0, 2.0, -6.0]
    )


def test_error_function_closed_forms() -> None:
    x = np.linspace(-2, 2, 7)
    np.testing.assert_allclose(
        elementwise_grad(sp.erf)(x), 2 / np.sqrt(np.pi) * np.exp(-x * x), rtol=1e-14
    )
    np.testing.assert_allclose(elementwise_grad(lambda x: sp.erfinv(sp.erf(x)))(x), 1.0)
    np.testing.assert_allclose(elementwise_grad(lambda x: sp.ndtri(sp.ndtr(x)), 2)(x), 0.0,
                               atol=1e-9)  # fmt: skip


def test_tails_keep_their_accuracy() -> None:
    # expit'(40) = e^-40 / (1 + e^-40)^2; ans * (1 - ans) would round it to 0.
    assert np.isclose(grad(sp.expit)(40.0), np.exp(-40.0), rtol=1e-12)
    # log_ndtr'(x) = pdf/cdf ~ |x| / (1 - 1/x^2 + 3/x^4 - 15/x^6 + 105/x^8) far in the tail.
    x = -30.0
    tail = -x / (1 - 1 / x**2 + 3 / x**4 - 15 / x**6 + 105 / x**8)
    assert np.isclose(grad(sp.log_ndtr)(x), tail, rtol=1e-9)
    assert np.isclose(grad(sp.log_expit)(-800.0), 1.0)


def test_series_branches_at_zero() -> None:
    assert grad(sp.exprel)(0.0) == 0.5
    assert np.isclose(grad(grad(sp.exprel))(0.0), 1 / 3, rtol=1e-14)
    x, y = 2.5, 0.7
    assert np.isclose(grad(lambda lm: sp.boxcox(x, lm))(0.0), np.log(x) ** 2 / 2, rtol=1e-14)
    assert np.isclose(grad(lambda lm: sp.inv_boxcox(y, lm))(0.0), -np.exp(y) * y * y / 2)
    assert np.isclose(grad(lambda z: sp.boxcox(z, 0.0))(x), 1 / x, rtol=1e-14)


def test_xlogy_gradient_at_zero_weight() -> None:
    assert grad(lambda y: sp.xlogy(0.0, y))(0.0) == 0.0
    assert grad(lambda y: sp.xlog1py(0.0, y))(-1.0) == 0.0
    assert np.isclose(grad(lambda x: sp.xlogy(x, 3.0))(0.0), np.log(3.0))


def test_constant_functions_carry_no_gradient() -> None:
    assert grad(lambda x: sp.gammasgn(x) * x)(-0.5) == -1.0
    assert grad(lambda x: sp.round(x) + x)(2.3) == 1.0


# --- errors -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("fun", "words"),
    [
        (lambda v: sp.jv(v, 1.0), "special.jv is not differentiable with respect to the order v"),
        (lambda a: sp.gammainc(a, 1.0), "with respect to the shape a"),
        (lambda n: sp.eval_legendre(n, 0.3), "with respect to the degree n"),
        (lambda k: sp.pdtr(k, 1.0), "the count k (argument 0): it is an integer"),
    ],
    ids=["jv", "gammainc", "eval_legendre", "pdtr"],
)  # fmt: skip
def test_arguments_without_derivative_say_why(fun, words) -> None:
    with pytest.raises(NotDifferentiableError, match="stop_gradient") as info:
        grad(fun)(1.5)
    assert words in str(info.value)


@pytest.mark.parametrize(
    ("fun", "name"),
    [(lambda x: sp.pro_rad2(0, 1, 0.5, x)[0], "pro_rad2"), (sp.kolmogorov, "kolmogorov"),
     (sp.zetac, "zetac"),
     (lambda x: sp.elliprf(x, 1.0, 2.0), "elliprf"), (lambda x: sp.zeta(x), "_riemann_zeta"),
     (lambda x: sp.nctdtr(3.0, 0.5, x), "nctdtr")],
    ids=["pro_rad2", "kolmogorov", "zetac", "elliprf", "zeta", "nctdtr"],
)  # fmt: skip
def test_unsupported_functions_are_refused_by_name(fun, name) -> None:
    with pytest.raises(
        NotDifferentiableError, match=f"does not differentiate scipy.special.*{name}"
    ):
        grad(lambda x: np.sum(fun(x)))(1.5)


def test_complex_arguments_are_refused_where_the_rule_is_real_only() -> None:
    with pytest.raises(NotDifferentiableError, match="jve for real arguments only"):
        grad(lambda z: sp.jve(1.0, z), holomorphic=True)(1.0 + 0.5j)
    with pytest.raises(NotDifferentiableError, match="digamma"):
        grad(lambda z: sp.digamma(z), holomorphic=True)(1.0 + 0.5j)


# --- logsumexp, softmax, log_softmax, polygamma ---------------------------------------------------
A = np.array([[1.0, -2.0, 0.5], [1000.0, 1000.0, 999.0]])


def test_plain_arrays_give_scipys_results() -> None:
    b = np.array([1.0, -2.0, 0.5])
    for kwargs in ({}, {"axis": 1}, {"axis": 0, "b": b, "return_sign": True}):
        want, got = sp.logsumexp(A, **kwargs), logsumexp(A, **kwargs)
        np.testing.assert_array_equal(np.asarray(got, dtype=object), np.asarray(want, dtype=object))
    np.testing.assert_array_equal(softmax(A, axis=1), sp.softmax(A, axis=1))
    np.testing.assert_array_equal(log_softmax(A, axis=1), sp.log_softmax(A, axis=1))
    np.testing.assert_array_equal(polygamma([0, 2], 1.5), sp.polygamma([0, 2], 1.5))


def test_traced_values_match_scipy_and_stay_finite() -> None:
    b = np.array([1.0, -2.0, 0.5])
    out, _ = descend.vjp(lambda a: logsumexp(a, axis=1, b=b, return_sign=True), A)
    want = sp.logsumexp(A, axis=1, b=b, return_sign=True)
    np.testing.assert_allclose(out[0], want[0], rtol=1e-14)
    np.testing.assert_array_equal(out[1], want[1])
    g = grad(lambda a: np.sum(logsumexp(a, axis=1)))(A)
    np.testing.assert_allclose(g, sp.softmax(A, axis=1), rtol=1e-14)
    jac = descend.jacobian(lambda a: log_softmax(a))(A[1])
    np.testing.assert_allclose(jac, np.eye(3) - sp.softmax(A[1]), rtol=1e-12)
    assert np.isfinite(descend.hessian(lambda a: np.sum(softmax(a) ** 2))(A[1])).all()


def test_polygamma_differentiates_to_the_next_order() -> None:
    for n in (0, 1, 3):
        got = elementwise_grad(lambda x, n=n: polygamma(n, x))(X)
        np.testing.assert_allclose(got, sp.polygamma(n + 1, X), rtol=1e-12)


def test_scipys_own_logsumexp_still_converts_its_input() -> None:
    # scipy's array-API layer calls np.asarray unless SCIPY_ARRAY_API=1: use ours instead.
    with pytest.raises(TracerConversionError):
        grad(lambda a: sp.logsumexp(a))(A[0])
