"""``asstctl output``: the live ids of the stack's assistants and vector stores, by address,
so applications and later CI steps can find them.

Formats: ``text`` (``assistant.tutor  asst_…``), ``json`` (address → id, kind, name, and for
an assistant ``responses``: its ``client.responses.create`` arguments) and
``env`` (``ASSTCTL_ASSISTANT_TUTOR_ID=asst_…``, ready for ``>> $GITHUB_ENV``).
``output ADDRESS`` prints just one value, with no newline when piped (``$(asstctl output …)``).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from asstctl.core.live import LiveState
from asstctl.core.model import Project
from asstctl.errors import EndpointError, UsageError
from asstctl.render.values import safe
from asstctl.workflow import prepare


def entries(live: LiveState) -> list[tuple[str, str, str, str]]:
    """(address, kind, name, id) of every live resource the stack owns, sorted by address."""
    rows = [
        (f"{kind}.{o.name}", kind, o.name, o.id)
        for kind, objs in live.resources.items()
        for o in objs.values()
    ]
    return sorted(rows)


def env_name(address: str) -> str:
    """``assistant.math-tutor`` -> ``ASSTCTL_ASSISTANT_MATH_TUTOR_ID``."""
    return "ASSTCTL_" + re.sub(r"[^A-Z0-9]", "_", address.upper()) + "_ID"


def _check_env_names(addresses: list[str]) -> None:
    """Refuse to print two ids under one variable (``vector_store.kb.files`` and
    ``vector_store.kb-files`` both become ``ASSTCTL_VECTOR_STORE_KB_FILES_ID``)."""
    by_name: dict[str, list[str]] = {}
    for address in addresses:
        by_name.setdefault(env_name(address), []).append(address)
    clashes = [f"{' and '.join(a)} both become {n}" for n, a in sorted(by_name.items()) if len(a) > 1]
    if clashes:
        raise UsageError(
            f"output --format env: {'; '.join(clashes)}; rename one of them, or use --format json"
        )


PLAIN_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")
"""What an id the API made looks like (``asst_abc123``, ``vs_…``); anything else is refused by
``--format env``: the line goes into a file such as ``$GITHUB_ENV`` that later steps trust."""


def _check_env_values(rows: list[tuple[str, str, str, str]]) -> None:
    bad = [(addr, rid) for addr, _, _, rid in rows if not PLAIN_ID.fullmatch(rid)]
    if bad:
        shown = "; ".join(f"{addr} has the id {safe(rid[:80])!r}" for addr, rid in bad)
        raise EndpointError(
            f"output --format env: {shown}, which is not a plain id (letters, digits, '_' and '-'); "
            "refusing to write it as an environment variable. Check the endpoint (it may not be the "
            "API), or use --format json"
        )


def rendered_requests(project: Project, live: LiveState) -> dict[str, dict[str, Any]]:
    """Each live assistant's ``client.responses.create`` arguments (from its manifest, with the
    live ids), by address: under both deploy targets."""
    from asstctl.kinds.assistant.record import known_ids
    from asstctl.kinds.assistant.responses import responses_request

    deployed = live.of("assistant")
    return {
        a.address: responses_request(a, known_ids(a, live)) for a in project.assistants if a.name in deployed
    }


def render(live: LiveState, fmt: str, responses: Mapping[str, Any] | None = None) -> str:
    """The view in ``fmt``. An assistant under the ``responses`` target has no object id: JSON
    gives its ``responses`` arguments only, text says so, env leaves it out."""
    configs = responses or {}
    records = (
        {f"assistant.{n}" for n in live.of("assistant")} if live.target("assistant") == "responses" else set()
    )
    if fmt == "json":
        doc: dict[str, Any] = {}
        for addr, kind, name, rid in entries(live):
            entry: dict[str, Any] = (
                {"kind": kind, "name": name} if addr in records else {"id": rid, "kind": kind, "name": name}
            )
            if addr in configs:
                entry["responses"] = configs[addr]
            doc[addr] = entry
        return json.dumps(doc, indent=2) + "\n"
    rows = [
        r if r[0] not in records else (*r[:3], "(Responses API configuration: see --format json)")
        for r in entries(live)
    ]
    if fmt == "env":
        rows = [r for r in rows if r[0] not in records]
        _check_env_names([addr for addr, *_ in rows])
        _check_env_values(rows)
        return "".join(f"{env_name(addr)}={rid}\n" for addr, _, _, rid in rows)
    width = max((len(addr) for addr, *_ in rows), default=0)
    return "".join(f"{safe(addr):<{width}}  {safe(rid)}\n" for addr, _, _, rid in rows)


def one_value(live: LiveState, address: str, fmt: str, responses: Mapping[str, Any] | None = None) -> str:
    """``output ADDRESS``: one value of the JSON view, for scripts (like ``terraform output
    -raw``). ``ADDRESS`` gives its id; ``ADDRESS.FIELD`` another field of its entry. Text is
    the bare value (a string unquoted), json its JSON."""
    if fmt == "env":
        raise UsageError("output ADDRESS prints one value: use --format text (raw) or json")
    doc = json.loads(render(live, "json", responses))
    head, _, field = address.rpartition(".")
    if address in doc:  # an assistant under the responses target: its arguments
        value = doc[address].get("id", doc[address].get("responses"))
    elif isinstance(doc.get(head), dict) and field in doc[head]:
        value = doc[head][field]
    else:
        known = ", ".join(sorted(doc)) or "(none: run asstctl apply first)"
        raise UsageError(
            f"output: no live resource at {address} in stack {live.stack}; live addresses: {known}. "
            "A resource declared but not applied yet has no id: run asstctl apply"
        )
    if fmt == "json" or not isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return value


def run(project_dir: Path, *, fmt: str, sandbox: bool, address: str | None = None) -> int:
    with prepare(project_dir, sandbox=sandbox) as prepared:
        if address is not None:
            configs = rendered_requests(prepared.project, prepared.live)
            value = one_value(prepared.live, address, fmt, configs)
            sys.stdout.write(value + ("\n" if sys.stdout.isatty() else ""))  # raw, as -raw prints
            return 0
        text = render(prepared.live, fmt, rendered_requests(prepared.project, prepared.live))
    if not text and fmt == "text":
        print(
            "No resources: this stack owns nothing on the endpoint yet (run asstctl apply).", file=sys.stderr
        )
    sys.stdout.write(text)
    return 0
