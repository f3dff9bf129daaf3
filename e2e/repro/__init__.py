"""Inputs for ``cors-e2e repro``: a customer's failing request, from a curl
command (DevTools "Copy as cURL") or a HAR file, turned into the one request a
page must make, plus a replay server that serves a HAR's recorded responses.

Pure parsing lives in :mod:`e2e.repro.request`, :mod:`e2e.repro.curl` and
:mod:`e2e.repro.har`; the only I/O is reading the HAR file and the server in
:mod:`e2e.repro.replay_server`.
"""
from __future__ import annotations

from e2e.repro.curl import parse_curl
from e2e.repro.har import HarCase, RecordedResponse, load_har, read_har
from e2e.repro.replay_server import ReplayServer, respond_for_case
from e2e.repro.request import ParsedRequest

__all__ = ["HarCase", "ParsedRequest", "RecordedResponse", "ReplayServer", "load_har", "parse_curl",
           "read_har", "respond_for_case"]
