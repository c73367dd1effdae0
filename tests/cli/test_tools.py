"""``descend minimize``, ``fit`` and ``problems`` end to end, and the error contract."""

import json

import numpy as np
import pytest

from descend import problems
from descend.cli import main

from .runner import run_descend


def test_minimize_a_built_in_problem_prints_the_solution(tmp_path):
    done = run_descend("minimize", "rosenbrock", "--method", "bfgs", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    fields = dict(line.split(None, 1) for line in done.stdout.splitlines()[1:])
    assert fields["method"] == "bfgs"
    assert fields["x"] == "[1, 1]"
    assert float(fields["fun"]) < 1e-10 and float(fields["distance"]) < 1e-6
    assert fields["success"] == "True"


def test_minimize_a_users_function_from_a_file_as_json_with_a_report(tmp_path):
    (tmp_path / "loss.py").write_text(
        "import numpy as np\n\ndef quad(x):\n    return np.sum((x - np.arange(3.0)) ** 2)\n"
    )
    done = run_descend(
        "minimize",
        "loss.py:quad",
        "--x0=-1,5,2",
        "--method",
        "cg",
        "--json",
        "--out",
        "rep",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    np.testing.assert_allclose(payload["x"], [0.0, 1.0, 2.0], atol=1e-6)
    assert payload["success"] is True and payload["distance"] is None
    assert payload["report"] == "rep/index.html"
    assert (tmp_path / "rep" / "convergence-iterations.png").stat().st_size > 5000


def test_minimize_with_an_optimizer_and_its_learning_rate(tmp_path):
    done = run_descend(
        "minimize",
        "booth",
        "--method",
        "adam",
        "--option",
        "lr=0.5",
        "--max-iter",
        "300",
        "--json",
        cwd=tmp_path,
    )
    payload = json.loads(done.stdout)
    assert payload["nit"] <= 300 and payload["distance"] < 1e-2


def test_fit_writes_a_loadable_model_and_metrics_that_match_it(tmp_path):
    pytest.importorskip("sklearn")
    from sklearn.metrics import accuracy_score

    import descend

    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 3))
    labels = np.where(X @ [1.5, -2.0, 0.5] + 0.3 * rng.normal(size=120) > 0, "spam", "ham")
    lines = ["a,b,c,kind"] + [f"{x[0]},{x[1]},{x[2]},{y}" for x, y in zip(X, labels)]
    (tmp_path / "mail.csv").write_text("\n".join(lines) + "\n")
    done = run_descend(
        "fit", "mail.csv", "--target", "kind", "--test-size", "0", "--out", "m", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(
        "LogisticRegression (auto: the target has 2 classes) on "
        "mail.csv (120 rows, 3 features, target 'kind')"
    )
    record = json.loads((tmp_path / "m" / "metrics.json").read_text())
    model = descend.load(tmp_path / "m" / "model.npz")
    expected = accuracy_score(labels, model.predict(X))
    assert record["metrics"]["train"]["accuracy"] == pytest.approx(expected)
    assert expected > 0.9
    assert f"accuracy  {expected:.4g}" in done.stdout


def test_fit_a_regression_on_an_npy_file_with_held_out_metrics(tmp_path):
    pytest.importorskip("sklearn")
    rng = np.random.default_rng(1)
    X = rng.normal(size=(200, 2))
    y = X @ [2.0, -1.0] + 0.5
    np.save(tmp_path / "d.npy", np.column_stack([X, y]))
    done = run_descend(
        "fit",
        "d.npy",
        "--target",
        "-1",
        "--model",
        "linear",
        "--optimizer",
        "lbfgs",
        "--json",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["model"] == "LinearRegression"
    assert payload["n_samples"] == {"train": 160, "test": 40}
    assert payload["metrics"]["test"]["r2"] > 0.999999
    assert payload["params"]["optimizer"] == "lbfgs"
    assert (tmp_path / "descend-fit" / "model.npz").exists()


def test_problems_lists_the_registry(tmp_path):
    done = run_descend("problems", "--json", cwd=tmp_path)
    listed = json.loads(done.stdout)
    assert [p["name"] for p in listed] == problems.list_problems()
    rosenbrock = next(p for p in listed if p["name"] == "rosenbrock")
    assert rosenbrock["dim"] == 2 and rosenbrock["f_min"] == 0.0


def test_a_bad_file_is_one_line_and_exit_code_2_in_a_real_process(tmp_path):
    done = run_descend("fit", "missing.csv", "--target", "y", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == "descend fit: error: no such file: missing.csv\n"
    assert done.stdout == ""


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["compare", "rosenbrok"], "unknown problem 'rosenbrok'. Did you mean 'rosenbrock'?"),
        (["compare", "booth", "--methods", "adamm"], "unknown method 'adamm'"),
        (["compare", "booth", "--max-iter", "0"], "max_iter must be a positive integer"),
        (["compare", "booth", "--methods", "adam(lr=0.1"], "unbalanced parentheses"),
        (["compare", "--x0=1,2"], "--x0 and --dim need a PROBLEM"),
        (["minimize", "mod:fun"], "cannot import 'mod'"),
        (["minimize", "numpy:sum"], "give its start point with --x0"),
        (["minimize", "booth", "--x0=1,2,3"], "--x0 has 3 numbers but problem 'booth' has 2"),
        (["minimize", "booth", "--x0", "a,b"], "--x0 must be comma-separated numbers"),
        (["minimize", "booth", "--option", "lr"], "--option expects NAME=VALUE"),
        (["sweep", "booth", "--method", "sgd", "--grid", "lr"], "--grid expects NAME=VALUES"),
        (["sweep", "booth", "--method", "sgd", "--grid", "lr=loguniform:1"], "loguniform:LOW"),
        (["lr-find"], "give either a PROBLEM or --data"),
        (["lr-find", "--data", "x.csv"], "--data needs --target"),
        (["problems", "--tag", "round"], "unknown tag 'round'"),
        (["fit", "d.csv", "--target", "nope"], "no column 'nope' in d.csv"),
        (["fit", "d.csv", "--target", "y", "--model", "svm"], "unknown --model 'svm'"),
        (["fit", "d.csv", "--target", "y", "--test-size", "1.5"], "--test-size must be in"),
        (["fit", "bad.csv", "--target", "y"], "bad.csv line 3, column 'a': 'oops' is not a number"),
    ],
)
def test_input_errors_are_one_line_on_stderr_and_exit_code_2(
    argv, message, tmp_path, capsys, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d.csv").write_text("a,y\n1,0\n2,1\n3,0\n4,1\n")
    (tmp_path / "bad.csv").write_text("a,y\n1,0\noops,1\n")
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"descend {argv[0]}: error: ")
    assert message in lines[0]


def test_argparse_errors_also_exit_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["compare", "--seeds", "many"])
    assert exit_info.value.code == 2
    assert "invalid int value: 'many'" in capsys.readouterr().err
