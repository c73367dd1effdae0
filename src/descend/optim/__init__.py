"""First-order optimizers on NumPy arrays: composable, allocation-free, PyTorch's defaults.

Every optimizer is a `GradientTransformation` with ``init(params) -> state``,
``update(grads, state, params=None, **extra) -> (updates, state)`` and
``step(params, grads, state, **extra) -> (params, state)``; `chain` composes the building
blocks. Rates take floats or `schedules`. See ``docs/optim.md``.

Examples
--------
>>> import numpy as np
>>> from descend import optim
>>> opt = optim.chain(optim.clip_by_global_norm(1.0), optim.adam(lr=0.1))
>>> x = np.array([3.0, -2.0])
>>> state = opt.init(x)
>>> for _ in range(200):
...     x, state = opt.step(x, 2 * x, state)  # minimise ||x||^2
>>> bool(np.linalg.norm(x) < 1e-2)
True
"""

from descend.optim import schedules
from descend.optim.accumulators import (
    scale_by_adadelta,
    scale_by_adagrad,
    scale_by_rms,
    scale_by_rprop,
)
from descend.optim.adaptive import (
    scale_by_adam,
    scale_by_adamax,
    scale_by_lion,
    scale_by_nadam,
    scale_by_radam,
)
from descend.optim.base import (
    Elementwise,
    GradientTransformation,
    WholeTree,
    apply_updates,
    chain,
    current_lr,
)
from descend.optim.clipping import (
    clip_by_global_norm,
    clip_by_norm,
    clip_by_value,
    normalize_by_global_norm,
)
from descend.optim.lookahead import lookahead
from descend.optim.optimizers import (
    adadelta,
    adagrad,
    adam,
    adamax,
    adamw,
    lion,
    nadam,
    radam,
    rmsprop,
    rprop,
    sgd,
)
from descend.optim.plateau import reduce_on_plateau
from descend.optim.regularizers import (
    add_decayed_weights,
    add_l1_subgradient,
    elastic_net,
    prox_elastic_net,
    prox_l1,
    soft_threshold,
)
from descend.optim.state_io import load_state, save_state
from descend.optim.transforms import scale, scale_by_lr, trace

__all__ = [
    # the contract
    "GradientTransformation",
    "Elementwise",
    "WholeTree",
    "chain",
    "apply_updates",
    "current_lr",
    "save_state",
    "load_state",
    "schedules",
    # named optimizers
    "sgd",
    "adagrad",
    "rmsprop",
    "adadelta",
    "adam",
    "adamw",
    "adamax",
    "nadam",
    "radam",
    "rprop",
    "lion",
    "lookahead",
    # building blocks
    "scale",
    "scale_by_lr",
    "trace",
    "scale_by_adam",
    "scale_by_adamax",
    "scale_by_nadam",
    "scale_by_radam",
    "scale_by_lion",
    "scale_by_rms",
    "scale_by_adagrad",
    "scale_by_adadelta",
    "scale_by_rprop",
    "clip_by_value",
    "clip_by_norm",
    "clip_by_global_norm",
    "normalize_by_global_norm",
    "add_decayed_weights",
    "add_l1_subgradient",
    "elastic_net",
    "prox_l1",
    "prox_elastic_net",
    "soft_threshold",
    "reduce_on_plateau",
]
