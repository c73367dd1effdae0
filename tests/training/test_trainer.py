"""descend.train: mini-batch semantics, full-batch methods, history, early stopping, callbacks."""

from __future__ import annotations

import math
import sys

import numpy as np
import pytest

from descend import optim, value_and_grad
from descend.training import Callback, EarlyStopping, TrainState, train


def line_data(n=200, seed=0, noise=0.1):
    """y = 2x + noise, the textbook example."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(n, 1))
    return x, 2.0 * x[:, 0] + noise * rng.standard_normal(n)


def line_loss(p, X, y):
    return np.mean((X @ p["w"] + p["b"] - y) ** 2)


P0 = {"w": np.zeros(1), "b": np.zeros(())}


def least_squares_solution(X, y):
    A = np.hstack([X, np.ones((X.shape[0], 1))])
    return np.linalg.lstsq(A, y, rcond=None)[0]


def test_textbook_line_recovers_slope_two_and_intercept_zero():
    X, y = line_data(n=1000)
    # 30 epochs of 100 steps; the decaying rate averages out the mini-batch noise
    lr = optim.schedules.cosine_decay(0.1, decay_steps=3000)
    state = train(
        line_loss, P0, (X, y), "sgd", lr=lr, epochs=30, batch_size=10, random_state=0, verbose=0
    )
    slope, intercept = least_squares_solution(X, y)
    assert state.params["w"][0] == pytest.approx(2.0, abs=0.02)
    assert float(state.params["b"]) == pytest.approx(0.0, abs=0.02)
    # and close to the exact least-squares line through these noisy points
    assert state.params["w"][0] == pytest.approx(slope, abs=5e-3)
    assert float(state.params["b"]) == pytest.approx(intercept, abs=5e-3)


def test_textbook_least_squares_converges_to_zero_one():
    X = np.array([[1.0, 1.0], [1.0, 2.0], [1.0, 3.0]])
    y = np.array([1.0, 2.0, 3.0])
    loss = lambda theta, X, y: 0.5 * np.mean((X @ theta - y) ** 2)  # noqa: E731
    for method in ("lbfgs", "newton-cg", "bfgs"):
        state = train(loss, np.zeros(2), (X, y), method, epochs=100, verbose=0, tol=1e-12)
        np.testing.assert_allclose(state.params, [0.0, 1.0], atol=1e-9)
        assert state.stop_reason == "converged"
    gd = train(loss, np.zeros(2), (X, y), "sgd", lr=0.3, epochs=3000, batch_size=None, verbose=0)
    np.testing.assert_allclose(gd.params, [0.0, 1.0], atol=1e-6)


@pytest.mark.parametrize(
    "batch_size, steps_per_epoch", [(None, 1), (1, 23), (5, 5), (23, 1), (50, 1)]
)
def test_batch_size_sets_the_number_of_steps(batch_size, steps_per_epoch):
    X, y = line_data(n=23)
    calls = []

    def loss(p, X, y):
        calls.append(X.shape[0])
        return line_loss(p, X, y)

    state = train(loss, P0, (X, y), "adam", epochs=3, batch_size=batch_size, verbose=0)
    assert state.opt_state["parts"][1]["count"] == 3 * steps_per_epoch
    # one value_and_grad per mini-batch, covering every sample once per epoch
    assert len(calls) == 3 * steps_per_epoch
    assert sum(calls) == 3 * 23


def test_minibatches_are_reshuffled_every_epoch_with_random_state():
    X = np.arange(10.0)[:, None]
    seen = []

    def loss(p, X):
        seen.append(np.asarray(X)[:, 0].copy())
        return np.mean((X @ p) ** 2)

    train(loss, np.zeros(1), X, "sgd", epochs=2, batch_size=10, random_state=3, verbose=0)
    first, second = seen
    rng = np.random.default_rng(3)
    np.testing.assert_array_equal(first, rng.permutation(10))
    np.testing.assert_array_equal(second, rng.permutation(10))
    seen.clear()
    train(loss, np.zeros(1), X, "sgd", epochs=1, batch_size=10, shuffle=False, verbose=0)
    np.testing.assert_array_equal(seen[0], np.arange(10.0))


def test_same_seed_same_result_and_input_params_untouched():
    X, y = line_data()
    p0 = {"w": np.zeros(1), "b": np.zeros(())}
    a = train(
        line_loss, p0, (X, y), "adam", lr=0.01, epochs=3, batch_size=8, random_state=1, verbose=0
    )
    b = train(
        line_loss, p0, (X, y), "adam", lr=0.01, epochs=3, batch_size=8, random_state=1, verbose=0
    )
    c = train(
        line_loss, p0, (X, y), "adam", lr=0.01, epochs=3, batch_size=8, random_state=2, verbose=0
    )
    np.testing.assert_array_equal(a.params["w"], b.params["w"])
    assert a.params["w"][0] != c.params["w"][0]
    np.testing.assert_array_equal(p0["w"], [0.0])


def test_parameters_are_updated_in_place_across_steps():
    X, y = line_data()
    ids = []
    train(
        line_loss,
        P0,
        (X, y),
        "adam",
        epochs=3,
        batch_size=16,
        verbose=0,
        callbacks=[lambda s: ids.append(id(s.params["w"]))],
    )
    assert len(set(ids)) == 1


def test_history_records_mean_batch_loss_validation_and_lr():
    X, y = line_data(n=100)
    Xv, yv = line_data(n=30, seed=1)
    batch_losses = []

    def loss(p, X, y):
        value = line_loss(p, X, y)
        batch_losses.append((float(np.asarray(getattr(value, "_value", value))), X.shape[0]))
        return value

    state = train(
        loss,
        P0,
        (X, y),
        "sgd",
        lr=0.05,
        epochs=1,
        batch_size=30,
        validation_data=(Xv, yv),
        verbose=0,
        score_fn=lambda p, X, y: -line_loss(p, X, y),
    )
    mean = sum(v * n for v, n in batch_losses[:4]) / 100
    assert state.history["loss"] == [pytest.approx(mean, rel=1e-12)]
    assert state.history["val_loss"] == [pytest.approx(line_loss(state.params, Xv, yv))]
    assert state.history["val_score"] == [pytest.approx(-state.history["val_loss"][0])]
    assert state.history["lr"] == [0.05]
    assert state.epoch == 1 and state.stop_reason == "max_epochs"


def test_validation_fraction_holds_out_the_last_samples():
    X, y = line_data(n=100)
    sizes = []
    train(
        lambda p, X, y: (sizes.append(X.shape[0]), line_loss(p, X, y))[1],
        P0,
        (X, y),
        "sgd",
        epochs=1,
        batch_size=None,
        validation_fraction=0.2,
        verbose=0,
    )
    assert sizes == [80, 20]  # one training batch, then the validation loss


def test_early_stopping_stops_and_restores_the_best_parameters():
    # Overfitting: a large model on few noisy points, validated on fresh points.
    rng = np.random.default_rng(0)
    X, Xv = rng.normal(size=(20, 15)), rng.normal(size=(200, 15))
    w = np.zeros(15)
    w[0] = 1.0
    y, yv = X @ w + rng.normal(size=20), Xv @ w
    loss = lambda p, X, y: np.mean((X @ p - y) ** 2)  # noqa: E731
    best = []
    state = train(
        loss,
        np.zeros(15),
        (X, y),
        "sgd",
        lr=0.02,
        epochs=2000,
        batch_size=None,
        validation_data=(Xv, yv),
        early_stopping=EarlyStopping(patience=5, min_delta=0),
        verbose=0,
        callbacks=[lambda s: best.append(s.params.copy())],
    )
    assert state.stop_reason == "early_stopping"
    assert state.epoch < 2000
    memory = state.early_stopping
    assert memory["wait"] == 5
    assert state.epoch == memory["best_epoch"] + 5
    np.testing.assert_array_equal(state.params, best[memory["best_epoch"] - 1])
    assert min(state.history["val_loss"]) == state.history["val_loss"][memory["best_epoch"] - 1]


def test_early_stopping_true_without_validation_watches_the_training_loss():
    X, y = line_data()
    state = train(
        line_loss,
        P0,
        (X, y),
        "adam",
        lr=0.05,
        epochs=500,
        batch_size=None,
        early_stopping=True,
        verbose=0,
    )
    assert state.stop_reason == "converged" and state.epoch < 500


def test_callbacks_see_every_epoch_and_can_stop():
    events = []

    class Recorder(Callback):
        def on_train_begin(self, state):
            events.append("begin")

        def on_epoch_end(self, state):
            events.append(state.epoch)
            return state.epoch == 3

        def on_train_end(self, state):
            events.append("end")

    X, y = line_data()
    state = train(line_loss, P0, (X, y), "sgd", epochs=10, verbose=0, callbacks=[Recorder()])
    assert events == ["begin", 1, 2, 3, "end"]
    assert state.stop_reason == "callback" and state.epoch == 3


def test_full_batch_methods_report_iterations_as_epochs():
    X, y = line_data()
    per_iteration = []
    state = train(
        line_loss,
        P0,
        (X, y),
        "lbfgs",
        epochs=50,
        verbose=0,
        tol=1e-10,
        callbacks=[lambda s: per_iteration.append(s.epoch)],
    )
    np.testing.assert_allclose(
        [state.params["w"][0], state.params["b"]], least_squares_solution(X, y), atol=1e-6
    )
    assert per_iteration == list(range(1, state.epoch + 1))
    assert len(state.history["loss"]) == state.epoch
    assert state.opt_state is None


def test_full_batch_callback_can_stop_an_iteration_early():
    X, y = line_data()
    state = train(
        line_loss, P0, (X, y), "bfgs", epochs=50, verbose=0, callbacks=[lambda s: s.epoch == 1]
    )
    assert state.epoch == 1 and state.stop_reason == "callback"


def test_optimizer_objects_and_plateau_schedules_work():
    X, y = line_data()
    opt = optim.chain(optim.adam(lr=0.1), optim.reduce_on_plateau(patience=3, lr=0.1))
    state = train(line_loss, P0, (X, y), opt, epochs=60, batch_size=None, shuffle=False, verbose=0)
    assert state.history["lr"][-1] < 0.1  # the plateau cut the rate: it read loss=
    # the same as the hand-written loop of docs/optim.md
    params = {"w": np.zeros(1), "b": np.zeros(())}
    opt_state = opt.init(params)
    for _ in range(60):
        value, grads = value_and_grad(line_loss)(params, X, y)
        params, opt_state = opt.step(params, grads, opt_state, loss=float(value))
    np.testing.assert_array_equal(state.params["w"], params["w"])


def test_divergence_stops_with_a_warning():
    X, y = line_data()
    with pytest.warns(RuntimeWarning, match="diverged"), np.errstate(all="ignore"):
        state = train(
            line_loss, P0, (X * 1e3, y), "sgd", lr=10.0, epochs=50, batch_size=None, verbose=0
        )
    assert state.stop_reason == "diverged"
    assert not math.isfinite(state.history["loss"][-1])


def test_progress_lines_with_verbose_two(capsys):
    X, y = line_data()
    train(line_loss, P0, (X, y), "sgd", epochs=2, verbose=2)
    err = capsys.readouterr().err
    assert "epoch 1/2 - loss" in err and "epoch 2/2 - loss" in err


def test_progress_bar_and_its_fallback_without_tqdm(capsys, monkeypatch):
    X, y = line_data()
    train(line_loss, P0, (X, y), "sgd", epochs=2, verbose=1)
    assert "2/2" in capsys.readouterr().err  # tqdm's bar
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)  # import fails: plain lines
    train(line_loss, P0, (X, y), "sgd", epochs=2, verbose=1)
    assert "epoch 2/2 - loss" in capsys.readouterr().err
    train(line_loss, P0, (X, y), "sgd", epochs=2, verbose=0)
    assert capsys.readouterr().err == ""


def test_resume_continues_to_the_total_number_of_epochs():
    X, y = line_data()
    first = train(line_loss, P0, (X, y), "adam", epochs=2, verbose=0, random_state=0)
    assert isinstance(first, TrainState)
    again = train(line_loss, None, (X, y), "adam", epochs=5, verbose=0, resume=first)
    assert again.epoch == 5 and len(again.history["loss"]) == 5
    # a full-batch start, then mini-batches: the optimizer state is made on the way
    polished = train(line_loss, P0, (X, y), "lbfgs", epochs=3, verbose=0)
    assert polished.opt_state is None
    train(line_loss, None, (X, y), "adam", epochs=6, verbose=0, resume=polished)
    assert polished.epoch == 6 and polished.opt_state["parts"][1]["count"] > 0


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"batch_size": 0}, ValueError, "batch_size must be None"),
        ({"epochs": -1}, ValueError, "epochs must be a non-negative integer"),
        ({"optimizer": "adamm"}, ValueError, "unknown optimizer 'adamm'"),
        ({"optimizer": "lbfgs", "lr": 0.1}, ValueError, "chooses its own step lengths"),
        ({"optimizer": optim.sgd(), "lr": 0.1}, ValueError, "set the rate on the object"),
        ({"validation_fraction": 1.5}, ValueError, r"validation_fraction must be in \(0, 1\)"),
        ({"early_stopping": "yes"}, TypeError, "early_stopping must be a bool"),
        ({"callbacks": [3]}, TypeError, "callbacks must be Callback objects or callables"),
    ],
)
def test_bad_arguments_get_clear_errors(kwargs, error, match):
    X, y = line_data()
    kwargs = {"optimizer": "sgd", **kwargs}
    with pytest.raises(error, match=match):
        train(line_loss, P0, (X, y), verbose=0, **kwargs)


def test_mismatched_data_lengths_are_rejected():
    X, y = line_data()
    with pytest.raises(ValueError, match="same number of samples"):
        train(line_loss, P0, (X, y[:-1]), verbose=0)
    with pytest.raises(ValueError, match="early stopping monitors 'val_loss'"):
        train(line_loss, P0, (X, y), early_stopping=EarlyStopping(), verbose=0)
