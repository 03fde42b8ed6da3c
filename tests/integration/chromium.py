"""Drive headless Chromium over the DevTools protocol on a pipe (--remote-debugging-pipe).

No websocket library is needed: Chromium reads JSON commands on fd 3 and writes
replies on fd 4, each message ended by a NUL byte. Clicks and typing are real
input events (Input.dispatchMouseEvent, Input.insertText), so the page's own
listeners run as they do for a person.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import subprocess
import time
from pathlib import Path

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--remote-debugging-pipe"]  # fmt: skip


class Chromium:
    """One headless Chromium with one page."""

    def __init__(self, binary: str, profile: Path, width: int = 1400, height: int = 1000) -> None:
        to_browser_read, self._to_browser = os.pipe()
        self._from_browser, from_browser_write = os.pipe()

        def place_pipes():  # in the child: its fd 3 reads our commands, fd 4 writes its replies
            high_in = fcntl.fcntl(to_browser_read, fcntl.F_DUPFD, 10)
            high_out = fcntl.fcntl(from_browser_write, fcntl.F_DUPFD, 10)
            os.dup2(high_in, 3)
            os.dup2(high_out, 4)

        command = [binary, *FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}", "about:blank"]
        self.process = subprocess.Popen(command, pass_fds=(3, 4), preexec_fn=place_pipes,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        os.close(to_browser_read)
        os.close(from_browser_write)
        self._buffer = b""
        self._next_id = 0
        self.width = width
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.send("Page.enable", session=True)

    def send(self, method: str, params: dict | None = None, session: bool = False, timeout: float = 60) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self.session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                reply = json.loads(raw)
                if reply.get("id") == self._next_id:
                    if "error" in reply:
                        raise RuntimeError(f"{method}: {reply['error']}")
                    return reply.get("result", {})
            ready, _, _ = select.select([self._from_browser], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                break
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        raise TimeoutError(method)

    def evaluate(self, expression: str):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True}, session=True)  # fmt: skip
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.1)
        raise TimeoutError(f"never true: {expression}")

    def open(self, url: str) -> None:
        self.send("Page.navigate", {"url": url}, session=True)
        self.wait_for("document.readyState === 'complete' && document.body && document.body.dataset.ready")

    def body(self, name: str) -> str | None:
        """A data-* attribute of <body> (the page's record of what it shows)."""
        return self.evaluate(f"document.body.dataset[{json.dumps(name)}] || null")

    def click(self, selector: str) -> None:
        """A real mouse click at the centre of the first element matching selector (scrolled into view)."""
        box = self.evaluate(f"""(function(){{var e=document.querySelector({json.dumps(selector)});
            if(!e) return null; e.scrollIntoView({{block:'center'}}); var r=e.getBoundingClientRect();
            return [r.left+r.width/2, r.top+r.height/2];}})()""")
        if box is None:
            raise LookupError(f"no element {selector}")
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", {"type": kind, "x": box[0], "y": box[1], "button": "left",
                                                   "clickCount": 1}, session=True)  # fmt: skip

    def type(self, selector: str, text: str) -> None:
        """Focus an input, select what it holds and type text over it."""
        self.evaluate(f"(function(){{var e=document.querySelector({json.dumps(selector)}); e.focus(); e.select();}})()")
        self.send("Input.insertText", {"text": text}, session=True)

    def choose(self, selector: str, value: str) -> None:
        """Pick an option of a <select> as the keyboard would (value set, then a change event)."""
        self.evaluate(f"""(function(){{var e=document.querySelector({json.dumps(selector)});
            e.value={json.dumps(value)}; e.dispatchEvent(new Event('change'));}})()""")

    def screenshot(self, path: Path) -> None:
        """A PNG of the whole page (not only the window)."""
        height = self.evaluate("Math.ceil(document.documentElement.scrollHeight)")
        shot = self.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                         "clip": {"x": 0, "y": 0, "width": self.width, "height": min(height, 8000), "scale": 1}},
                         session=True)  # fmt: skip
        path.write_bytes(base64.b64decode(shot["data"]))

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=10)
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        os.close(self._to_browser)
        os.close(self._from_browser)
