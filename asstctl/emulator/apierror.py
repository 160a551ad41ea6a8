"""The one error the emulator raises to answer a request with an OpenAI error body."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An HTTP error answer: status plus the four fields of OpenAI's ``{"error": {...}}`` body."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        param: str | None = None,
        code: str | None = None,
        type: str = "invalid_request_error",
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.param = param
        self.code = code
        self.type = type

    def body(self) -> dict[str, Any]:
        """The JSON body OpenAI sends with this error."""
        return {"error": {"message": self.message, "type": self.type, "param": self.param, "code": self.code}}


def not_found(message: str, param: str | None = None) -> ApiError:
    """A 404 for an unknown object id."""
    return ApiError(404, message, param=param)


def invalid(param: str | None, message: str, code: str | None = None) -> ApiError:
    """A 400 invalid_request_error naming ``param``."""
    return ApiError(400, message, param=param, code=code)
