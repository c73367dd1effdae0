"""``scipy.special`` functions that are not ufuncs, made differentiable (see `descend.scipy`).

Examples
--------
>>> import numpy as np
>>> import descend
>>> from descend.scipy.special import softmax
>>> descend.jacobian(softmax)(np.zeros(2))
array([[ 0.25, -0.25],
       [-0.25,  0.25]])
"""

from descend.autodiff.rules.special_functions import (
    log_softmax,
    logsumexp,
    polygamma,
    softmax,
    spherical_in,
    spherical_jn,
    spherical_kn,
    spherical_yn,
)

__all__ = [
    "log_softmax",
    "logsumexp",
    "polygamma",
    "softmax",
    "spherical_in",
    "spherical_jn",
    "spherical_kn",
    "spherical_yn",
]
