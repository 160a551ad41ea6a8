"""The ``Agent`` kind: an agent of OpenAI's Agents API (beta, ``/v1/agents``).

``model`` (desired record), ``manifest`` (manifest → record), ``headers`` (MCP header values
from the environment, and the digests that detect their changes), ``forms`` (request bodies,
server defaults and the normalized forms compared), ``apply`` (its steps), ``kind`` (the
:class:`~asstctl.kinds.base.Kind` wiring, with the live read).
"""
