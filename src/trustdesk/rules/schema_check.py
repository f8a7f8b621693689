"""Validating decoded JSON against a shipped schema, with one readable line per error.

jsonschema is imported here lazily: it is slow to import, and most runs find the
result in the validation cache (``rules.cache``) instead.
"""

from __future__ import annotations

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


def _pointer(path: Any) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def _describe(error: ValidationError) -> str:
    validator = error.validator
    if validator == "additionalProperties":
        return f"{error.message}; remove it or check its spelling"
    if validator == "required":
        return f"missing required field: {error.message}"
    if validator in ("oneOf", "anyOf"):
        return (
            "does not match any allowed form here "
            f"({error.message[:120]}); check the field names and values"
        )
    return str(error.message)


def validate(value: Any, schema: str, source: str) -> None:
    """Raise InputError for the most relevant schema violation in ``value``."""
    from jsonschema.exceptions import best_match

    error = best_match(_validator(schema).iter_errors(value))
    if error is None:
        return
    raise InputError(source, _pointer(error.absolute_path), _describe(error))
