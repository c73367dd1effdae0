"""Every estimator passes scikit-learn's check_estimator, in its default and mini-batch forms."""

from __future__ import annotations

import warnings

from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.estimator_checks import parametrize_with_checks

from descend.models import LinearRegression, LogisticRegression, MLPClassifier, MLPRegressor

ESTIMATORS = [
    LinearRegression(),
    LinearRegression(penalty="elasticnet", alpha=0.01),
    LinearRegression(optimizer="sgd", lr=1e-3, batch_size=16, max_iter=50),
    LogisticRegression(),
    LogisticRegression(penalty="l1", C=10.0),
    LogisticRegression(optimizer="adam", lr=0.05, batch_size=32, max_iter=50),
    MLPClassifier(hidden_layer_sizes=(20,), max_iter=60, lr=0.01),
    MLPRegressor(hidden_layer_sizes=(20,), max_iter=60, lr=0.01, dropout=0.1),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    with warnings.catch_warnings():
        # short max_iter in the checks: not converging is expected and not what is checked
        warnings.simplefilter("ignore", ConvergenceWarning)
        check(estimator)
