"""An X display for engines that need one (WebKitGTK), started only when the
machine has none, and stopped with the engine."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time

from e2e.errors import EnvironmentProblem


class Xvfb:
    """A private Xvfb server; ``display`` is ":N" once started."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = None
        self.display: str | None = None
        self._read_fd: int | None = None

    def start(self, timeout: float = 10.0) -> str:
        exe = shutil.which("Xvfb")
        if exe is None:
            raise EnvironmentProblem("webkit needs an X display and Xvfb is not installed; "
                                     "install it with: apt-get install -y xvfb xauth")
        read_fd, write_fd = os.pipe()
        # -displayfd: Xvfb picks a free display number and writes it to us when
        # it is ready, so there is no race on a guessed number.
        self.process = subprocess.Popen(
            [exe, "-displayfd", str(write_fd), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
            pass_fds=[write_fd], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True)
        os.close(write_fd)
        # Read up to the newline, and keep our end open while Xvfb runs: Xvfb
        # may write the number and the newline separately, and a write to a
        # closed pipe would kill it with SIGPIPE.
        self._read_fd = read_fd
        import select

        data = b""
        deadline = time.monotonic() + timeout
        while not data.endswith(b"\n") and time.monotonic() < deadline:
            ready, _, _ = select.select([read_fd], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                break
            chunk = os.read(read_fd, 64)
            if not chunk:
                break
            data += chunk
        number = data.decode().strip()
        if not number.isdigit():
            self.stop()
            raise EnvironmentProblem("Xvfb did not start; check that xvfb and xauth are installed "
                                     "(apt-get install -y xvfb xauth)")
        self.display = f":{number}"
        return self.display

    def stop(self) -> None:
        if self._read_fd is not None:
            os.close(self._read_fd)
            self._read_fd = None
        proc, self.process = self.process, None
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(5)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def needs_display() -> bool:
    return not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY")
