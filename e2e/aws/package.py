"""Lambda deployment packages from fixtures/lambdas: deterministic zips (fixed
timestamps and order), so an unchanged handler has an unchanged CodeSha256 and
a second deploy uploads nothing."""
from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from pathlib import Path


def package(code: str) -> bytes:
    """The handler file plus its siblings of the same kind (a Python handler
    may import a neighbour, as slow_report imports reference)."""
    path = Path(code)
    suffixes = (".py",) if path.suffix == ".py" else (".mjs", ".js", ".cjs")
    files = sorted(p for p in path.parent.iterdir() if p.is_file() and p.suffix in suffixes)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in files:
            info = zipfile.ZipInfo(f.name, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, f.read_bytes())
    return buf.getvalue()


def code_sha256(data: bytes) -> str:
    """How Lambda reports a package: base64 of its SHA-256."""
    return base64.b64encode(hashlib.sha256(data).digest()).decode()
