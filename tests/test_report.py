import base64
import html
import json
import re
import stat

import numpy as np
import pytest

pytest.importorskip("matplotlib")

import descend
from descend import problems
from descend.experiments import LRFindResult, Results, Run
from descend.report import report, write_atomic

PNG = b"\x89PNG\r\n\x1a\n"


def race(names=("booth", "rosenbrock"), methods=("bfgs", "cg")):
    out = []
    for name in names:
        p = problems.get(name)
        runs = [
            Run(m, 0, r.history, r)
            for m in methods
            for r in [descend.minimize(p.fun, p.x0, m, options={"keep_path": True})]
        ]
        out.append(
            Results(name, p, runs, {"budget": {"max_iter": 1000}, "seeds": [0]}, target=1e-8)
        )
    return out


def inline_images(page):
    return re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)


def test_directory_report_inlines_every_figure_and_links_the_png_files(tmp_path):
    results = race()
    page_path = report(results, tmp_path / "out", command="descend compare booth rosenbrock")
    assert page_path == tmp_path / "out" / "index.html"
    page = page_path.read_text()
    pngs = sorted(p.name for p in (tmp_path / "out").glob("*.png"))
    assert pngs == [
        "contour-booth.png",
        "contour-rosenbrock.png",
        "convergence-evaluations.png",
        "convergence-iterations.png",
        "performance-profile.png",
    ]
    images = inline_images(page)
    assert len(images) == len(pngs)
    inlined = {base64.b64decode(data) for data in images}
    for name in pngs:
        data = (tmp_path / "out" / name).read_bytes()
        assert data.startswith(PNG) and len(data) > 5000
        assert data in inlined  # the page shows exactly the saved figure
        assert f'href="{name}"' in page
    # Self-contained: nothing is fetched from anywhere.
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "<script" not in page
    # The table, the settings and the command are on the page.
    for item in results:
        assert f"<h3>{item.problem_name}</h3>" in page
    assert "descend compare booth rosenbrock" in page
    assert "&quot;max_iter&quot;: 1000" in page
    saved = json.loads((tmp_path / "out" / "results.json").read_text())
    assert [p["problem"] for p in saved["problems"]] == ["booth", "rosenbrock"]
    assert saved["problems"][1]["rows"][0]["method"] == "bfgs"


def test_single_html_file_writes_nothing_else(tmp_path):
    target = tmp_path / "one.html"
    assert report(race(["booth"], ["bfgs"])[0], target, title="Booth <test>") == target
    assert [p.name for p in tmp_path.iterdir()] == ["one.html"]
    page = target.read_text()
    assert "<h1>Booth &lt;test&gt;</h1>" in page  # escaped
    assert len(inline_images(page)) == 3  # two convergence plots and the contour
    assert ".png</a>" not in page


def test_problems_with_the_same_name_get_separate_files(tmp_path):
    results = race(["booth", "booth"], ["bfgs"])
    report(results, tmp_path / "twice")
    assert sorted(p.name for p in (tmp_path / "twice").glob("contour-*.png")) == [
        "contour-booth-2.png",
        "contour-booth.png",
    ]


def test_table_values_match_the_results_rows(tmp_path):
    (results,) = race(["rosenbrock"], ["bfgs"])
    page = report(results, tmp_path / "r.html").read_text()
    row = results.rows()[0]
    assert f"<td>{row['nfev']}</td>" in page
    assert f"<td>{row['fun']:.4g}</td>" in page
    assert html.escape(results.summary().splitlines()[0]) in page


def test_sweep_report_has_a_heatmap(tmp_path):
    p = problems.get("booth")
    runs = []
    for lr in (0.01, 0.05):
        for beta in (0.0, 0.5):
            r = descend.minimize(
                p.fun, p.x0, "momentum", max_iter=30, options={"lr": lr, "beta": beta}
            )
            runs.append(
                Run(f"momentum(lr={lr}, beta={beta})", 0, r.history, r, {"lr": lr, "beta": beta})
            )
    report(Results("booth", p, runs, {}), tmp_path / "sweep")
    assert (tmp_path / "sweep" / "sweep-booth.png").read_bytes().startswith(PNG)


def test_lr_finder_report(tmp_path):
    lrs = np.geomspace(1e-3, 1.0, 20)
    result = LRFindResult(
        lrs,
        1 / (1 + 10 * lrs),
        1 / (1 + 10 * lrs),
        0.05,
        0.8,
        {"optimizer": "adam", "num_steps": 20},
    )
    page = report(result, tmp_path / "lr").read_text()
    assert "<td>0.05</td>" in page and "at lr = 0.8" in page
    assert (tmp_path / "lr" / "lr-find.png").read_bytes().startswith(PNG)
    assert json.loads((tmp_path / "lr" / "results.json").read_text())["suggestion"] == 0.05
    assert "&quot;num_steps&quot;: 20" in page


def test_bad_input(tmp_path):
    with pytest.raises(TypeError, match=r"descend\.compare"):
        report({"gd": 1}, tmp_path / "x")
    with pytest.raises(TypeError, match=r"descend\.compare"):
        report([], tmp_path / "x")
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(NotADirectoryError, match="not a directory"):
        report(race(["booth"], ["bfgs"]), blocker / "report.html")


def test_write_atomic_leaves_no_temporary_file_and_normal_permissions(tmp_path):
    target = tmp_path / "a.json"
    write_atomic(target, b"{}")
    write_atomic(target, b"[1]")
    assert target.read_bytes() == b"[1]"
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]
    assert stat.S_IMODE(target.stat().st_mode) & 0o044  # readable by others (umask allowing)
