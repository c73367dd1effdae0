"""Linear and logistic regression with L2, L1 and elastic-net penalties, any optimizer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from descend.models.base import GradientEstimator, Params
from descend.models.targets import ClassifierOutputs, RegressorOutputs
from descend.optim import soft_threshold

__all__ = ["LinearRegression", "LogisticRegression"]

_PENALTIES = (None, "l2", "l1", "elasticnet")
_PROXIMAL = ("fista", "proximal")

_TRAINING_DOC = """optimizer : str or descend.optim optimizer, default "auto"
        ``"auto"``: ``"lbfgs"`` for smooth objectives, ``"fista"`` (exact zeros) with an L1
        part. Any full-batch `descend.minimize` method (``"lbfgs"``, ``"newton-cg"``,
        ``"bfgs"``, ``"cg"``, ``"fista"``, ``"proximal"``), a `descend.optim` name
        (``"sgd"``, ``"adam"``, ...) or optimizer object (mini-batch training; the L1 term
        then enters through its subgradient).
    lr : float or schedule, optional
        Learning rate of a named mini-batch optimizer (default: the optimizer's own).
    batch_size : int or None, default None
        Mini-batch optimizers only: None full batch, 1 stochastic, ``n`` mini-batches,
        reshuffled every epoch with ``random_state``.
    max_iter : int
        Iterations of a full-batch method, or epochs of a mini-batch optimizer.
    tol : float or None
        Full-batch methods: tolerance on the infinity norm of the gradient of the objective
        (in its mean form). Mini-batch: training stops when the epoch loss has not improved
        by ``tol`` for ``n_iter_no_change`` epochs. None: 1e-4 for both, except for
        full-batch `LinearRegression` (1e-8: least squares is cheap to solve accurately).
    early_stopping : bool, default False
        Hold out ``validation_fraction`` of the data; stop when the validation score has not
        improved by ``tol`` for ``n_iter_no_change`` epochs, and keep the best parameters.
    validation_fraction : float, default 0.1
    n_iter_no_change : int, default 10
    warm_start : bool, default False
        Start ``fit`` from the previous solution and optimizer state.
    verbose : int, default 0
        1 shows a progress bar, 2 one line per epoch.
    callbacks : list of descend.training.Callback or callables, optional
        Called with the `descend.training.TrainState` after every epoch.
    random_state : int, Generator or None
        Seeds shuffling and the validation split."""


def _document_training(cls: type) -> type:
    """Write the training parameters shared by both models into the class docstring."""
    cls.__doc__ = (cls.__doc__ or "").replace("<training parameters>", _TRAINING_DOC)
    return cls


class _LinearModel(GradientEstimator):
    """Parameters ``{"coef": (n_features, n_outputs), "intercept": (n_outputs,)}``."""

    def _penalty_weights(self, n_samples: int) -> tuple[float, float]:
        """``(l2, l1)`` such that the penalty is ``l2/2 ||W||^2 + l1 ||W||_1`` (mean scale)."""
        if self.penalty not in _PENALTIES:
            raise ValueError(f"penalty must be one of {_PENALTIES}; got {self.penalty!r}")
        if self.penalty is None:
            return 0.0, 0.0
        strength = self._strength(n_samples)
        if self.penalty == "elasticnet":
            if not 0 <= self.l1_ratio <= 1:
                raise ValueError(f"l1_ratio must be in [0, 1]; got {self.l1_ratio!r}")
            ratio = float(self.l1_ratio)
        else:
            ratio = 1.0 if self.penalty == "l1" else 0.0
        return strength * (1.0 - ratio), strength * ratio

    def _strength(self, n_samples: int) -> float:
        raise NotImplementedError

    def _default_optimizer(self) -> str:
        has_l1 = self.penalty == "l1" or (self.penalty == "elasticnet" and self.l1_ratio > 0)
        return "fista" if has_l1 else "lbfgs"

    def _l1_by_prox(self) -> bool:
        return self._resolved_optimizer().method in _PROXIMAL

    def _init_params(
        self, n_features: int, n_outputs: int, rng: np.random.Generator, dtype: Any
    ) -> Params:
        params = {"coef": np.zeros((n_features, n_outputs), dtype=dtype)}
        if self.fit_intercept:
            params["intercept"] = np.zeros(n_outputs, dtype=dtype)
        return params

    def _raw(self, params: Params, X: Any) -> Any:
        out = X @ params["coef"]
        return out + params["intercept"] if "intercept" in params else out

    def _objective(
        self, n_samples: int, rng: np.random.Generator | None
    ) -> Callable[[Params, Any, Any], Any]:
        l2, l1 = self._penalty_weights(n_samples)
        method = self._resolved_optimizer().method
        if l1 > 0 and method is not None and method not in _PROXIMAL:
            raise ValueError(
                f"the L1 part of penalty={self.penalty!r} is not differentiable, which "
                f"{method!r} needs: use optimizer='fista' (the 'auto' choice; exact zeros) or "
                "a mini-batch optimizer"
            )
        smooth_l1 = 0.0 if self._l1_by_prox() else l1

        def objective(params: Params, X: Any, Y: Any) -> Any:
            value = self._data_loss(self._raw(params, X), Y)
            coef = params["coef"]
            if l2:
                value = value + 0.5 * l2 * np.sum(coef * coef)
            if smooth_l1:
                value = value + smooth_l1 * np.sum(np.abs(coef))
            return value

        return objective

    def _solver_options(self, n_samples: int) -> dict[str, Any]:
        options = self._stopping_options()
        if not self._l1_by_prox():
            return options
        _, l1 = self._penalty_weights(n_samples)

        def prox(params: Params, step: float) -> Params:
            # The intercept is not penalised: only the coefficients are shrunk.
            return {**params, "coef": soft_threshold(params["coef"], step * l1)}

        return {**options, "prox": prox}

    def _stopping_options(self) -> dict[str, Any]:
        return {}


@_document_training
class LinearRegression(RegressorOutputs, _LinearModel):
    """Least squares with an optional L2 (ridge), L1 (lasso) or elastic-net penalty.

    Minimises, with ``n`` samples and ``rho`` = 0 (``"l2"``), 1 (``"l1"``) or ``l1_ratio``::

        1/(2n) ||y - X w - b||^2 + alpha * (rho ||w||_1 + (1 - rho)/2 ||w||^2)

    which is scikit-learn's ``Lasso`` / ``ElasticNet`` / ``SGDRegressor`` objective, so
    ``alpha`` means the same there. scikit-learn's ``Ridge(alpha=a)`` minimises
    ``||y - Xw||^2 + a ||w||^2`` instead: it equals ``penalty="l2", alpha=a / n``. With
    ``penalty=None`` it is ordinary least squares (scikit-learn's ``LinearRegression``), found
    by L-BFGS rather than a factorisation; the intercept is never penalised.

    Parameters
    ----------
    penalty : {None, "l2", "l1", "elasticnet"}, default None
    alpha : float, default 1e-4
        Penalty strength (unused without a penalty).
    l1_ratio : float, default 0.5
        The L1 share ``rho`` of ``"elasticnet"``.
    fit_intercept : bool, default True
    <training parameters>

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
    intercept_ : float or ndarray of shape (n_targets,)
    history_ : dict
        Per epoch / iteration: ``"loss"`` (the objective), ``"val_loss"`` and ``"val_score"``
        (R²) with early stopping, ``"lr"``.
    n_iter_ : int
        Epochs (or iterations) run in total.

    Examples
    --------
    >>> X = np.array([[1.0, 1.0], [1.0, 2.0], [1.0, 3.0]])
    >>> model = LinearRegression(fit_intercept=False).fit(X, [1.0, 2.0, 3.0])
    >>> np.round(model.coef_, 6) + 0.0
    array([0., 1.])
    """

    def __init__(
        self,
        penalty: str | None = None,
        alpha: float = 1e-4,
        l1_ratio: float = 0.5,
        fit_intercept: bool = True,
        optimizer: Any = "auto",
        lr: Any = None,
        batch_size: int | None = None,
        max_iter: int = 1000,
        tol: float | None = None,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        n_iter_no_change: int = 10,
        warm_start: bool = False,
        verbose: int = 0,
        callbacks: Any = None,
        random_state: Any = None,
    ) -> None:
        self.penalty = penalty
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
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

    _default_tols = (1e-8, 1e-4)

    def _stopping_options(self) -> dict[str, Any]:
        # Only the gradient tolerance: the objective's relative change (ftol) is small long
        # before the coefficients of ill-conditioned least squares have settled.
        return {"options": {"ftol": 0.0}}

    def _strength(self, n_samples: int) -> float:
        if not self.alpha >= 0:
            raise ValueError(f"alpha must be non-negative; got {self.alpha!r}")
        return float(self.alpha)

    @staticmethod
    def _data_loss(out: Any, Y: Any) -> Any:
        # Summed over targets, averaged over samples: ElasticNet's multi-target objective.
        return 0.5 * np.sum((out - Y) ** 2) / Y.shape[0]

    def _set_learned(self, params: Params) -> None:
        coef = params["coef"].T.copy()
        intercept = (
            params["intercept"].copy()
            if "intercept" in params
            else np.zeros(coef.shape[0], dtype=coef.dtype)
        )
        self.coef_ = coef[0] if self._y_1d else coef
        self.intercept_ = float(intercept[0]) if self._y_1d else intercept


@_document_training
class LogisticRegression(ClassifierOutputs, _LinearModel):
    """Binary and multinomial logistic regression with L2, L1 or elastic-net penalties.

    Minimises scikit-learn's objective: with ``rho`` = 0 (``"l2"``), 1 (``"l1"``) or
    ``l1_ratio``, ``C * sum_i logloss_i + (1 - rho)/2 ||W||^2 + rho ||W||_1`` (divided by
    ``C n`` for the optimizer, which leaves the minimiser unchanged). Two classes use one
    logistic output, more classes a softmax over one score per class (scikit-learn's
    multinomial). Giving ``alpha`` replaces ``C`` by ``C = 1 / (alpha n)``: the mean
    log-loss plus ``alpha`` times the penalty (``SGDClassifier(loss="log_loss")``'s
    convention), which keeps its meaning across data sizes and in ``partial_fit``. With ``C``,
    each ``partial_fit`` call uses its own batch size as ``n``. The intercept is never
    penalised.

    Parameters
    ----------
    penalty : {"l2", None, "l1", "elasticnet"}, default "l2"
    C : float, default 1.0
        Inverse regularisation strength, as in scikit-learn.
    alpha : float, optional
        Regularisation strength on the mean log-loss; overrides ``C`` when given.
    l1_ratio : float, default 0.5
        The L1 share ``rho`` of ``"elasticnet"``.
    fit_intercept : bool, default True
    <training parameters>

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
    intercept_ : ndarray of shape (1,) or (n_classes,)
    history_ : dict
        Per epoch / iteration: ``"loss"``, ``"val_loss"`` and ``"val_score"`` (accuracy)
        with early stopping, ``"lr"``.
    n_iter_ : int

    Examples
    --------
    >>> X = np.array([[-2.0], [-1.0], [1.0], [2.0]])
    >>> clf = LogisticRegression().fit(X, ["no", "no", "yes", "yes"])
    >>> clf.predict([[-3.0], [0.5]]).tolist(), np.round(clf.predict_proba([[0.0]]), 3)
    (['no', 'yes'], array([[0.5, 0.5]]))
    """

    def __init__(
        self,
        penalty: str | None = "l2",
        C: float = 1.0,
        alpha: float | None = None,
        l1_ratio: float = 0.5,
        fit_intercept: bool = True,
        optimizer: Any = "auto",
        lr: Any = None,
        batch_size: int | None = None,
        max_iter: int = 100,
        tol: float | None = 1e-4,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        n_iter_no_change: int = 10,
        warm_start: bool = False,
        verbose: int = 0,
        callbacks: Any = None,
        random_state: Any = None,
    ) -> None:
        self.penalty = penalty
        self.C = C
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
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

    def _strength(self, n_samples: int) -> float:
        if self.alpha is not None:
            if not self.alpha >= 0:
                raise ValueError(f"alpha must be non-negative; got {self.alpha!r}")
            return float(self.alpha)
        if not self.C > 0:
            raise ValueError(f"C must be positive; got {self.C!r}")
        return 1.0 / (self.C * n_samples)

    def _set_learned(self, params: Params) -> None:
        self.coef_ = params["coef"].T.copy()
        self.intercept_ = (
            params["intercept"].copy()
            if "intercept" in params
            else np.zeros(self.coef_.shape[0], dtype=self.coef_.dtype)
        )
