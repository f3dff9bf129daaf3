"""An X display for engines that need one (WebKitGTK), started only when the
machine has none, and stopped with the engine."""
from __future__ import annotations

import os
import select
import shutil
import signal
import subprocess
import tempfile
import time

from e2e.errors import EnvironmentProblem


class Xvfb:
    """A private Xvfb server; ``display`` is ":N" once started."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = None
        self.display: str | None = None
        self._read_fd: int | None = None

    def start(self, timeout: float = 30.0, attempts: int = 3) -> str:
        exe = shutil.which("Xvfb")
        if exe is None:
            raise EnvironmentProblem("webkit needs an X display and Xvfb is not installed; "
                                     "install it with: apt-get install -y xvfb xauth")
        # Xvfb has been seen not to come up once in a full test run (cause not
        # caught); a fresh attempt is cheap, a lost engine is not.
        problem = ""
        for _ in range(attempts):
            number, problem = self._start_once(exe, timeout)
            if number is not None:
                self.display = f":{number}"
                return self.display
            self.stop()
        raise EnvironmentProblem(f"Xvfb did not start after {attempts} attempts ({problem}); "
                                 "check that xvfb and xauth are installed (apt-get install -y xvfb xauth)")

    def _start_once(self, exe: str, timeout: float) -> tuple[str | None, str]:
        """Start Xvfb; return its display number, or None and what went wrong."""
        read_fd, write_fd = os.pipe()
        with tempfile.TemporaryFile() as log:
            # -displayfd: Xvfb picks a free display number and writes it to us
            # when it is ready, so there is no race on a guessed number.
            self.process = subprocess.Popen(
                [exe, "-displayfd", str(write_fd), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                pass_fds=[write_fd], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=log, start_new_session=True)
            os.close(write_fd)
            # Read up to the newline, and keep our end open while Xvfb runs:
            # Xvfb may write the number and the newline separately, and a write
            # to a closed pipe would kill it with SIGPIPE.
            self._read_fd = read_fd
            data = b""
            deadline = time.monotonic() + timeout
            while not data.endswith(b"\n") and time.monotonic() < deadline:
                poller = select.poll()  # not select(): this process may hold over 1024 fds
                poller.register(read_fd, select.POLLIN)
                if not poller.poll(max(0.0, deadline - time.monotonic()) * 1000):
                    break
                chunk = os.read(read_fd, 64)
                if not chunk:
                    break
                data += chunk
            number = data.decode(errors="replace").strip()
            if number.isdigit():
                return number, ""
            try:
                # Its end of the pipe closes a moment before it can be reaped.
                code: int | None = self.process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                code = None
            if code is None:
                return None, f"no display number within {timeout:.0f} s"
            log.seek(0)
            lines = [line.strip() for line in log.read().decode(errors="replace").splitlines() if line.strip()]
            said = f": {lines[-1]}" if lines else ""
            return None, f"it exited with status {code}{said}"

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
