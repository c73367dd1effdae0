"""Whole models written in plain NumPy, checked against finite differences to second (or third)
order: the functions people actually differentiate, each mixing many rules."""

from __future__ import annotations

import numpy as np
import pytest

from descend import check_grad

rng = np.random.default_rng(0)
X = rng.normal(size=(5, 3))
LABELS = np.array([0, 2, 1, 1, 0])
ONE_HOT = np.eye(3)[LABELS]


def mlp_cross_entropy(params):
    W1, b1, W2, b2 = params
    h = np.tanh(X @ W1 + b1)
    logits = h @ W2 + b2
    m = np.max(logits, axis=1, keepdims=True)
    log_p = logits - m - np.log(np.sum(np.exp(logits - m), axis=1, keepdims=True))
    return -np.mean(np.sum(ONE_HOT * log_p, axis=1))


def logistic_regression(w, b):
    z = X @ w + b
    return np.mean(np.logaddexp(0.0, z) - (LABELS == 1) * z) + 0.1 * w @ w


def gaussian_negative_log_likelihood(mu, log_sigma):
    x = np.array([0.3, -1.2, 0.8, 2.1, -0.4])
    return np.sum(0.5 * ((x - mu) / np.exp(log_sigma)) ** 2 + log_sigma)


def attention(q, k, v):
    s = q @ k.T / np.sqrt(q.shape[-1])
    s = s - np.max(s, axis=-1, keepdims=True)
    w = np.exp(s)
    return (w / w.sum(-1, keepdims=True)) @ v


def layer_norm(x, gain, bias):
    mu = x.mean(-1, keepdims=True)
    var = x.var(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + 1e-5) * gain + bias


def conv1d(x, w):
    k = w.shape[0]
    return np.stack([np.sum(x[i : i + k] * w) for i in range(x.shape[0] - k + 1)])


def rnn(h0, W):
    h = h0
    for x in np.array([[0.5, -1.0], [1.5, 0.2], [-0.3, 0.7]]):
        h = np.tanh(W @ np.concatenate([h, x]))
    return np.sum(h**2)


def inverse_distance_energy(points):
    diff = points[:, None, :] - points[None, :, :]
    d2 = np.sum(diff**2, axis=-1) + np.eye(len(points))
    return np.sum(np.triu(1 / np.sqrt(d2), 1))


def huber(r, delta=1.0):
    a = np.abs(r)
    return np.sum(np.where(a <= delta, 0.5 * r**2, delta * (a - 0.5 * delta)))


def polynomial_fit(c):
    x = np.linspace(-1, 1, 5)
    return np.sum(sum(ci * x**i for i, ci in enumerate(c)) ** 2)


CASES = {
    "mlp": (mlp_cross_entropy, ([rng.normal(size=s) for s in [(3, 4), 4, (4, 3), 3]],), 2),
    "logistic regression": (logistic_regression, (rng.normal(size=3), 0.3), 3),
    "gaussian nll": (gaussian_negative_log_likelihood, (0.2, -0.3), 3),
    "attention": (attention, tuple(rng.normal(size=s) for s in [(2, 3), (4, 3), (4, 2)]), 2),
    "layer norm": (layer_norm, tuple(rng.normal(size=s) for s in [(3, 4), 4, 4]), 2),
    "conv1d": (conv1d, (rng.normal(size=6), rng.normal(size=3)), 2),
    "rnn": (rnn, (rng.normal(size=3), 0.5 * rng.normal(size=(3, 5))), 2),
    "pairwise energy": (inverse_distance_energy, (rng.normal(size=(4, 2)),), 2),
    "huber": (huber, (np.array([0.3, -2.0, 1.7, -0.1]),), 2),
    "polynomial": (polynomial_fit, (rng.normal(size=4),), 3),
}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", sorted(CASES))
def test_model_derivatives_match_finite_differences(name: str, dtype: type) -> None:
    fun, args, order = CASES[name]

    def cast(a):
        if isinstance(a, list):
            return [cast(v) for v in a]
        return np.asarray(a, dtype=dtype)

    check_grad(fun, *(cast(a) for a in args), order=order if dtype is np.float64 else 2)
