"""Test objectives for the solvers: a quadratic with a closed-form minimiser, Rosenbrock."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Quadratic:
    """``0.5 x'Ax - b'x`` with SPD ``A``: minimiser ``A^{-1} b``."""

    a: np.ndarray
    b: np.ndarray

    def fun(self, x):
        return 0.5 * x @ self.a @ x - self.b @ x

    def grad(self, x):
        return self.a @ x - self.b

    def hess(self, x):
        return self.a

    @property
    def x_min(self):
        return np.linalg.solve(self.a, self.b)


def make_quadratic(n: int = 6, cond: float = 50.0, seed: int = 0) -> Quadratic:
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    return Quadratic(q @ np.diag(np.geomspace(1.0, cond, n)) @ q.T, rng.standard_normal(n))


def rosen(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def rosen_grad(x):
    g = np.zeros_like(x)
    g[:-1] = -400.0 * x[:-1] * (x[1:] - x[:-1] ** 2) - 2.0 * (1.0 - x[:-1])
    g[1:] += 200.0 * (x[1:] - x[:-1] ** 2)
    return g


def rosen_hess(x):
    return np.array(
        [[1200.0 * x[0] ** 2 - 400.0 * x[1] + 2.0, -400.0 * x[0]], [-400.0 * x[0], 200.0]]
    )


ROSEN_X0 = np.array([-1.2, 1.0])
