"""`TrainState`: everything a training run needs to continue bit for bit, and its checkpoint."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from descend.checkpoint import (
    generator_from_state,
    generator_state,
    read_checkpoint,
    save_checkpoint,
)

__all__ = ["TrainState"]


@dataclass
class TrainState:
    """The state of a run of `descend.train`, returned by it and accepted by ``resume=``.

    Attributes
    ----------
    params : pytree of arrays
        The current parameters.
    opt_state : dict or None
        The optimizer's state (`descend.optim` contract); None for full-batch methods.
    epoch : int
        Completed epochs (iterations for full-batch methods).
    history : dict of str to list of float
        One entry per epoch: ``"loss"`` (mean training loss over the epoch's mini-batches),
        and when validating ``"val_loss"`` and ``"val_score"``; ``"lr"`` for optimizers that
        expose their rate.
    rng : numpy.random.Generator or None
        The generator that shuffles the mini-batches (and that a stochastic loss may draw
        from, e.g. for dropout).
    early_stopping : dict or None
        Early stopping's memory: ``best``, ``best_epoch``, ``wait`` and ``best_params``.
    stop_reason : str or None
        Why the last run stopped: ``"max_epochs"``, ``"converged"``, ``"early_stopping"``,
        ``"callback"``, ``"diverged"``, or a full-batch method's failure message.

    Examples
    --------
    >>> import os, tempfile
    >>> state = TrainState(params={"w": np.ones(2)}, opt_state=None, epoch=1,
    ...                    rng=np.random.default_rng(0))
    >>> path = os.path.join(tempfile.mkdtemp(), "state.npz")
    >>> state.save(path)
    >>> again = TrainState.load(path)
    >>> again.params["w"], again.rng.random() == np.random.default_rng(0).random()
    (array([1., 1.]), True)
    """

    params: Any
    opt_state: Any
    epoch: int = 0
    history: dict[str, list[float]] = field(default_factory=dict)
    rng: np.random.Generator | None = None
    early_stopping: dict[str, Any] | None = None
    stop_reason: str | None = None

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write this state to ``path`` atomically (see `descend.checkpoint` for the format)."""
        save_checkpoint(path, "train_state", self.as_payload())

    def as_payload(self) -> dict[str, Any]:
        """This state as checkpoint content: arrays, numbers, strings, lists and dicts."""
        return {
            "params": self.params,
            "opt_state": self.opt_state,
            "epoch": self.epoch,
            "history": self.history,
            "rng": None if self.rng is None else generator_state(self.rng),
            "early_stopping": self.early_stopping,
            "stop_reason": self.stop_reason,
        }

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> TrainState:
        """Read a state written by `save` (also what ``descend.load`` returns for it)."""
        content = read_checkpoint(path)
        if content["kind"] != "train_state":
            raise ValueError(f"{os.fspath(path)!r} holds a {content['kind']!r} checkpoint")
        return cls.from_checkpoint(content)

    @classmethod
    def from_checkpoint(cls, content: dict[str, Any]) -> TrainState:
        """Rebuild a state from `as_payload` content read back from a checkpoint."""
        rng = content["rng"]
        return cls(
            params=content["params"],
            opt_state=content["opt_state"],
            epoch=content["epoch"],
            history=content["history"],
            rng=None if rng is None else generator_from_state(rng),
            early_stopping=content["early_stopping"],
            stop_reason=content["stop_reason"],
        )
