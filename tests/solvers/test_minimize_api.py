"""minimize's interface: input checking, result fields, history, callbacks, pytrees, dtypes."""

from __future__ import annotations

import time

import numpy as np
import pytest
import scipy.optimize

from descend.solvers import METHODS, OptimizeResult, Status, minimize

from .objectives import ROSEN_X0, rosen, rosen_grad


def sphere(x):
    return np.sum((x - 1.0) ** 2)


def sphere_grad(x):
    return 2.0 * (x - 1.0)


# --- result ------------------------------------------------------------------------------


def test_result_is_a_scipy_optimize_result_with_all_fields():
    r = minimize(rosen, ROSEN_X0, method="bfgs", jac=rosen_grad)
    assert isinstance(r, scipy.optimize.OptimizeResult) and isinstance(r, OptimizeResult)
    for key in (
        "x",
        "fun",
        "jac",
        "nit",
        "nfev",
        "njev",
        "nhev",
        "success",
        "status",
        "message",
        "history",
        "hess_inv",
    ):
        assert key in r
    assert r.status == Status.GTOL == 0 and r.success
    assert r.fun == pytest.approx(rosen(r.x), abs=1e-15)
    np.testing.assert_allclose(r.jac, rosen_grad(r.x))
    assert r.nhev == 0 and r.nfev == r.njev >= r.nit
    assert r.message == f"gradient norm {np.max(np.abs(r.jac)):.2e} <= gtol 1e-05"


def test_history_has_one_entry_per_iteration_plus_the_start():
    r = minimize(rosen, ROSEN_X0, method="lbfgs", jac=rosen_grad, options={"keep_path": True})
    h = r.history
    assert len(h) == r.nit + 1
    for field in (h.fun, h.grad_norm, h.step, h.nfev, h.elapsed):
        assert field.shape == (r.nit + 1,)
    assert h.fun[0] == pytest.approx(rosen(ROSEN_X0)) and h.fun[-1] == r.fun
    assert h.step[0] == 0.0 and np.all(h.step[1:] > 0)
    assert h.nfev[0] == 1 and h.nfev[-1] == r.nfev and np.all(np.diff(h.nfev) >= 1)
    assert np.all(np.diff(h.elapsed) >= 0)
    assert h.path.shape == (r.nit + 1, 2)
    np.testing.assert_array_equal(h.path[0], ROSEN_X0)
    np.testing.assert_array_equal(h.path[-1], r.x)
    np.testing.assert_allclose(np.linalg.norm(np.diff(h.path, axis=0), axis=1), h.step[1:])
    np.testing.assert_allclose(h.fun, [rosen(p) for p in h.path])
    np.testing.assert_allclose(h.grad_norm, [np.max(np.abs(rosen_grad(p))) for p in h.path])


def test_path_is_not_kept_by_default():
    assert minimize(sphere, np.zeros(2), jac=sphere_grad).history.path is None


def test_starting_at_the_minimum_takes_no_iteration():
    r = minimize(sphere, np.ones(3), jac=sphere_grad)
    assert r.success and r.nit == 0 and r.nfev == 1 and len(r.history) == 1


@pytest.mark.parametrize(
    "kwargs, status, message",
    [
        ({"max_iter": 3}, Status.MAX_ITER, "maximum number of iterations (3) reached"),
        ({"max_fev": 5}, Status.MAX_FEV, "maximum number of function evaluations (5) reached"),
        ({"options": {"ftol": 1e-3}}, Status.FTOL, "relative reduction of the objective"),
        ({"options": {"xtol": 1e-2}}, Status.XTOL, "step length"),
    ],
)
def test_stopping_criteria_are_named_in_the_message(kwargs, status, message):
    r = minimize(rosen, ROSEN_X0, method="bfgs", jac=rosen_grad, **kwargs)
    assert r.status == status and message in r.message
    assert r.success is status.is_success
    if "max_iter" in kwargs:
        assert r.nit == 3
    if "max_fev" in kwargs:
        assert r.nfev >= 5 and r.history.nfev[-2] < 5


def test_max_time_stops_a_long_run():
    def slow(x):
        time.sleep(0.01)
        return rosen(x)

    r = minimize(slow, ROSEN_X0, method="gd", jac=rosen_grad, max_time=0.1)
    assert r.status == Status.MAX_TIME and not r.success
    assert "time limit of 0.1 s reached" in r.message
    assert r.history.elapsed[-1] < 1.0


def test_tol_sets_gtol():
    loose = minimize(rosen, ROSEN_X0, method="bfgs", jac=rosen_grad, tol=1e-2)
    tight = minimize(rosen, ROSEN_X0, method="bfgs", jac=rosen_grad, tol=1e-9)
    assert np.max(np.abs(loose.jac)) <= 1e-2 < np.max(np.abs(loose.history.grad_norm[-2]))
    assert np.max(np.abs(tight.jac)) <= 1e-9 and tight.nit > loose.nit


# --- callbacks ---------------------------------------------------------------------------


def test_callback_sees_every_iteration():
    seen = []

    def callback(state):
        seen.append((state.nit, state.fun, state.x.copy(), state.jac.copy(), state.nfev))

    r = minimize(rosen, ROSEN_X0, method="cg", jac=rosen_grad, callback=callback)
    assert [s[0] for s in seen] == list(range(1, r.nit + 1))
    np.testing.assert_allclose([s[1] for s in seen], r.history.fun[1:])
    _, fun, x, jac, nfev = seen[-1]
    np.testing.assert_array_equal(x, r.x)
    np.testing.assert_allclose(jac, rosen_grad(x))
    assert fun == r.fun and nfev == r.nfev


@pytest.mark.parametrize("how", ["return", "raise"])
def test_callback_stops_the_run(how):
    def callback(state):
        if state.nit == 4:
            if how == "raise":
                raise StopIteration
            return True
        return None

    r = minimize(rosen, ROSEN_X0, method="lbfgs", jac=rosen_grad, callback=callback)
    assert r.nit == 4 and r.status == Status.CALLBACK == 99 and not r.success
    assert r.message == (
        "callback raised StopIteration"
        if how == "raise"
        else "callback asked to stop (returned True)"
    )


def test_callback_returning_a_falsy_non_bool_does_not_stop():
    r = minimize(rosen, ROSEN_X0, method="lbfgs", jac=rosen_grad, callback=lambda s: 0)
    assert r.success


# --- structure, dtypes, jac modes, args --------------------------------------------------


def test_pytree_x0_round_trips():
    target = {"w": np.arange(6.0).reshape(2, 3), "b": np.array([-1.0])}

    def fun(p):
        return np.sum((p["w"] - target["w"]) ** 2) + np.sum((p["b"] - target["b"]) ** 2)

    x0 = {"w": np.zeros((2, 3)), "b": np.zeros(1)}
    r = minimize(fun, x0, method="bfgs")
    assert set(r.x) == {"w", "b"} and r.x["w"].shape == (2, 3) and r.x["b"].shape == (1,)
    np.testing.assert_allclose(r.x["w"], target["w"], atol=1e-6)
    np.testing.assert_allclose(r.x["b"], target["b"], atol=1e-6)
    assert set(r.jac) == {"w", "b"} and r.jac["w"].shape == (2, 3)
    assert x0["w"].sum() == 0.0  # x0 untouched


def test_pytree_with_a_user_jacobian_and_bounds_over_flat_parameters():
    def fun(p):
        return np.sum(p[0] ** 2) + (p[1] - 3.0) ** 2

    def jac(p):
        return (2 * p[0], 2 * (p[1] - 3.0))

    x0 = (np.ones(2), 0.0)
    r = minimize(fun, x0, method="lbfgsb", jac=jac, bounds=[(0.5, 2), (None, None), (None, 1.0)])
    np.testing.assert_allclose(r.x[0], [0.5, 0.0], atol=1e-7)
    assert isinstance(r.x[1], float) and r.x[1] == pytest.approx(1.0)


@pytest.mark.parametrize("method", ["lbfgs", "bfgs", "newton", "gd"])
def test_float32_x0_gives_a_float32_result(method):
    x0 = np.zeros(3, dtype=np.float32)
    r = minimize(sphere, x0, method=method, jac=sphere_grad)
    assert r.x.dtype == np.float32 and r.jac.dtype == np.float32
    np.testing.assert_allclose(r.x, 1.0, atol=1e-5)
    assert isinstance(r.fun, float)


def test_a_list_of_numbers_is_read_as_an_array_like_scipy():
    r = minimize(rosen, [-1.2, 1], jac=rosen_grad)
    assert isinstance(r.x, np.ndarray) and r.x.dtype == np.float64
    np.testing.assert_allclose(r.x, 1.0, atol=1e-4)


def test_integer_x0_is_promoted_to_float64():
    r = minimize(sphere, np.array([0, 0]), jac=sphere_grad)
    assert r.x.dtype == np.float64
    np.testing.assert_allclose(r.x, 1.0)


def test_matrix_x0_keeps_its_shape():
    r = minimize(lambda w: np.sum((w - np.eye(2)) ** 2), np.zeros((2, 2)))
    assert r.x.shape == (2, 2)
    np.testing.assert_allclose(r.x, np.eye(2), atol=1e-7)


def test_jac_true_means_fun_returns_value_and_gradient():
    calls = []

    def fun_and_grad(x):
        calls.append(1)
        return rosen(x), rosen_grad(x)

    r = minimize(fun_and_grad, ROSEN_X0, method="lbfgs", jac=True)
    assert r.success and r.nfev == len(calls) == r.njev
    np.testing.assert_allclose(r.x, 1.0, atol=1e-4)


def test_args_reach_fun_jac_and_hess():
    def fun(x, a, b):
        return a * np.sum((x - b) ** 2)

    def jac(x, a, b):
        return 2 * a * (x - b)

    def hess(x, a, b):
        return 2 * a * np.eye(x.size)

    r = minimize(fun, np.zeros(2), method="newton", args=(3.0, 2.0), jac=jac, hess=hess)
    assert r.nit == 1
    np.testing.assert_allclose(r.x, 2.0)
    r = minimize(fun, np.zeros(2), method="newton", args=(3.0, 2.0))  # engine, with args
    np.testing.assert_allclose(r.x, 2.0)


def test_hessp_option_for_newton_cg():
    a = np.diag([1.0, 10.0])
    products = []

    def hessp(x, p):
        products.append(1)
        return a @ p

    r = minimize(
        lambda x: 0.5 * x @ a @ x - x.sum(),
        np.zeros(2),
        method="newton-cg",
        jac=lambda x: a @ x - 1.0,
        options={"hessp": hessp},
    )
    assert r.success and r.nhev == len(products) > 0
    np.testing.assert_allclose(r.x, [1.0, 0.1])


@pytest.mark.parametrize(
    "alias, canonical",
    [
        ("L-BFGS-B", "lbfgsb"),
        ("BFGS", "bfgs"),
        ("Newton-CG", "newton-cg"),
        ("CG", "cg"),
        ("newton_cg", "newton-cg"),
        ("ista", "proximal"),
        ("L-BFGS", "lbfgs"),
    ],
)
def test_scipy_method_names_are_accepted(alias, canonical):
    a = minimize(rosen, ROSEN_X0, method=alias, jac=rosen_grad, max_iter=5)
    b = minimize(rosen, ROSEN_X0, method=canonical, jac=rosen_grad, max_iter=5)
    np.testing.assert_array_equal(a.x, b.x)


def test_lbfgs_with_bounds_routes_to_lbfgsb():
    r = minimize(sphere, np.zeros(2), jac=sphere_grad, bounds=[(-1, 0.5), (-1, 0.25)])
    np.testing.assert_allclose(r.x, [0.5, 0.25])


# --- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"method": "newtn"}, ValueError, r"unknown method 'newtn'; choose one of \['bfgs'"),
        ({"method": 3}, TypeError, "method must be a method name"),
        ({"x0": np.array([1.0, np.nan])}, ValueError, r"non-finite values .* position\(s\) \[1\]"),
        ({"x0": np.array([np.inf, 0.0])}, ValueError, "non-finite"),
        ({"x0": np.zeros(0)}, ValueError, "x0 has no parameters"),
        ({"x0": np.array([1 + 1j, 0])}, TypeError, "complex128"),
        ({"x0": np.array(["a", "b"])}, TypeError, "real float arrays"),
        ({"jac": "2-point"}, TypeError, "Finite differences are not"),
        (
            {"jac": lambda x: np.zeros(3)},
            ValueError,
            r"gradient returned by jac has shape \(3,\); expected \(2,\)",
        ),
        ({"fun": lambda x: x**2, "jac": None}, ValueError, r"scalar; got an array of shape \(2,\)"),
        ({"fun": lambda x: np.sum(x) * np.nan, "jac": None}, ValueError, "fun returned nan at x0"),
        (
            {"options": {"lr": 0.1}, "method": "bfgs"},
            ValueError,
            r"unknown option\(s\) \['lr'\] for method 'bfgs'; valid options: .*'c1'",
        ),
        ({"options": {"memory": 0}}, ValueError, "memory must be a positive integer"),
        ({"options": {"line_search": "bogus"}}, ValueError, "unknown line_search 'bogus'"),
        ({"options": {"variant": "xx"}, "method": "cg"}, ValueError, "unknown CG variant 'xx'"),
        ({"options": {"lr": -1.0}, "method": "gd"}, ValueError, "lr must be a positive"),
        ({"options": {"gtol": -1.0}}, ValueError, "gtol must be a non-negative number"),
        ({"max_iter": 0}, ValueError, "max_iter must be a positive integer"),
        ({"max_iter": 2.5}, ValueError, "max_iter must be a positive integer"),
        ({"max_time": -1}, ValueError, "max_time must be a positive"),
        ({"callback": 3}, TypeError, "callback must be callable"),
        ({"bounds": [(0, 1)]}, ValueError, "bounds has 1 pairs but x0 has 2 parameters"),
        ({"bounds": [(0, 1), (2, 1)]}, ValueError, r"bounds\[1\] has low 2.0 > high 1.0"),
        ({"bounds": [(0, 1), (0, 1)], "method": "bfgs"}, ValueError, "bounds are supported by"),
        ({"hess": lambda x: np.eye(2), "method": "bfgs"}, ValueError, "hess/hessp are used by"),
        ({"prox": lambda x, t: x, "method": "lbfgs"}, ValueError, "prox is used by"),
        ({"fun": 3}, TypeError, "fun must be callable"),
    ],
)
def test_bad_input_is_rejected_before_iterating(kwargs, error, match):
    calls = []

    def counting_sphere(x):
        calls.append(1)
        return sphere(x)

    call = {"fun": counting_sphere, "x0": np.zeros(2), "method": "lbfgs", "jac": sphere_grad}
    call.update(kwargs)
    with pytest.raises(error, match=match):
        minimize(call.pop("fun"), call.pop("x0"), **call)
    assert len(calls) <= 1  # at most the evaluation at x0 that found the problem


def test_wrong_gradient_structure_for_a_pytree():
    with pytest.raises(ValueError, match="does not have the structure of x0"):
        minimize(
            lambda p: np.sum(p["a"] ** 2),
            {"a": np.ones(2), "b": np.ones(1)},
            jac=lambda p: {"a": 2 * p["a"]},
        )


def test_wrong_hessian_shape():
    with pytest.raises(ValueError, match=r"hess must return an \(2, 2\) array; got shape \(3, 3\)"):
        minimize(sphere, np.zeros(2), method="newton", jac=sphere_grad, hess=lambda x: np.eye(3))


def test_every_listed_method_runs():
    for method in METHODS:
        r = minimize(sphere, np.zeros(2), method=method, jac=sphere_grad)
        assert r.success, (method, r.message)
