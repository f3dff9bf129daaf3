"""Where a template comes from: a file (JSON or YAML), a SAM file
(translated), or a CDK cloud assembly directory (``cdk.out``: one stack
picked from manifest.json, its asset manifest for Lambda code)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from e2e.templates.cfn_yaml import read_template
from e2e.templates.errors import TemplateError
from e2e.templates.intrinsics import DEFAULT_REGION

SAM_TRANSFORM = "AWS::Serverless-2016-10-31"


@dataclass
class Stack:
    file: str                        # shown in messages: the template's path as given
    template: dict[str, Any]         # CloudFormation (SAM already translated)
    base_dir: Path                   # relative code paths start here
    name: str
    region: str = DEFAULT_REGION
    assets: dict[str, Path] = field(default_factory=dict)       # asset hash -> directory (CDK)
    local_code: dict[str, Path] = field(default_factory=dict)   # S3 key stand-in -> local path (SAM)


def open_stack(path: str | Path, stack: str | None = None,
               parameters: dict[str, str] | None = None) -> Stack:
    where = Path(path)
    if where.is_dir():
        if not (where / "manifest.json").is_file():
            raise TemplateError(str(path), None, None,
                                "a directory must be a CDK cloud assembly (cdk.out with manifest.json)")
        return _cdk_stack(where, stack)
    if not where.is_file():
        raise TemplateError(str(path), None, None, "no such template file or cdk.out directory")
    if stack is not None:
        raise TemplateError(str(path), None, None, "--stack picks a stack of a cdk.out directory; this is one file")
    template = read_template(where)
    name = where.stem.replace(".template", "")
    result = Stack(str(path), template, where.resolve().parent, name)
    transforms = template.get("Transform")
    transforms = transforms if isinstance(transforms, list) else [transforms] if transforms else []
    if SAM_TRANSFORM in transforms:
        from e2e.templates.sam import translate
        result.template, result.local_code = translate(template, str(path), result.base_dir, parameters or {},
                                                       result.region)
    elif transforms:
        raise TemplateError(str(path), None, "Transform",
                            f"transform {transforms[0]!r} cannot be run locally (only {SAM_TRANSFORM})")
    return result


def _cdk_stack(assembly: Path, wanted: str | None) -> Stack:
    shown = str(assembly / "manifest.json")
    try:
        manifest = json.loads((assembly / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise TemplateError(shown, None, None, f"not a readable cloud assembly manifest: {exc}") from None
    artifacts = manifest.get("artifacts") if isinstance(manifest, dict) else None
    if not isinstance(artifacts, dict):
        raise TemplateError(shown, None, "artifacts", "no artifacts: not a CDK cloud assembly")
    stacks = {name: a for name, a in artifacts.items()
              if isinstance(a, dict) and a.get("type") == "aws:cloudformation:stack"}
    if not stacks:
        raise TemplateError(shown, None, "artifacts", "the assembly holds no CloudFormation stack")
    if wanted is None:
        if len(stacks) > 1:
            raise TemplateError(shown, None, "artifacts",
                                f"{len(stacks)} stacks; pick one with --stack ({', '.join(sorted(stacks))})")
        wanted = next(iter(stacks))
    if wanted not in stacks:
        raise TemplateError(shown, None, "artifacts", f"--stack {wanted}: no such stack "
                            f"(stacks: {', '.join(sorted(stacks))})")
    artifact = stacks[wanted]
    props = artifact.get("properties") or {}
    template_file = assembly / str(props.get("templateFile", f"{wanted}.template.json"))
    template = read_template(template_file)
    region = DEFAULT_REGION
    env = str(artifact.get("environment", ""))
    if env.startswith("aws://"):
        env_region = env[len("aws://"):].split("/")[-1]
        if env_region and not env_region.startswith("unknown"):
            region = env_region
    stack = Stack(str(template_file), template, assembly.resolve(), props.get("stackName", wanted), region)
    for dep in artifact.get("dependencies") or []:
        dep_artifact = artifacts.get(dep) or {}
        if dep_artifact.get("type") == "cdk:asset-manifest":
            stack.assets.update(_assets(assembly, str((dep_artifact.get("properties") or {}).get("file", ""))))
    return stack


def _assets(assembly: Path, file: str) -> dict[str, Path]:
    path = assembly / file
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise TemplateError(str(path), None, None, f"cannot read the asset manifest: {exc}") from None
    out: dict[str, Path] = {}
    for digest, entry in (data.get("files") or {}).items():
        source = (entry or {}).get("source") or {}
        if source.get("packaging") == "zip" or (assembly / str(source.get("path", ""))).is_dir():
            out[digest] = assembly / str(source.get("path"))
    return out
