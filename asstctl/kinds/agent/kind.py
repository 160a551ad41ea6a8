"""The ``Agent`` kind, wired for the generic machinery: read, diff, steps (no files)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from asstctl.core.changes import attribute_changes
from asstctl.core.live import JSON, LazyPrints, LiveObject, LiveState, fingerprint
from asstctl.core.model import LocalFile, Project
from asstctl.core.ownership import unique_claims
from asstctl.core.plan import Action, ResourceChange
from asstctl.errors import EndpointError
from asstctl.kinds.agent import apply, headers
from asstctl.kinds.agent.forms import desired_agent_form, live_agent_form
from asstctl.kinds.agent.manifest import build_agent
from asstctl.kinds.agent.model import DesiredAgent
from asstctl.kinds.base import ApplyContext, DiffContext, Fetched, Lister, Step

if TYPE_CHECKING:
    from asstctl.manifest.build import Builder
    from asstctl.manifest.yaml_loader import YamlDocument

PAGE = 100
BETA = "agents=v1"
"""The ``OpenAI-Beta`` header every Agents API request carries."""
AGENTS_GONE = (
    "{base_url} does not serve the Agents API (GET /v1/agents answered 404), but the manifests declare "
    "agents: remove the Agent manifests, or point endpoint.base_url / OPENAI_BASE_URL at an endpoint "
    "that serves /v1/agents (OpenAI's Agents beta; or try --sandbox)."
)

AGENTS_FORBIDDEN = (
    "{base_url} refused to list agents (GET /v1/agents answered 403): the API key lacks the "
    "api.agents.read permission, but the manifests declare agents: grant the key that permission "
    "(or use a key that has it), or remove the Agent manifests."
)
AGENTS_UNREADABLE_NOTE = (
    "agents were not read: GET /v1/agents answered 403 (the API key lacks api.agents.read); "
    "the manifests declare none, so there is nothing to manage."
)


class AgentKind:
    """Agents of the Agents API, beta (``agent.<name>``)."""

    name = "agent"
    manifest_kind = "Agent"

    def build(self, builder: Builder, doc: YamlDocument) -> list[Any]:
        return [build_agent(builder, doc)]

    # -- live read -----------------------------------------------------------------------

    def fetch(self, lister: Lister, project: Project, *, destroy: bool) -> Callable[[], Fetched]:
        """One paginated listing (no metadata filter exists: ownership is checked here). An
        endpoint answering 404 has no agents to manage, which is an error only when the
        project declares some; a 403 (a key without ``api.agents.read``) likewise, with a note."""
        declared = bool(project.desired(self.name))
        listing = lister.list_or_status(
            "listing agents", "/agents", {"limit": PAGE}, beta=BETA, absent=(403, 404)
        )

        def result() -> Fetched:
            raws = listing.result()
            if raws == 403:
                if declared:
                    raise EndpointError(AGENTS_FORBIDDEN.format(base_url=lister.base_url))
                return Fetched(objects={}, notes=(AGENTS_UNREADABLE_NOTE,), supported=False)
            if isinstance(raws, int):
                if declared and not destroy:
                    raise EndpointError(AGENTS_GONE.format(base_url=lister.base_url))
                return Fetched(objects={}, supported=False)
            return self.interpret(lister.stack, raws)

        return result

    @staticmethod
    def interpret(stack: str, raws: Sequence[Mapping[str, JSON]]) -> Fetched:
        """The stack's agents from the raw list result (pure)."""
        objects: dict[str, LiveObject] = {}
        for name, raw in unique_claims(stack, "agent", raws).items():
            objects[name] = LiveObject(id=str(raw["id"]), name=name, raw=dict(raw))
        prints = LazyPrints(lambda: {o.id: fingerprint(o.raw) for o in objects.values()})
        return Fetched(objects=objects, fingerprints=prints)

    # -- diff ----------------------------------------------------------------------------

    def dependencies(self, desired: DesiredAgent) -> tuple[str, ...]:
        return ()

    def diff(self, desired: DesiredAgent, live: LiveObject | None, ctx: DiffContext) -> ResourceChange:
        """Every change is made in place; header values are read from the environment now
        (an unset variable stops the plan) and compared by digest."""
        values = headers.resolve(desired)
        create = ResourceChange(
            address=desired.address,
            kind=self.name,
            name=desired.name,
            action=Action.CREATE,
            after=desired_agent_form(desired),
            prevent_destroy=desired.prevent_destroy,
        )
        if live is None:
            return create
        wanted = headers.digests(ctx.stack, desired.address, values)
        before = live_agent_form(live.raw, desired, wanted)
        changes = attribute_changes(before, create.after)
        action = Action.UPDATE if changes else Action.NOOP
        return replace(create, action=action, id=live.id, before=before, changes=changes)

    def delete(
        self, live: LiveObject, reason: str, desired: DesiredAgent | None, ctx: DiffContext
    ) -> ResourceChange:
        return ResourceChange(
            address=f"{self.name}.{live.name}",
            kind=self.name,
            name=live.name,
            action=Action.DELETE,
            reason=reason,
            id=live.id,
            before=live_agent_form(live.raw, None),
            prevent_destroy=bool(desired and desired.prevent_destroy),
        )

    # -- files (an agent uploads none) ---------------------------------------------------

    def local_files(self, desired: DesiredAgent) -> tuple[LocalFile, ...]:
        return ()

    def needs_content(self, desired: DesiredAgent, change: ResourceChange) -> set[str]:
        return set()

    def kept_file_ids(self, change: ResourceChange, live: LiveObject | None) -> set[str]:
        return set()

    def live_file_ids(self, live: LiveObject) -> set[str]:
        return set()

    def live_references(self, live: LiveObject, state: LiveState) -> set[str]:
        return set()

    # -- apply ---------------------------------------------------------------------------

    def steps(self, change: ResourceChange, desired: DesiredAgent | None, ctx: ApplyContext) -> list[Step]:
        return apply.steps(change, desired, ctx)


KIND = AgentKind()
