"""`report`: one self-contained HTML page with the table, the figures and the settings of a run.

The page has no external references at all (styles inline, figures as base64 PNG data URIs),
so it can be mailed, attached to a CI run or opened offline. Given a directory instead of an
``.html`` file name, `report` also writes each figure as a PNG file and the results as JSON
next to the page, which links to them.
"""

from __future__ import annotations

import base64
import datetime
import html
import io
import json
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from descend.atomic import atomic_file
from descend.experiments import LRFindResult, Results
from descend.plot._runs import base_method

__all__ = ["report", "write_atomic"]

_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;margin:0;
background:#fafafa;line-height:1.45}
main{max-width:1100px;margin:0 auto;padding:1.5rem 2rem 3rem;background:#fff}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{border-bottom:1px solid #ddd;padding-bottom:.2rem;
margin-top:2.2rem}h3{margin-bottom:.4rem}.meta{color:#666;font-size:.9rem}
pre{background:#f4f4f4;padding:.7rem 1rem;overflow-x:auto;font-size:.85rem;border-radius:4px}
table{border-collapse:collapse;font-size:.82rem;margin:.5rem 0}
th,td{padding:.2rem .6rem;border-bottom:1px solid #e4e4e4;text-align:right}
th:first-child,td:first-child{text-align:left}th{background:#f0f0f0;position:sticky;top:0}
figure{margin:1.2rem 0}figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{font-size:.85rem;color:#555}nav a{margin-right:1rem}.ok{color:#1a7f37}
.fail{color:#b42318}details{margin:.4rem 0 1rem}
"""


@dataclass
class _Figure:
    name: str  # file stem, also the anchor
    caption: str
    png: bytes


def report(
    results: Results | Sequence[Results] | LRFindResult,
    path: str | os.PathLike[str],
    *,
    title: str | None = None,
    command: str | None = None,
) -> Path:
    """Write an HTML report of a comparison, a sweep or a learning-rate test.

    The page holds the summary table (medians over seeds) and the full table of runs for
    each problem, the figures (convergence against iterations and evaluations, contour plots
    with trajectories for 2-D problems, a heatmap for a sweep, a performance profile across
    several problems, or the learning-rate curve) and everything needed to reproduce the
    run: the settings recorded by `descend.compare` / `descend.sweep` / `descend.lr_find`
    and, when given, the command line.

    Parameters
    ----------
    results : Results, list of Results, or LRFindResult
        What `descend.compare`, `descend.sweep` or `descend.lr_find` returned (a list for a
        race over several problems).
    path : str or path-like
        A file name ending in ``.html`` writes just that page. Anything else is a directory
        (created if needed) that receives ``index.html``, one PNG per figure and
        ``results.json``.
    title : str, optional
        Page heading; default names the problems.
    command : str, optional
        The command that produced the results, shown under "Reproduce".

    Returns
    -------
    pathlib.Path
        The HTML file written.

    Examples
    --------
    >>> import tempfile
    >>> from descend.experiments.compare import compare
    >>> res = compare("booth", ["bfgs", "cg"], budget=50, seeds=1)
    >>> page = report(res, tempfile.mkdtemp())
    >>> page.name, sorted(p.name for p in page.parent.glob("*.png"))[:2]
    ('index.html', ['contour-booth.png', 'convergence-evaluations.png'])
    """
    items, lr_result = _split(results)
    target = Path(path)
    as_directory = target.suffix.lower() != ".html"
    page = target / "index.html" if as_directory else target
    if page.parent.exists() and not page.parent.is_dir():
        raise NotADirectoryError(f"cannot write the report: {page.parent} is not a directory")
    page.parent.mkdir(parents=True, exist_ok=True)
    figures = _figures(items, lr_result)
    payload = lr_result.to_json() if lr_result is not None else _results_json(items)
    if title is None:
        title = (
            "descend learning-rate range test"
            if lr_result is not None
            else "descend: " + ", ".join(item.problem_name for item in items)
        )
    if as_directory:
        for figure in figures:
            write_atomic(page.parent / f"{figure.name}.png", figure.png)
        write_atomic(page.parent / "results.json", json.dumps(payload, indent=2).encode())
    body = _render(title, items, lr_result, figures, payload, command, linked=as_directory)
    write_atomic(page, body.encode("utf-8"))
    return page


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see `descend.atomic.atomic_file`).

    Examples
    --------
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "a.txt"
    >>> write_atomic(target, b"done")
    >>> target.read_bytes()
    b'done'
    """
    with atomic_file(path) as handle:
        handle.write(data)


def _split(results: Any) -> tuple[list[Results], LRFindResult | None]:
    if isinstance(results, LRFindResult):
        return [], results
    items = [results] if isinstance(results, Results) else results
    if (
        not isinstance(items, Sequence)
        or not items
        or not all(isinstance(item, Results) for item in items)
    ):
        raise TypeError(
            "descend.report takes the Results of descend.compare or descend.sweep (or a list "
            f"of them), or the LRFindResult of descend.lr_find; got {type(results).__name__}"
        )
    return list(items), None


def _figures(items: list[Results], lr_result: LRFindResult | None) -> list[_Figure]:
    from descend import plot

    if lr_result is not None:
        return [_Figure("lr-find", "Loss against learning rate", _png(plot.lr_find(lr_result)))]
    figures = [
        _Figure(
            "convergence-iterations",
            "Objective against iterations (median over seeds, band: best to worst seed)",
            _png(plot.convergence(items, x="iteration")),
        ),
        _Figure(
            "convergence-evaluations",
            "Objective against objective evaluations (the cost that is fair across methods)",
            _png(plot.convergence(items, x="evaluations")),
        ),
    ]
    seen: dict[str, int] = {}
    for item in items:
        # Two results for problems of the same name must not overwrite each other's files.
        base = _slug(item.problem_name)
        seen[base] = seen.get(base, 0) + 1
        slug = base if seen[base] == 1 else f"{base}-{seen[base]}"
        has_path = any(run.history.path is not None for run in item.runs)
        if item.problem is not None and item.problem.dim == 2 and has_path:
            figures.append(
                _Figure(
                    f"contour-{slug}",
                    f"{item.problem_name}: level sets and the path of each method (seed "
                    f"{min(run.seed for run in item.runs)})",
                    _png(plot.contour(item)),
                )
            )
        if 1 <= len(item.param_names) <= 2 and len({base_method(m) for m in item.methods}) == 1:
            figures.append(
                _Figure(
                    f"sweep-{slug}",
                    f"{item.problem_name}: final objective for each setting (median over "
                    "seeds; outlined: the best)",
                    _png(plot.sweep_heatmap(item)),
                )
            )
    if len(items) >= 2:
        figures.append(
            _Figure(
                "performance-profile",
                "Performance profile: fraction of problems each method solved within a "
                "factor of the fewest objective evaluations",
                _png(plot.performance_profile(items)),
            )
        )
    return figures


def _png(fig: Any) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return buffer.getvalue()


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-") or "problem"


def _results_json(items: list[Results]) -> dict[str, Any]:
    return {"problems": [item.to_json() for item in items]}


def _render(
    title: str,
    items: list[Results],
    lr_result: LRFindResult | None,
    figures: list[_Figure],
    payload: dict[str, Any],
    command: str | None,
    linked: bool,
) -> str:
    from descend import __version__

    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # An empty icon: without it a browser asks the server for /favicon.ico.
        '<link rel="icon" href="data:,">',
        f"<title>{_e(title)}</title><style>{_STYLE}</style></head><body><main>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="meta">descend {_e(__version__)} &middot; generated {now}</p>',
        '<nav><a href="#results">Results</a><a href="#figures">Figures</a>'
        '<a href="#reproduce">Reproduce</a></nav>',
        '<section id="results"><h2>Results</h2>',
    ]
    parts += _lr_summary(lr_result) if lr_result is not None else _tables(items)
    parts.append('</section><section id="figures"><h2>Figures</h2>')
    for figure in figures:
        data = base64.b64encode(figure.png).decode("ascii")
        link = f' &middot; <a href="{figure.name}.png">{figure.name}.png</a>' if linked else ""
        parts.append(
            f'<figure id="{figure.name}"><img src="data:image/png;base64,{data}" '
            f'alt="{_e(figure.caption)}"><figcaption>{_e(figure.caption)}{link}</figcaption>'
            "</figure>"
        )
    parts.append('</section><section id="reproduce"><h2>Reproduce</h2>')
    if command:
        parts.append(f"<h3>Command</h3><pre>{_e(command)}</pre>")
    if linked:
        parts.append('<p>All numbers: <a href="results.json">results.json</a>.</p>')
    settings = (
        lr_result.to_json()["settings"]
        if lr_result is not None
        else {item.problem_name: payload["problems"][i]["settings"] for i, item in enumerate(items)}
    )
    parts.append(f"<h3>Settings</h3><pre>{_e(json.dumps(settings, indent=2))}</pre>")
    parts.append("</section></main></body></html>")
    return "\n".join(parts)


def _tables(items: list[Results]) -> list[str]:
    parts = []
    for item in items:
        rows = item.rows()
        columns = list(rows[0]) if rows else []
        parts.append(f"<h3>{_e(item.problem_name)}</h3><pre>{_e(item.summary())}</pre>")
        parts.append(f"<details><summary>All {len(rows)} runs</summary><table><thead><tr>")
        parts += [f"<th>{_e(column)}</th>" for column in columns]
        parts.append("</tr></thead><tbody>")
        for row in rows:
            parts.append("<tr>" + "".join(_cell(row[column]) for column in columns) + "</tr>")
        parts.append("</tbody></table></details>")
    return parts


def _lr_summary(result: LRFindResult) -> list[str]:
    diverged = "no" if result.diverged_at is None else f"at lr = {result.diverged_at:.4g}"
    return [
        "<table><tbody>",
        f"<tr><th>suggested learning rate</th><td>{result.suggestion:.4g}</td></tr>",
        f"<tr><th>steps</th><td>{len(result.lrs)}</td></tr>",
        f"<tr><th>range</th><td>{result.lrs[0]:.3g} to {result.lrs[-1]:.3g}</td></tr>",
        f"<tr><th>diverged</th><td>{_e(diverged)}</td></tr>",
        "</tbody></table>",
    ]


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return '<td class="ok">yes</td>' if value else '<td class="fail">no</td>'
    if isinstance(value, float):
        return "<td>&ndash;</td>" if math.isnan(value) else f"<td>{value:.4g}</td>"
    return f"<td>{_e(str(value))}</td>"


def _e(text: str) -> str:
    return html.escape(text, quote=True)
