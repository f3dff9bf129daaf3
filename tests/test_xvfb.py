"""WebKitGTK needs an X display: the harness starts a private Xvfb when there
is none and stops it with the engine."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from e2e.engines.webdriver_engine import WebDriverEngine
from e2e.engines.xvfb import Xvfb, needs_display
from e2e.errors import EnvironmentProblem

pytestmark = pytest.mark.browser


def x11_setup_reply(display: str) -> int:
    """The first byte of the X server's answer to a connection setup request
    (0 failed, 1 success, 2 authenticate), sent on the display's Unix socket."""
    import socket
    import struct

    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
        client.settimeout(10)
        client.connect(f"/tmp/.X11-unix/X{display[1:]}")
        # byte order "l" (little-endian), protocol 11.0, no authorization name or data
        client.sendall(struct.pack("<BxHHHHxx", ord("l"), 11, 0, 0, 0))
        reply = client.recv(8)
    assert reply, "the X server closed the connection without a reply"
    return reply[0]


def test_xvfb_starts_on_a_free_display_and_stops() -> None:
    xvfb = Xvfb()
    display = xvfb.start()
    assert display.startswith(":") and display[1:].isdigit()
    proc = xvfb.process
    assert proc is not None and proc.poll() is None
    # The display answers a real X11 client (xdpyinfo is not installed everywhere):
    # a connection setup on its socket gets the server's "Success" reply.
    assert x11_setup_reply(display) == 1
    xvfb.stop()
    assert proc.poll() is not None
    xvfb.stop()  # twice is fine


def test_two_xvfb_servers_get_different_displays() -> None:
    a, b = Xvfb(), Xvfb()
    try:
        assert a.start() != b.start()
    finally:
        a.stop()
        b.stop()


def test_the_webkit_engine_starts_xvfb_only_without_a_display(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert needs_display()
    engine = WebDriverEngine()
    engine.start()
    try:
        assert engine._xvfb is not None
        xvfb_proc = engine._xvfb.process
        assert xvfb_proc is not None and xvfb_proc.poll() is None
    finally:
        engine.close()
    assert xvfb_proc.poll() is not None
    assert engine._xvfb is None


def test_an_existing_display_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    own = Xvfb()
    monkeypatch.setenv("DISPLAY", own.start())
    try:
        engine = WebDriverEngine()
        engine.start()
        try:
            assert engine._xvfb is None
        finally:
            engine.close()
    finally:
        own.stop()


def test_without_xvfb_the_error_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(EnvironmentProblem, match="apt-get install -y xvfb xauth"):
        Xvfb().start()


def _stand_in_xvfb(tmp_path: Path, failures: int) -> None:
    """An Xvfb on PATH that fails its first `failures` starts the way a real
    one does (a fatal error on stderr, status 1), then runs the real one."""
    real = shutil.which("Xvfb")
    assert real
    count = tmp_path / "count"
    count.write_text("0")
    script = tmp_path / "Xvfb"
    script.write_text(f"""#!/bin/sh
n=$(cat {count}); echo $((n + 1)) > {count}
if [ "$n" -lt {failures} ]; then
  echo "(EE) Fatal server error:" >&2
  echo "(EE) Server is already active for display 0" >&2
  exit 1
fi
exec {real} "$@"
""")
    script.chmod(0o755)


def test_a_failed_start_is_tried_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _stand_in_xvfb(tmp_path, failures=1)
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    xvfb = Xvfb()
    try:
        assert xvfb.start().startswith(":")
    finally:
        xvfb.stop()
    assert (tmp_path / "count").read_text().strip() == "2"


def test_when_every_attempt_fails_the_error_quotes_xvfb(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    _stand_in_xvfb(tmp_path, failures=99)
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    with pytest.raises(EnvironmentProblem) as caught:
        Xvfb().start()
    message = str(caught.value)
    assert "after 3 attempts" in message
    assert "exited with status 1: (EE) Server is already active for display 0" in message
    assert "\n" not in message
