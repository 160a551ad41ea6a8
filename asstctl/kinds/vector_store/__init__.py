"""The ``VectorStore`` kind: a vector store and the files attached to it.

``model`` (desired record), ``manifest`` (manifest → record), ``forms`` (request bodies and the
normalized forms compared), ``files`` (the per-file diff), ``apply`` (its steps), ``kind``
(the :class:`~asstctl.kinds.base.Kind` wiring, with the live read).
"""
