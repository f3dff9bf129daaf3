"""Exit codes and the typed errors that carry them.

Every error a user can cause (or fix) is one of these, raised with a one-line
message; the CLI prints the message and exits with the code, never a traceback.
"""
from __future__ import annotations

EXIT_OK = 0            # every cell as expected
EXIT_MISMATCH = 1      # some cell differs from its expectation
EXIT_BAD_INPUT = 2     # a scenario file, flag or URL is wrong
EXIT_ENVIRONMENT = 3   # the machine lacks something (a browser, a display server)
EXIT_REGRESSION = 4    # compared with --baseline, a cell got worse
EXIT_INTERNAL = 70     # a bug in cors-e2e itself (CORS_E2E_DEBUG=1 shows the traceback)
EXIT_INTERRUPTED = 130 # stopped by Ctrl-C / SIGTERM; results so far are kept


class CorsE2EError(Exception):
    exit_code = EXIT_BAD_INPUT


class BadInput(CorsE2EError):
    """The user's input is wrong: the message names the file, entry and field."""

    exit_code = EXIT_BAD_INPUT


class EnvironmentProblem(CorsE2EError):
    """Something is missing on this machine: the message says how to install it."""

    exit_code = EXIT_ENVIRONMENT
