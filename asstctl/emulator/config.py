"""The emulator's knobs: latency, faults, lost responses, ingestion delay, and persistence."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class EmulatorConfig:
    """How an emulator behaves. The defaults give a fast, fault-free, in-memory API."""

    latency_ms: int = 0
    """Added to every ``/v1`` request before it is handled."""
    fault_rate: float = 0.0
    """Share of ``/v1`` requests answered 429, 500 or 503 (before any state change)."""
    lost_response_rate: float = 0.0
    """Share of successful writes whose connection is dropped after the write is committed."""
    processing_delay_ms: int = 0
    """How long a vector-store file stays ``in_progress``."""
    seed: int = 0
    """Seed of the random choices behind faults and lost responses."""
    no_assistants: bool = False
    """Answer ``/v1/assistants*`` with 404, as OpenAI does since the Assistants API shutdown."""
    profile: str = "openai"
    """Answer as this server does: ``openai``, ``ogx`` (OGX 1.5.0's divergences) or ``llama-stack``
    (the same, refusing per-file attributes in batches): ``emulator.compat``."""
    state_path: Path | None = None
    """JSON file keeping state across restarts (contents in ``<state>.blobs/``); None: in memory."""
