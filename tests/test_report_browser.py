"""Open a generated report in headless Chromium: every image renders, the console stays clean.

Chromium is driven through its DevTools protocol over ``--remote-debugging-pipe`` (file
descriptors 3 and 4, NUL-separated JSON messages), so no Python package is needed. Outside
CI the test is skipped when Chromium is not installed; in CI (``CI`` set) it must run.
A screenshot of the page is kept in the test's temporary directory.
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("matplotlib")

import contextlib

import descend
from descend import problems
from descend.experiments import Results, Run
from descend.report import report

_BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def _browser() -> str:
    for name in _BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI"):
        pytest.fail(
            "CI must run the browser test: install Debian's chromium (apt-get install "
            "chromium chromium-driver)"
        )
    pytest.skip("chromium is not installed (apt-get install chromium)")


class DevTools:
    """A minimal DevTools-protocol client over Chromium's debugging pipe."""

    def __init__(self, browser: str, profile: Path) -> None:
        to_browser_read, self._to_browser = os.pipe()
        self._from_browser, from_browser_write = os.pipe()

        def wire_pipes() -> None:  # runs in the child: the protocol lives on fds 3 and 4
            os.dup2(to_browser_read, 3)
            os.dup2(from_browser_write, 4)

        self._profile = profile
        self._log = open(profile.parent / "chromium.log", "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                f"--user-data-dir={profile}",
                "--remote-debugging-pipe",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=self._log,
            preexec_fn=wire_pipes,
            close_fds=False,
        )
        os.close(to_browser_read)
        os.close(from_browser_write)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        session: str | None = None,
        timeout: float = 30.0,
    ) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._receive(timeout)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method} failed: {reply['error']}")
                return reply["result"]

    def wait_for(self, event: str, timeout: float = 30.0) -> dict[str, Any]:
        for seen in self.events:
            if seen["method"] == event:
                return seen
        while True:
            message = self._receive(timeout)
            if message.get("method") == event:
                return message

    def _receive(self, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while b"\0" not in self._buffer:
            remaining = deadline - time.monotonic()
            ready, _, _ = select.select([self._from_browser], [], [], max(remaining, 0))
            if not ready:
                raise TimeoutError("chromium did not answer in time")
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message = json.loads(raw)
        if "method" in message:
            self.events.append(message)
        return message

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, TimeoutError, OSError):
            self.send("Browser.close", timeout=5)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)
        self._log.close()
        shutil.rmtree(self._profile, ignore_errors=True)  # keep the CI artifact small


def load_in_browser(page: Path, screenshot: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """Open ``page``; return each image's rendering state and every console error."""
    browser = DevTools(_browser(), screenshot.parent / "chromium-profile")
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Log"):
            browser.send(f"{domain}.enable", session=session)
        browser.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": 1200, "height": 900, "deviceScaleFactor": 1, "mobile": False},
            session=session,
        )
        browser.send("Page.navigate", {"url": page.as_uri()}, session=session)
        browser.wait_for("Page.loadEventFired")
        images = browser.send(
            "Runtime.evaluate",
            {
                "expression": "Array.from(document.images).map(i => ({src: i.src.slice(0, 40), "
                "complete: i.complete, width: i.naturalWidth, height: i.naturalHeight}))",
                "returnByValue": True,
            },
            session=session,
        )["result"]["value"]
        shot = browser.send(
            "Page.captureScreenshot",
            {"format": "png", "captureBeyondViewport": True},
            session=session,
        )
        screenshot.write_bytes(base64.b64decode(shot["data"]))
        errors = [_describe(event) for event in browser.events if _is_error(event)]
    finally:
        browser.close()
    return images, errors


def _is_error(event: dict[str, Any]) -> bool:
    method, params = event["method"], event.get("params", {})
    if method == "Runtime.exceptionThrown":
        return True
    if method == "Runtime.consoleAPICalled":
        return params.get("type") in ("error", "assert")
    if method == "Log.entryAdded":
        return params.get("entry", {}).get("level") == "error"
    return False


def _describe(event: dict[str, Any]) -> str:
    return json.dumps(event.get("params", {}))[:300]


def _race() -> list[Results]:
    out = []
    for name in ("rosenbrock", "booth"):
        p = problems.get(name)
        runs = [
            Run(m, 0, r.history, r)
            for m in ("bfgs", "cg", "gd")
            for r in [descend.minimize(p.fun, p.x0, m, max_iter=100, options={"keep_path": True})]
        ]
        out.append(Results(name, p, runs, {"budget": {"max_iter": 100}}, target=1e-6))
    return out


def test_every_image_of_the_report_renders_without_console_errors(tmp_path):
    page = report(_race(), tmp_path / "report", command="descend compare rosenbrock booth")
    screenshot = tmp_path / "report-screenshot.png"
    images, errors = load_in_browser(page, screenshot)
    assert len(images) == 5  # 2 convergence plots, 2 contours, the performance profile
    for image in images:
        assert image["src"].startswith("data:image/png;base64,")
        assert image["complete"] and image["width"] > 0 and image["height"] > 0, image
    assert errors == []
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert screenshot.stat().st_size > 20_000  # a rendered page, not a blank one


def test_the_check_catches_a_broken_image_and_a_console_error(tmp_path):
    # The same harness on a page that is broken on purpose: it must notice both faults.
    page = tmp_path / "broken.html"
    page.write_text(
        '<!DOCTYPE html><html><head><link rel="icon" href="data:,"></head><body>'
        '<img src="data:image/png;base64,AAAA"><script>console.error("boom")</script>'
        "</body></html>"
    )
    images, errors = load_in_browser(page, tmp_path / "broken.png")
    assert [image["width"] for image in images] == [0]
    assert any("boom" in error for error in errors)
