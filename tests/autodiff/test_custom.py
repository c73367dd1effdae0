"""custom_vjp, custom_jvp and checkpoint."""

from __future__ import annotations

import numpy as np
import pytest

from descend import (
    check_grad,
    checkpoint,
    custom_jvp,
    custom_vjp,
    grad,
    hessian,
    jacfwd,
    jvp,
    value_and_grad,
)
from descend.autodiff import api


@custom_vjp
def scaled_sin(x, y):
    return np.sin(x) * y


def _fwd(x, y):
    return scaled_sin(x, y), (x, y)


def _bwd(res, g):
    x, y = res
    return g * np.cos(x) * y, g * np.sin(x)


scaled_sin.defvjp(_fwd, _bwd)


def reference(x, y):
    return np.sin(x) * y


X, Y = np.array([0.3, 0.5, -1.2]), np.array([1.5, -2.0, 0.7])


def test_custom_vjp_matches_the_reference_at_every_order() -> None:
    def f(x, y):
        return np.sum(scaled_sin(x, y) ** 2)

    def ref(x, y):
        return np.sum(reference(x, y) ** 2)

    for a, b in zip(grad(f, (0, 1))(X, Y), grad(ref, (0, 1))(X, Y)):
        np.testing.assert_allclose(a, b, rtol=1e-13)
    np.testing.assert_allclose(hessian(f)(X, Y), hessian(ref)(X, Y), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(jacfwd(f)(X, Y), grad(ref)(X, Y), rtol=1e-12)
    check_grad(f, X, Y, order=2)


def test_custom_vjp_rule_is_used_not_the_function() -> None:
    @custom_vjp
    def identity_with_clipped_gradient(x):
        return x

    identity_with_clipped_gradient.defvjp(
        lambda x: (x, None), lambda res, g: (np.clip(g, -1.0, 1.0),)
    )
    g = grad(lambda x: np.sum(5.0 * identity_with_clipped_gradient(x)))(np.ones(2))
    np.testing.assert_array_equal(g, [1.0, 1.0])
    np.testing.assert_array_equal(identity_with_clipped_gradient(np.ones(2)), np.ones(2))


def test_custom_vjp_pytree_argument_and_nondiff_argnums() -> None:
    @custom_vjp
    def weighted(power, p):
        return p["w"] ** power * p["b"]

    def fwd(power, p):
        return weighted(power, p), p

    def bwd(power, p, g):
        return ({"w": g * power * p["w"] ** (power - 1) * p["b"], "b": None},)

    weighted.nondiff_argnums = (0,)
    weighted.defvjp(fwd, bwd)
    p = {"w": np.array([2.0]), "b": np.array([3.0])}
    g = grad(lambda p: np.sum(weighted(3, p)))(p)
    np.testing.assert_allclose(g["w"], [3 * 4.0 * 3.0])
    np.testing.assert_array_equal(g["b"], [0.0])  # the rule said None: a zero cotangent


def test_custom_vjp_errors() -> None:
    @custom_vjp
    def no_rule(x):
        return x * 2.0

    with pytest.raises(TypeError, match=r"no_rule\.defvjp\(fwd, bwd\)"):
        grad(lambda x: np.sum(no_rule(x)))(np.ones(2))

    bad = custom_vjp(lambda x: x)
    bad.defvjp(lambda x: (x, None), lambda res, g: g)
    with pytest.raises(TypeError, match="one cotangent per differentiable argument"):
        grad(lambda x: np.sum(bad(x)))(np.ones(2))

    tuple_out = custom_vjp(lambda x: x)
    tuple_out.defvjp(lambda x: ((x, x), None), lambda res, g: (g,))
    with pytest.raises(TypeError, match="must return one array"):
        grad(lambda x: np.sum(tuple_out(x)[0]))(np.ones(2))


@custom_jvp
def softplus(x):
    return np.log1p(np.exp(x))


@softplus.defjvp
def _softplus_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return softplus(x), t / (1.0 + np.exp(-x))


def test_custom_jvp_serves_forward_reverse_and_second_order() -> None:
    x = np.array([-1.0, 0.5, 2.0])
    sig = 1 / (1 + np.exp(-x))
    np.testing.assert_allclose(grad(lambda x: np.sum(softplus(x)))(x), sig, rtol=1e-14)
    np.testing.assert_allclose(jvp(softplus, (x,), (np.ones(3),))[1], sig, rtol=1e-14)
    np.testing.assert_allclose(
        hessian(lambda x: np.sum(softplus(x)))(x), np.diag(sig * (1 - sig)), rtol=1e-12
    )
    # The rule, not the formula, is differentiated: finite where exp overflows.
    assert float(grad(softplus)(1000.0)) == 1.0


def test_custom_jvp_without_rule_is_explained() -> None:
    plain = custom_jvp(lambda x: x)
    with pytest.raises(TypeError, match=r"defjvp"):
        grad(lambda x: np.sum(plain(x)))(np.ones(2))


def _chain(x):
    for _ in range(50):
        x = np.tanh(x) * 1.1
    return x


def test_checkpoint_gives_the_same_derivatives() -> None:
    block = checkpoint(_chain)
    x = np.array([0.5, -0.3])
    f = lambda x: np.sum(block(x) ** 2)  # noqa: E731
    ref = lambda x: np.sum(_chain(x) ** 2)  # noqa: E731
    np.testing.assert_allclose(grad(f)(x), grad(ref)(x), rtol=1e-13)
    np.testing.assert_allclose(hessian(f)(x), hessian(ref)(x), rtol=1e-11, atol=1e-13)
    np.testing.assert_allclose(jacfwd(f)(x), grad(ref)(x), rtol=1e-12)
    assert block(x).tolist() == _chain(x).tolist()


def test_checkpoint_keeps_the_tape_short(monkeypatch) -> None:
    lengths = []
    traced_init = api._Traced.__init__

    def spy(self, *args):
        traced_init(self, *args)
        lengths.append(len(self.trace.tape))

    monkeypatch.setattr(api._Traced, "__init__", spy)
    value_and_grad(lambda x: np.sum(_chain(x)))(np.ones(3))
    value_and_grad(lambda x: np.sum(checkpoint(_chain)(x)))(np.ones(3))
    # 100 recorded operations inside the block vs one checkpointed call (plus the
    # recomputation, traced on its own tape during the backward pass).
    assert lengths[0] > 100
    assert lengths[1] < 5
