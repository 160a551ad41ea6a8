"""The registry of kinds, in dependency order: a kind may depend only on kinds before it.

Apply creates and updates in this order and deletes in reverse; plans list changes in it.
"""

from __future__ import annotations

from asstctl.kinds.agent.kind import KIND as AGENT
from asstctl.kinds.assistant.kind import KIND as ASSISTANT
from asstctl.kinds.base import Kind
from asstctl.kinds.vector_store.kind import KIND as VECTOR_STORE

KINDS: tuple[Kind, ...] = (VECTOR_STORE, ASSISTANT, AGENT)
BY_NAME: dict[str, Kind] = {k.name: k for k in KINDS}
BY_MANIFEST_KIND: dict[str, Kind] = {k.manifest_kind: k for k in KINDS}
