"""Reading a CloudFormation template file: JSON, or YAML with the short
intrinsic tags (``!Ref X``, ``!Sub ...``, ``!GetAtt A.B``), which become the
long form (``{"Ref": "X"}``) the resolver works on."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from e2e.templates.errors import TemplateError

_FN_TAGS = ("And", "Base64", "Cidr", "Equals", "FindInMap", "GetAZs", "If", "ImportValue", "Join",
            "Not", "Or", "Select", "Split", "Sub", "Transform", "ToJsonString", "Length")


class _Loader(yaml.SafeLoader):
    """SafeLoader plus the CloudFormation tags; nothing else is constructed."""


def _construct(tag: str):
    def build(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode):
            value: Any = loader.construct_scalar(node)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        if tag == "Ref":
            return {"Ref": value}
        if tag == "Condition":
            return {"Condition": value}
        if tag == "GetAtt" and isinstance(value, str):
            logical, _, attribute = value.partition(".")
            return {"Fn::GetAtt": [logical, attribute]}
        return {f"Fn::{tag}": value}
    return build


for _tag in (*_FN_TAGS, "Ref", "Condition", "GetAtt"):
    _Loader.add_constructor(f"!{_tag}", _construct(_tag))

# CloudFormation reads timestamps and yes/no as strings; do not let YAML 1.1 guess.
_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag not in ("tag:yaml.org,2002:timestamp",)]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def read_template(path: Path) -> dict[str, Any]:
    """The template as a dict; not CloudFormation at all is a TemplateError."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(path.name, None, None, f"cannot read: {exc}") from None
    try:
        data = json.loads(text) if text.lstrip().startswith("{") else yaml.load(text, Loader=_Loader)  # noqa: S506
    except json.JSONDecodeError as exc:
        raise TemplateError(path.name, None, None, f"line {exc.lineno}: invalid JSON: {exc.msg}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise TemplateError(path.name, None, None, f"{where}invalid YAML: {problem}") from None
    if not isinstance(data, dict) or not isinstance(data.get("Resources"), dict) or not data["Resources"]:
        raise TemplateError(path.name, None, "Resources",
                            "not a CloudFormation template (no Resources mapping)")
    return data
