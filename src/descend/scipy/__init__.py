"""Differentiable stand-ins for SciPy functions that cannot see a traced value.

SciPy's ufuncs (``scipy.special.gamma``, ``erf``, ...) dispatch to descend by themselves and
need nothing from here. Other SciPy functions first convert their input with ``np.asarray``,
which would drop the gradient; descend refuses that with `descend.TracerConversionError`.
This package provides those functions under SciPy's own names and signatures: on plain arrays
they call SciPy, on traced values they compute the same result with differentiable NumPy.

Examples
--------
>>> import numpy as np
>>> import descend
>>> from descend.scipy.special import logsumexp
>>> descend.grad(logsumexp)(np.zeros(2))
array([0.5, 0.5])
"""

from descend.scipy import linalg, special

__all__ = ["linalg", "special"]
