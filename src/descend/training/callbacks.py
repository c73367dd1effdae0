"""Callbacks run after every epoch, and early stopping (whose memory lives in the state)."""

from __future__ import annotations

import math
import os
from typing import Any

from descend.pytree import tree_map

__all__ = ["Callback", "EarlyStopping", "ModelCheckpoint"]


class Callback:
    """Base class of training callbacks; override any of the three hooks.

    A plain function ``fn(state)`` is also accepted wherever callbacks are: it is called at
    the end of every epoch. Returning True from ``on_epoch_end`` (or the function) stops
    training after that epoch, with ``state.stop_reason == "callback"``.

    Examples
    --------
    >>> class StopBelow(Callback):
    ...     def on_epoch_end(self, state):
    ...         return state.history["loss"][-1] < 0.5
    >>> isinstance(StopBelow(), Callback)
    True
    """

    def on_train_begin(self, state: Any) -> None:
        """Called once before the first epoch of a run (also of a resumed run)."""

    def on_epoch_end(self, state: Any) -> bool | None:
        """Called after every epoch, when ``state.history`` holds the epoch's values."""
        return None

    def on_train_end(self, state: Any) -> None:
        """Called once when the run stops, whatever the reason."""


class ModelCheckpoint(Callback):
    """Save the `TrainState` to ``path`` every ``every`` epochs, atomically.

    The file always holds a complete checkpoint: a run killed at any moment can be resumed
    with ``descend.train(..., resume=descend.load(path))``.

    Parameters
    ----------
    path : str or path-like
        Target ``.npz`` file, overwritten at every save.
    every : int, default 1
        Save after epochs ``every, 2 * every, ...``.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from descend.training import TrainState
    >>> path = os.path.join(tempfile.mkdtemp(), "run.npz")
    >>> ModelCheckpoint(path).on_epoch_end(TrainState(params=np.zeros(2), opt_state=None,
    ...                                               epoch=1))
    >>> os.path.exists(path)
    True
    """

    def __init__(self, path: str | os.PathLike[str], every: int = 1) -> None:
        if not (isinstance(every, int) and every >= 1):
            raise ValueError(f"every must be a positive integer; got {every!r}")
        self.path = path
        self.every = every

    def on_epoch_end(self, state: Any) -> None:
        if state.epoch % self.every == 0:
            state.save(self.path)


class EarlyStopping:
    """Stop when a monitored value stops improving; optionally restore the best parameters.

    An epoch *improves* when the value beats the best so far by more than ``min_delta``
    (scikit-learn's ``tol`` rule); training stops after ``patience`` epochs in a row without
    improvement. Its memory (best value, epoch, count, parameters) is kept in
    ``TrainState.early_stopping``, so it survives checkpoints.

    Parameters
    ----------
    monitor : {"val_loss", "val_score", "loss"}, default "val_loss"
        History entry to watch; ``"val_*"`` need validation data.
    min_delta : float, default 1e-4
        Minimum change that counts as an improvement (scikit-learn's ``tol``).
    patience : int, default 10
        Epochs without improvement before stopping (scikit-learn's ``n_iter_no_change``).
    mode : {"auto", "min", "max"}, default "auto"
        Whether lower or higher is better; ``"auto"`` maximises scores, minimises losses.
    restore_best : bool, default True
        Put back the parameters of the best epoch when stopping (Keras's
        ``restore_best_weights``, default False there).

    Examples
    --------
    >>> stop = EarlyStopping(monitor="loss", patience=2, restore_best=False)
    >>> memory = None
    >>> for epoch, loss in enumerate([3.0, 2.0, 2.5, 2.0], start=1):
    ...     memory, should_stop = stop.update(memory, {"loss": [loss]}, epoch, None)
    >>> should_stop, memory["best_epoch"]
    (True, 2)
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        min_delta: float = 1e-4,
        patience: int = 10,
        mode: str = "auto",
        restore_best: bool = True,
    ) -> None:
        if mode not in ("auto", "min", "max"):
            raise ValueError(f"mode must be 'auto', 'min' or 'max'; got {mode!r}")
        if not (isinstance(patience, int) and patience >= 1):
            raise ValueError(f"patience must be a positive integer; got {patience!r}")
        if not min_delta >= 0:
            raise ValueError(f"min_delta must be non-negative; got {min_delta!r}")
        self.monitor = monitor
        self.min_delta = float(min_delta)
        self.patience = patience
        self.maximize = mode == "max" or (mode == "auto" and "score" in monitor)
        self.restore_best = restore_best

    def update(
        self,
        memory: dict[str, Any] | None,
        history: dict[str, list[float]],
        epoch: int,
        params: Any,
    ) -> tuple[dict[str, Any], bool]:
        """Fold the latest epoch into ``memory``; return it and whether to stop."""
        if self.monitor not in history:
            raise ValueError(
                f"early stopping monitors {self.monitor!r}, which the history does not have "
                f"({sorted(history)}); give validation data or monitor 'loss'"
            )
        value = history[self.monitor][-1]
        signed = -value if self.maximize else value
        if memory is None:
            memory = {"best": math.inf, "best_epoch": 0, "wait": 0, "best_params": None}
        memory["wait"] = 0 if signed < memory["best"] - self.min_delta else memory["wait"] + 1
        if signed < memory["best"]:
            memory["best"] = signed
            memory["best_epoch"] = epoch
            if self.restore_best:
                memory["best_params"] = tree_map(lambda a: a.copy(), params)
        return memory, memory["wait"] >= self.patience
