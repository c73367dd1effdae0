"""save_state / load_state: exact .npz round trips without pickle, atomic writes."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from descend import optim
from descend.pytree import tree_flatten


def assert_same_state(a: object, b: object) -> None:
    leaves_a, def_a = tree_flatten(a)
    leaves_b, def_b = tree_flatten(b)
    assert def_a == def_b
    for x, y in zip(leaves_a, leaves_b):
        assert type(x) is type(y)
        if isinstance(x, np.ndarray):
            assert x.dtype == y.dtype
            np.testing.assert_array_equal(x, y)
        else:
            assert x == y


def make_optimizer() -> optim.GradientTransformation:
    return optim.chain(
        optim.lookahead(optim.adam(lr=optim.schedules.cosine_decay(0.1, 100), amsgrad=True)),
        optim.reduce_on_plateau(patience=1, lr=0.1),
    )


def gradient(params: dict) -> dict:
    return {"w": params["w"] - 1, "b": [params["b"][0] * 2]}


def test_round_trip_is_exact_and_training_resumes_identically(tmp_path: Path) -> None:
    opt = make_optimizer()
    params = {
        "w": np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3),
        "b": [np.array(0.5, np.float32)],
    }
    state = opt.init(params)
    for loss in (3.0, 2.0, 2.5):
        params, state = opt.step(params, gradient(params), state, loss=loss)
    path = tmp_path / "state.npz"
    optim.save_state(path, state)
    loaded = optim.load_state(path)
    assert_same_state(state, loaded)
    assert loaded["parts"][-1]["best"] == 2.0
    resumed = {"w": params["w"].copy(), "b": [params["b"][0].copy()]}
    for loss in (2.5, 2.6, 1.0):
        params, state = opt.step(params, gradient(params), state, loss=loss)
        resumed, loaded = opt.step(resumed, gradient(resumed), loaded, loss=loss)
    np.testing.assert_array_equal(params["w"], resumed["w"])
    assert_same_state(state, loaded)
    assert optim.current_lr(loaded) == optim.current_lr(state)


def test_initial_state_with_infinite_best_round_trips(tmp_path: Path) -> None:
    state = make_optimizer().init(np.zeros(2))
    optim.save_state(tmp_path / "s.npz", state)
    loaded = optim.load_state(tmp_path / "s.npz")
    assert loaded["parts"][-1]["best"] == np.inf
    assert_same_state(state, loaded)


def test_failed_save_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "s.npz"
    optim.save_state(path, {"count": 1})
    with pytest.raises(TypeError, match="object array"):
        optim.save_state(path, {"bad": np.array([None, 1], dtype=object)})
    with pytest.raises(TypeError, match="type set"):
        optim.save_state(path, {"bad": {1, 2}})
    assert optim.load_state(path) == {"count": 1}
    assert os.listdir(tmp_path) == ["s.npz"]


def test_loading_a_foreign_npz_is_refused(tmp_path: Path) -> None:
    np.savez(tmp_path / "other.npz", x=np.ones(2))
    with pytest.raises(ValueError, match="not a state saved"):
        optim.load_state(tmp_path / "other.npz")
