"""One error type for broken business rules.

Services raise `RuleViolation`; HTML views turn it into a form error or a flash
message, the API into the one JSON error shape with the status it carries.
"""

from __future__ import annotations

from typing import Any


class RuleViolation(Exception):
    """A business rule refuses the action.

    `status` is the HTTP status the API answers with: 400 for bad input,
    403 for a missing right, 404 for something not visible, 409 for a rule
    such as PS-5 or PS-7.
    """

    def __init__(
        self,
        code: str,
        message: Any,
        *,
        status: int = 409,
        fields: dict[str, list[str]] | None = None,
        **details: Any,
    ) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.status = status
        self.fields = fields or {}
        self.details = details

    def __str__(self) -> str:
        return str(self.message)


class InvalidInput(RuleViolation):
    def __init__(self, code: str, message: Any, *, fields: dict[str, list[str]] | None = None, **details: Any):
        super().__init__(code, message, status=400, fields=fields, **details)


class NotAllowed(RuleViolation):
    def __init__(self, code: str, message: Any, **details: Any):
        super().__init__(code, message, status=403, **details)
