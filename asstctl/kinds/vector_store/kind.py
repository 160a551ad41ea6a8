"""The ``VectorStore`` kind, wired for the generic machinery: read, diff, files, steps."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from asstctl.core.changes import attribute_changes
from asstctl.core.live import (
    JSON,
    LazyPrints,
    LiveAttachment,
    LiveObject,
    LiveState,
    LiveVectorStore,
    UsersListing,
    fingerprint,
)
from asstctl.core.model import LocalFile, Project
from asstctl.core.normalize import user_attributes
from asstctl.core.ownership import ATTR_PATH, ATTR_SHA256, ATTR_STACK, claim, unique_claims
from asstctl.core.plan import Action, AttributeChange, FileAction, ResourceChange
from asstctl.kinds.base import ApplyContext, DiffContext, Fetched, Lister, ObjectAPI, Retagging, Step
from asstctl.kinds.tagging import retrieve_json, with_stack_move_note
from asstctl.kinds.vector_store import apply, forms
from asstctl.kinds.vector_store.adopt import retag_store
from asstctl.kinds.vector_store.files import attach, diff_files
from asstctl.kinds.vector_store.manifest import build_store
from asstctl.kinds.vector_store.model import DesiredVectorStore

if TYPE_CHECKING:
    from asstctl.manifest.build import Builder
    from asstctl.manifest.yaml_loader import YamlDocument

PAGE = 100
BETA = "assistants=v2"
REASON_EXPIRED = "the vector store has expired"


class VectorStoreKind:
    """Vector stores and their attached files (``vector_store.<name>``)."""

    name = "vector_store"
    manifest_kind = "VectorStore"

    def build(self, builder: Builder, doc: YamlDocument) -> list[Any]:
        return [build_store(builder, doc, doc.data, (), doc.data["name"])]

    # -- live read -----------------------------------------------------------------------

    def fetch(self, lister: Lister, project: Project, *, destroy: bool) -> Callable[[], Fetched]:
        stores = lister.list_all("listing vector stores", "/vector_stores", {"limit": PAGE}, beta=BETA)

        def result() -> Fetched:
            raws = stores.result()
            owned = [str(s["id"]) for s in raws if claim(s, lister.stack, self.name) is not None]
            jobs = {
                vs_id: lister.list_all(
                    f"listing the files of vector store {vs_id}",
                    f"/vector_stores/{vs_id}/files",
                    {"limit": PAGE},
                    beta=BETA,
                )
                for vs_id in owned
            }
            got = interpret(lister.stack, raws, {vs_id: job.result() for vs_id, job in jobs.items()})
            got = replace(got, unread_users=unmanaged_users(raws, set(owned)))
            return with_stack_move_note(got, lister.stack, self.name, raws, project, destroy=destroy)

        return result

    # -- diff ----------------------------------------------------------------------------

    def dependencies(self, desired: DesiredVectorStore) -> tuple[str, ...]:
        return ()

    def diff(self, desired: DesiredVectorStore, live: LiveObject | None, ctx: DiffContext) -> ResourceChange:
        after = forms.desired_vector_store_form(desired, ctx.stack)
        create = ResourceChange(
            address=desired.address,
            kind=self.name,
            name=desired.name,
            action=Action.CREATE,
            after=after,
            prevent_destroy=desired.prevent_destroy,
            file_changes=tuple(attach(f) for f in desired.files),
        )
        if not isinstance(live, LiveVectorStore):
            return create
        wanted = {f.path for f in desired.files}
        kept = [att for att in live.attachments if att.path in wanted]
        before = forms.live_vector_store_form(
            live.raw, kept, unknown_chunking=after["chunking_strategy"], declared=desired.metadata
        )
        if live.raw.get("status") == "expired":
            forced = AttributeChange("status", "expired", None, forces_replacement=True)
            return replace(
                create,
                action=Action.REPLACE,
                reason=REASON_EXPIRED,
                id=live.id,
                before={**before, "status": "expired"},
                changes=(forced, *attribute_changes(before, after)),
                requires_replace=("status",),
            )
        changes = attribute_changes(before, after)
        file_changes, unchanged = diff_files(desired, live)
        return replace(
            create,
            action=Action.UPDATE if changes or file_changes else Action.NOOP,
            id=live.id,
            before=before,
            changes=changes,
            file_changes=file_changes,
            unchanged_files=unchanged,
        )

    def delete(
        self, live: LiveObject, reason: str, desired: DesiredVectorStore | None, ctx: DiffContext
    ) -> ResourceChange:
        attachments = live.attachments if isinstance(live, LiveVectorStore) else ()
        return ResourceChange(
            address=f"{self.name}.{live.name}",
            kind=self.name,
            name=live.name,
            action=Action.DELETE,
            reason=reason,
            id=live.id,
            before=forms.live_vector_store_form(live.raw, [a for a in attachments if a.path is not None]),
            prevent_destroy=bool(desired and desired.prevent_destroy),
            unchanged_files=len(attachments),
        )

    # -- files ---------------------------------------------------------------------------

    def local_files(self, desired: DesiredVectorStore) -> tuple[LocalFile, ...]:
        return desired.files

    def needs_content(self, desired: DesiredVectorStore, change: ResourceChange) -> set[str]:
        return {fc.path for fc in change.file_changes if fc.action in (FileAction.ATTACH, FileAction.REPLACE)}

    def kept_file_ids(self, change: ResourceChange, live: LiveObject | None) -> set[str]:
        if change.action not in (Action.NOOP, Action.UPDATE) or not isinstance(live, LiveVectorStore):
            return set()
        leaving = {
            fc.file_id for fc in change.file_changes if fc.action in (FileAction.DETACH, FileAction.REPLACE)
        }
        return {att.file_id for att in live.attachments if att.file_id not in leaving}

    def live_file_ids(self, live: LiveObject) -> set[str]:
        return {att.file_id for att in live.attachments} if isinstance(live, LiveVectorStore) else set()

    def live_references(self, live: LiveObject, state: LiveState) -> set[str]:
        return set()

    # -- apply ---------------------------------------------------------------------------

    def steps(
        self, change: ResourceChange, desired: DesiredVectorStore | None, ctx: ApplyContext
    ) -> list[Step]:
        return apply.steps(change, desired, ctx)

    # -- adoption (import, forget, moved) --------------------------------------------------

    def retrieve(self, api: ObjectAPI, obj_id: str) -> JSON | None:
        return retrieve_json(api, f"vector store {obj_id}", f"/vector_stores/{obj_id}", beta=BETA)

    def retag(
        self, api: ObjectAPI, raw: JSON, tags: Mapping[str, str] | None, desired: DesiredVectorStore | None
    ) -> Retagging:
        return retag_store(api, raw, tags, desired)

    def remove(self, api: ObjectAPI, raw: JSON) -> None:
        obj_id = str(raw["id"])
        api.delete(f"deleting vector store {obj_id}", f"/vector_stores/{obj_id}", beta=BETA)


# --- interpretation (pure) -----------------------------------------------------------------


def unmanaged_users(raws: Sequence[Mapping[str, JSON]], owned: set[str]) -> tuple[UsersListing, ...]:
    """The file listings of the stores this stack does not own that hold files (read only when
    one of the stack's Files would be deleted: such a store may use it)."""
    out: list[UsersListing] = []
    for raw in raws:
        vs_id = str(raw["id"])
        counts = raw.get("file_counts")
        total = counts.get("total") if isinstance(counts, Mapping) else None
        if vs_id not in owned and total != 0:
            out.append(UsersListing(f"vector store {vs_id}", f"/vector_stores/{vs_id}/files", BETA))
    return tuple(out)


def _attachment(raw: Mapping[str, JSON], stack: str) -> LiveAttachment:
    attributes = dict(raw.get("attributes") or {})
    ours = attributes.get(ATTR_STACK) == stack
    path, sha = attributes.get(ATTR_PATH), attributes.get(ATTR_SHA256)
    return LiveAttachment(
        file_id=str(raw["id"]),
        status=str(raw.get("status") or ""),
        path=str(path) if ours and path is not None else None,
        sha256=str(sha) if ours and sha is not None else None,
        attributes=user_attributes(attributes),
        chunking_strategy=raw.get("chunking_strategy"),
        last_error=raw.get("last_error"),
        raw=dict(raw),
    )


def interpret(
    stack: str, stores: Sequence[Mapping[str, JSON]], attachments: Mapping[str, Sequence[Mapping[str, JSON]]]
) -> Fetched:
    """The stack's vector stores (with their attachments) from raw list results."""
    live: dict[str, LiveObject] = {}
    for name, raw in unique_claims(stack, "vector_store", stores).items():
        vs_id = str(raw["id"])
        atts = attachments.get(vs_id, ())
        live[name] = LiveVectorStore(
            id=vs_id, name=name, raw=dict(raw), attachments=tuple(_attachment(a, stack) for a in atts)
        )
    return Fetched(objects=live, fingerprints=LazyPrints(lambda: _prints(live)))


def _prints(live: Mapping[str, LiveObject]) -> dict[str, str]:
    """Fingerprints of the stores and their attachments, as saved plans compare them."""
    prints: dict[str, str] = {}
    for lv in live.values():
        prints[lv.id] = fingerprint(forms.stable_vector_store(lv.raw))
        for att in lv.attachments if isinstance(lv, LiveVectorStore) else ():
            prints[f"{lv.id}/{att.raw['id']}"] = fingerprint(forms.stable_attachment(att.raw))
    return prints


KIND = VectorStoreKind()
