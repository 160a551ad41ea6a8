"""The ``Assistant`` kind, wired for the generic machinery: read, diff, files, steps."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from asstctl.core.changes import attribute_changes
from asstctl.core.live import JSON, LazyPrints, LiveObject, LiveState, fingerprint
from asstctl.core.model import LocalFile, Project
from asstctl.core.ownership import claim, unique_claims
from asstctl.core.plan import Action, ResourceChange
from asstctl.errors import EndpointError, UsageError
from asstctl.kinds.assistant import apply, record
from asstctl.kinds.assistant.forms import (
    code_interpreter_file_ids,
    desired_assistant_form,
    live_assistant_form,
    vector_store_ids,
)
from asstctl.kinds.assistant.manifest import build_assistant
from asstctl.kinds.assistant.model import DesiredAssistant
from asstctl.kinds.base import ApplyContext, DiffContext, Fetched, Lister, ObjectAPI, Retagging, Step
from asstctl.kinds.tagging import metadata_write, retrieve_json, with_stack_move_note

if TYPE_CHECKING:
    from asstctl.manifest.build import Builder
    from asstctl.manifest.yaml_loader import YamlDocument

PAGE = 100
BETA = "assistants=v2"
ASSISTANTS_GONE = (
    "{base_url} does not serve the Assistants API (/v1/assistants answered 404; OpenAI removed it on "
    "2026-08-26), and asstctl.yaml sets endpoint.assistants: api. Set endpoint.assistants: responses "
    "(or remove the setting: auto) to deploy the assistants through the Responses API."
)
NO_ASSISTANTS_NOTE = (
    "This endpoint does not serve the Assistants API (/v1/assistants answered 404); no assistants to manage."
)
RESPONSES_NOTE = (
    "Assistants are deployed through the Responses API ({why}): each is a rendered configuration; "
    "applications get it with asstctl output --format json or asstctl.api."
)
API_NOTE = (
    "Assistants are deployed as Assistants API objects (endpoint.assistants: auto, and this endpoint "
    "serves /v1/assistants)."
)


class AssistantKind:
    """Assistants (``assistant.<name>``): Assistants API objects, or Responses API configurations."""

    name = "assistant"
    manifest_kind = "Assistant"

    def build(self, builder: Builder, doc: YamlDocument) -> list[Any]:
        assistant, inline = build_assistant(builder, doc)
        return [assistant] if inline is None else [assistant, inline]

    # -- live read -----------------------------------------------------------------------

    def fetch(self, lister: Lister, project: Project, *, destroy: bool) -> Callable[[], Fetched]:
        """Choose the deploy target (``endpoint.assistants``) and read what it keeps: assistant
        objects (``api``), or configuration records from the shared Files listing (``responses``,
        which never calls /v1/assistants)."""
        setting = str(project.settings.get("assistants_target") or "auto")
        declared = bool(project.desired(self.name))
        files = lister.files()
        if setting == record.TARGET:
            note = RESPONSES_NOTE.format(why="endpoint.assistants: responses")
            return lambda: self._records(lister.stack, files.result(), note, declared)
        listing = lister.list_or_none("listing assistants", "/assistants", {"limit": PAGE}, beta=BETA)

        def result() -> Fetched:
            raws = listing.result()
            if raws is None:
                if setting == "api":
                    raise EndpointError(ASSISTANTS_GONE.format(base_url=lister.base_url))
                why = "endpoint.assistants: auto, and /v1/assistants answered 404"
                return self._records(lister.stack, files.result(), RESPONSES_NOTE.format(why=why), declared)
            got = interpret(lister.stack, raws)
            notes = (API_NOTE,) if setting == "auto" and (declared or got.objects) else ()
            got = replace(got, notes=notes, target="api")
            return with_stack_move_note(got, lister.stack, self.name, raws, project, destroy=destroy)

        return result

    def _records(self, stack: str, files: Sequence[Mapping[str, JSON]], note: str, declared: bool) -> Fetched:
        got = record.interpret_records(stack, files, self.name, (note,))
        if not declared and not got.objects:
            return replace(got, notes=(NO_ASSISTANTS_NOTE,))
        return got

    # -- diff ----------------------------------------------------------------------------

    def dependencies(self, desired: DesiredAssistant) -> tuple[str, ...]:
        return (desired.store_address,) if desired.store_address else ()

    def diff(self, desired: DesiredAssistant, live: LiveObject | None, ctx: DiffContext) -> ResourceChange:
        if ctx.live.target(self.name) == record.TARGET:
            return record.diff(self.name, desired, live, ctx)
        create = ResourceChange(
            address=desired.address,
            kind=self.name,
            name=desired.name,
            action=Action.CREATE,
            after=desired_assistant_form(desired, ctx.stack, new_stores=ctx.replaced),
            prevent_destroy=desired.prevent_destroy,
        )
        if live is None:
            return create
        before = live_assistant_form(live.raw, ctx.live, desired=desired)
        changes = attribute_changes(before, create.after)
        action = Action.UPDATE if changes else Action.NOOP
        return replace(create, action=action, id=live.id, before=before, changes=changes)

    def delete(
        self, live: LiveObject, reason: str, desired: DesiredAssistant | None, ctx: DiffContext
    ) -> ResourceChange:
        if isinstance(live, record.LiveRecord):
            return record.delete(self.name, live, reason, desired)
        return ResourceChange(
            address=f"{self.name}.{live.name}",
            kind=self.name,
            name=live.name,
            action=Action.DELETE,
            reason=reason,
            id=live.id,
            before=live_assistant_form(live.raw, ctx.live, desired=None),
            prevent_destroy=bool(desired and desired.prevent_destroy),
        )

    # -- files ---------------------------------------------------------------------------

    def local_files(self, desired: DesiredAssistant) -> tuple[LocalFile, ...]:
        return desired.code_interpreter_files

    def needs_content(self, desired: DesiredAssistant, change: ResourceChange) -> set[str]:
        return set() if change.action is Action.NOOP else {f.path for f in desired.code_interpreter_files}

    def kept_file_ids(self, change: ResourceChange, live: LiveObject | None) -> set[str]:
        if isinstance(live, record.LiveRecord):
            return record.kept_file_ids(change)
        if change.action is not Action.NOOP or live is None:
            return set()
        return code_interpreter_file_ids(live.raw)

    def live_file_ids(self, live: LiveObject) -> set[str]:
        if isinstance(live, record.LiveRecord):
            return set()  # a record names Files, but nothing on the endpoint uses them through it
        return code_interpreter_file_ids(live.raw)

    def live_references(self, live: LiveObject, state: LiveState) -> set[str]:
        if isinstance(live, record.LiveRecord):
            return set()
        return {a for i in vector_store_ids(live.raw) if (a := state.address_of_id(i)) is not None}

    # -- apply ---------------------------------------------------------------------------

    def steps(
        self, change: ResourceChange, desired: DesiredAssistant | None, ctx: ApplyContext
    ) -> list[Step]:
        if ctx.live.target(self.name) == record.TARGET:
            return record.steps(change, desired, ctx)
        return apply.steps(change, desired, ctx)

    # -- adoption (import, forget, moved) --------------------------------------------------

    def retrieve(self, api: ObjectAPI, obj_id: str) -> JSON | None:
        return retrieve_json(api, f"assistant {obj_id}", f"/assistants/{obj_id}", beta=BETA)

    def retag(
        self, api: ObjectAPI, raw: JSON, tags: Mapping[str, str] | None, desired: DesiredAssistant | None
    ) -> Retagging:
        obj_id = str(raw["id"])
        if raw.get("object") == "file" and tags is not None and desired is None:
            return Retagging(writes=())  # ``moved:`` of a record: its own step re-uploads it (record.steps)
        if raw.get("object") not in (None, "assistant"):
            raise UsageError(
                f"{obj_id} is an assistant kept as a Responses configuration record; import, moved and "
                "forget support assistant objects of the Assistants API only"
            )
        write = metadata_write(api, f"assistant {obj_id}", f"/assistants/{obj_id}", raw, tags, beta=BETA)
        notes: tuple[str, ...] = ()
        if desired is not None and code_interpreter_file_ids(raw):
            notes = (
                f"{desired.address}: code interpreter Files carry no owner and are not claimed; the next "
                "apply uploads the declared files under this stack and references those instead",
            )
        return Retagging(writes=(write,), notes=notes)

    def remove(self, api: ObjectAPI, raw: JSON) -> None:
        obj_id = str(raw["id"])
        api.delete(f"deleting assistant {obj_id}", f"/assistants/{obj_id}", beta=BETA)


def interpret(stack: str, raws: Sequence[Mapping[str, JSON]]) -> Fetched:
    """The stack's assistants from the raw list result."""
    objects: dict[str, LiveObject] = {}
    for name, raw in unique_claims(stack, "assistant", raws).items():
        objects[name] = LiveObject(id=str(raw["id"]), name=name, raw=dict(raw))
    prints = LazyPrints(lambda: {o.id: fingerprint(o.raw) for o in objects.values()})
    return Fetched(objects=objects, fingerprints=prints, file_users=borrowed_files(stack, raws))


def borrowed_files(stack: str, raws: Sequence[Mapping[str, JSON]]) -> dict[str, tuple[str, ...]]:
    """File id -> the assistants this stack does not own whose code interpreter uses it."""
    users: dict[str, tuple[str, ...]] = {}
    for raw in raws:
        if claim(raw, stack, "assistant") is not None:
            continue
        resources = raw.get("tool_resources")
        ci = resources.get("code_interpreter") if isinstance(resources, Mapping) else None
        ids = ci.get("file_ids") if isinstance(ci, Mapping) else None
        for fid in ids if isinstance(ids, list) else ():
            users[str(fid)] = (*users.get(str(fid), ()), f"assistant {raw['id']}")
    return users


KIND = AssistantKind()
