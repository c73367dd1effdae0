"""`train`: fit the parameters of any plain-NumPy loss with any descend optimizer."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from descend import optim
from descend.autodiff import value_and_grad
from descend.pytree import tree_map
from descend.solvers import Status, minimize
from descend.training.callbacks import Callback, EarlyStopping
from descend.training.optimizers import resolve_optimizer
from descend.training.progress import Progress
from descend.training.state import TrainState

__all__ = ["train"]

# As scikit-learn's lbfgs solvers: full-batch runs stop on the gradient (``tol``), not on a
# stalling objective, whose default absolute-ish tolerance (2.2e-9) stops far too early
# once the loss is small.
_FTOL = 64 * float(np.finfo(np.float64).eps)

Data = Any  # an array, or a tuple of arrays sharing their first axis


def train(
    loss_fn: Callable[..., Any],
    params: Any,
    data: Data,
    optimizer: Any = "adam",
    *,
    lr: Any = None,
    epochs: int = 10,
    batch_size: int | None = 32,
    shuffle: bool = True,
    validation_data: Data = None,
    validation_fraction: float | None = None,
    val_loss_fn: Callable[..., Any] | None = None,
    score_fn: Callable[..., float] | None = None,
    early_stopping: bool | EarlyStopping | None = False,
    callbacks: Sequence[Callback | Callable[[TrainState], Any]] | None = None,
    verbose: int = 1,
    random_state: int | np.random.Generator | None = None,
    resume: TrainState | None = None,
    tol: float | None = None,
    solver_options: dict[str, Any] | None = None,
) -> TrainState:
    """Minimise the mean of ``loss_fn`` over ``data`` by epochs of mini-batches.

    Every mini-batch costs one ``value_and_grad`` of ``loss_fn`` and one in-place optimizer
    ``step``. Full-batch methods (``"lbfgs"``, ``"newton-cg"``, ...) run `descend.minimize`
    for ``epochs`` iterations instead.

    Parameters
    ----------
    loss_fn : callable
        ``loss_fn(params, *batch) -> float``: plain NumPy, the *mean* loss of a batch
        (``batch`` holds the rows of each array of ``data``).
    params : pytree of float arrays
        Initial parameters; copied, never modified.
    data : array or tuple of arrays
        Training data; the arrays share their first axis (samples), e.g. ``(X, y)``.
    optimizer : str or descend.optim optimizer, default "adam"
        A `descend.optim` name (``"sgd"``, ``"adam"``, ...), an optimizer object (e.g.
        ``optim.chain(optim.clip_by_global_norm(1.0), optim.adamw(1e-3))``), or a
        `descend.minimize` method (``"lbfgs"``, ``"bfgs"``, ``"newton-cg"``, ``"cg"``,
        ``"fista"``, ...).
    lr : float or schedule, optional
        Learning rate of a named stochastic optimizer (default: the optimizer's own).
    epochs : int, default 10
        Total number of epochs; a resumed run continues up to this number.
    batch_size : int or None, default 32
        Samples per step; None is full batch, 1 is stochastic. The last batch of an epoch
        may be smaller.
    shuffle : bool, default True
        Reshuffle the samples at every epoch with the run's generator.
    validation_data : array or tuple of arrays, optional
        Held-out data, evaluated after every epoch (``"val_loss"`` and, with ``score_fn``,
        ``"val_score"`` in the history).
    validation_fraction : float, optional
        Instead of ``validation_data``: hold out this fraction of the *last* samples (as
        Keras's ``validation_split``; shuffle beforehand if the data are ordered).
    val_loss_fn : callable, optional
        Loss for the validation data; default ``loss_fn``. Give a deterministic one when
        ``loss_fn`` is stochastic (dropout).
    score_fn : callable, optional
        ``score_fn(params, *validation_batch) -> float``, higher is better (e.g. accuracy).
    early_stopping : bool or EarlyStopping, default False
        True: ``EarlyStopping(monitor="val_loss")`` (``"loss"`` without validation data).
    callbacks : sequence of Callback or callables ``fn(state)``, optional
        Run after every epoch; one returning True stops training.
    verbose : int, default 1
        0 silent, 1 progress bar (tqdm if installed), 2 one line per epoch.
    random_state : int, Generator or None
        Seeds the shuffling generator ``state.rng`` (a Generator is used as is).
    resume : TrainState, optional
        Continue this run (from `descend.load` of a checkpoint, or a previous result), which
        is updated in place and returned; ``params`` and ``random_state`` are then ignored.
        The continuation is bit-identical to a run that never stopped.
    tol : float, optional
        Gradient tolerance of full-batch methods (``minimize``'s ``tol``, default 1e-5).
    solver_options : dict, optional
        More keyword arguments for `descend.minimize` (``prox``, ``options``, ...). The
        relative objective tolerance ``options["ftol"]`` defaults to ``64 * eps`` here, so
        full-batch methods stop on the gradient tolerance.

    Returns
    -------
    TrainState
        ``params``, ``history``, ``epoch``, ``stop_reason``, the optimizer state and the
        generator: save it with ``state.save(path)``, continue it with ``resume=state``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 2))
    >>> y = X @ np.array([2.0, -1.0]) + 0.5
    >>> def loss(p, X, y):
    ...     return np.mean((X @ p["w"] + p["b"] - y) ** 2)
    >>> state = train(loss, {"w": np.zeros(2), "b": 0.0}, (X, y), "adam", lr=0.05,
    ...               epochs=100, batch_size=20, random_state=0, verbose=0)
    >>> np.round(state.params["w"], 3), round(float(state.params["b"]), 3)
    (array([ 2., -1.]), 0.5)
    """
    arrays = _as_arrays(data, "data")
    validation = None if validation_data is None else _as_arrays(validation_data, "validation")
    if validation_fraction is not None:
        if validation is not None:
            raise ValueError("give validation_data or validation_fraction, not both")
        arrays, validation = _split_last(arrays, validation_fraction)
    _check_epochs_and_batch(epochs, batch_size)
    resolved = resolve_optimizer(optimizer, lr)
    if resume is None:
        state = TrainState(
            params=tree_map(_fresh_float_array, params),
            opt_state=None,
            rng=random_state
            if isinstance(random_state, np.random.Generator)
            else np.random.default_rng(random_state),
        )
    else:
        state = resume
    if not resolved.full_batch and state.opt_state is None:
        state.opt_state = resolved.transformation.init(state.params)
    loop = _Loop(
        state=state,
        validation=validation,
        val_loss_fn=val_loss_fn or loss_fn,
        score_fn=score_fn,
        stopper=_early_stopper(early_stopping, validation is not None),
        callbacks=[c if isinstance(c, Callback) else _FunctionCallback(c) for c in callbacks or ()],
        progress=Progress(epochs, state.epoch, verbose),
    )
    for callback in loop.callbacks:
        callback.on_train_begin(state)
    try:
        if resolved.method is not None:
            options = dict(solver_options or {})
            _run_full_batch(loop, loss_fn, arrays, resolved.method, epochs, tol, options)
        else:
            _run_epochs(loop, loss_fn, arrays, resolved.transformation, epochs, batch_size, shuffle)
    finally:
        loop.progress.close()
    if state.stop_reason == "diverged":
        warnings.warn(
            f"training diverged at epoch {state.epoch} (non-finite loss): lower the learning "
            "rate, or clip gradients with descend.optim.clip_by_global_norm",
            RuntimeWarning,
            stacklevel=2,
        )
    for callback in loop.callbacks:
        callback.on_train_end(state)
    return state


class _FunctionCallback(Callback):
    def __init__(self, fn: Callable[[TrainState], Any]) -> None:
        if not callable(fn):
            raise TypeError(f"callbacks must be Callback objects or callables; got {fn!r}")
        self.fn = fn

    def on_epoch_end(self, state: TrainState) -> bool | None:
        return bool(self.fn(state))


class _Loop:
    """What happens after every epoch: history, validation, early stopping, callbacks."""

    def __init__(
        self,
        state: TrainState,
        validation: tuple[np.ndarray, ...] | None,
        val_loss_fn: Callable[..., Any],
        score_fn: Callable[..., float] | None,
        stopper: EarlyStopping | None,
        callbacks: list[Callback],
        progress: Progress,
    ) -> None:
        self.state = state
        self.validation = validation
        self.val_loss_fn = val_loss_fn
        self.score_fn = score_fn
        self.stopper = stopper
        self.callbacks = callbacks
        self.progress = progress

    def end_epoch(self, loss: float) -> bool:
        """Record the epoch that just ended; whether training must stop."""
        state = self.state
        state.epoch += 1
        logs = {"loss": loss}
        if self.validation is not None:
            logs["val_loss"] = float(self.val_loss_fn(state.params, *self.validation))
            if self.score_fn is not None:
                logs["val_score"] = float(self.score_fn(state.params, *self.validation))
        rate = _current_lr(state.opt_state)
        if rate is not None:
            logs["lr"] = rate
        for key, value in logs.items():
            state.history.setdefault(key, []).append(value)
        self.progress.update(state.epoch, logs)
        if not math.isfinite(loss):
            state.stop_reason = "diverged"
            return True
        stop_early = False
        if self.stopper is not None:
            state.early_stopping, stop_early = self.stopper.update(
                state.early_stopping, state.history, state.epoch, state.params
            )
        stop_by_callback = False
        for callback in self.callbacks:
            stop_by_callback |= bool(callback.on_epoch_end(state))
        if stop_early:
            self._finish_early_stopping()
            return True
        if stop_by_callback:
            state.stop_reason = "callback"
            return True
        return False

    def _finish_early_stopping(self) -> None:
        assert self.stopper is not None and self.state.early_stopping is not None
        memory = self.state.early_stopping
        self.state.stop_reason = (
            "early_stopping" if self.stopper.monitor.startswith("val_") else "converged"
        )
        if self.stopper.restore_best and memory["best_params"] is not None:
            self.state.params = tree_map(np.copy, memory["best_params"])


def _run_epochs(
    loop: _Loop,
    loss_fn: Callable[..., Any],
    arrays: tuple[np.ndarray, ...],
    optimizer: Any,
    epochs: int,
    batch_size: int | None,
    shuffle: bool,
) -> None:
    state = loop.state
    if state.rng is None:
        raise ValueError(
            "the state to resume has no random generator; it was not trained by mini-batches"
        )
    value_and_grad_fn = value_and_grad(loss_fn)
    # descend.optim transformations read loss= (reduce_on_plateau); foreign ones may not.
    extra_loss = isinstance(optimizer, optim.GradientTransformation)
    n = arrays[0].shape[0]
    size = n if batch_size is None else min(batch_size, n)
    state.stop_reason = "max_epochs"
    while state.epoch < epochs:
        # One gather per epoch; the mini-batches are then contiguous slices (views).
        if shuffle:
            order = state.rng.permutation(n)
            epoch_arrays = [a[order] for a in arrays]
        else:
            epoch_arrays = list(arrays)
        total = 0.0
        for start in range(0, n, size):
            batch = [a[start : start + size] for a in epoch_arrays]
            value, grads = value_and_grad_fn(state.params, *batch)
            value = float(value)
            if extra_loss:
                state.params, state.opt_state = optimizer.step(
                    state.params, grads, state.opt_state, loss=value
                )
            else:
                updates, state.opt_state = optimizer.update(grads, state.opt_state, state.params)
                state.params = optim.apply_updates(state.params, updates)
            total += value * batch[0].shape[0]
        if loop.end_epoch(total / n):
            return


def _run_full_batch(
    loop: _Loop,
    loss_fn: Callable[..., Any],
    arrays: tuple[np.ndarray, ...],
    method: str,
    epochs: int,
    tol: float | None,
    solver_options: dict[str, Any],
) -> None:
    state = loop.state
    solver_options = {**solver_options}
    solver_options["options"] = {"ftol": _FTOL, **solver_options.get("options", {})}
    remaining = epochs - state.epoch
    state.stop_reason = "max_epochs"
    if remaining <= 0:
        return

    def after_iteration(intermediate: Any) -> bool:
        state.params = intermediate.x
        return loop.end_epoch(float(intermediate.fun))

    result = minimize(
        lambda p: loss_fn(p, *arrays),
        state.params,
        method=method,
        tol=tol,
        max_iter=remaining,
        callback=after_iteration,
        **solver_options,
    )
    if result.status == Status.CALLBACK:
        return  # end_epoch set the reason and maybe restored the best parameters
    state.params = result.x
    if result.success:
        state.stop_reason = "converged"
    else:
        state.stop_reason = "max_epochs" if result.status == Status.MAX_ITER else result.message


def _early_stopper(
    early_stopping: bool | EarlyStopping | None, validating: bool
) -> EarlyStopping | None:
    if isinstance(early_stopping, EarlyStopping):
        return early_stopping
    if early_stopping is True:
        return EarlyStopping(monitor="val_loss" if validating else "loss")
    if early_stopping is False or early_stopping is None:
        return None
    raise TypeError(f"early_stopping must be a bool or an EarlyStopping; got {early_stopping!r}")


def _current_lr(opt_state: Any) -> float | None:
    if not (isinstance(opt_state, dict) and "parts" in opt_state):
        return None
    try:
        return float(optim.current_lr(opt_state))
    except (ValueError, TypeError):  # no scale_by_lr part (Rprop), or a foreign state
        return None


def _fresh_float_array(leaf: Any) -> np.ndarray:
    """A writable copy, so the optimizer can update it in place without touching the input."""
    array = np.array(leaf)
    if not np.issubdtype(array.dtype, np.floating):
        array = array.astype(np.float64)
    return array


def _as_arrays(data: Data, what: str) -> tuple[np.ndarray, ...]:
    items = data if isinstance(data, tuple) else (data,)
    arrays = tuple(np.asarray(item) for item in items)
    if not arrays or any(a.ndim == 0 for a in arrays):
        raise ValueError(f"{what} must be an array or a tuple of arrays with a sample axis")
    lengths = {a.shape[0] for a in arrays}
    if len(lengths) != 1:
        raise ValueError(
            f"the arrays of {what} must have the same number of samples (first axis); got "
            f"{[a.shape[0] for a in arrays]}"
        )
    if lengths == {0}:
        raise ValueError(f"{what} has no samples")
    return arrays


def _split_last(
    arrays: tuple[np.ndarray, ...], fraction: float
) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
    if not 0 < fraction < 1:
        raise ValueError(f"validation_fraction must be in (0, 1); got {fraction!r}")
    n = arrays[0].shape[0]
    held_out = max(1, round(n * fraction))
    if held_out >= n:
        raise ValueError(f"validation_fraction={fraction} leaves no training samples of {n}")
    return tuple(a[: n - held_out] for a in arrays), tuple(a[n - held_out :] for a in arrays)


def _check_epochs_and_batch(epochs: int, batch_size: int | None) -> None:
    if not (isinstance(epochs, (int, np.integer)) and epochs >= 0):
        raise ValueError(f"epochs must be a non-negative integer; got {epochs!r}")
    if batch_size is not None and not (
        isinstance(batch_size, (int, np.integer)) and batch_size >= 1
    ):
        raise ValueError(
            f"batch_size must be None (full batch) or a positive integer; got {batch_size!r}"
        )
