"""descend's reverse-mode engine: derivatives of plain NumPy code."""

from descend.autodiff.api import (
    grad,
    hessian,
    hvp,
    jacobian,
    jacrev,
    stop_gradient,
    value_and_grad,
    vjp,
)
from descend.autodiff.api_forward import jacfwd, jvp
from descend.autodiff.checking import GradientCheckError, check_grad
from descend.autodiff.custom import checkpoint, custom_jvp, custom_vjp
from descend.autodiff.errors import (
    NotDifferentiableError,
    TracerConversionError,
    TracerEscapedError,
)
from descend.autodiff.updates import at

__all__ = [
    "GradientCheckError",
    "NotDifferentiableError",
    "TracerConversionError",
    "TracerEscapedError",
    "at",
    "check_grad",
    "checkpoint",
    "custom_jvp",
    "custom_vjp",
    "grad",
    "hessian",
    "hvp",
    "jacfwd",
    "jacobian",
    "jacrev",
    "jvp",
    "stop_gradient",
    "value_and_grad",
    "vjp",
]
