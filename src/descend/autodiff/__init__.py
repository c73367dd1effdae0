"""descend's reverse-mode engine: derivatives of plain NumPy code."""

from descend.autodiff.api import (
    grad,
    hessian,
    hvp,
    jacobian,
    stop_gradient,
    value_and_grad,
    vjp,
)
from descend.autodiff.checking import GradientCheckError, check_grad
from descend.autodiff.errors import (
    NotDifferentiableError,
    TracerConversionError,
    TracerEscapedError,
)

__all__ = [
    "GradientCheckError",
    "NotDifferentiableError",
    "TracerConversionError",
    "TracerEscapedError",
    "check_grad",
    "grad",
    "hessian",
    "hvp",
    "jacobian",
    "stop_gradient",
    "value_and_grad",
    "vjp",
]
