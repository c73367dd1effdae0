"""What every descend estimator shares: the training options, `fit`, `partial_fit`, `save`.

A subclass describes its model (parameters, objective, raw output, score) and its data
encoding; this class turns that into scikit-learn's contract on top of `descend.train`.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from descend.models._sklearn import (
    BaseEstimator,
    ConvergenceWarning,
    is_classifier,
    train_test_split,
)
from descend.training import EarlyStopping, TrainState, resolve_optimizer, train

__all__ = ["GradientEstimator"]

Params = dict[str, Any]


def as_generator(random_state: Any) -> np.random.Generator:
    """A ``np.random.Generator`` from scikit-learn's ``random_state`` conventions."""
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(np.iinfo(np.int32).max))
    return np.random.default_rng(random_state)


class GradientEstimator(BaseEstimator):
    """Base class: training options shared by every estimator, and the training itself.

    A model implements ``_init_params``, ``_objective``, ``_raw`` and ``_set_learned`` and
    may override ``_default_optimizer`` and ``_solver_options``; the mixins of
    `descend.models.targets` add ``fit``, ``partial_fit``, the predictions and
    ``_validation_score``. Parameters are documented on each estimator.

    Examples
    --------
    >>> from descend.models import LinearRegression
    >>> isinstance(LinearRegression(), GradientEstimator)
    True
    """

    _stochastic_default = "adam"
    # tol=None: (full-batch gradient tolerance, mini-batch loss improvement).
    _default_tols = (1e-4, 1e-4)

    # ---- what subclasses provide ------------------------------------------------------
    def _init_params(
        self, n_features: int, n_outputs: int, rng: np.random.Generator, dtype: Any
    ) -> Params:
        raise NotImplementedError

    def _objective(
        self, n_samples: int, rng: np.random.Generator | None
    ) -> Callable[[Params, Any, Any], Any]:
        """The mean training objective ``f(params, X, Y)``; ``rng`` is None at evaluation."""
        raise NotImplementedError

    def _raw(self, params: Params, X: Any) -> Any:
        """The raw output ``(n_samples, n_outputs)``: regression values or logits."""
        raise NotImplementedError

    def _validation_score(self, params: Params, X: Any, Y: Any) -> float:
        raise NotImplementedError

    def _set_learned(self, params: Params) -> None:
        """Set the public fitted attributes (``coef_``, ...) from the parameters."""
        raise NotImplementedError

    def _default_optimizer(self) -> str:
        return self._stochastic_default

    def _solver_options(self, n_samples: int) -> dict[str, Any]:
        """Extra `descend.minimize` arguments (``prox``) for full-batch methods."""
        return {}

    # ---- shared machinery --------------------------------------------------------------
    def _resolved_optimizer(self) -> Any:
        name = self._default_optimizer() if self.optimizer == "auto" else self.optimizer
        return resolve_optimizer(name, self.lr)

    def _uses_minibatches(self) -> bool:
        return not self._resolved_optimizer().full_batch

    def _check_options(self) -> None:
        if not (isinstance(self.max_iter, (int, np.integer)) and self.max_iter >= 1):
            raise ValueError(f"max_iter must be a positive integer; got {self.max_iter!r}")
        if self.tol is not None and not (isinstance(self.tol, (int, float)) and self.tol >= 0):
            raise ValueError(f"tol must be None or a non-negative number; got {self.tol!r}")
        if not (
            isinstance(self.n_iter_no_change, (int, np.integer)) and self.n_iter_no_change >= 1
        ):
            raise ValueError(
                f"n_iter_no_change must be a positive integer; got {self.n_iter_no_change!r}"
            )
        if self.early_stopping and not 0 < self.validation_fraction < 1:
            raise ValueError(
                f"validation_fraction must be in (0, 1); got {self.validation_fraction!r}"
            )

    def _train(self, X: np.ndarray, Y: np.ndarray, n_outputs: int, *, incremental: bool) -> Any:
        """Train on encoded data; ``incremental`` is one epoch of `partial_fit`."""
        self._check_options()
        resolved = self._resolved_optimizer()
        if incremental and resolved.full_batch:
            raise ValueError(
                f"partial_fit needs a mini-batch optimizer, not the full-batch {resolved.method!r}"
            )
        state: TrainState | None = getattr(self, "_state", None)
        if state is None or not (incremental or self.warm_start):
            rng = as_generator(self.random_state)
            params = self._init_params(X.shape[1], n_outputs, rng, X.dtype)
            state = TrainState(params=params, opt_state=None, rng=rng)
        if not resolved.full_batch and state.opt_state is None:
            state.opt_state = resolved.transformation.init(state.params)
        # A new fit starts a new patience count; a checkpoint resume keeps it (descend.train).
        state.early_stopping = None
        validation = None
        if self.early_stopping and not incremental:
            assert state.rng is not None  # estimators always train with a generator
            X, Y, validation = self._split_validation(X, Y, state.rng)
        epochs = state.epoch + (1 if incremental else self.max_iter)
        objective = self._objective(X.shape[0], state.rng)
        train(
            objective,
            None,
            (X, Y),
            resolved.transformation if not resolved.full_batch else resolved.method,
            epochs=epochs,
            batch_size=self.batch_size,
            validation_data=validation,
            val_loss_fn=self._objective(X.shape[0], None),
            score_fn=self._validation_score,
            early_stopping=self._stopper(incremental, resolved.full_batch),
            callbacks=self.callbacks,
            verbose=self.verbose,
            resume=state,
            tol=self._tol(True) if resolved.full_batch else None,
            solver_options=self._solver_options(X.shape[0]) if resolved.full_batch else None,
        )
        self._state = state
        self._set_learned(state.params)
        self.history_ = state.history
        self.n_iter_ = state.epoch
        if state.stop_reason == "max_epochs" and not incremental:
            warnings.warn(
                f"{type(self).__name__} stopped after max_iter={self.max_iter} epochs without "
                "converging: increase max_iter, or adjust lr or tol",
                ConvergenceWarning,
                stacklevel=3,
            )
        return self

    def _tol(self, full_batch: bool) -> float:
        if self.tol is not None:
            return float(self.tol)
        return self._default_tols[0] if full_batch else self._default_tols[1]

    def _stopper(self, incremental: bool, full_batch: bool) -> EarlyStopping | None:
        if incremental:
            return None
        tol = self._tol(full_batch)
        if self.early_stopping:
            return EarlyStopping(monitor="val_score", min_delta=tol, patience=self.n_iter_no_change)
        if full_batch:
            return None  # the method's own gradient tolerance decides convergence
        return EarlyStopping(
            monitor="loss", min_delta=tol, patience=self.n_iter_no_change, restore_best=False
        )

    def _split_validation(
        self, X: np.ndarray, Y: np.ndarray, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray]]:
        stratify = Y if is_classifier(self) else None
        seed = int(rng.integers(np.iinfo(np.int32).max))
        X_train, X_val, Y_train, Y_val = train_test_split(
            X, Y, test_size=self.validation_fraction, random_state=seed, stratify=stratify
        )
        if X_val.shape[0] < 2:
            raise ValueError(
                f"validation_fraction={self.validation_fraction} of {X.shape[0]} samples leaves "
                "fewer than 2 validation samples: use more data or early_stopping=False"
            )
        return X_train, Y_train, (X_val, Y_val)

    def save(self, path: str | os.PathLike[str]) -> None:
        """Save the fitted estimator to ``path`` (``.npz`` + JSON, atomic, no pickle).

        ``descend.load(path)`` returns an estimator that predicts identically and continues
        training (``warm_start``, ``partial_fit``) exactly where this one stopped.

        Examples
        --------
        >>> import os, tempfile
        >>> from descend.checkpoint import load
        >>> from descend.models import LogisticRegression
        >>> X, y = [[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1]
        >>> clf = LogisticRegression().fit(X, y)
        >>> path = os.path.join(tempfile.mkdtemp(), "clf.npz")
        >>> clf.save(path)
        >>> bool(np.array_equal(load(path).predict_proba(X), clf.predict_proba(X)))
        True
        """
        from descend.models.persistence import save_estimator

        save_estimator(self, path)
