"""descend: exact derivatives of plain NumPy code, and every gradient method worth using.

Examples
--------
>>> import numpy as np
>>> import descend
>>> descend.grad(lambda w: np.sum((np.array([[1.0, 2.0]]) @ w - 3.0) ** 2))(np.zeros(2))
array([ -6., -12.])
"""

from descend import experiments, inspect, losses, models, optim, plot, problems, scipy, training
from descend.autodiff import (
    GradientCheckError,
    NotDifferentiableError,
    TracerConversionError,
    TracerEscapedError,
    at,
    check_grad,
    checkpoint,
    custom_jvp,
    custom_vjp,
    grad,
    hessian,
    hvp,
    jacfwd,
    jacobian,
    jacrev,
    jvp,
    stop_gradient,
    value_and_grad,
    vjp,
)
from descend.autodiff.coverage import Coverage, CoverageEntry, coverage
from descend.checkpoint import load
from descend.experiments import compare, lr_find, sweep
from descend.report import report
from descend.solvers import OptimizeResult, minimize
from descend.training import train

__version__ = "0.1.0"

__all__ = [
    "Coverage",
    "CoverageEntry",
    "GradientCheckError",
    "NotDifferentiableError",
    "OptimizeResult",
    "TracerConversionError",
    "TracerEscapedError",
    "__version__",
    "at",
    "check_grad",
    "checkpoint",
    "compare",
    "coverage",
    "custom_jvp",
    "custom_vjp",
    "experiments",
    "grad",
    "hessian",
    "hvp",
    "inspect",
    "jacfwd",
    "jacobian",
    "jacrev",
    "jvp",
    "load",
    "losses",
    "lr_find",
    "minimize",
    "models",
    "optim",
    "plot",
    "problems",
    "report",
    "scipy",
    "stop_gradient",
    "sweep",
    "train",
    "training",
    "value_and_grad",
    "vjp",
]
