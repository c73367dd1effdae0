"""Training loops: `train` for any plain-NumPy loss, its state, callbacks and early stopping.

Examples
--------
>>> import numpy as np
>>> from descend.training import train
>>> X = np.linspace(-1, 1, 50)[:, None]
>>> state = train(lambda w, X, y: np.mean((X @ w - y) ** 2), np.zeros(1), (X, 3 * X[:, 0]),
...               "lbfgs", epochs=20, verbose=0)
>>> np.round(state.params, 6), state.stop_reason
(array([3.]), 'converged')
"""

from descend.training.callbacks import Callback, EarlyStopping, ModelCheckpoint
from descend.training.optimizers import FULL_BATCH, STOCHASTIC, resolve_optimizer
from descend.training.state import TrainState
from descend.training.trainer import train

__all__ = [
    "FULL_BATCH",
    "STOCHASTIC",
    "Callback",
    "EarlyStopping",
    "ModelCheckpoint",
    "TrainState",
    "resolve_optimizer",
    "train",
]
