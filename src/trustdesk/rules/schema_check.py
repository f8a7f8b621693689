"""Validating decoded JSON against a shipped schema, with one readable line per error.

jsonschema is imported here lazily: it is slow to import, and most runs find the
result in the validation cache (``rules.cache``) instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from trustdesk import resources
from trustdesk.rules import strict_json
from trustdesk.rules.errors import InputError

# Imported for type checking only: typing costs milliseconds at every CLI start.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from jsonschema.exceptions import ValidationError
    from jsonschema.protocols import Validator


@cache
def schema_bytes(name: str) -> bytes:
    return resources.schema(name).read_bytes()


@cache
def _validator(name: str) -> Validator:
    from jsonschema import Draft202012Validator

    schema = strict_json.loads(schema_bytes(name), str(resources.schema(name)))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def validate(value: Any, schema: str, source: str) -> None:
    """Raise InputError for the most relevant violation of ``schema`` in ``value``."""
    from jsonschema.exceptions import best_match

    error = best_match(_validator(schema).iter_errors(value))
    if error is None:
        return
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = _schema_of(error).get("properties", {})
        unknown = sorted(key for key in error.instance if key not in allowed)
        if unknown:
            raise InputError(
                source,
                _pointer([*error.absolute_path, unknown[0]]),
                f"unknown key {unknown[0]!r}; allowed keys: {', '.join(allowed)}",
            )
    raise InputError(source, _pointer(error.absolute_path), _reason(error))


def _schema_of(error: ValidationError) -> Mapping[str, Any]:
    return error.schema if isinstance(error.schema, Mapping) else {}


def _pointer(path: Any) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


_TYPE_NAMES = {
    "string": "text",
    "array": "a list",
    "object": "an object with keys",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}


def _type_of(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if value is None:
        return "null"
    names = {str: "text", list: "a list", dict: "an object", int: "a number", float: "a number"}
    return names.get(type(value), type(value).__name__)


def _show(value: Any) -> str:
    # Quote the offending value, but keep the message on one readable line.
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _reason(error: ValidationError) -> str:
    """A one-line explanation of a schema error that a non-programmer can act on."""
    kind, raw = error.validator, error.instance
    expected: Any = error.validator_value
    value = _show(raw)
    what = str(_schema_of(error).get("description", ""))
    if kind == "required":
        missing = [key for key in expected if isinstance(raw, dict) and key not in raw]
        return f"missing required key {missing[0]!r}" if missing else "a required key is missing"
    if kind == "type":
        wanted = expected if isinstance(expected, str) else expected[0]
        return f"must be {_TYPE_NAMES.get(wanted, wanted)}, not {_type_of(raw)}"
    if kind == "enum":
        return f"{value} is not allowed; use one of: {', '.join(map(str, expected))}"
    if kind == "const":
        return f"must be {expected!r}, not {value}"
    if kind == "pattern":
        if expected == "\\S":
            return "must not be blank"
        if "YYYY-MM-DD" in what:
            return f"{value} is not a date written YYYY-MM-DD"
        if "section" in what.lower():
            return (
                f"{value} is not a section in canonical form;"
                " write it like 53a-134 (lower case, with a dash, no sub-section)"
            )
        if "identifier" in what:
            return f"{value} must be lower-case letters, digits and dashes, starting with a letter"
        return f"{value} does not have the expected form" + (f" ({what})" if what else "")
    if kind == "minItems":
        return "must not be empty" if expected == 1 else f"needs at least {expected} items"
    if kind == "uniqueItems":
        return "lists the same value more than once; list each once"
    if kind == "minLength":
        return "must not be empty"
    if kind == "maxLength":
        return f"is longer than {expected} characters"
    if kind in ("oneOf", "anyOf") and what:
        return f"matches none of the allowed forms; expected {what[0].lower()}{what[1:]}"
    if kind == "minProperties":
        return f"needs at least {expected} keys"
    message = str(error.message)
    return message if len(message) <= 200 else message[:197] + "..."
