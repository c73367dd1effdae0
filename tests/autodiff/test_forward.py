"""Forward mode (jvp, jacfwd), batched reverse Jacobians, and hessian."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from descend import grad, hessian, hvp, jacfwd, jacobian, jacrev, jvp, vjp
from descend.autodiff import api

W = np.random.default_rng(0).standard_normal((5, 4)) / 2


def net(x):
    """A function mixing elementwise, matrix and shape operations (R^4 -> R^5)."""
    h = np.tanh(W @ np.sin(x))
    return np.concatenate([h[:3] * x[:3], np.cumsum(h[3:])]) ** 2


@settings(max_examples=20, deadline=None)
@given(x=hnp.arrays(np.float64, 4, elements=st.floats(-2, 2)))
def test_forward_and_reverse_jacobians_agree(x: np.ndarray) -> None:
    J = jacobian(net)(x)
    np.testing.assert_allclose(jacfwd(net)(x), J, rtol=1e-12, atol=1e-14)
    # jvp along a direction is the Jacobian's product with it; vjp is the transpose product.
    v, u = np.arange(4.0) - 1.5, np.linspace(-1, 1, 5)
    np.testing.assert_allclose(jvp(net, (x,), (v,))[1], J @ v, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(vjp(net, x)[1](u)[0], u @ J, rtol=1e-12, atol=1e-14)


def test_jvp_closed_form_and_pytrees() -> None:
    def f(p):
        return p["a"] * np.exp(p["b"])

    primals = ({"a": np.array([2.0]), "b": np.array([0.0])},)
    tangents = ({"a": np.array([1.0]), "b": np.array([3.0])},)
    out, t = jvp(f, primals, tangents)
    np.testing.assert_allclose(out, [2.0])
    np.testing.assert_allclose(t, [1.0 + 2.0 * 3.0])


def test_jvp_has_aux_and_constant_output() -> None:
    out, t, aux = jvp(lambda x: (x * 2.0, "label"), (np.ones(2),), (np.ones(2),), has_aux=True)
    assert aux == "label"
    np.testing.assert_array_equal(out, [2.0, 2.0])
    np.testing.assert_array_equal(t, [2.0, 2.0])
    _, t = jvp(lambda x: np.ones(3), (np.ones(2),), (np.ones(2),))
    np.testing.assert_array_equal(t, np.zeros(3))


def test_jvp_bad_arguments_are_explained() -> None:
    with pytest.raises(TypeError, match="tuples"):
        jvp(np.sin, np.ones(2), np.ones(2))
    with pytest.raises(ValueError, match="one tangent per primal"):
        jvp(np.sin, (np.ones(2),), ())
    with pytest.raises(ValueError, match="tangent has its primal's shape"):
        jvp(np.sin, (np.ones(2),), (np.ones(3),))


def test_nested_forward_and_reverse_give_the_hessian() -> None:
    def f(x):
        return np.sum(net(x) ** 2) + x[0] * x[1] ** 3

    x = np.array([0.3, -0.2, 0.9, 1.1])
    H = hessian(f)(x)
    np.testing.assert_allclose(jacfwd(grad(f))(x), H, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(jacobian(jacfwd(f))(x), H, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(jacfwd(jacfwd(f))(x), H, rtol=1e-10, atol=1e-12)
    v = np.array([1.0, 0.0, -1.0, 2.0])
    np.testing.assert_allclose(hvp(f, x, v), H @ v, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(grad(lambda y: jvp(f, (y,), (v,))[1])(x), H @ v, rtol=1e-10)


def test_third_order_mixed_modes() -> None:
    f = lambda x: np.sum(np.sin(x) * x[0])  # noqa: E731
    x = np.array([0.4, 1.3])
    T = jacfwd(hessian(f))(x)
    # f = x0 sin(x0) + x0 sin(x1): d3f/dx0^3 = -3 sin(x0) - x0 cos(x0), d3f/dx0dx1^2 = -sin(x1)
    assert T[0, 0, 0] == pytest.approx(-3 * np.sin(0.4) - 0.4 * np.cos(0.4))
    assert T[0, 1, 1] == pytest.approx(-np.sin(1.3))
    np.testing.assert_allclose(T, jacobian(hessian(f))(x), rtol=1e-12, atol=1e-14)


def test_batched_jacobian_splits_large_batches(monkeypatch) -> None:
    x = np.array([0.2, -0.4, 1.0, 0.5])
    whole = jacobian(net)(x)
    monkeypatch.setattr(api, "_BATCH_ELEMENTS", 2)  # forces one row per walk
    np.testing.assert_array_equal(jacobian(net)(x), whole)


def test_jacobian_pytrees_and_argnums() -> None:
    def f(a, b):
        return {"s": np.sum(a * b), "v": a * 2.0}

    a, b = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    for jac in (jacobian, jacfwd, jacrev):
        J = jac(f, argnums=(0, 1))(a, b)
        np.testing.assert_array_equal(J["s"][0], b)
        np.testing.assert_array_equal(J["s"][1], a)
        np.testing.assert_array_equal(J["v"][0], 2.0 * np.eye(2))
        np.testing.assert_array_equal(J["v"][1], np.zeros((2, 2)))


def test_jacfwd_float32_and_has_aux() -> None:
    x = np.array([1.0, 2.0], dtype=np.float32)
    J, aux = jacfwd(lambda x: (x**2, 7), has_aux=True)(x)
    assert J.dtype == np.float32 and aux == 7
    np.testing.assert_array_equal(J, np.diag([2.0, 4.0]).astype(np.float32))


def test_holomorphic_jacobian() -> None:
    z = np.array([1.0 + 1.0j, 0.5 - 2.0j])
    J = jacobian(lambda z: z**3, holomorphic=True)(z)
    np.testing.assert_allclose(J, np.diag(3 * z**2))
    with pytest.raises(TypeError, match="holomorphic=True"):
        jacobian(lambda z: z**3)(z)
