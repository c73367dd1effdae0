"""Checkpoints resume bit for bit: in-process, and after the training process is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import numpy as np
import pytest

from descend import optim
from descend.checkpoint import CheckpointError, load
from descend.training import EarlyStopping, ModelCheckpoint, TrainState, train

from .resumable_run import EPOCHS, problem

SCRIPT = os.path.join(os.path.dirname(__file__), "resumable_run.py")


def assert_same_tree(a, b):
    assert sorted(a) == sorted(b)
    for key in a:
        np.testing.assert_array_equal(a[key], b[key])
        assert np.asarray(a[key]).dtype == np.asarray(b[key]).dtype


@pytest.mark.parametrize("stop_at", [1, 7])
@pytest.mark.parametrize(
    "optimizer",
    [
        "adam",
        optim.chain(
            optim.clip_by_global_norm(1.0),
            optim.sgd(lr=optim.schedules.cosine_decay(0.05, 200), momentum=0.9, nesterov=True),
        ),
    ],
)
def test_save_load_resume_is_bit_identical(tmp_path, stop_at, optimizer):
    loss, params, data = problem()
    val = (data[0][:50], data[1][:50])
    common = {
        "batch_size": 32,
        "verbose": 0,
        "validation_data": val,
        "early_stopping": EarlyStopping(patience=50),
    }
    lr = 0.01 if optimizer == "adam" else None
    full = train(loss, params, data, optimizer, lr=lr, epochs=12, random_state=3, **common)
    part = train(loss, params, data, optimizer, lr=lr, epochs=stop_at, random_state=3, **common)
    path = tmp_path / "state.npz"
    part.save(path)
    resumed = train(loss, None, data, optimizer, lr=lr, epochs=12, resume=load(path), **common)
    assert_same_tree(full.params, resumed.params)
    assert full.history == resumed.history
    assert full.early_stopping["best"] == resumed.early_stopping["best"]
    assert resumed.epoch == 12


def test_float32_parameters_and_generator_survive_a_checkpoint(tmp_path):
    state = TrainState(
        params=[np.arange(3, dtype=np.float32), {"b": np.float32(2.5) * np.ones((2, 2))}],
        opt_state=optim.adam().init([np.zeros(3, np.float32), {"b": np.zeros((2, 2))}]),
        epoch=4,
        history={"loss": [1.0, 0.5]},
        rng=np.random.default_rng(5),
    )
    state.rng.random(3)
    path = tmp_path / "s.npz"
    state.save(path)
    loaded = load(path)
    assert loaded.params[0].dtype == np.float32
    np.testing.assert_array_equal(loaded.params[1]["b"], state.params[1]["b"])
    assert loaded.epoch == 4 and loaded.history == {"loss": [1.0, 0.5]}
    assert loaded.rng.random() == state.rng.random()
    assert loaded.opt_state["parts"][0]["mu"][0].dtype == np.float32


def run_script(mode, directory, **kwargs):
    env = {
        **os.environ,
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    root = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
    env["PYTHONPATH"] = os.pathsep.join([os.path.join(root, "src"), env.get("PYTHONPATH", "")])
    return subprocess.Popen(
        [sys.executable, SCRIPT, mode, str(directory)],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def test_killed_run_resumes_to_the_same_final_parameters(tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "killed").mkdir()
    full = run_script("full", tmp_path / "full")
    victim = run_script("checkpointed", tmp_path / "killed")
    for line in victim.stdout:
        if line.strip() == "epoch 5":
            victim.send_signal(signal.SIGKILL)  # no chance to clean up
            break
    victim.wait(timeout=60)
    assert victim.returncode == -signal.SIGKILL
    interrupted_at = load(tmp_path / "killed" / "ckpt.npz").epoch
    assert 5 <= interrupted_at < EPOCHS
    assert not (tmp_path / "killed" / "final.npz").exists()
    resume = run_script("resume", tmp_path / "killed")
    assert resume.wait(timeout=120) == 0 and full.wait(timeout=120) == 0
    expected = load(tmp_path / "full" / "final.npz")
    resumed = load(tmp_path / "killed" / "final.npz")
    assert_same_tree(expected.params, resumed.params)
    assert expected.history == resumed.history
    leftovers = [f for f in os.listdir(tmp_path / "killed") if f.endswith(".tmp")]
    assert len(leftovers) <= 1  # at most the temporary file of a save cut by the kill


def test_truncated_checkpoint_is_a_clear_error_and_the_previous_one_survives(tmp_path):
    loss, params, data = problem()
    path = tmp_path / "ckpt.npz"
    state = train(
        loss,
        params,
        data,
        "adam",
        epochs=2,
        verbose=0,
        random_state=0,
        callbacks=[ModelCheckpoint(path)],
    )
    good = path.read_bytes()
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(good[: len(good) // 2])
    with pytest.raises(CheckpointError, match="truncated or corrupted"):
        load(truncated)
    flipped = bytearray(good)
    flipped[len(good) // 3] ^= 0xFF  # inside the array data: the zip CRC catches it
    corrupted = tmp_path / "corrupted.npz"
    corrupted.write_bytes(bytes(flipped))
    with pytest.raises(CheckpointError):
        load(corrupted)
    assert load(path).epoch == state.epoch == 2


def test_a_failing_save_leaves_the_previous_checkpoint_intact(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.npz"
    TrainState(params=np.ones(3), opt_state=None, epoch=1).save(path)

    def crash(file, *args, **kwargs):
        file.write(b"PK\x03\x04 partial")
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", crash)
    with pytest.raises(OSError, match="disk full"):
        TrainState(params=np.zeros(3), opt_state=None, epoch=2).save(path)
    monkeypatch.undo()
    assert load(path).epoch == 1
    assert os.listdir(tmp_path) == ["ckpt.npz"]
