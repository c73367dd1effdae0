"""Linear and logistic regression against scikit-learn's solutions and closed forms."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import sklearn.linear_model as sk
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from descend import optim
from descend.models import LinearRegression, LogisticRegression

TIGHT = {"tol": 1e-10, "max_iter": 10_000}


def standardized(loader):
    X, y = loader(return_X_y=True)
    return StandardScaler().fit_transform(X), y


# ---- textbook examples ------------------------------------------------------------------
def test_textbook_line_y_equals_two_x_plus_noise():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 10, size=(500, 1))
    y = 2 * x[:, 0] + rng.normal(0, 0.5, size=500)
    model = LinearRegression().fit(x, y)
    assert model.coef_[0] == pytest.approx(2.0, abs=0.02)
    assert model.intercept_ == pytest.approx(0.0, abs=0.1)
    slope, intercept = np.polyfit(x[:, 0], y, 1)  # the closed form
    assert model.coef_[0] == pytest.approx(slope, abs=1e-8)
    assert model.intercept_ == pytest.approx(intercept, abs=1e-7)


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"optimizer": "newton-cg"},
        {"optimizer": "cg"},
        {"optimizer": "sgd", "lr": 0.2, "batch_size": None, "max_iter": 5000, "tol": 0.0},
        {"optimizer": "adam", "lr": 0.01, "batch_size": 1, "max_iter": 3000, "tol": 0.0},
    ],
)
def test_textbook_least_squares_converges_to_zero_one(options):
    X = np.array([[1.0, 1.0], [1.0, 2.0], [1.0, 3.0]])
    y = np.array([1.0, 2.0, 3.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = LinearRegression(fit_intercept=False, random_state=0, **options).fit(X, y)
    np.testing.assert_allclose(model.coef_, [0.0, 1.0], atol=1e-6)


# ---- parity with scikit-learn -----------------------------------------------------------
def test_ordinary_least_squares_and_ridge_match_closed_forms():
    X, y = standardized(load_diabetes)
    n = X.shape[0]
    ols = LinearRegression(tol=1e-12).fit(X, y)
    reference = sk.LinearRegression().fit(X, y)
    np.testing.assert_allclose(ols.coef_, reference.coef_, rtol=1e-6, atol=1e-6)
    assert ols.intercept_ == pytest.approx(reference.intercept_, abs=1e-6)
    # Ridge(alpha=a) is penalty="l2", alpha=a/n (mean-loss scale)
    ridge = LinearRegression(penalty="l2", alpha=10.0 / n, tol=1e-12).fit(X, y)
    closed = np.linalg.solve(X.T @ X + 10.0 * np.eye(X.shape[1]), X.T @ (y - y.mean()))
    np.testing.assert_allclose(ridge.coef_, closed, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(ridge.coef_, sk.Ridge(alpha=10.0).fit(X, y).coef_, atol=1e-6)


def test_multi_target_ridge_matches_sklearn():
    X, y = standardized(load_diabetes)
    Y = np.column_stack([y, -0.5 * y + 3.0])
    ours = LinearRegression(penalty="l2", alpha=5.0 / len(y), tol=1e-12).fit(X, Y)
    ref = sk.Ridge(alpha=5.0).fit(X, Y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-6)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-6)
    assert ours.predict(X).shape == (len(y), 2)


@pytest.mark.parametrize(
    "penalty, l1_ratio", [("l1", 1.0), ("elasticnet", 0.5), ("elasticnet", 0.9)]
)
@pytest.mark.parametrize("alpha", [0.1, 0.01])
def test_lasso_and_elastic_net_match_coordinate_descent(penalty, l1_ratio, alpha):
    X, y = load_diabetes(return_X_y=True)
    ours = LinearRegression(penalty=penalty, alpha=alpha, l1_ratio=l1_ratio, **TIGHT).fit(X, y)
    ref = sk.ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-12, max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-4)
    assert ours.intercept_ == pytest.approx(ref.intercept_, abs=1e-4)
    # FISTA's proximal step gives exact zeros where coordinate descent does
    np.testing.assert_array_equal(ours.coef_ == 0, ref.coef_ == 0)


def test_binary_logistic_matches_sklearn_on_breast_cancer():
    X, y = standardized(load_breast_cancer)
    ours = LogisticRegression(C=1.0, **TIGHT).fit(X, y)
    ref = sk.LogisticRegression(C=1.0, tol=1e-10, max_iter=10_000).fit(X, y)
    assert ours.coef_.shape == ref.coef_.shape == (1, 30)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-4)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-4)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-4)
    np.testing.assert_allclose(ours.decision_function(X), ref.decision_function(X), atol=1e-3)
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))


@pytest.mark.parametrize("optimizer", ["lbfgs", "newton-cg"])
def test_multinomial_logistic_matches_sklearn_on_iris(optimizer):
    X, y = standardized(load_iris)
    ours = LogisticRegression(optimizer=optimizer, **TIGHT).fit(X, y)
    ref = sk.LogisticRegression(tol=1e-10, max_iter=10_000).fit(X, y)
    assert ours.coef_.shape == (3, 4)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-4)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-4)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-4)
    np.testing.assert_allclose(ours.predict_log_proba(X), ref.predict_log_proba(X), atol=1e-3)


def test_alpha_replaces_c_with_the_mean_loss_scale():
    X, y = standardized(load_breast_cancer)
    by_c = LogisticRegression(C=0.5, **TIGHT).fit(X, y)
    by_alpha = LogisticRegression(alpha=1 / (0.5 * len(y)), **TIGHT).fit(X, y)
    np.testing.assert_allclose(by_c.coef_, by_alpha.coef_, atol=1e-7)


def test_l1_logistic_matches_sklearn_saga():
    X, y = standardized(load_breast_cancer)
    ours = LogisticRegression(penalty="l1", C=0.1, **TIGHT).fit(X, y)
    ref = sk.LogisticRegression(
        l1_ratio=1.0, C=0.1, solver="saga", tol=1e-10, max_iter=100_000
    ).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-3)
    assert np.sum(ours.coef_ == 0) > 10  # sparse, with exact zeros


# ---- mini-batch training ----------------------------------------------------------------
def test_adam_minibatches_reach_the_lbfgs_solution():
    X, y = standardized(load_breast_cancer)
    exact = LogisticRegression(**TIGHT).fit(X, y)
    lr = optim.schedules.cosine_decay(0.05, decay_steps=300 * 18)
    adam = LogisticRegression(
        optimizer="adam", lr=lr, batch_size=32, max_iter=300, n_iter_no_change=300, random_state=0
    )
    with pytest.warns(ConvergenceWarning, match="max_iter=300"):
        adam.fit(X, y)
    np.testing.assert_allclose(adam.coef_, exact.coef_, atol=2e-2)
    assert adam.n_iter_ == 300 and len(adam.history_["loss"]) == 300


def test_partial_fit_runs_one_epoch_of_true_minibatches():
    X, y = standardized(load_iris)
    model = LogisticRegression(optimizer="sgd", lr=0.1, batch_size=16, random_state=0)
    model.partial_fit(X, y, classes=[0, 1, 2])
    assert model._state.opt_state["parts"][-1]["count"] == 10  # ceil(150 / 16) steps
    model.partial_fit(X[:40], y[:40])
    assert model._state.opt_state["parts"][-1]["count"] == 13
    assert model.n_iter_ == 2
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        LogisticRegression(optimizer="sgd").partial_fit(X, y)
    assert not hasattr(LogisticRegression(), "partial_fit")  # L-BFGS: full batch only


def test_warm_start_continues_from_the_previous_solution():
    X, y = standardized(load_breast_cancer)
    model = LogisticRegression(
        optimizer="sgd",
        lr=0.01,
        batch_size=64,
        max_iter=5,
        warm_start=True,
        random_state=0,
        tol=0.0,
    )
    with pytest.warns(ConvergenceWarning):
        model.fit(X, y)
    first = model.history_["loss"][-1]
    with pytest.warns(ConvergenceWarning):
        model.fit(X, y)
    assert model.n_iter_ == 10 and model.history_["loss"][5] < first
    cold = LogisticRegression(
        optimizer="sgd", lr=0.01, batch_size=64, max_iter=5, random_state=0, tol=0.0
    )
    with pytest.warns(ConvergenceWarning):
        cold.fit(X, y)
        cold.fit(X, y)
    assert cold.n_iter_ == 5


def test_early_stopping_validates_and_keeps_the_best_epoch():
    X, y = standardized(load_breast_cancer)
    model = LogisticRegression(
        optimizer="adam",
        lr=0.05,
        batch_size=16,
        max_iter=500,
        early_stopping=True,
        n_iter_no_change=5,
        random_state=0,
    ).fit(X, y)
    history = model.history_
    assert set(history) >= {"loss", "val_loss", "val_score"}
    assert model.n_iter_ < 500
    best = int(np.argmax(np.asarray(history["val_score"]) - 1e-12 * np.arange(model.n_iter_)))
    assert model._state.early_stopping["best_epoch"] == best + 1


def test_convergence_warning_only_without_convergence():
    X, y = standardized(load_breast_cancer)
    with pytest.warns(ConvergenceWarning, match="without converging"):
        LogisticRegression(max_iter=2).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        LogisticRegression().fit(X, y)


def test_callbacks_and_verbose(capsys):
    X, y = standardized(load_iris)
    epochs = []
    with pytest.warns(ConvergenceWarning):
        LogisticRegression(
            optimizer="sgd",
            batch_size=50,
            max_iter=3,
            verbose=2,
            callbacks=[lambda state: epochs.append(state.epoch)],
        ).fit(X, y)
    assert epochs == [1, 2, 3]
    assert "epoch 3/3 - loss" in capsys.readouterr().err


def test_float32_data_train_float32_models():
    X, y = standardized(load_breast_cancer)
    model = LogisticRegression(
        optimizer="adam", batch_size=64, max_iter=20, tol=0.0, random_state=0
    )
    with pytest.warns(ConvergenceWarning):
        model.fit(X.astype(np.float32), y)
    assert model.coef_.dtype == np.float32
    assert model.predict_proba(X.astype(np.float32)).dtype == np.float32


def test_works_in_pipelines_and_grid_searches():
    X, y = load_iris(return_X_y=True)
    search = GridSearchCV(
        make_pipeline(StandardScaler(), LogisticRegression()),
        {"logisticregression__C": [0.01, 1.0]},
        cv=3,
    ).fit(X, y)
    assert search.best_params_ == {"logisticregression__C": 1.0}
    assert search.score(X, y) > 0.95


@pytest.mark.parametrize(
    "model, match",
    [
        (LinearRegression(penalty="l1", optimizer="lbfgs"), "not differentiable"),
        (LinearRegression(penalty="l3"), "penalty must be one of"),
        (LinearRegression(optimizer="lbfgs", lr=0.1), "chooses its own step lengths"),
        (LogisticRegression(C=0.0), "C must be positive"),
        (LogisticRegression(max_iter=0), "max_iter must be a positive integer"),
        (LogisticRegression(optimizer="quantum"), "unknown optimizer 'quantum'"),
        (LinearRegression(penalty="elasticnet", l1_ratio=2.0), r"l1_ratio must be in \[0, 1\]"),
    ],
)
def test_bad_settings_raise_clear_errors(model, match):
    X, y = standardized(load_iris)
    with pytest.raises(ValueError, match=match):
        model.fit(X, y)
