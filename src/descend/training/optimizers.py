"""Turn the ``optimizer=`` argument of `train` and the estimators into something that runs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from descend import optim
from descend.optim import optimizers as named_optimizers
from descend.solvers import METHODS
from descend.solvers.optimizer_loop import is_optimizer

__all__ = ["STOCHASTIC", "FULL_BATCH", "ResolvedOptimizer", "resolve_optimizer"]

#: `descend.optim` factories usable by name: they run mini-batch by mini-batch.
STOCHASTIC: tuple[str, ...] = tuple(named_optimizers.__all__)
#: `descend.minimize` methods: deterministic, full-batch, one iteration per "epoch".
FULL_BATCH: tuple[str, ...] = METHODS


def _normalise(name: str) -> str:
    return name.lower().replace("-", "").replace("_", "").replace(" ", "")


@dataclass(frozen=True)
class ResolvedOptimizer:
    """Either a full-batch `minimize` method name or a `descend.optim` transformation.

    Examples
    --------
    >>> resolve_optimizer("L-BFGS", None).method
    'lbfgs'
    """

    method: str | None = None
    transformation: Any = None

    @property
    def full_batch(self) -> bool:
        return self.method is not None


def resolve_optimizer(optimizer: Any, lr: Any) -> ResolvedOptimizer:
    """Resolve a name (``"adam"``, ``"lbfgs"``, ...) or an optimizer object.

    Parameters
    ----------
    optimizer : str or descend.optim optimizer
        A `descend.optim` factory name (`STOCHASTIC`), a `descend.minimize` method name
        (`FULL_BATCH`; case, ``-`` and ``_`` ignored), or any object with ``init`` and
        ``update`` (used as given).
    lr : float, schedule or None
        Learning rate for a named stochastic optimizer; None keeps the factory's default.

    Examples
    --------
    >>> resolve_optimizer("adam", 0.01).transformation is not None
    True
    >>> resolve_optimizer("lbfgs", 0.1)
    Traceback (most recent call last):
    ...
    ValueError: lr=0.1 is for stochastic optimizers; 'lbfgs' chooses its own step lengths ...
    """
    if is_optimizer(optimizer):
        if lr is not None:
            raise ValueError(
                "lr is ignored when optimizer is an optimizer object: set the rate on the "
                "object itself (e.g. descend.optim.adam(lr=...)) and leave lr=None"
            )
        return ResolvedOptimizer(transformation=optimizer)
    if not isinstance(optimizer, str):
        raise TypeError(f"optimizer must be a name or a descend.optim optimizer; got {optimizer!r}")
    key = _normalise(optimizer)
    if key in STOCHASTIC:
        factory = getattr(optim, key)
        return ResolvedOptimizer(transformation=factory() if lr is None else factory(lr=lr))
    full_batch = {_normalise(m): m for m in FULL_BATCH}
    if key in full_batch:
        if lr is not None:
            raise ValueError(
                f"lr={lr!r} is for stochastic optimizers; {full_batch[key]!r} chooses its own "
                "step lengths (line search): leave lr=None"
            )
        return ResolvedOptimizer(method=full_batch[key])
    raise ValueError(
        f"unknown optimizer {optimizer!r}: use a stochastic optimizer {list(STOCHASTIC)}, a "
        f"full-batch method {list(FULL_BATCH)}, or a descend.optim optimizer object"
    )
