"""Test problems with hand-written gradients, shared by the optimizer tests and the generator.

``f(x) = 1/2 x'Ax - b'x + sum(log cosh x)`` on a 4-vector split into two leaves ``{"a": x[:3],
"b": x[3:]}``: an ill-conditioned quadratic (eigenvalues 0.023 to 10.8) plus a non-quadratic
term, so that every moment estimate of an optimizer matters.
"""

from __future__ import annotations

import numpy as np

A = np.array(
    [
        [10.0, 2.0, 0.0, 1.0],
        [2.0, 5.0, 1.0, 0.0],
        [0.0, 1.0, 2.0, 0.5],
        [1.0, 0.0, 0.5, 0.3],
    ]
)
B = np.array([1.0, -2.0, 0.5, 3.0])
X0 = np.array([1.5, -1.0, 2.0, -0.5])


def split(x: np.ndarray) -> dict[str, np.ndarray]:
    return {"a": x[:3].copy(), "b": x[3:].copy()}


def join(tree: dict[str, np.ndarray]) -> np.ndarray:
    return np.concatenate([tree["a"], tree["b"]])


def loss(x: np.ndarray) -> float:
    return float(0.5 * x @ A @ x - B @ x + np.sum(np.log(np.cosh(x))))


def gradient(x: np.ndarray) -> np.ndarray:
    return A @ x - B + np.tanh(x)


def tree_gradient(tree: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return split(gradient(join(tree)))


def rosenbrock(x: np.ndarray) -> float:
    return float((1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2)


def rosenbrock_gradient(x: np.ndarray) -> np.ndarray:
    return np.array([-2 * (1 - x[0]) - 400 * x[0] * (x[1] - x[0] ** 2), 200 * (x[1] - x[0] ** 2)])
