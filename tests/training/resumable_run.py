"""A training run for the resume tests, run in a subprocess: ``python resumable_run.py MODE DIR``.

MODE ``full`` trains all epochs and writes ``DIR/final.npz``; ``checkpointed`` saves a
checkpoint after every epoch to ``DIR/ckpt.npz`` and prints ``epoch k`` (to be killed);
``resume`` continues from ``DIR/ckpt.npz`` and writes ``DIR/final.npz``.
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np

from descend.checkpoint import load
from descend.training import ModelCheckpoint, train

EPOCHS = 40


def problem():
    rng = np.random.default_rng(42)
    X = rng.normal(size=(300, 5))
    y = np.tanh(X @ rng.normal(size=5)) + 0.1 * rng.normal(size=300)
    params = {"W": rng.normal(size=(5, 8)) * 0.3, "v": np.zeros(8), "c": np.zeros(())}

    def loss(p, X, y):
        return np.mean((np.tanh(X @ p["W"]) @ p["v"] + p["c"] - y) ** 2)

    return loss, params, (X, y)


def run(mode: str, directory: str) -> None:
    loss, params, data = problem()
    ckpt = os.path.join(directory, "ckpt.npz")
    common = {"epochs": EPOCHS, "batch_size": 16, "lr": 0.01, "verbose": 0}
    if mode == "full":
        state = train(loss, params, data, "adam", random_state=7, **common)
    elif mode == "checkpointed":

        def announce(state):
            print(f"epoch {state.epoch}", flush=True)
            time.sleep(0.02)  # give the parent time to kill us mid-run

        state = train(
            loss,
            params,
            data,
            "adam",
            random_state=7,
            callbacks=[ModelCheckpoint(ckpt), announce],
            **common,
        )
    else:
        state = train(loss, None, data, "adam", resume=load(ckpt), **common)
    state.save(os.path.join(directory, "final.npz"))


if __name__ == "__main__":
    run(sys.argv[1], sys.argv[2])
