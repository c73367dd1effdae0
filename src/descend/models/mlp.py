"""Multilayer perceptrons with dropout, any activation and any descend optimizer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from descend.models.base import GradientEstimator, Params
from descend.models.network import ACTIVATIONS, forward, init_layers
from descend.models.targets import ClassifierOutputs, RegressorOutputs

__all__ = ["MLPClassifier", "MLPRegressor"]

_DOC = """
    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default (100,)
        Units of each hidden layer.
    activation : str, default "relu"
        ``"relu"``, ``"tanh"``, ``"sigmoid"`` (scikit-learn's ``"logistic"`` is accepted),
        ``"gelu"`` (tanh approximation), ``"leaky_relu"`` (slope 0.01), ``"softplus"``,
        ``"identity"``.
    dropout : float, default 0.0
        Probability of zeroing each hidden unit during training (inverted dropout; none at
        prediction). scikit-learn's MLP has no dropout.
    weight_init : {"auto", "he", "glorot"}, default "auto"
        He (normal) for relu, leaky_relu and gelu, Glorot (uniform) otherwise; biases start
        at 0.
    alpha : float, default 1e-4
        L2 penalty on the weights, scikit-learn's convention: ``alpha / (2 n_batch) *
        sum ||W||^2`` added to each batch's mean loss.
    optimizer : str or descend.optim optimizer, default "adam"
        A `descend.optim` name (``"sgd"``, ``"adam"``, ``"adamw"``, ...) or object for
        mini-batch training, or a full-batch `descend.minimize` method (``"lbfgs"``, ...).
    lr : float or schedule, optional
        Learning rate of a named optimizer (default: the optimizer's own, 1e-3 for Adam as
        scikit-learn's ``learning_rate_init``).
    batch_size : int or None, default 200
        Samples per step (capped at the data size; scikit-learn's ``"auto"``); None full
        batch, 1 stochastic. Reshuffled every epoch with ``random_state``.
    max_iter : int, default 200
        Epochs (iterations for full-batch methods).
    tol : float, default 1e-4
        Training stops when the epoch loss (the validation score with early stopping) has
        not improved by ``tol`` for ``n_iter_no_change`` epochs.
    early_stopping : bool, default False
        Hold out ``validation_fraction`` of the data (stratified for classifiers), stop on
        the validation score and restore the best parameters.
    validation_fraction : float, default 0.1
    n_iter_no_change : int, default 10
    warm_start : bool, default False
        Continue ``fit`` from the previous weights and optimizer state.
    verbose : int, default 0
        1 shows a progress bar (tqdm if installed), 2 one line per epoch.
    callbacks : list of descend.training.Callback or callables, optional
        Called with the `descend.training.TrainState` after every epoch.
    random_state : int, Generator or None
        Seeds the initial weights, shuffling, dropout and the validation split.

    Attributes
    ----------
    coefs_, intercepts_ : lists of ndarray
        Weights ``(fan_in, fan_out)`` and biases of each layer, as scikit-learn's.
    history_ : dict
        Per epoch: ``"loss"``, and with early stopping ``"val_loss"`` and ``"val_score"``
        (validation loss *and* score: scikit-learn keeps only the score), ``"lr"``.
    loss_curve_ : list of float
        ``history_["loss"]``, under scikit-learn's name.
    n_iter_ : int
        Epochs run in total (across ``partial_fit`` and warm starts).
"""


class _MLP(GradientEstimator):
    def __init__(
        self,
        hidden_layer_sizes: tuple[int, ...] = (100,),
        activation: str = "relu",
        dropout: float = 0.0,
        weight_init: str = "auto",
        alpha: float = 1e-4,
        optimizer: Any = "adam",
        lr: Any = None,
        batch_size: int | None = 200,
        max_iter: int = 200,
        tol: float = 1e-4,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        n_iter_no_change: int = 10,
        warm_start: bool = False,
        verbose: int = 0,
        callbacks: Any = None,
        random_state: Any = None,
    ) -> None:
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.dropout = dropout
        self.weight_init = weight_init
        self.alpha = alpha
        self.optimizer = optimizer
        self.lr = lr
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.tol = tol
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.warm_start = warm_start
        self.verbose = verbose
        self.callbacks = callbacks
        self.random_state = random_state

    def _hidden_sizes(self) -> list[int]:
        given = self.hidden_layer_sizes
        sizes = [given] if isinstance(given, (int, np.integer)) else list(given)
        if not all(isinstance(s, (int, np.integer)) and s >= 1 for s in sizes):
            raise ValueError(
                f"hidden_layer_sizes must hold positive integers; got {self.hidden_layer_sizes!r}"
            )
        return [int(s) for s in sizes]

    def _check_network(self) -> None:
        if self.activation not in ACTIVATIONS:
            raise ValueError(
                f"activation must be one of {sorted(ACTIVATIONS)}; got {self.activation!r}"
            )
        if not 0 <= self.dropout < 1:
            raise ValueError(f"dropout must be in [0, 1); got {self.dropout!r}")
        if not self.alpha >= 0:
            raise ValueError(f"alpha must be non-negative; got {self.alpha!r}")

    def _init_params(
        self, n_features: int, n_outputs: int, rng: np.random.Generator, dtype: Any
    ) -> Params:
        self._check_network()
        sizes = [n_features, *self._hidden_sizes(), n_outputs]
        return init_layers(sizes, self.activation, self.weight_init, rng, dtype)

    def _raw(self, params: Params, X: Any) -> Any:
        return forward(params, X, self.activation)

    def _objective(
        self, n_samples: int, rng: np.random.Generator | None
    ) -> Callable[[Params, Any, Any], Any]:
        self._check_network()
        dropout, alpha, activation = float(self.dropout), float(self.alpha), self.activation

        def objective(params: Params, X: Any, Y: Any) -> Any:
            value = self._data_loss(forward(params, X, activation, dropout, rng), Y)
            if alpha:
                scale = 0.5 * alpha / X.shape[0]
                for w in params["coefs"]:
                    # np.square has the cheapest derivative of the ways to write this
                    value = value + scale * np.sum(np.square(w))
            return value

        return objective

    def _set_learned(self, params: Params) -> None:
        self.coefs_ = [w.copy() for w in params["coefs"]]
        self.intercepts_ = [b.copy() for b in params["intercepts"]]
        self.n_layers_ = len(self.coefs_) + 1
        self.n_outputs_ = self.coefs_[-1].shape[1]
        self.loss_curve_ = self._state.history.get("loss", [])


class MLPRegressor(RegressorOutputs, _MLP):
    __doc__ = (
        """Multilayer perceptron regressor: half the mean squared error, any optimizer.

    scikit-learn's ``MLPRegressor`` objective and defaults, plus dropout, more activations,
    weight initialisation choices, any `descend.optim` optimizer or schedule, validation
    loss in the history, callbacks and checkpoints.
"""
        + _DOC
        + """
    Examples
    --------
    >>> X = np.linspace(-1, 1, 40)[:, None]
    >>> model = MLPRegressor((16,), activation="tanh", lr=0.01, batch_size=8, random_state=0)
    >>> bool(model.fit(X, X[:, 0] ** 2).score(X, X[:, 0] ** 2) > 0.95)
    True
    """
    )


class MLPClassifier(ClassifierOutputs, _MLP):
    __doc__ = (
        """Multilayer perceptron classifier: softmax (or logistic) cross-entropy, any optimizer.

    scikit-learn's ``MLPClassifier`` objective and defaults (one logistic output for two
    classes, a softmax otherwise), plus dropout, more activations, weight initialisation
    choices, any `descend.optim` optimizer or schedule, validation loss in the history,
    callbacks and checkpoints.
"""
        + _DOC
        + """
    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPClassifier((32,), lr=0.01, max_iter=300, random_state=0).fit(X / 8, y)
    >>> bool(clf.score(X / 8, y) > 0.95)
    True
    """
    )
