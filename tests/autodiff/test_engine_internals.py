"""Engine mechanics that users never see but rely on: the paused collector, deferred checks."""

from __future__ import annotations

import gc

import numpy as np
import pytest

import descend
from descend.autodiff import tape


def _stable_sigmoid_sum(x: np.ndarray) -> np.ndarray:
    return np.sum(np.where(x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / (1 + np.exp(x))))


def test_collector_is_running_again_after_grad_and_after_an_error() -> None:
    assert gc.isenabled()
    descend.grad(lambda x: np.sum(np.sin(x)))(np.ones(3))
    assert gc.isenabled()
    with pytest.raises(TypeError):
        descend.grad(lambda x: x)(np.ones(3))  # non-scalar output
    assert gc.isenabled()


def test_collector_left_off_when_the_user_turned_it_off() -> None:
    gc.disable()
    try:
        descend.grad(lambda x: np.sum(x**3))(np.ones(2))
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize("size", [3, tape._DEFER_MAX_SIZE + 1])
def test_deferred_and_eager_zero_safety_give_the_same_gradient(size: int) -> None:
    # An overflow in the branch np.where does not take: the deferred check must notice it
    # (small arrays) exactly as the eager check does (large arrays).
    x = np.linspace(-1000.0, 1000.0, size)
    g = descend.grad(_stable_sigmoid_sum)(x)
    e = np.exp(-np.abs(x))
    np.testing.assert_allclose(g, e / (1 + e) ** 2, rtol=1e-12, atol=0)
    assert np.all(np.isfinite(g))


def test_a_genuinely_infinite_gradient_is_kept() -> None:
    # sqrt'(0) is infinite with a nonzero cotangent: the check must not hide it.
    g = descend.grad(lambda x: np.sum(np.sqrt(x)))(np.array([0.0, 4.0]))
    assert np.isinf(g[0]) and g[1] == pytest.approx(0.25)
