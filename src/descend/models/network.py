"""The multilayer perceptron as plain NumPy: activations, weight initialisation, forward pass."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["ACTIVATIONS", "forward", "init_layers"]

_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)


def _relu(z: Any) -> Any:
    return np.maximum(z, 0)


def _leaky_relu(z: Any) -> Any:
    # PyTorch's default negative slope.
    return np.where(z > 0, z, 0.01 * z)


def _gelu(z: Any) -> Any:
    # The tanh approximation (PyTorch's approximate="tanh", Keras's approximate=True): the
    # exact form needs erf, which is not a NumPy function.
    return 0.5 * z * (1 + np.tanh(_SQRT_2_OVER_PI * (z + 0.044715 * z**3)))


def _sigmoid(z: Any) -> Any:
    # tanh form: no overflow of exp(-z) for large negative z.
    return 0.5 * (1 + np.tanh(0.5 * z))


def _softplus(z: Any) -> Any:
    return np.logaddexp(0, z)


#: Hidden-layer activations by name (scikit-learn calls the sigmoid "logistic": accepted).
ACTIVATIONS: dict[str, Callable[[Any], Any]] = {
    "relu": _relu,
    "tanh": np.tanh,
    "sigmoid": _sigmoid,
    "logistic": _sigmoid,
    "gelu": _gelu,
    "leaky_relu": _leaky_relu,
    "softplus": _softplus,
    "identity": lambda z: z,
}

# He initialisation suits the rectifier family, Glorot the saturating functions.
_HE_BY_DEFAULT = ("relu", "leaky_relu", "gelu")


def init_layers(
    sizes: list[int], activation: str, weight_init: str, rng: np.random.Generator, dtype: Any
) -> dict[str, list[np.ndarray]]:
    """Weights and zero biases for layers ``sizes[0] -> sizes[1] -> ... -> sizes[-1]``.

    ``weight_init="he"``: ``N(0, 2 / fan_in)`` (He et al. 2015); ``"glorot"``:
    ``U(-b, b)`` with ``b = sqrt(6 / (fan_in + fan_out))`` (Glorot and Bengio 2010, and
    scikit-learn's MLP); ``"auto"``: He for relu, leaky_relu and gelu, Glorot otherwise.

    Examples
    --------
    >>> p = init_layers([4, 3, 2], "relu", "auto", np.random.default_rng(0), np.float32)
    >>> [w.shape for w in p["coefs"]], p["intercepts"][1].dtype
    ([(4, 3), (3, 2)], dtype('float32'))
    """
    if weight_init not in ("auto", "he", "glorot"):
        raise ValueError(f"weight_init must be 'auto', 'he' or 'glorot'; got {weight_init!r}")
    if weight_init == "auto":
        weight_init = "he" if activation in _HE_BY_DEFAULT else "glorot"
    coefs, intercepts = [], []
    for fan_in, fan_out in itertools.pairwise(sizes):
        if weight_init == "he":
            w = rng.normal(0.0, math.sqrt(2.0 / fan_in), size=(fan_in, fan_out))
        else:
            bound = math.sqrt(6.0 / (fan_in + fan_out))
            w = rng.uniform(-bound, bound, size=(fan_in, fan_out))
        coefs.append(w.astype(dtype))
        intercepts.append(np.zeros(fan_out, dtype=dtype))
    return {"coefs": coefs, "intercepts": intercepts}


def forward(
    params: dict[str, list[Any]],
    X: Any,
    activation: str,
    dropout: float = 0.0,
    rng: np.random.Generator | None = None,
) -> Any:
    """The network's raw output (logits or regression values) for rows ``X``.

    With ``dropout > 0`` and a generator ``rng`` (training), every hidden unit is zeroed with
    probability ``dropout`` and the survivors scaled by ``1 / (1 - dropout)`` (inverted
    dropout, so nothing changes at prediction time, where ``rng`` is None).

    Examples
    --------
    >>> p = {"coefs": [np.eye(2), np.ones((2, 1))], "intercepts": [np.zeros(2), np.zeros(1)]}
    >>> forward(p, np.array([[1.0, -2.0]]), "relu")
    array([[1.]])
    """
    act = ACTIVATIONS[activation]
    coefs, intercepts = params["coefs"], params["intercepts"]
    hidden = X
    for layer, (w, b) in enumerate(zip(coefs, intercepts)):
        z = hidden @ w + b
        if layer == len(coefs) - 1:
            return z
        hidden = act(z)
        if dropout > 0 and rng is not None:
            keep = rng.random(z.shape, dtype=np.float64) >= dropout
            hidden = hidden * (keep * (1.0 / (1.0 - dropout))).astype(X.dtype)
    raise ValueError("the network has no layers")
