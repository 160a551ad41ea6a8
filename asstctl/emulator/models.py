"""The Models API (``/v1/models``): a fixed list of model ids, not stored state."""

from __future__ import annotations

from asstctl.emulator.apierror import ApiError
from asstctl.emulator.tables import Rec

MODELS: tuple[tuple[str, int, str], ...] = (
    ("gpt-4o", 1715367049, "system"),
    ("gpt-4o-mini", 1721172741, "system"),
    ("gpt-4.1", 1744316542, "system"),
    ("gpt-4.1-mini", 1744318173, "system"),
    ("gpt-5", 1754425777, "system"),
    ("gpt-5-mini", 1754425928, "system"),
    ("o3-mini", 1737146383, "system"),
    ("gpt-3.5-turbo", 1677610602, "openai"),
)
"""``(id, created, owned_by)`` of each model the emulator lists."""


def _model(model_id: str, created: int, owner: str) -> Rec:
    return {"id": model_id, "object": "model", "created": created, "owned_by": owner}


def list_models() -> Rec:
    return {"object": "list", "data": [_model(*m) for m in MODELS]}


def get_model(model_id: str) -> Rec:
    for m in MODELS:
        if m[0] == model_id:
            return _model(*m)
    raise ApiError(
        404,
        f"The model '{model_id}' does not exist or you do not have access to it.",
        code="model_not_found",
    )
