"""grad, value_and_grad, vjp, jacobian, hessian, hvp and stop_gradient: closed forms, higher
order, pytrees, dtypes, argnums, has_aux and the errors of bad calls."""

from __future__ import annotations

from collections import namedtuple

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from descend import (
    grad,
    hessian,
    hvp,
    jacobian,
    stop_gradient,
    value_and_grad,
    vjp,
)
from descend.pytree import tree_flatten, tree_leaves

Pair = namedtuple("Pair", "w b")


# --- closed forms ------------------------------------------------------------------------------
def test_gradient_of_quadratic_in_two_variables() -> None:
    def f(x, y):
        return x**2 + 2 * x * y + 3 * y**2

    assert grad(f, argnums=(0, 1))(2.0, 3.0) == (10.0, 22.0)


def test_gradient_of_cubic_in_three_variables() -> None:
    def g(x, y, z):
        return 4 * x**2 - 3 * y + 2 * z**3

    assert grad(g, argnums=(0, 1, 2))(1.0, -2.0, 4.0) == (8.0, -3.0, 96.0)


def test_least_squares_gradient() -> None:
    rng = np.random.default_rng(0)
    X, y, w = rng.normal(size=(20, 4)), rng.normal(size=20), rng.normal(size=4)

    def loss(w):
        return np.mean((X @ w - y) ** 2)

    np.testing.assert_allclose(grad(loss)(w), X.T @ (X @ w - y) * 2 / len(y), rtol=1e-12)


def test_hessian_of_quadratic_form_is_symmetric_part() -> None:
    A = np.array([[1.0, 2.0, 0.0], [-1.0, 3.0, 4.0], [5.0, 0.0, 2.0]])
    np.testing.assert_allclose(hessian(lambda x: x @ A @ x / 2)(np.ones(3)), (A + A.T) / 2)


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 4))
def test_hvp_equals_hessian_times_vector(seed: int, n: int) -> None:
    rng = np.random.default_rng(seed)
    x, v = rng.normal(size=n), rng.normal(size=n)

    def f(x):
        return np.sum(np.sin(x) * x[0]) + np.prod(x) ** 2

    np.testing.assert_allclose(hvp(f, x, v), hessian(f)(x) @ v, rtol=1e-10, atol=1e-12)


def test_hvp_with_pytree_and_extra_args() -> None:
    def f(p, scale):
        return scale * np.sum(p["a"] ** 3) * p["b"]

    x = {"a": np.array([1.0, 2.0]), "b": 2.0}
    v = {"a": np.array([1.0, 0.0]), "b": 1.0}
    out = hvp(f, x, v, args=(3.0,))
    # H v for a: d/da [3 * 3a^2 b] . v = 3 * (6 a b v_a + 3 a^2 v_b)
    np.testing.assert_allclose(out["a"], 3 * (6 * x["a"] * 2.0 * v["a"] + 3 * x["a"] ** 2))
    np.testing.assert_allclose(out["b"], 3 * 3 * 1.0**2)


def test_jacobian_of_elementwise_function_is_diagonal() -> None:
    x = np.array([0.5, -1.0, 2.0])
    np.testing.assert_allclose(jacobian(np.tanh)(x), np.diag(1 - np.tanh(x) ** 2))


def test_jacobian_shape_is_output_then_input() -> None:
    x = np.ones((2, 3))
    J = jacobian(lambda x: np.sum(x, axis=0) * np.arange(3.0))(x)
    assert J.shape == (3, 2, 3)
    np.testing.assert_array_equal(J[1], np.array([[0.0, 1.0, 0.0], [0.0, 1.0, 0.0]]))


def test_jacobian_with_argnums_tuple_and_pytree_output() -> None:
    def f(x, y):
        return {"p": x * y, "s": np.sum(x)}

    x, y = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    J = jacobian(f, argnums=(0, 1))(x, y)
    np.testing.assert_array_equal(J["p"][0], np.diag(y))
    np.testing.assert_array_equal(J["p"][1], np.diag(x))
    np.testing.assert_array_equal(J["s"][0], np.ones(2))
    np.testing.assert_array_equal(J["s"][1], np.zeros(2))


def test_vjp_with_pytree_output_and_inputs() -> None:
    def f(x, p):
        return {"s": x**2, "t": (x * p.w, p.b)}

    x, p = np.array([1.0, 2.0]), Pair(3.0, np.array([5.0]))
    out, pull = vjp(f, x, p)
    np.testing.assert_array_equal(out["s"], x**2)
    gx, gp = pull({"s": np.ones(2), "t": (np.array([1.0, 2.0]), np.array([7.0]))})
    np.testing.assert_array_equal(gx, 2 * x + 3.0 * np.array([1.0, 2.0]))
    assert isinstance(gp, Pair)
    assert gp.w == pytest.approx(1.0 * 1.0 + 2.0 * 2.0)
    np.testing.assert_array_equal(gp.b, [7.0])


def test_vjp_function_can_be_called_again() -> None:
    _, pull = vjp(lambda x: x * np.array([1.0, 2.0]), np.ones(2))
    np.testing.assert_array_equal(pull(np.ones(2))[0], [1.0, 2.0])
    np.testing.assert_array_equal(pull(np.array([0.0, 3.0]))[0], [0.0, 6.0])


def test_vjp_refuses_a_cotangent_of_the_wrong_shape_or_structure() -> None:
    _, pull = vjp(lambda x: (x, x), np.ones(2))
    with pytest.raises(ValueError, match="shape"):
        pull((np.ones(3), np.ones(2)))
    with pytest.raises(ValueError, match="structure"):
        pull(np.ones(2))


def test_value_and_grad_returns_both() -> None:
    value, g = value_and_grad(lambda x: np.sum(np.exp(x)))(np.array([0.0, 1.0]))
    assert value == pytest.approx(1 + np.e)
    np.testing.assert_allclose(g, [1.0, np.e])


# --- higher order ------------------------------------------------------------------------------
def _nth(fun, n):
    for _ in range(n):
        fun = grad(fun)
    return fun


@pytest.mark.parametrize(
    ("fun", "derivatives"),
    [
        (np.sin, [np.cos, lambda x: -np.sin(x), lambda x: -np.cos(x), np.sin]),
        (np.exp, [np.exp] * 4),
        (
            lambda x: 3 * x**4 - 2 * x**3 + x,
            [
                lambda x: 12 * x**3 - 6 * x**2 + 1,
                lambda x: 36 * x**2 - 12 * x,
                lambda x: 72 * x - 12,
                lambda x: 72.0 + 0 * x,
            ],
        ),
        (np.tanh, [lambda x: 1 - np.tanh(x) ** 2, lambda x: -2 * np.tanh(x) / np.cosh(x) ** 2]),
        (np.log, [lambda x: 1 / x, lambda x: -1 / x**2, lambda x: 2 / x**3, lambda x: -6 / x**4]),
    ],
    ids=["sin", "exp", "polynomial", "tanh", "log"],
)
@pytest.mark.parametrize("x", [0.3, 1.7])
def test_derivatives_to_order_four(fun, derivatives, x: float) -> None:
    for n, expected in enumerate(derivatives, start=1):
        assert float(_nth(fun, n)(x)) == pytest.approx(float(expected(x)), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize(
    ("fun", "derivatives_at_zero"),
    [
        (lambda x: x**2, [0.0, 2.0, 0.0, 0.0, 0.0]),
        (lambda x: x**3, [0.0, 0.0, 6.0, 0.0, 0.0]),
        (lambda x: x**3.0, [0.0, 0.0, 6.0, 0.0, 0.0]),
        (lambda x: np.power(x, np.array(2)), [0.0, 2.0, 0.0, 0.0]),
        (lambda x: 3 * x**4 - 2 * x**3 + x, [1.0, 0.0, -12.0, 72.0, 0.0]),
        (lambda x: x**0 * 5.0, [0.0, 0.0, 0.0]),
    ],
    ids=["square", "cube", "cube float", "array exponent", "quartic", "zeroth power"],
)
def test_polynomial_derivatives_at_zero_are_exact(fun, derivatives_at_zero) -> None:
    # x**n at 0: the exponent reaches 0, and 0 * x**-1 must not turn into NaN.
    for n, expected in enumerate(derivatives_at_zero, start=1):
        np.testing.assert_array_equal(_nth(fun, n)(0.0), expected)


def _rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)


def _rosenbrock_hessian(x):
    n = len(x)
    H = np.zeros((n, n))
    for i in range(n - 1):
        H[i, i] += 1200 * x[i] ** 2 - 400 * x[i + 1] + 2
        H[i, i + 1] -= 400 * x[i]
        H[i + 1, i] -= 400 * x[i]
        H[i + 1, i + 1] += 200
    return H


def test_hessian_of_rosenbrock() -> None:
    x = np.array([-1.2, 1.0, 0.5, 2.0])
    np.testing.assert_allclose(hessian(_rosenbrock)(x), _rosenbrock_hessian(x), rtol=1e-12)
    np.testing.assert_allclose(hessian(_rosenbrock)(np.ones(2)), [[802, -400], [-400, 200]])


def test_jacobian_of_grad_equals_hessian() -> None:
    def f(x):
        return np.sum(np.sin(x) * x[0]) + np.log1p(x @ x)

    x = np.array([0.3, -0.7, 1.1])
    np.testing.assert_allclose(jacobian(grad(f))(x), hessian(f)(x), rtol=1e-12)


def test_grad_of_function_calling_grad() -> None:
    # f(x) = x * (d/dy y^2 x)(y=x) = 2 x^3, so f'(x) = 6 x^2.
    def f(x):
        return x * grad(lambda y: y**2 * x)(x)

    assert grad(f)(1.5) == pytest.approx(6 * 1.5**2)


@pytest.mark.parametrize("x", [-2.0, 0.0, 1.0, 3.5])
def test_no_perturbation_confusion(x: float) -> None:
    # d/dx [x * d/dy (x + y)] = d/dx [x * 1] = 1; confusing the traces gives 2.
    assert grad(lambda x: x * grad(lambda y: x + y)(1.0))(x) == 1.0


def test_siskind_pearlmutter_example() -> None:
    # d/dx [x * (d/dy (x * y))(y=2)] at x=1 = d/dx x^2 = 2 (perturbation confusion gives 3).
    assert grad(lambda x: x * grad(lambda y: x * y)(2.0))(1.0) == 2.0


def test_third_order_of_multivariate_function_by_nesting() -> None:
    # f(x, y) = x^3 y^2: d3f/dx2 dy = 12 x y.
    def dfdy(x, y):
        return grad(lambda y: x**3 * y**2)(y)

    d2 = grad(lambda x, y: grad(dfdy)(x, y))
    assert d2(2.0, 3.0) == pytest.approx(12 * 2.0 * 3.0)


# --- pytrees -----------------------------------------------------------------------------------
def _tree_loss(p):
    return (
        np.sum(p["layers"][0] ** 2)
        + p["layers"][1] * 3.0
        + np.sum(p["pair"].w * p["pair"].b)
        + p["nested"][0][1] ** 2
    )


def _tree_params():
    return {
        "layers": [np.array([1.0, 2.0]), 4.0],
        "pair": Pair(np.array([[1.0], [2.0]]), np.array([3.0, 4.0])),
        "nested": ((None, np.float32(5.0)),),
    }


def test_grad_of_pytree_has_same_structure() -> None:
    p = _tree_params()
    g = grad(_tree_loss)(p)
    assert tree_flatten(g)[1] == tree_flatten(p)[1]
    assert isinstance(g["pair"], Pair)
    assert isinstance(g["layers"], list)
    assert isinstance(g["nested"], tuple)
    np.testing.assert_array_equal(g["layers"][0], [2.0, 4.0])
    assert g["layers"][1] == 3.0
    np.testing.assert_array_equal(g["pair"].w, [[7.0], [7.0]])
    np.testing.assert_array_equal(g["pair"].b, [3.0, 3.0])
    assert g["nested"][0][1] == 10.0
    assert np.result_type(g["nested"][0][1]) == np.float32


def test_value_and_grad_and_vjp_and_jacobian_take_pytrees() -> None:
    p = _tree_params()
    value, g = value_and_grad(_tree_loss)(p)
    assert value == pytest.approx(_tree_loss(p))
    _, pull = vjp(_tree_loss, p)
    (g2,) = pull(np.float64(1.0))
    for a, b in zip(tree_leaves(g), tree_leaves(g2)):
        np.testing.assert_array_equal(a, b)
    J = jacobian(_tree_loss)(p)
    for a, b in zip(tree_leaves(g), tree_leaves(J)):
        np.testing.assert_array_equal(a, b)


def test_has_aux_passes_aux_through_lowered() -> None:
    g, aux = grad(lambda x: (np.sum(x**2), {"x": x, "n": 3}), has_aux=True)(np.ones(2))
    np.testing.assert_array_equal(g, [2.0, 2.0])
    assert type(aux["x"]) is np.ndarray
    assert aux["n"] == 3
    (value, aux), g = value_and_grad(lambda x: (x**2, x + 1), has_aux=True)(3.0)
    assert (value, aux, g) == (9.0, 4.0, 6.0)


def test_has_aux_requires_a_pair() -> None:
    with pytest.raises(TypeError, match="has_aux=True"):
        grad(lambda x: x**2, has_aux=True)(1.0)


# --- dtypes ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "x",
    [np.float32(2.0), np.array(2.0, np.float32), np.ones(3, np.float32), np.ones((2, 2), "f4")],
    ids=["scalar", "0-d", "vector", "matrix"],
)
def test_float32_stays_float32(x) -> None:
    def f(x):
        return np.sum(np.tanh(x) * 2.0 + x**2 / 3.0)

    assert grad(f)(x).dtype == np.float32
    assert value_and_grad(f)(x)[0].dtype == np.float32
    assert grad(grad(lambda x: np.tanh(x) * 2.0))(np.float32(0.5)).dtype == np.float32
    assert hessian(f)(x).dtype == np.float32


def test_float32_in_mixed_pytree() -> None:
    g = grad(lambda p: np.sum(p["a"]) * p["b"])({"a": np.ones(2, np.float32), "b": 2.0})
    assert g["a"].dtype == np.float32
    assert np.result_type(g["b"]) == np.float64


def test_python_float_gives_scalar() -> None:
    g = grad(lambda x: x**2)(3.0)
    assert np.ndim(g) == 0
    assert g == 6.0


# --- argnums -----------------------------------------------------------------------------------
def f3(x, y, z):
    return x * y**2 * z**3


@pytest.mark.parametrize(
    ("argnums", "expected"),
    [
        (0, 1 * 2**2 * 3**3 / 1),
        (1, 2 * 1 * 2 * 3**3),
        (-1, 3 * 1 * 2**2 * 3**2),
        ((0, 2), (2**2 * 3**3, 3 * 2**2 * 3**2)),
        ((-2,), (2 * 2 * 3**3,)),
    ],
)
def test_argnums(argnums, expected) -> None:
    assert grad(f3, argnums=argnums)(1.0, 2.0, 3.0) == pytest.approx(expected)


def test_argnums_out_of_range() -> None:
    with pytest.raises(ValueError, match="argnums=3"):
        grad(f3, argnums=3)(1.0, 2.0, 3.0)


def test_undifferentiated_integer_argument_is_allowed() -> None:
    assert grad(lambda x, n: x**n)(2.0, 3) == 12.0


@pytest.mark.parametrize(
    ("value", "what"),
    [
        (3, "int64"),
        (np.array([1, 2]), "int64"),
        (np.array([True]), "bool"),
        ({"w": np.ones(2), "k": np.arange(2)}, "int64"),
    ],
    ids=["int", "int array", "bool", "int in pytree"],
)
def test_non_float_inputs_are_refused(value, what: str) -> None:
    def my_loss(a, b):
        return np.sum(tree_leaves(b)[0] * 1.0) + a

    with pytest.raises(TypeError, match=rf"my_loss with respect to argument 1.*{what}"):
        grad(my_loss, argnums=1)(1.0, value)


def test_complex_output_needs_holomorphic() -> None:
    with pytest.raises(TypeError, match=r"real value.*holomorphic=True"):
        grad(lambda z: z * z)(1j)
    with pytest.raises(TypeError, match=r"needs complex inputs.*argument 0"):
        grad(lambda z: z * z, holomorphic=True)(1.0)
    assert grad(lambda z: z * z, holomorphic=True)(1j) == 2j


@pytest.mark.parametrize("fun", [lambda x: x * 2.0, lambda x: (x, x)], ids=["array", "tuple"])
def test_grad_of_non_scalar_output_is_refused(fun) -> None:
    with pytest.raises(TypeError, match=r"return a scalar.*jacobian"):
        grad(fun)(np.ones(3))


# --- constants, stop_gradient, aliasing -------------------------------------------------------
@pytest.mark.parametrize(
    "fun",
    [lambda x: 3.0, lambda x: np.sum(np.ones(3)), lambda x: np.sum(stop_gradient(x) ** 2)],
    ids=["python constant", "numpy constant", "stopped"],
)
def test_function_not_depending_on_input_has_exact_zero_gradient(fun) -> None:
    g = grad(fun)(np.array([1.0, 2.0]))
    assert g.dtype == np.float64
    np.testing.assert_array_equal(g, [0.0, 0.0])
    J = jacobian(lambda x: fun(x) * np.ones(2))(np.array([1.0, 2.0]))
    np.testing.assert_array_equal(J, np.zeros((2, 2)))


def test_unused_argument_gets_exact_zero() -> None:
    assert grad(lambda x, y: x * 2.0, argnums=1)(1.0, 5.0) == 0.0


def test_stop_gradient_blocks_only_its_path() -> None:
    assert grad(lambda x: x * stop_gradient(x**2))(3.0) == 9.0
    tree = stop_gradient({"a": 1.0, "b": [np.ones(2)]})
    assert tree["a"] == 1.0
    np.testing.assert_array_equal(tree["b"][0], np.ones(2))


def test_stop_gradient_inside_second_order() -> None:
    # d2/dx2 [x^2 * sg(x)] at x = 3: sg(x) is a constant 3, so 2 * 3 = 6.
    assert grad(grad(lambda x: x**2 * stop_gradient(x)))(3.0) == 6.0


def test_gradients_never_alias_each_other_or_inputs() -> None:
    x = np.ones(3)
    ga, gb = grad(lambda a, b: np.sum(a + b), argnums=(0, 1))(x, x)
    assert not np.shares_memory(ga, gb)
    assert not np.shares_memory(ga, x)
    ga[0] = 5.0
    np.testing.assert_array_equal(gb, np.ones(3))
    np.testing.assert_array_equal(x, np.ones(3))


def test_gradients_are_writeable_arrays_not_views() -> None:
    g = grad(lambda x: np.sum(np.broadcast_to(x, (4, 3))))(np.zeros(3))
    assert g.flags.writeable
    g += 1.0
    np.testing.assert_array_equal(g, [5.0, 5.0, 5.0])


def test_vjp_does_not_return_the_users_cotangent() -> None:
    v = np.array([1.0, 2.0])
    _, pull = vjp(lambda x, y: x + y, np.zeros(2), np.zeros(2))
    ga, gb = pull(v)
    assert not np.shares_memory(ga, v)
    assert not np.shares_memory(ga, gb)
    ga[0] = 9.0
    np.testing.assert_array_equal(v, [1.0, 2.0])
    np.testing.assert_array_equal(gb, [1.0, 2.0])


def test_pytree_leaves_that_are_the_same_array_get_separate_gradients() -> None:
    x = np.ones(2)
    g = grad(lambda p: np.sum(p[0] * p[1]))((x, x))
    assert not np.shares_memory(g[0], g[1])


def test_inputs_are_not_modified() -> None:
    x = np.array([1.0, -2.0, 3.0])
    before = x.copy()
    grad(lambda x: np.sum(np.maximum(x, 0.0) ** 2))(x)
    hessian(lambda x: np.sum(x**3))(x)
    np.testing.assert_array_equal(x, before)


def test_keyword_arguments_pass_through_undifferentiated() -> None:
    assert grad(lambda x, scale=1.0: scale * x**2)(3.0, scale=2.0) == 12.0
    g = grad(lambda x, *, w: np.sum(w * x))(np.ones(2), w=np.array([3.0, 4.0]))
    np.testing.assert_array_equal(g, [3.0, 4.0])
