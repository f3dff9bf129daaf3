"""AWS::Lambda::Function -> LambdaFunction: runtime, handler, timeout, memory,
environment, and the code found on disk: a CDK asset (S3Key hash in the
asset manifest, or ``aws:asset:path`` metadata), a local path SAM's CodeUri
named, or inline ``ZipFile`` code written to a private directory."""
from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path
from typing import Any

from e2e.gateway.model import LambdaFunction
from e2e.templates.intrinsics import Context, Where, resolve
from e2e.templates.source import Stack

_EXTENSIONS = {"python": (".py",), "nodejs": (".js", ".mjs", ".cjs")}
_INLINE_DIRS: list[str] = []


@atexit.register
def _remove_inline_dirs() -> None:
    for d in _INLINE_DIRS:
        shutil.rmtree(d, ignore_errors=True)


def load_function(stack: Stack, ctx: Context, logical_id: str) -> LambdaFunction:
    resource = stack.template["Resources"][logical_id]
    where = Where(stack.file, logical_id, "Properties")
    props = resolve(resource.get("Properties") or {}, ctx, where)
    for key in ("ImageConfig", "Layers", "SnapStart"):
        if props.get(key):
            where.at(key).fail(f"{key} is not run locally (the local Lambda runs a zip's handler file)")
    if props.get("PackageType") == "Image":
        where.at("PackageType").fail("container-image functions are not run locally")
    runtime = str(props.get("Runtime", ""))
    family = "python" if runtime.startswith("python3.") else "nodejs" if runtime.startswith("nodejs") else None
    if family is None:
        where.at("Runtime").fail(f"runtime {runtime or '(none)'!r} is not run locally (python3.x and nodejs*.x are)")
    handler = str(props.get("Handler", ""))
    module, dot, export = handler.rpartition(".")
    if not dot or not module or not export:
        where.at("Handler").fail(f"expected FILE.FUNCTION, got {handler!r}")
    code_dir = _code_dir(stack, resource, props, where.at("Code"), family, module)
    candidates = [code_dir / f"{module}{ext}" for ext in _EXTENSIONS[family]]
    code = next((c for c in candidates if c.is_file()), None)
    if code is None:
        where.at("Handler").fail(f"handler file {module}{_EXTENSIONS[family][0]} not found in {code_dir}")
    timeout = props.get("Timeout", 3)
    memory = props.get("MemorySize", 128)
    try:
        timeout, memory = float(timeout), int(memory)
    except (TypeError, ValueError):
        where.fail(f"Timeout {timeout!r} / MemorySize {memory!r}: expected numbers")
    if not 0 < timeout <= 900:
        where.at("Timeout").fail("must be more than 0 and at most 900 seconds")
    variables = ((props.get("Environment") or {}).get("Variables") or {})
    if not isinstance(variables, dict):
        where.at("Environment.Variables").fail("expected a mapping")
    environment = {str(k): ("true" if v else "false") if isinstance(v, bool) else str(v)
                   for k, v in variables.items()}
    return LambdaFunction(name=logical_id, runtime=runtime, code=str(code.resolve()),
                          handler=f"{code.stem}.{export}", timeout=timeout, memory_size=memory,
                          environment=environment)


def _code_dir(stack: Stack, resource: dict[str, Any], props: dict[str, Any], where: Where,
              family: str, module: str) -> Path:
    code = props.get("Code")
    if not isinstance(code, dict):
        where.fail("required: S3Bucket/S3Key (an asset), or ZipFile")
    if "ZipFile" in code:
        directory = tempfile.mkdtemp(prefix="cors-e2e-inline-")
        _INLINE_DIRS.append(directory)
        (Path(directory) / f"{module}{_EXTENSIONS[family][0]}").write_text(str(code["ZipFile"]), encoding="utf-8")
        return Path(directory)
    key = str(code.get("S3Key", ""))
    if key in stack.local_code:
        path = stack.local_code[key]
    else:
        digest = key.rsplit("/", 1)[-1].split(".", 1)[0]
        metadata = (resource.get("Metadata") or {}).get("aws:asset:path")
        if digest in stack.assets:
            path = stack.assets[digest]
        elif isinstance(metadata, str):
            path = stack.base_dir / metadata
        elif "S3Bucket" in code or "S3Key" in code:
            where.fail(f"code at s3://{code.get('S3Bucket', '?')}/{key} is not on disk: no asset manifest "
                       f"entry or aws:asset:path metadata names it (a cdk.out directory has them)")
        else:
            where.fail("required: S3Bucket/S3Key (an asset), or ZipFile")
    if path.is_file():
        where.fail(f"{path}: a zip file; unzip it and point the template at the directory")
    if not path.is_dir():
        where.fail(f"the code directory {path} does not exist (asset missing from the assembly?)")
    return path
