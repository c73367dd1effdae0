"""``descend compare``, ``sweep`` and ``lr-find`` end to end, in a subprocess."""

import json
import re

import pytest

pytest.importorskip("matplotlib")

from .runner import run_descend

PNG = b"\x89PNG\r\n\x1a\n"
STANDARD = [
    "gd",
    "momentum",
    "nesterov",
    "adagrad",
    "rmsprop",
    "adam",
    "cg",
    "bfgs",
    "lbfgs",
    "newton-cg",
]


def check_report(directory, expected_pngs):
    page = (directory / "index.html").read_text()
    for name in expected_pngs:
        data = (directory / name).read_bytes()
        assert data.startswith(PNG) and len(data) > 5000, name
        assert f'href="{name}"' in page
    assert page.count('<img src="data:image/png;base64,') == len(expected_pngs)
    return page


def test_standard_race_prints_a_table_per_problem_and_writes_the_report(tmp_path):
    done = run_descend("compare", "--seeds", "1", "--max-iter", "40", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for problem in ("rosenbrock", "beale", "ill_conditioned_quadratic", "logistic_breast_cancer"):
        assert re.search(rf"^{problem}: 10 runs, target fun <= ", out, re.MULTILINE)
    table = out.split("\n\n")[0].splitlines()
    header = table[1].split()
    assert header[0] == "method" and {"distance", "nit", "nfev", "ok"} <= set(header)
    assert [line.split()[0] for line in table[2:]] == STANDARD
    bfgs = next(line for line in table if line.startswith("bfgs")).split()
    assert bfgs[-1] == "1/1"  # BFGS solves Rosenbrock within 40 iterations, gd does not
    assert next(line for line in table if line.startswith("gd")).split()[-1] == "0/1"
    assert out.rstrip().endswith("report: descend-report/index.html")
    # Progress goes to stderr, one line per problem when not on a terminal.
    assert re.findall(r"^(\S+): 10 runs in [\d.]+ s$", done.stderr, re.MULTILINE) == [
        "rosenbrock",
        "beale",
        "ill_conditioned_quadratic",
        "logistic_breast_cancer",
    ]
    check_report(
        tmp_path / "descend-report",
        [
            "convergence-iterations.png",
            "convergence-evaluations.png",
            "contour-rosenbrock.png",
            "contour-beale.png",
            "performance-profile.png",
        ],
    )


def test_compare_json_has_every_run_and_the_report_path(tmp_path):
    done = run_descend(
        "compare",
        "booth",
        "--methods",
        "bfgs,adam(lr=0.1)",
        "--seeds",
        "2",
        "--max-iter",
        "50",
        "--json",
        "--out",
        "rep",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    rows = payload["problems"][0]["rows"]
    assert [(r["method"], r["seed"]) for r in rows] == [
        ("bfgs", 0),
        ("bfgs", 1),
        ("adam(lr=0.1)", 0),
        ("adam(lr=0.1)", 1),
    ]
    assert all(r["nit"] <= 50 for r in rows)
    assert rows[0]["success"] is True and rows[0]["distance"] < 1e-5
    assert payload["problems"][0]["settings"]["budget"] == {"max_iter": 50}
    assert payload["report"] == "rep/index.html"
    check_report(
        tmp_path / "rep",
        ["contour-booth.png", "convergence-iterations.png", "convergence-evaluations.png"],
    )


def test_compare_on_a_users_function_without_report(tmp_path):
    (tmp_path / "mine.py").write_text(
        "import numpy as np\n\ndef bowl(x):\n    return np.sum((x - 1.5) ** 2)\n"
    )
    done = run_descend(
        "compare",
        "mine:bowl",
        "--x0=0,0,0",
        "--methods",
        "lbfgs",
        "--seeds",
        "1",
        "--no-report",
        "--json",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    (row,) = json.loads(done.stdout)["problems"][0]["rows"]
    assert row["fun"] < 1e-12
    assert row["distance"] is None  # the minimum of a user's function is unknown
    assert not (tmp_path / "descend-report").exists()


def test_sweep_table_json_and_heatmap(tmp_path):
    args = [
        "sweep",
        "beale",
        "--method",
        "sgd",
        "--grid",
        "lr=0.001,0.01",
        "--grid",
        "momentum=0,0.9",
        "--max-iter",
        "60",
    ]
    done = run_descend(*args, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "beale: 4 runs, target fun <= 1e-06"
    names = [
        "sgd(lr=0.001, momentum=0)",
        "sgd(lr=0.001, momentum=0.9)",
        "sgd(lr=0.01, momentum=0)",
        "sgd(lr=0.01, momentum=0.9)",
    ]
    assert [line[: len(name)] for line, name in zip(lines[2:6], names)] == names
    page = check_report(
        tmp_path / "descend-report",
        [
            "sweep-beale.png",
            "convergence-iterations.png",
            "convergence-evaluations.png",
            "contour-beale.png",
        ],
    )
    assert "--grid lr=0.001,0.01" in page  # the command to reproduce it
    payload = json.loads(run_descend(*args, "--json", "--no-report", cwd=tmp_path).stdout)
    funs = {(r["lr"], r["momentum"]): r["fun"] for r in payload["problems"][0]["rows"]}
    best = min(funs, key=funs.get)
    assert payload["best_params"] == {"lr": best[0], "momentum": best[1]}


def test_lr_find_on_a_problem_and_on_a_data_file(tmp_path):
    done = run_descend(
        "lr-find",
        "rosenbrock",
        "--optimizer",
        "sgd",
        "--num-steps",
        "80",
        "--max-lr",
        "1",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    suggested = float(re.search(r"suggested lr: (\S+)", done.stdout).group(1))
    # Gradient descent on Rosenbrock from (-1.2, 1) diverges above about 2 / L ~ 1e-3.
    diverged = float(re.search(r"diverged at:\s+(\S+)", done.stdout).group(1))
    assert 1e-5 < suggested < diverged < 0.1
    check_report(tmp_path / "descend-report", ["lr-find.png"])

    rows = ["x1,x2,y"] + [f"{i / 10},{(i * 7 % 10) / 10},{i % 2}" for i in range(40)]
    (tmp_path / "d.csv").write_text("\n".join(rows) + "\n")
    done = run_descend(
        "lr-find",
        "--data",
        "d.csv",
        "--target",
        "y",
        "--model",
        "logistic",
        "--batch-size",
        "8",
        "--num-steps",
        "40",
        "--json",
        "--out",
        "lr",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert len(payload["lrs"]) <= 40 and payload["settings"]["batch_size"] == 8
    assert payload["lrs"][0] <= payload["suggestion"] <= payload["lrs"][-1]
