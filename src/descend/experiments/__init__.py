"""Races, sweeps and the learning-rate finder: which optimizer, which learning rate?

`compare` races methods on one problem under one budget and several seeds, `sweep` searches
hyperparameters, `lr_find` runs the learning-rate range test; `standard_race` is what the
``descend compare`` command runs. See ``docs/experiments.md``.

Examples
--------
>>> from descend.experiments import compare
>>> res = compare("beale", ["bfgs", "adam"], budget=100, seeds=1)
>>> [row["method"] for row in res.rows()]
['bfgs', 'adam']
"""

from descend.experiments.compare import compare, standard_problems, standard_race
from descend.experiments.lr_find import lr_find
from descend.experiments.results import COLUMNS, LRFindResult, Results, Run
from descend.experiments.runners import (
    DEFAULT_LR,
    OPTIMIZERS,
    STANDARD_METHODS,
    Budget,
    Method,
)
from descend.experiments.sweep import sweep

__all__ = [
    "COLUMNS",
    "DEFAULT_LR",
    "OPTIMIZERS",
    "STANDARD_METHODS",
    "Budget",
    "LRFindResult",
    "Method",
    "Results",
    "Run",
    "compare",
    "lr_find",
    "standard_problems",
    "standard_race",
    "sweep",
]
