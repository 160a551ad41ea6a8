"""Resource kinds: everything one kind of resource means to asstctl, in one package per kind.

A kind (``vector_store``, ``assistant``, ``agent``) owns its manifest fields → desired record,
its live read (list calls), its normalized form and server defaults, its diff, its apply
steps and its dependencies on other kinds. The generic machinery — the differ
(``asstctl.core.differ``), the apply graph (``asstctl.executor``), the renderers, ``output``
— iterates over :data:`asstctl.kinds.registry.KINDS`. The protocol is in :mod:`.base`.
"""
