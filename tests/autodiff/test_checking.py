"""check_grad: passes on correct derivatives, and reports wrong ones readably at every order."""

from __future__ import annotations

import re
from collections.abc import Iterator

import numpy as np
import pytest

from descend import GradientCheckError, check_grad, stop_gradient
from descend.autodiff.core import Rule
from descend.autodiff.registry import UFUNC_RULES


@pytest.fixture
def patched_tanh() -> Iterator[None]:
    """Replace tanh's rule by one that is right at first order but wrong at second: it treats
    the forward result as a constant, so its own derivative misses d(1 - tanh^2)/dx."""
    original = UFUNC_RULES[np.tanh]
    UFUNC_RULES[np.tanh] = Rule(
        np.tanh, (lambda g, ans, x: g * (1 - stop_gradient(ans) ** 2),), name="numpy.tanh"
    )
    try:
        yield
    finally:
        UFUNC_RULES[np.tanh] = original


@pytest.fixture
def wrong_sin() -> Iterator[None]:
    """A sin rule off by a factor of two."""
    original = UFUNC_RULES[np.sin]
    UFUNC_RULES[np.sin] = Rule(np.sin, (lambda g, ans, x: 2 * g * np.cos(x),), name="numpy.sin")
    try:
        yield
    finally:
        UFUNC_RULES[np.sin] = original


X = np.array([0.3, -1.2, 2.0])


def _reported_ratio(message: str) -> float:
    """descend's value over the finite-difference value, as printed in a report."""
    found = re.search(r"descend (\S+), finite differences (\S+) ", message)
    assert found is not None, message
    return float(found.group(1)) / float(found.group(2))


@pytest.mark.parametrize(
    "args",
    [
        (X,),
        (X.astype(np.float32),),
        (1.5,),
        ({"a": X, "b": (2.0, np.ones((2, 2)))},),
    ],
    ids=["array", "float32", "python float", "pytree"],
)
def test_passes_on_correct_functions(args) -> None:
    def f(p):
        leaves = p.values() if isinstance(p, dict) else [p]
        total = 0.0
        for leaf in leaves:
            for v in leaf if isinstance(leaf, tuple) else (leaf,):
                total = total + np.sum(np.sin(v) * np.exp(v / 3))
        return total

    check_grad(f, *args, order=3)


def test_passes_on_vector_output_and_several_arguments() -> None:
    check_grad(lambda x, y: np.outer(np.tanh(x), y**2), X, np.array([1.0, -2.0]), order=2)


def test_argnums_restricts_the_check(wrong_sin) -> None:
    def f(x, y):
        return np.sum(x**2) + np.sum(np.sin(y))

    check_grad(f, X, X, argnums=0)
    with pytest.raises(GradientCheckError, match="argument 1"):
        check_grad(f, X, X)


def test_reports_a_wrong_first_derivative(wrong_sin) -> None:
    def my_fun(x):
        return np.sum(np.sin(x))

    with pytest.raises(GradientCheckError) as info:
        check_grad(my_fun, X)
    message = str(info.value)
    assert "my_fun" in message
    assert "order-1" in message
    assert "argument 0" in message
    # The worst element is the one with the largest |cos|, index 0; both values are shown
    # (scaled by check_grad's random output weight), descend's twice the true one.
    assert "index (0,)" in message
    assert _reported_ratio(message) == pytest.approx(2.0, rel=1e-6)


def test_reports_the_leaf_of_a_pytree(wrong_sin) -> None:
    with pytest.raises(GradientCheckError, match="argument 0, leaf 1"):
        check_grad(lambda p: np.sum(p[0] ** 2) + np.sum(np.sin(p[1])), (X, X))


def test_order_two_catches_a_wrong_second_derivative(patched_tanh) -> None:
    def f(x):
        return np.sum(np.tanh(x))

    check_grad(f, X, order=1)
    with pytest.raises(GradientCheckError, match="order-2"):
        check_grad(f, X, order=2)


def test_patched_rule_is_restored() -> None:
    check_grad(lambda x: np.sum(np.tanh(x)), X, order=2)
    check_grad(lambda x: np.sum(np.sin(x)), X, order=2)


def test_kink_at_the_point_is_reported() -> None:
    # clip's derivative at its lower bound is 1 (the element counts as inside); central
    # differences straddle the kink and see the average slope 1/2.
    with pytest.raises(GradientCheckError, match=r"index \(0,\)") as info:
        check_grad(lambda x: np.sum(np.clip(x, 0.0, 1.0)), np.array([0.0, 0.5]))
    assert _reported_ratio(str(info.value)) == pytest.approx(2.0, rel=1e-6)


@pytest.fixture
def exp_one_percent_off() -> Iterator[None]:
    original = UFUNC_RULES[np.exp]
    UFUNC_RULES[np.exp] = Rule(np.exp, (lambda g, ans, x: 1.01 * g * ans,), name="numpy.exp")
    try:
        yield
    finally:
        UFUNC_RULES[np.exp] = original


def test_float32_is_checked_with_looser_tolerances() -> None:
    check_grad(lambda x: np.sum(np.exp(x) * x), X.astype(np.float32), order=2)


def test_float32_tolerances_still_catch_a_one_percent_error(exp_one_percent_off) -> None:
    with pytest.raises(GradientCheckError):
        check_grad(lambda x: np.sum(np.exp(x)), X.astype(np.float32))


def test_float32_argument_must_give_float32_gradient(monkeypatch) -> None:
    from descend.autodiff import checking

    real_grad = checking.grad

    def widening_grad(fun, argnums=0):
        g = real_grad(fun, argnums)
        return lambda *a: tuple(np.asarray(v, np.float64) for v in g(*a))

    monkeypatch.setattr(checking, "grad", widening_grad)
    with pytest.raises(GradientCheckError, match=r"dtype float64.*expected float32"):
        check_grad(lambda x: np.sum(x**2), X.astype(np.float32))


def test_no_float_argument_is_an_error() -> None:
    with pytest.raises(ValueError, match="no floating-point argument"):
        check_grad(lambda n: n * 2, 3)
