"""A template that cannot be loaded: one line naming file, logical id and
property path. A subclass of ApiDefinitionError, so every caller that reports
a bad fixture definition (exit 2) reports a bad template the same way."""
from __future__ import annotations

from e2e.gateway.errors import ApiDefinitionError


class TemplateError(ApiDefinitionError):
    def __init__(self, file: str, logical_id: str | None, prop: str | None, message: str) -> None:
        where = ".".join(p for p in (f"Resources.{logical_id}" if logical_id else None, prop) if p)
        self.logical_id = logical_id
        super().__init__(file, where, message)
