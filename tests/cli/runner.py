"""Run the ``descend`` command in a subprocess, as a user's shell would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"


def run_descend(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # The source tree first, so the test runs this checkout even if another is installed.
    paths = [str(SRC), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    env.pop("DISPLAY", None)
    return subprocess.run(
        [sys.executable, "-m", "descend.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
