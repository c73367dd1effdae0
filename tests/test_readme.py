"""The README's Python examples run as written, in order, and give the results they claim."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_examples_run_and_converge() -> None:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    assert blocks, "the README should show Python examples"
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, str(README), "exec"), namespace)
    # The final minimize() call solves the same logistic regression the first block trains:
    # its gradient vanishes and its Hessian is positive definite there.
    result = namespace["r"]
    assert result.success
    grad = namespace["descend"].grad(namespace["loss"])(result.x, namespace["X"], namespace["y"])
    assert np.linalg.norm(grad) < 1e-5
    assert np.all(np.linalg.eigvalsh(namespace["descend"].hessian(namespace["loss"])(
        result.x, namespace["X"], namespace["y"])) > 0)  # fmt: skip
