"""SAM templates, translated by AWS's own aws-sam-translator (never by hand).

The translator rejects local code paths (``'CodeUri' is not a valid S3
Uri``), so, as SAM CLI does, each local ``CodeUri`` is replaced before the
translation by an S3 stand-in and remembered: the Lambda loader maps the
stand-in key back to the directory. A local ``DefinitionUri`` is read and
inlined as ``DefinitionBody``. The translator needs a region; it is set on
its ARN generator and, for the boto3 session it also reads, in
AWS_DEFAULT_REGION for the duration of the call (restored after).
"""
from __future__ import annotations

import copy
import logging
import os
from pathlib import Path
from typing import Any

from e2e.templates.cfn_yaml import read_template
from e2e.templates.errors import TemplateError
from e2e.templates.intrinsics import ACCOUNT

# The translator logs internal bookkeeping (unpublished CloudWatch metrics)
# as warnings; without a handler Python would print them on stderr.
logging.getLogger("samtranslator").addHandler(logging.NullHandler())

_BUCKET = "cors-e2e-local-code"
_FUNCTIONS = ("AWS::Serverless::Function",)
_APIS = ("AWS::Serverless::Api", "AWS::Serverless::HttpApi")


class _NoManagedPolicies:
    """The translator asks IAM for managed policy ARNs; locally there are none to ask."""

    def load(self) -> dict[str, str]:
        return {}


def translate(template: dict[str, Any], file: str, base_dir: Path, parameters: dict[str, str],
              region: str) -> tuple[dict[str, Any], dict[str, Path]]:
    from samtranslator.model.exceptions import InvalidDocumentException, InvalidResourceException
    from samtranslator.translator.arn_generator import ArnGenerator
    from samtranslator.translator.transform import transform

    template = copy.deepcopy(template)
    local_code: dict[str, Path] = {}
    resources = template.get("Resources") or {}
    globals_function = ((template.get("Globals") or {}).get("Function") or {})
    if _is_local(globals_function.get("CodeUri")):
        globals_function["CodeUri"] = _stand_in(globals_function["CodeUri"], base_dir, local_code,
                                                file, None, "Globals.Function.CodeUri")
    for logical, resource in resources.items():
        if not isinstance(resource, dict):
            continue
        props = resource.get("Properties") or {}
        if resource.get("Type") in _FUNCTIONS and _is_local(props.get("CodeUri")):
            props["CodeUri"] = _stand_in(props["CodeUri"], base_dir, local_code, file, logical, "Properties.CodeUri")
        if resource.get("Type") in _APIS and _is_local(props.get("DefinitionUri")):
            definition = (base_dir / props.pop("DefinitionUri")).resolve()
            props["DefinitionBody"] = read_template_body(definition, file, logical)
    values: dict[str, Any] = {"AWS::Region": region, "AWS::AccountId": ACCOUNT, "AWS::Partition": "aws",
                              **parameters}
    previous = ArnGenerator.BOTO_SESSION_REGION_NAME, os.environ.get("AWS_DEFAULT_REGION")
    ArnGenerator.BOTO_SESSION_REGION_NAME = region
    os.environ["AWS_DEFAULT_REGION"] = region
    try:
        translated = transform(template, values, _NoManagedPolicies())
    except InvalidDocumentException as exc:
        cause = exc.causes[0] if exc.causes else exc
        logical = getattr(cause, "_logical_id", None)
        message = getattr(cause, "_message", None) or cause.message
        raise TemplateError(file, logical if isinstance(logical, str) else None, None,
                            f"SAM translation failed: {message}") from None
    except InvalidResourceException as exc:
        raise TemplateError(file, str(exc._logical_id), None, f"SAM translation failed: {exc._message}") from None
    except Exception as exc:  # noqa: BLE001 - the translator's own bugs are still the template's line
        raise TemplateError(file, None, None, f"SAM translation failed: {type(exc).__name__}: {exc}") from None
    finally:
        ArnGenerator.BOTO_SESSION_REGION_NAME = previous[0]
        if previous[1] is None:
            os.environ.pop("AWS_DEFAULT_REGION", None)
        else:
            os.environ["AWS_DEFAULT_REGION"] = previous[1]
    return translated, local_code


def _is_local(uri: Any) -> bool:
    return isinstance(uri, str) and not uri.startswith("s3://")


def _stand_in(uri: str, base_dir: Path, local_code: dict[str, Path], file: str, logical: str | None,
              prop: str) -> str:
    path = (base_dir / uri).resolve()
    if not path.exists():
        raise TemplateError(file, logical, prop, f"local code path {path} does not exist")
    key = f"local-{len(local_code)}.zip"
    local_code[key] = path
    return f"s3://{_BUCKET}/{key}"


def read_template_body(path: Path, file: str, logical: str) -> Any:
    if not path.is_file():
        raise TemplateError(file, logical, "Properties.DefinitionUri", f"{path} does not exist")
    try:
        return read_template(path)
    except TemplateError:
        # An OpenAPI document has no Resources: read it as plain YAML/JSON with the tags.
        import yaml

        from e2e.templates.cfn_yaml import _Loader
        try:
            return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506
        except (OSError, yaml.YAMLError) as exc:
            raise TemplateError(file, logical, "Properties.DefinitionUri", f"cannot read {path}: {exc}") from None
