"""What a user hands us for their own tools, checked at the edge: the job description and the grammar
folder's optional `domain.yaml`.  One clear line per problem, naming the file and the field."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ... import dataset
from ..base import DomainError


class SchemaError(DomainError):
    """A job description or grammar-folder setting we cannot use; the message names file and field."""


class Function(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")  # OpenAI's rule for names
    description: str = ""
    parameters: dict[str, Any] = Field(default_factory=lambda: {"type": "object", "properties": {}})

    @field_validator("parameters")
    @classmethod
    def _object(cls, v: dict) -> dict:
        if v.get("type", "object") not in ("object", "dict") or not isinstance(v.get("properties", {}), dict):
            raise ValueError("parameters must be an object schema with 'properties'")
        return v


class ToolEntry(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str = "function"
    function: Function


class Job(BaseModel):
    model_config = ConfigDict(extra="allow")
    task_description: str
    tools: list[ToolEntry] = Field(min_length=1)


class Together(BaseModel):
    """Values that go together: when the call's parameters take these values, `then` parameters (when set)
    take one of theirs ("a door status question asks about a door": when device_type=door, room in [front, back])."""
    model_config = ConfigDict(extra="forbid")
    when: dict[str, list[Any]]
    then: dict[str, list[Any]]


class StateRule(BaseModel):
    """Simple state: the tool sets `value` for the thing its `key` parameters name (the lights of a room are
    on or off), so it is never asked to set what is already so."""
    model_config = ConfigDict(extra="forbid")
    key: list[str] = Field(default_factory=list)
    value: str


class ToolRule(BaseModel):
    """Per-tool constraints in domain.yaml (all optional)."""
    model_config = ConfigDict(extra="forbid")
    first: bool = False  # only as the first request (a greeting)
    last: bool = False  # only as the final request (a goodbye)
    not_first: bool = False  # never as the first request (a thank-you)
    after: list[str] | None = None  # may only follow these tools
    differ: list[list[str]] = Field(default_factory=list)  # parameters that must not take the same value
    carry: dict[str, list[str]] = Field(default_factory=dict)  # parameter -> other names it may take a value from
    together: list[Together] = Field(default_factory=list)  # values that go together
    state: StateRule | None = None  # what the tool sets, so it is never asked to set what already is


class DomainSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tools: dict[str, ToolRule] = Field(default_factory=dict)


def _where(e: ValidationError) -> str:
    err = e.errors()[0]
    loc = ".".join(str(x) for x in err["loc"])
    return f"{loc}: {err['msg']}" if loc else err["msg"]


# a parameter becomes a {{ slot }} of the phrasings (the grammar's slot syntax) and a values/<name>.txt file:
# letters, digits and '_', not starting with a digit, 1-64 characters as a tool name
PARAM_NAME = re.compile(r"[A-Za-z_]\w{0,63}")


def load_job(path: Path) -> Job:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise SchemaError(f"{path}: cannot read ({getattr(e, 'strerror', None) or e})") from None
    try:  # strict JSON, as validate reads the job: nesting too deep, NaN or a key given twice is refused
        data = dataset.loads(text.removeprefix("\ufeff"))
    except ValueError as e:
        line = f":{e.lineno}" if getattr(e, "lineno", None) else ""
        raise SchemaError(f"{path}{line}: not JSON ({dataset.json_error(e)})") from None
    try:
        job = Job.model_validate(data)
    except ValidationError as e:
        raise SchemaError(f"{path}: {_where(e)}") from None
    names = [t.function.name for t in job.tools]
    dup = next((n for n in names if names.count(n) > 1), None)
    if dup:
        raise SchemaError(f"{path}: tool {dup!r} is defined twice")
    for entry in job.tools:
        f = entry.function
        for p in f.parameters.get("properties") or {}:
            if not PARAM_NAME.fullmatch(p):
                raise SchemaError(f"{path}: tool {f.name!r}: parameter {p!r} cannot be a phrasing slot or a file "
                                  f"name (1-64 letters, digits or _, not starting with a digit)")
    # what validate would find wrong in the dataset's job description (an invalid schema or regex, a $ref
    # that does not resolve) is refused now, not after writing rows that all fail
    from ...validate import specs_of  # (validate imports no domain: no cycle)
    problems = []
    specs_of(data, str(path), problems)
    if problems:
        raise SchemaError(problems[0].human().removesuffix("; its calls are not checked"))
    for entry in job.tools:
        f = entry.function
        for p, schema in (f.parameters.get("properties") or {}).items():
            if _has_ref(schema):  # values are checked against the parameter's schema alone, where it cannot resolve
                raise SchemaError(f"{path}: tool {f.name!r}: parameter {p!r}: a $ref is not supported in the "
                                  f"parameters of your own tools (write the schema it names in its place)")
            why = _fits_nothing(schema)
            if why:
                raise SchemaError(f"{path}: tool {f.name!r}: parameter {p!r}: no value fits its schema ({why})")
    return job


def _has_ref(schema) -> bool:
    """Whether `schema` holds a $ref anywhere (the data of enum, const, default and examples aside)."""
    todo = [schema]
    while todo:
        s = todo.pop()
        if isinstance(s, list):
            todo.extend(s)
        elif isinstance(s, dict):
            if isinstance(s.get("$ref"), str) or isinstance(s.get("$dynamicRef"), str):
                return True
            todo.extend(v for k, v in s.items() if k not in ("enum", "const", "default", "examples"))
    return False


def _is_number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _fits_nothing(schema) -> str | None:
    """Why no value can fit a parameter's (valid) schema, such as bounds that cross, or None: a call could
    never carry it, and init would write values generate refuses."""
    if schema is False:
        return "it is false"
    if not isinstance(schema, dict):
        return None
    if schema.get("enum") == []:
        return "its enum is empty"
    for low, high in (("minLength", "maxLength"), ("minItems", "maxItems"), ("minProperties", "maxProperties")):
        if _is_number(schema.get(low)) and _is_number(schema.get(high)) and schema[low] > schema[high]:
            return f"{low} {schema[low]} is above {high} {schema[high]}"
    lows = [k for k in ("minimum", "exclusiveMinimum") if _is_number(schema.get(k))]
    highs = [k for k in ("maximum", "exclusiveMaximum") if _is_number(schema.get(k))]
    for low in lows:
        for high in highs:
            lo, hi = schema[low], schema[high]
            if lo > hi or (lo == hi and "exclusive" in low + high):
                return f"{low} {lo} is not below {high} {hi}" if lo == hi else f"{low} {lo} is above {high} {hi}"
    if schema.get("type") == "integer" and lows and highs:
        import math
        least = max(math.floor(schema[k]) + 1 if k == "exclusiveMinimum" else math.ceil(schema[k]) for k in lows)
        most = min(math.ceil(schema[k]) - 1 if k == "exclusiveMaximum" else math.floor(schema[k]) for k in highs)
        if least > most:
            return f"no whole number lies within {', '.join(f'{k} {schema[k]}' for k in lows + highs)}"
    return None


def load_settings(folder: Path, tool_params: dict) -> DomainSettings:
    """domain.yaml of `folder` (empty settings when there is none); `tool_params`: tool -> its parameters."""
    tool_names = set(tool_params)
    path = Path(folder) / "domain.yaml"
    if not path.is_file():
        return DomainSettings()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError) as e:
        raise SchemaError(f"{path}: not readable YAML ({str(e).splitlines()[0] if str(e) else e})") from None
    try:
        s = DomainSettings.model_validate(data)
    except ValidationError as e:
        raise SchemaError(f"{path}: {_where(e)}") from None
    for name, rule in s.tools.items():
        if name not in tool_names:
            raise SchemaError(f"{path}: tools.{name}: no such tool in the job description")
        for other in rule.after or ():
            if other not in tool_names:
                raise SchemaError(f"{path}: tools.{name}.after: no such tool {other!r}")
        params = tool_params.get(name, ())
        for group in rule.differ:
            bad = next((p for p in group if p not in params), None)
            if bad:
                raise SchemaError(f"{path}: tools.{name}.differ: {name} has no parameter {bad!r}")
        bad = next((p for p in rule.carry if p not in params), None)
        if bad:
            raise SchemaError(f"{path}: tools.{name}.carry: {name} has no parameter {bad!r}")
        for i, t in enumerate(rule.together):
            bad = next((p for p in [*t.when, *t.then] if p not in params), None)
            if bad:
                raise SchemaError(f"{path}: tools.{name}.together.{i}: {name} has no parameter {bad!r}")
        if rule.state is not None:
            bad = next((p for p in [*rule.state.key, rule.state.value] if p not in params), None)
            if bad:
                raise SchemaError(f"{path}: tools.{name}.state: {name} has no parameter {bad!r}")
    return s
