"""A small Chrome DevTools Protocol client for the report tests: Debian's Chromium, one launch per module.

Launches ``chromium`` headless with a fresh profile and networking features off, attaches to one page over
the protocol's websocket (flattened sessions), and records what the tests assert on: console errors, thrown
exceptions, network requests other than the page itself, and JavaScript dialogs (which are dismissed).
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import websocket

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--mute-audio", "--remote-debugging-port=0", "--remote-allow-origins=*")


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


class Browser:
    def __init__(self, program: str) -> None:
        self.profile = tempfile.mkdtemp(prefix="configscan-cdp-")
        self.proc = subprocess.Popen([program, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = Path(self.profile) / "DevToolsActivePort"
        for _ in range(300):  # up to 30 s for a cold start on a loaded 2-core machine
            if port_file.is_file() and len(port_file.read_text().splitlines()) >= 2:
                break
            if self.proc.poll() is not None:
                raise RuntimeError(f"chromium exited {self.proc.returncode} before listening")
            time.sleep(0.1)
        port, path = port_file.read_text().splitlines()[:2]
        self.ws = websocket.create_connection(f"ws://127.0.0.1:{port}{path}", timeout=60, suppress_origin=True)
        self.next_id = 0
        self.events: list[dict[str, Any]] = []
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.page(f"{domain}.enable")

    def call(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> Any:
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self.ws.send(json.dumps(message))
        while True:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self._event(reply)

    def _event(self, event: dict[str, Any]) -> None:
        self.events.append(event)
        if event.get("method") == "Page.javascriptDialogOpening":
            self.ws.send(json.dumps({"id": 0, "sessionId": self.session, "method": "Page.handleJavaScriptDialog",
                                     "params": {"accept": False}}))

    def page(self, method: str, params: dict[str, Any] | None = None) -> Any:
        return self.call(method, params, self.session)

    def open(self, path: Path, width: int = 1280, height: int = 800, scripts: bool = True) -> None:
        """Load a file at a viewport size and wait for the load event; events start afresh."""
        self.page("Emulation.setDeviceMetricsOverride", {"width": width, "height": height,
                                                          "deviceScaleFactor": 1, "mobile": width < 600})
        self.page("Emulation.setScriptExecutionDisabled", {"value": not scripts})
        self.events = []
        self.page("Page.navigate", {"url": path.resolve().as_uri()})
        deadline = time.monotonic() + 60
        while not any(e.get("method") == "Page.loadEventFired" for e in self.events):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{path} did not load")
            self._event(json.loads(self.ws.recv()))
        self.page("Runtime.evaluate", {"expression": "1"})  # drain events queued during load

    def eval(self, expression: str) -> Any:
        reply = self.page("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in reply:
            raise RuntimeError(f"{expression}: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def problems(self, page_url: str) -> dict[str, list[str]]:
        """Console errors, exceptions, dialogs and requests for anything but the page itself."""
        out: dict[str, list[str]] = {"console": [], "requests": [], "dialogs": []}
        for e in self.events:
            method, params = e.get("method"), e.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                out["console"].append(json.dumps(params.get("args"))[:200])
            elif method == "Runtime.exceptionThrown":
                out["console"].append(json.dumps(params.get("exceptionDetails"))[:200])
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                out["console"].append(params["entry"].get("text", "")[:200])
            elif method == "Network.requestWillBeSent" and params["request"]["url"] != page_url:
                out["requests"].append(params["request"]["url"])
            elif method == "Page.javascriptDialogOpening":
                out["dialogs"].append(params.get("message", ""))
        return out

    def screenshot(self, target: Path, full: bool = False) -> None:
        params: dict[str, Any] = {"format": "png"}
        if full:
            params["captureBeyondViewport"] = True
        target.write_bytes(base64.b64decode(self.page("Page.captureScreenshot", params)["data"]))

    def pdf(self) -> bytes:
        reply = self.page("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True,
                                              "displayHeaderFooter": False, "generateTaggedPDF": False})
        return base64.b64decode(reply["data"])

    def close(self) -> None:
        try:
            self.ws.close()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            shutil.rmtree(self.profile, ignore_errors=True)
