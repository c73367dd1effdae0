import sys

import pytest

pytest.importorskip("matplotlib")

from descend import plot
from descend.plot import _style


def test_standard_methods_keep_their_colour_whatever_else_is_plotted():
    alone = plot.method_colors(["adam"])
    crowd = plot.method_colors(["zeta", "adam", "alpha", "bfgs", "sgd(lr=0.1)"])
    assert alone["adam"] == crowd["adam"] == _style.PALETTE[_style._FIXED["adam"]]
    assert crowd["sgd(lr=0.1)"] == _style.PALETTE[_style._FIXED["sgd"]]
    assert len(set(crowd.values())) == 5


def test_fifteen_methods_get_fifteen_colours():
    names = [f"method{i}" for i in range(15)]
    assert len(set(plot.method_colors(names).values())) == 15


def test_missing_matplotlib_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r"pip install 'descend\[plot\]'"):
        _style.require_matplotlib()
