"""scikit-learn estimators trained by any descend optimizer (needs scikit-learn).

`LinearRegression`, `LogisticRegression`, `MLPRegressor` and `MLPClassifier` follow
scikit-learn's estimator contract (``fit`` / ``partial_fit`` / ``predict`` / ``score``,
``get_params``, pipelines, grid searches, ``check_estimator``) and take ``optimizer=``
(``"lbfgs"``, ``"newton-cg"``, ``"sgd"``, ``"adam"``, ... or any `descend.optim` object),
``lr``, ``batch_size``, early stopping, callbacks and checkpoints (``save`` /
``descend.load``).

The estimators are imported on first use, so ``import descend`` works without
scikit-learn; using one without it raises an ImportError that says what to install.

Examples
--------
>>> import numpy as np
>>> from descend.models import LogisticRegression
>>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
>>> y = [0, 0, 1, 1]
>>> LogisticRegression(optimizer="adam", lr=0.1, max_iter=300).fit(X, y).score(X, y)
1.0
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["LinearRegression", "LogisticRegression", "MLPClassifier", "MLPRegressor"]

_HOMES = {
    "LinearRegression": "descend.models.linear",
    "LogisticRegression": "descend.models.linear",
    "MLPClassifier": "descend.models.mlp",
    "MLPRegressor": "descend.models.mlp",
}


def __getattr__(name: str) -> Any:
    # PEP 562: scikit-learn is imported only when an estimator is first used.
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'descend.models' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
