"""The init / update / step contract: pytrees, dtypes, in-place steps, allocation, errors."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from descend import optim
from descend.optim import schedules as S
from descend.pytree import tree_leaves

# One of each building block, plus composites: every kernel goes through the generic tests.
ALL = {
    "sgd": lambda: optim.sgd(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
    "adagrad": lambda: optim.adagrad(lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1),
    "rmsprop": lambda: optim.rmsprop(lr=0.01, momentum=0.5, centered=True),
    "adadelta": lambda: optim.adadelta(weight_decay=0.1),
    "adam": lambda: optim.adam(lr=0.01, amsgrad=True, weight_decay=0.1),
    "adamw": lambda: optim.adamw(lr=S.cosine_decay(0.01, 50)),
    "adamax": lambda: optim.adamax(),
    "nadam": lambda: optim.nadam(),
    "radam": lambda: optim.radam(),
    "rprop": lambda: optim.rprop(),
    "lion": lambda: optim.lion(weight_decay=0.1),
    "lookahead": lambda: optim.lookahead(optim.sgd(lr=0.1), sync_period=3),
    "clipped": lambda: optim.chain(
        optim.clip_by_global_norm(1.0),
        optim.clip_by_norm(0.8),
        optim.clip_by_value(0.5),
        optim.add_decayed_weights(1e-4),
        optim.scale_by_adam(),
        optim.scale_by_lr(S.linear_warmup(0.1, 5, init_value=0.01)),
    ),
    "regularised": lambda: optim.chain(
        optim.normalize_by_global_norm(),
        optim.elastic_net(0.01, 0.1),
        optim.add_l1_subgradient(0.01),
        optim.scale_by_lr(0.1),
        optim.prox_l1(0.001),
        optim.prox_elastic_net(0.001, 0.01),
    ),
}


def tree(rng: np.random.Generator, dtype: type = np.float64) -> dict:
    return {
        "w": rng.standard_normal((3, 4)).astype(dtype),
        "layers": [rng.standard_normal(5).astype(dtype), (rng.standard_normal(()).astype(dtype),)],
    }


def fake_grad(params: dict) -> dict:
    """A gradient depending on the params (that of sum(p**4/4 - p))."""
    return {
        "w": params["w"] ** 3 - 1,
        "layers": [params["layers"][0] ** 3 - 1, (params["layers"][1][0] ** 3 - 1,)],
    }


@pytest.mark.parametrize("name", sorted(ALL))
def test_step_equals_update_then_apply_bit_for_bit(name: str) -> None:
    rng = np.random.default_rng(0)
    opt = ALL[name]()
    p_step = tree(rng)
    p_pure = {
        "w": p_step["w"].copy(),
        "layers": [p_step["layers"][0].copy(), (p_step["layers"][1][0].copy(),)],
    }
    s_step, s_pure = opt.init(p_step), opt.init(p_pure)
    for _ in range(7):
        p_step, s_step = opt.step(p_step, fake_grad(p_step), s_step)
        updates, s_pure = opt.update(fake_grad(p_pure), s_pure, p_pure)
        assert type(updates) is dict and type(updates["layers"][1]) is tuple
        p_pure = optim.apply_updates(p_pure, updates)
    for a, b in zip(tree_leaves(p_step), tree_leaves(p_pure)):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", sorted(ALL))
def test_float32_params_keep_float32_everything(name: str) -> None:
    opt = ALL[name]()
    params = tree(np.random.default_rng(1), np.float32)
    state = opt.init(params)
    for _ in range(3):
        params, state = opt.step(params, fake_grad(params), state)
    updates, state = opt.update(fake_grad(params), state, params)
    arrays = [x for x in tree_leaves(state) if isinstance(x, np.ndarray)]
    assert arrays and all(x.dtype == np.float32 for x in arrays)
    assert all(x.dtype == np.float32 for x in tree_leaves(params) + tree_leaves(updates))


@pytest.mark.parametrize("name", sorted(ALL))
def test_step_updates_writable_arrays_in_place(name: str) -> None:
    opt = ALL[name]()
    params = tree(np.random.default_rng(2))
    before = [id(x) for x in tree_leaves(params)]
    first = params["w"].copy()
    state = opt.init(params)
    buffers = [id(x) for x in tree_leaves(state) if isinstance(x, np.ndarray)]
    new, state = opt.step(params, fake_grad(params), state)
    assert [id(x) for x in tree_leaves(new)] == before
    assert not np.array_equal(new["w"], first)
    assert [id(x) for x in tree_leaves(state) if isinstance(x, np.ndarray)] == buffers


def test_step_leaves_read_only_and_strided_params_untouched() -> None:
    opt = optim.adam(lr=0.1)
    frozen = np.ones(3)
    frozen.flags.writeable = False
    strided = np.ones(6)[::2]
    params = [frozen, strided, 2.0]
    state = opt.init(params)
    new, state = opt.step(params, [np.ones(3), np.ones(3), 1.0], state)
    np.testing.assert_array_equal(frozen, 1.0)
    np.testing.assert_array_equal(strided, 1.0)
    # Adam's first step is lr * sign(g).
    np.testing.assert_allclose(new[0], 0.9)
    np.testing.assert_allclose(new[1], 0.9)
    np.testing.assert_allclose(new[2], 1.9)


def test_float64_grads_for_float32_params() -> None:
    opt = optim.sgd(lr=0.5)
    x = np.array([1.0, 2.0], dtype=np.float32)
    x, _ = opt.step(x, np.array([1.0, 1.0]), opt.init(x))
    assert x.dtype == np.float32
    np.testing.assert_array_equal(x, np.array([0.5, 1.5], dtype=np.float32))


@pytest.mark.parametrize("method", ["step", "update"])
def test_steady_state_steps_allocate_nothing(method: str) -> None:
    n = 1_000_000
    x = np.random.default_rng(3).standard_normal(n)
    g = np.ones(n)
    opt = optim.adam(lr=1e-3)
    state = opt.init(x)
    x, state = opt.step(x, g, state)  # first call makes the per-thread scratch chunks
    opt.update(g, state, x)
    tracemalloc.start()
    try:
        for _ in range(100):
            if method == "step":
                x, state = opt.step(x, g, state)
            else:
                _, state = opt.update(g, state, x)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < x.nbytes / 100, f"peak {peak} bytes for an array of {x.nbytes}"


def test_issue_example_chain_matches_hand_computation() -> None:
    sched = S.exponential_decay(0.1, 0.5)
    opt = optim.chain(
        optim.clip_by_global_norm(1.0),
        optim.add_decayed_weights(1e-4),
        optim.scale_by_adam(),
        optim.scale_by_lr(sched),
    )
    x = np.array([3.0, -4.0])
    state = opt.init(x)
    m = v = np.zeros(2)
    expected = x.copy()
    for t in range(1, 4):
        g = 2 * expected * np.array([1.0, 30.0])
        u = g * min(1.0, 1.0 / np.linalg.norm(g)) + 1e-4 * expected
        m = 0.9 * m + 0.1 * u
        v = 0.999 * v + 0.001 * u * u
        direction = (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
        expected = expected - sched(t - 1) * direction
        x, state = opt.step(x, g, state)
        np.testing.assert_allclose(x, expected, rtol=1e-13)
    assert optim.current_lr(state) == sched(3)


def test_current_lr_follows_schedule_and_plateau() -> None:
    opt = optim.chain(
        optim.adam(lr=S.step_decay(0.1, 2, 0.5)),
        optim.reduce_on_plateau(factor=0.1, patience=0, lr=0.1),
    )
    state = opt.init(np.zeros(1))
    assert optim.current_lr(state) == 0.1
    opt.update(np.ones(1), state, loss=1.0)
    assert optim.current_lr(state) == 0.1
    opt.update(np.ones(1), state, loss=2.0)  # worse: plateau factor 0.1; schedule halves
    assert optim.current_lr(state) == pytest.approx(0.005, rel=1e-14)
    with pytest.raises(ValueError, match="no learning rate"):
        optim.current_lr(optim.scale_by_adam().init(np.zeros(1)))


def test_update_accepts_extra_keywords_it_does_not_use() -> None:
    opt = optim.sgd(lr=1.0)
    updates, _ = opt.update(np.ones(2), opt.init(np.zeros(2)), loss=3.0)
    np.testing.assert_array_equal(updates, -np.ones(2))


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=6),
    st.floats(0.01, 10.0),
)
def test_clip_by_global_norm_caps_the_joint_norm(values: list[float], limit: float) -> None:
    g = [np.array(values), np.array(values[::-1]) * 2]
    opt = optim.clip_by_global_norm(limit)
    out, _ = opt.update([x.copy() for x in g], opt.init(g))
    norm_in = np.sqrt(sum(np.sum(x * x) for x in g))
    norm_out = np.sqrt(sum(np.sum(x * x) for x in out))
    assert norm_out == pytest.approx(min(norm_in, limit), rel=1e-12, abs=1e-300)
    if norm_in > 0:  # direction kept
        np.testing.assert_allclose(out[0] * norm_in, g[0] * norm_out, rtol=1e-12, atol=1e-9)


def test_update_does_not_modify_the_gradients() -> None:
    g = np.array([1.0, -2.0])
    opt = optim.chain(optim.clip_by_global_norm(0.1), optim.adam())
    opt.update(g, opt.init(np.zeros(2)))
    np.testing.assert_array_equal(g, [1.0, -2.0])


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda: optim.sgd(lr=-1.0), ValueError, "lr must be"),
        (lambda: optim.sgd(lr=0.1, nesterov=True), ValueError, "Nesterov"),
        (lambda: optim.adam(betas=(0.9, 1.0)), ValueError, "b2"),
        (lambda: optim.rmsprop(alpha=1.5), ValueError, "alpha"),
        (lambda: optim.rprop(lr=S.constant(0.1)), TypeError, "initial per-coordinate"),
        (lambda: optim.rprop(etas=(1.2, 0.5)), ValueError, "etas"),
        (lambda: optim.lookahead(optim.adam(), sync_period=0), ValueError, "sync_period"),
        (lambda: optim.reduce_on_plateau(mode="up"), ValueError, "mode"),
        (lambda: S.step_decay(1.0, step_size=0), ValueError, "step_size"),
        (lambda: S.join([S.constant(1.0)], [3]), ValueError, "boundaries"),
        (lambda: optim.chain(optim.adam(), "sgd"), TypeError, "GradientTransformation"),
    ],
)
def test_bad_hyperparameters_are_rejected(make, error, match) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=match):
        make()


def test_bad_calls_get_clear_errors() -> None:
    opt = optim.adam(weight_decay=0.1)
    state = opt.init({"w": np.zeros(3)})
    with pytest.raises(ValueError, match="needs the parameters"):
        opt.update({"w": np.ones(3)}, state)
    with pytest.raises(ValueError, match="shape"):
        opt.update({"w": np.ones(4)}, state, {"w": np.zeros(3)})
    with pytest.raises(ValueError, match="leaves"):
        opt.update([np.ones(3), np.ones(3)], state, {"w": np.zeros(3)})
    with pytest.raises(TypeError, match="complex"):
        opt.init(np.zeros(2, dtype=complex))
    plateau = optim.reduce_on_plateau()
    with pytest.raises(ValueError, match="loss="):
        plateau.update(np.ones(1), plateau.init(np.zeros(1)))
