"""API errors as one clear line each: what failed, where, and what to do. Never the key."""

from __future__ import annotations

import re

import openai

from asstctl.errors import AsstctlError, EndpointError, redact


def api_message(exc: openai.APIStatusError) -> str:
    """The API's own error message (``error.message``), else the SDK's text."""
    body = exc.body
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return str(body["message"])
    detail = body.get("detail") if isinstance(body, dict) else None  # FastAPI servers (OGX)
    if isinstance(detail, str):
        return detail
    return str(exc.message)


_GONE = re.compile(r"not found|does not exist|no such|unknown (?:vector[ _]store|file)", re.IGNORECASE)


def gone(exc: openai.APIStatusError) -> bool:
    """The object is not there: a 404, or a 400 saying so (OGX answers a missing store or file
    400 "Vector_store 'vs_…' not found"). For deletes, where "already gone" counts as done."""
    return isinstance(exc, openai.NotFoundError) or (
        isinstance(exc, openai.BadRequestError) and _GONE.search(api_message(exc)) is not None
    )


def translate(exc: openai.OpenAIError, *, base_url: str, what: str) -> AsstctlError:
    """One ``EndpointError`` line for an SDK error met while doing ``what`` (e.g.
    "listing vector stores") against ``base_url``."""
    if isinstance(exc, openai.AuthenticationError):
        text = f"authentication failed at {base_url}: check OPENAI_API_KEY ({api_message(exc)})"
    elif isinstance(exc, openai.PermissionDeniedError):
        text = (
            f"permission denied at {base_url} while {what}: the key lacks access "
            f"(check its project and permissions, OPENAI_ORG_ID and OPENAI_PROJECT_ID) ({api_message(exc)})"
        )
    elif isinstance(exc, openai.APITimeoutError):
        text = f"timed out talking to {base_url} while {what}: check the network, or try again"
    elif isinstance(exc, openai.APIConnectionError):
        text = connection_message(exc, base_url=base_url, what=what)
    elif isinstance(exc, openai.RateLimitError):
        text = f"rate limited by {base_url} while {what}, even after retries: try again later"
        text += f" ({api_message(exc)})"
    elif isinstance(exc, openai.NotFoundError) and what.startswith("listing"):
        text = (
            f"{base_url} answered 404 while {what}: {api_message(exc)}. Check that the base URL is right "
            "(OPENAI_BASE_URL / endpoint.base_url; it usually ends in /v1)"
        )
    elif isinstance(exc, openai.APIStatusError):
        text = f"{base_url} answered {exc.status_code} while {what}: {api_message(exc)}"
    else:
        text = f"{what} failed: {exc}"
    return EndpointError(redact(" ".join(text.split())))


def describe(exc: BaseException, *, base_url: str, what: str) -> str:
    """One line for any error met while doing ``what``: ours as is, the SDK's translated."""
    if isinstance(exc, AsstctlError):
        return str(exc)
    if isinstance(exc, openai.OpenAIError):
        return str(translate(exc, base_url=base_url, what=what))
    return redact(f"unexpected {type(exc).__name__}: {exc}")


def connection_message(exc: openai.APIConnectionError, *, base_url: str, what: str) -> str:
    """No answer at all from ``base_url``: what happened, and what to check."""
    cause = exc.__cause__ or exc
    detail = f"{type(cause).__name__}: {str(cause).rstrip('.')}"
    if "refused" in detail.lower():
        hint = (
            "nothing is listening there. Is the server running (a local emulator: asstctl emulator, "
            "or use --sandbox)? Check the URL in endpoint.base_url of asstctl.yaml or OPENAI_BASE_URL"
        )
    else:
        hint = (
            "check the URL (endpoint.base_url of asstctl.yaml, or OPENAI_BASE_URL), its host name, "
            "a proxy (HTTPS_PROXY) and your network"
        )
    return f"cannot reach {base_url} while {what} ({detail}): {hint}"
