"""Building blocks against closed forms: clipping, proximal steps, Lion, Lookahead, schedules."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from descend import optim
from descend.optim import schedules as S

CENTER = np.array([2.0, -0.3, 0.05, -1.5])


def test_clip_by_value_and_by_norm() -> None:
    g = [np.array([3.0, -4.0]), np.array([0.3, 0.4])]
    out, _ = optim.clip_by_norm(1.0).update(g, optim.clip_by_norm(1.0).init(g))
    np.testing.assert_allclose(out[0], [0.6, -0.8])
    np.testing.assert_array_equal(out[1], [0.3, 0.4])  # norm 0.5: untouched
    clip = optim.clip_by_value(0.35)
    out, _ = clip.update(g, clip.init(g))
    np.testing.assert_array_equal(out[0], [0.35, -0.35])
    np.testing.assert_array_equal(out[1], [0.3, 0.35])


def test_normalize_by_global_norm_gives_unit_norm() -> None:
    g = [np.array([3.0, -4.0]), np.array([12.0])]
    opt = optim.normalize_by_global_norm(eps=0.0)
    out, _ = opt.update(g, opt.init(g))
    np.testing.assert_allclose(np.concatenate(out), np.array([3.0, -4.0, 12.0]) / 13.0)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(-10, 10), min_size=1, max_size=8), st.floats(0, 5))
def test_soft_threshold_is_the_l1_prox(values: list[float], t: float) -> None:
    x = np.array(values)
    out = optim.soft_threshold(x, t)
    expected = np.sign(x) * np.maximum(np.abs(x) - t, 0.0)
    np.testing.assert_array_equal(out, expected)
    # prox property: out minimises 1/2 (y - x)^2 + t |y|; compare with nearby points
    for delta in (1e-3, -1e-3):
        objective = 0.5 * (out - x) ** 2 + t * np.abs(out)
        moved = 0.5 * (out + delta - x) ** 2 + t * np.abs(out + delta)
        assert np.all(objective <= moved + 1e-12)


def test_ista_with_prox_l1_reaches_the_lasso_solution() -> None:
    lam, eta = 0.4, 0.5
    opt = optim.chain(optim.scale_by_lr(eta), optim.prox_l1(eta * lam))
    x = np.zeros(4)
    state = opt.init(x)
    for _ in range(100):
        x, state = opt.step(x, x - CENTER, state)  # gradient of 1/2 ||x - c||^2
    expected = np.sign(CENTER) * np.maximum(np.abs(CENTER) - lam, 0)
    np.testing.assert_allclose(x, expected, atol=1e-14)
    assert x[1] == 0.0 and x[2] == 0.0  # exact zeros, unlike the subgradient


def test_prox_elastic_net_reaches_its_closed_form() -> None:
    l1, l2, eta = 0.4, 0.5, 0.5
    opt = optim.chain(optim.scale_by_lr(eta), optim.prox_elastic_net(eta * l1, eta * l2))
    x = np.zeros(4)
    state = opt.init(x)
    for _ in range(200):
        x, state = opt.step(x, x - CENTER, state)
    expected = np.sign(CENTER) * np.maximum(np.abs(CENTER) - l1, 0) / (1 + l2)
    np.testing.assert_allclose(x, expected, atol=1e-14)


def test_elastic_net_subgradient_approaches_the_same_point() -> None:
    l1, l2 = 0.4, 0.5
    opt = optim.chain(optim.elastic_net(l1, l2), optim.scale_by_lr(S.inverse_time(0.5, 1.0)))
    x = np.ones(4)
    state = opt.init(x)
    for _ in range(5000):
        x, state = opt.step(x, x - CENTER, state)
    expected = np.sign(CENTER) * np.maximum(np.abs(CENTER) - l1, 0) / (1 + l2)
    np.testing.assert_allclose(x, expected, atol=2e-3)


def test_decoupled_weight_decay_shrinks_by_lr_times_decay() -> None:
    opt = optim.chain(optim.add_decayed_weights(0.5), optim.scale_by_lr(0.1))
    x = np.array([2.0, -4.0])
    x, _ = opt.step(x, np.zeros(2), opt.init(x))
    np.testing.assert_allclose(x, [2.0 * 0.95, -4.0 * 0.95])


def test_lion_matches_its_update_rule() -> None:
    lr, b1, b2, wd = 0.05, 0.9, 0.99, 0.1
    opt = optim.lion(lr=lr, betas=(b1, b2), weight_decay=wd)
    x = np.array([1.0, -2.0, 0.5])
    expected, m = x.copy(), np.zeros(3)
    state = opt.init(x)
    for _ in range(20):
        g = expected**3 - np.array([1.0, 0.0, 2.0])
        update = np.sign(b1 * m + (1 - b1) * g)
        m = b2 * m + (1 - b2) * g
        expected = expected - lr * (update + wd * expected)
        x, state = opt.step(x, g, state)
        np.testing.assert_allclose(x, expected, rtol=1e-14)


def test_lookahead_matches_its_definition() -> None:
    lr, k, alpha = 0.1, 3, 0.4
    opt = optim.lookahead(optim.sgd(lr=lr, momentum=0.5), sync_period=k, alpha=alpha)
    x = np.array([3.0, -1.0])
    state = opt.init(x)
    fast, slow, buf = x.copy(), x.copy(), None
    for t in range(1, 13):
        g = fast * np.array([1.0, 4.0])
        buf = g.copy() if buf is None else 0.5 * buf + g
        fast = fast - lr * buf
        if t % k == 0:
            slow = slow + alpha * (fast - slow)
            fast = slow.copy()
        x, state = opt.step(x, x * np.array([1.0, 4.0]), state)
        np.testing.assert_allclose(x, fast, rtol=1e-14)
    assert optim.current_lr(state) == lr


def test_schedules_closed_forms() -> None:
    # scikit-learn's invscaling: eta0 / t ** power_t with t = step + 1
    assert S.inverse_time(0.1, 0.5)(8) == pytest.approx(0.1 / 3)
    assert [S.exponential_decay(1.0, 0.5, 2, staircase=True)(k) for k in range(5)] == [
        1.0,
        1.0,
        0.5,
        0.5,
        0.25,
    ]
    poly = S.polynomial(1.0, 0.5, 1.0, transition_steps=4, transition_begin=2)
    assert [poly(k) for k in range(8)] == [1.0, 1.0, 1.0, 0.875, 0.75, 0.625, 0.5, 0.5]
    cosine = S.cosine_restarts(1.0, 4, period_mult=1.5)  # periods 4, 6, 9
    assert cosine(4) == 1.0 and cosine(10) == 1.0
    assert cosine(7) == pytest.approx(0.5 * (1 + math.cos(math.pi * 3 / 6)))
    assert S.cosine_restarts(1.0, 3)(7) == pytest.approx(0.5 * (1 + math.cos(math.pi / 3)))
    joined = S.join([S.constant(1.0), S.constant(2.0), S.linear_warmup(1.0, 2)], [2, 5])
    assert [joined(k) for k in range(8)] == [1.0, 1.0, 2.0, 2.0, 2.0, 0.0, 0.5, 1.0]
    assert S.one_cycle(1.0, 10)(50) == S.one_cycle(1.0, 10)(9)


def test_weight_decay_accepts_a_schedule() -> None:
    opt = optim.chain(optim.add_decayed_weights(S.step_decay(1.0, 1, 0.5)), optim.scale_by_lr(0.1))
    x = np.array([1.0])
    state = opt.init(x)
    for _ in range(3):
        x, state = opt.step(x, np.zeros(1), state)
    np.testing.assert_allclose(x, [(1 - 0.1) * (1 - 0.05) * (1 - 0.025)])
