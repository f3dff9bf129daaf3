"""Resolving CloudFormation intrinsic functions locally.

What a deployed stack would know only after creation is given a stand-in
that keeps the reference readable: ``Ref`` to a resource is its logical id (or
its name property for a function), ``Fn::GetAtt [Fn, Arn]`` an ARN ending in
the logical id, ``GetAtt [Api, RootResourceId]`` a marker the REST loader
recognises. So an integration URI built with Join/Sub still names the
function it calls. Anything that cannot be resolved here (an unknown
parameter or resource, ImportValue, an SSM parameter) is a TemplateError
naming the logical id and the property path.
"""
from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from typing import Any

from e2e.templates.errors import TemplateError

ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"
ROOT_MARKER = "cors-e2e-root-resource:"
NO_VALUE = object()   # AWS::NoValue: the key is dropped
_SUB_VAR = re.compile(r"\$\{([^}!][^}]*)\}")


def function_arn(region: str, logical_id: str) -> str:
    return f"arn:aws:lambda:{region}:{ACCOUNT}:function:{logical_id}"


@dataclass
class Context:
    file: str
    template: dict[str, Any]
    parameters: dict[str, str] = field(default_factory=dict)   # --parameter overrides
    region: str = DEFAULT_REGION
    stack_name: str = "cors-e2e-local"

    def __post_init__(self) -> None:
        self.resources: dict[str, Any] = self.template.get("Resources") or {}
        self._conditions: dict[str, bool] = {}
        declared = self.template.get("Parameters") or {}
        unknown = sorted(set(self.parameters) - set(declared))
        if unknown:
            raise TemplateError(self.file, None, f"Parameters.{unknown[0]}",
                                f"--parameter {unknown[0]}: the template declares no such parameter "
                                f"(declared: {', '.join(declared) or 'none'})")

    # -- parameters and pseudo parameters ----------------------------------
    def parameter(self, name: str, where: "Where") -> Any:
        pseudo = {"AWS::Region": self.region, "AWS::AccountId": ACCOUNT, "AWS::Partition": "aws",
                  "AWS::URLSuffix": "amazonaws.com", "AWS::StackName": self.stack_name,
                  "AWS::StackId": f"arn:aws:cloudformation:{self.region}:{ACCOUNT}:stack/{self.stack_name}/local",
                  "AWS::NotificationARNs": []}
        if name in pseudo:
            return pseudo[name]
        if name == "AWS::NoValue":
            return NO_VALUE
        spec = (self.template.get("Parameters") or {}).get(name)
        if not isinstance(spec, dict):
            return None
        if name in self.parameters:
            value: Any = self.parameters[name]
        elif "Default" in spec:
            value = spec["Default"]
        else:
            where.fail(f"parameter {name} has no Default; give it with --parameter {name}=VALUE")
        kind = str(spec.get("Type", "String"))
        if kind.startswith("AWS::SSM::Parameter"):
            where.fail(f"parameter {name} is an SSM parameter ({kind}), which cannot be read locally; "
                       f"give its value with --parameter {name}=VALUE")
        if kind in ("CommaDelimitedList", "List<Number>") or kind.startswith("List<"):
            return [v.strip() for v in value.split(",")] if isinstance(value, str) else list(value)
        allowed = spec.get("AllowedValues")
        if isinstance(allowed, list) and str(value) not in [str(a) for a in allowed]:
            where.fail(f"parameter {name}: {value!r} is not one of its AllowedValues "
                       f"({', '.join(map(str, allowed))})")
        return value if isinstance(value, str) else str(value)

    # -- conditions --------------------------------------------------------------
    def condition(self, name: str, where: "Where") -> bool:
        if name not in self._conditions:
            conditions = self.template.get("Conditions") or {}
            if name not in conditions:
                where.fail(f"unknown condition {name!r} (defined: {', '.join(conditions) or 'none'})")
            self._conditions[name] = False   # a cycle reads as false rather than recursing forever
            value = resolve(conditions[name], self, Where(self.file, None, f"Conditions.{name}"))
            if not isinstance(value, bool):
                Where(self.file, None, f"Conditions.{name}").fail("a condition must be a boolean function")
            self._conditions[name] = value
        return self._conditions[name]

    def resource_enabled(self, logical_id: str) -> bool:
        name = (self.resources.get(logical_id) or {}).get("Condition")
        return True if name is None else self.condition(str(name), Where(self.file, logical_id, "Condition"))

    # -- references to resources -----------------------------------------------
    def ref(self, name: str, where: "Where") -> Any:
        value = self.parameter(name, where)
        if value is not None:
            return value
        resource = self.resources.get(name)
        if not isinstance(resource, dict):
            where.fail(f"unresolvable Ref {name!r}: no parameter, pseudo parameter or resource has that name")
        if resource.get("Type") == "AWS::Lambda::Function":
            named = (resource.get("Properties") or {}).get("FunctionName")
            if isinstance(named, str):
                return named
        return name

    def get_att(self, logical_id: str, attribute: str, where: "Where") -> Any:
        resource = self.resources.get(logical_id)
        if not isinstance(resource, dict):
            where.fail(f"unresolvable Fn::GetAtt {logical_id}.{attribute}: no resource {logical_id}")
        kind = resource.get("Type")
        if attribute == "Arn" and kind == "AWS::Lambda::Function":
            return function_arn(self.region, logical_id)
        if attribute == "RootResourceId":
            return ROOT_MARKER + logical_id
        if attribute in ("ApiEndpoint",):
            return f"https://{logical_id}.execute-api.{self.region}.amazonaws.com"
        if attribute == "Arn":
            return f"arn:aws:{str(kind).split('::')[1].lower() if '::' in str(kind) else 'local'}:" \
                   f"{self.region}:{ACCOUNT}:{logical_id}"
        return f"{logical_id}.{attribute}"


@dataclass
class Where:
    file: str
    logical_id: str | None
    prop: str

    def fail(self, message: str) -> Any:
        raise TemplateError(self.file, self.logical_id, self.prop or None, message)

    def at(self, key: str | int) -> "Where":
        step = f"[{key}]" if isinstance(key, int) else (f".{key}" if self.prop else str(key))
        return Where(self.file, self.logical_id, self.prop + step)


def resolve(value: Any, ctx: Context, where: Where) -> Any:
    """``value`` with every intrinsic function evaluated."""
    if isinstance(value, list):
        out = [resolve(v, ctx, where.at(i)) for i, v in enumerate(value)]
        return [v for v in out if v is not NO_VALUE]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        (key, arg), = value.items()
        if key == "Ref":
            return ctx.ref(_text(resolve(arg, ctx, where), where, key), where.at(key))
        if key == "Condition" and isinstance(arg, str):
            return ctx.condition(arg, where.at(key))
        if key.startswith("Fn::"):
            return _function(key, arg, ctx, where.at(key))
    out = {}
    for k, v in value.items():
        r = resolve(v, ctx, where.at(k))
        if r is not NO_VALUE:
            out[k] = r
    return out


def _function(name: str, arg: Any, ctx: Context, where: Where) -> Any:
    if name == "Fn::If":
        if not isinstance(arg, list) or len(arg) != 3:
            where.fail("expects [condition, value if true, value if false]")
        chosen = arg[1] if ctx.condition(_text(arg[0], where, name), where) else arg[2]
        return resolve(chosen, ctx, where)
    if name == "Fn::Sub":
        return _sub(arg, ctx, where)
    if name == "Fn::GetAtt":
        parts = arg.split(".", 1) if isinstance(arg, str) else resolve(arg, ctx, where)
        if not isinstance(parts, list) or len(parts) != 2:
            where.fail("expects [LogicalId, Attribute]")
        return ctx.get_att(str(parts[0]), str(parts[1]), where)
    args = resolve(arg, ctx, where)
    if name == "Fn::Join":
        if not isinstance(args, list) or len(args) != 2 or not isinstance(args[1], list):
            where.fail("expects [delimiter, [values]]")
        return str(args[0]).join(_text(v, where, name) for v in args[1])
    if name == "Fn::Select":
        if not isinstance(args, list) or len(args) != 2 or not isinstance(args[1], list):
            where.fail("expects [index, [values]]")
        try:
            return args[1][int(args[0])]
        except (ValueError, IndexError):
            where.fail(f"index {args[0]!r} is not in a list of {len(args[1])}")
    if name == "Fn::Split":
        if not isinstance(args, list) or len(args) != 2:
            where.fail("expects [delimiter, string]")
        return _text(args[1], where, name).split(str(args[0]))
    if name == "Fn::Equals":
        if not isinstance(args, list) or len(args) != 2:
            where.fail("expects [value, value]")
        return str(args[0]) == str(args[1])
    if name in ("Fn::And", "Fn::Or"):
        if not isinstance(args, list) or not all(isinstance(a, bool) for a in args):
            where.fail("expects a list of conditions")
        return all(args) if name == "Fn::And" else any(args)
    if name == "Fn::Not":
        if not isinstance(args, list) or len(args) != 1 or not isinstance(args[0], bool):
            where.fail("expects [condition]")
        return not args[0]
    if name == "Fn::FindInMap":
        if not isinstance(args, list) or len(args) not in (3, 4):
            where.fail("expects [MapName, TopKey, SecondKey]")
        try:
            return (ctx.template.get("Mappings") or {})[args[0]][args[1]][args[2]]
        except (KeyError, TypeError):
            if len(args) == 4 and isinstance(args[3], dict) and "DefaultValue" in args[3]:
                return args[3]["DefaultValue"]
            where.fail(f"no mapping {args[0]}.{args[1]}.{args[2]}")
    if name == "Fn::Base64":
        return base64.b64encode(_text(args, where, name).encode()).decode()
    if name == "Fn::GetAZs":
        return [f"{ctx.region}a", f"{ctx.region}b", f"{ctx.region}c"]
    if name == "Fn::ToJsonString":
        return json.dumps(args, separators=(",", ":"))
    if name == "Fn::Length":
        return len(args) if isinstance(args, list) else where.fail("expects a list")
    where.fail(f"{name} cannot be resolved locally")


def _sub(arg: Any, ctx: Context, where: Where) -> str:
    if isinstance(arg, list):
        if len(arg) != 2 or not isinstance(arg[1], dict):
            where.fail("expects a string or [string, {variables}]")
        text, variables = arg[0], {k: resolve(v, ctx, where.at(k)) for k, v in arg[1].items()}
    else:
        text, variables = arg, {}
    if not isinstance(text, str):
        where.fail("expects a string")

    def replace(m: re.Match[str]) -> str:
        name = m.group(1).strip()
        if name in variables:
            return _text(variables[name], where, "Fn::Sub")
        if "." in name and not name.startswith("AWS::"):
            logical, _, attribute = name.partition(".")
            return _text(ctx.get_att(logical, attribute, where), where, "Fn::Sub")
        return _text(ctx.ref(name, where), where, "Fn::Sub")

    # ${!Literal} is written as ${Literal}
    return _SUB_VAR.sub(replace, text).replace("${!", "${")


def _text(value: Any, where: Where, fn: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return where.fail(f"{fn}: expected a string, got {type(value).__name__}")
