"""Figures for comparing gradient methods: convergence, contours, sweeps, lr finder, profiles.

Every function takes the objects returned by `descend.compare`, `descend.sweep` or
`descend.lr_find` and returns a :class:`matplotlib.figure.Figure`, built without pyplot (no
window opens, nothing global changes); save it with ``fig.savefig("name.png")`` or show it
in a notebook by leaving it as a cell's value. A method has the same colour in every figure.

matplotlib is needed only here: ``pip install 'descend[plot]'``.

Examples
--------
>>> from descend import plot, problems
>>> fig = plot.contour(problems.get("beale"), resolution=40)
>>> type(fig).__name__
'Figure'
"""

from descend.plot._style import method_colors
from descend.plot.contour import contour
from descend.plot.convergence import convergence
from descend.plot.heatmap import sweep_heatmap
from descend.plot.lr_finder import lr_find
from descend.plot.profile import performance_profile, performance_ratios

__all__ = [
    "contour",
    "convergence",
    "lr_find",
    "method_colors",
    "performance_profile",
    "performance_ratios",
    "sweep_heatmap",
]
