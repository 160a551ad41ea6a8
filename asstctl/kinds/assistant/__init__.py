"""The ``Assistant`` kind: an Assistants-API assistant (model, instructions, tools, its files).

``model`` (desired record), ``manifest`` (manifest → record), ``forms`` (request body and the
normalized forms compared), ``apply`` (its steps), ``kind`` (the
:class:`~asstctl.kinds.base.Kind` wiring, with the live read).
"""
