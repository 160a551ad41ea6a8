"""The emulator's records: ``Rec``, ``Table`` (objects of one kind, cursor-paginated as the list
endpoints page them) and OpenAI-style ids. No resource logic lives here.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable, Iterable
from typing import Any

from asstctl.emulator.apierror import invalid, not_found
from asstctl.emulator.validation import PageQuery

Rec = dict[str, Any]
Key = tuple[int, int]

_ALNUM = string.ascii_letters + string.digits


def new_id(prefix: str, length: int = 24) -> str:
    """A fresh random id in OpenAI's style, e.g. ``asst_…``."""
    return prefix + "".join(secrets.choice(_ALNUM) for _ in range(length))


class Table:
    """Objects of one kind with their sort keys ``(created_at, seq)``.

    Keys of deleted objects are kept, so a cursor naming an object deleted since the previous
    page still works (callers often delete while paging).
    """

    def __init__(self) -> None:
        self.items: dict[str, Rec] = {}
        self.keys: dict[str, Key] = {}

    def add(self, rec: Rec, seq: int) -> None:
        self.items.pop(rec["id"], None)
        self.items[rec["id"]] = rec
        self.keys[rec["id"]] = (int(rec["created_at"]), seq)

    def page(
        self,
        q: PageQuery,
        render: Callable[[Rec], Rec],
        keep: Callable[[Rec], bool] | None = None,
    ) -> Rec:
        """One page of a cursor-paginated list, as the list endpoints return it.

        Cursors are applied to the sort keys; only the objects up to the page's end are rendered.
        """
        keys = self.keys
        desc = q.order == "desc"
        ids = sorted(self.items, key=keys.__getitem__, reverse=desc)
        if q.after is not None:
            ak = self._cursor(q.after, "after")
            ids = [i for i in ids if (keys[i] < ak if desc else keys[i] > ak)]
        if q.before is not None:
            bk = self._cursor(q.before, "before")
            ids = [i for i in ids if (keys[i] > bk if desc else keys[i] < bk)]
            found = self._render_first(reversed(ids), q.limit + 1, render, keep)[::-1]
            data, has_more = found[-q.limit :], len(found) > q.limit
        else:
            found = self._render_first(ids, q.limit + 1, render, keep)
            data, has_more = found[: q.limit], len(found) > q.limit
        return {
            "object": "list",
            "data": data,
            "first_id": data[0]["id"] if data else None,
            "last_id": data[-1]["id"] if data else None,
            "has_more": has_more,
        }

    def _render_first(
        self, ids: Iterable[str], n: int, render: Callable[[Rec], Rec], keep: Callable[[Rec], bool] | None
    ) -> list[Rec]:
        """The first ``n`` objects of ``ids``, rendered, that ``keep`` accepts."""
        out: list[Rec] = []
        for obj_id in ids:
            rec = render(self.items[obj_id])
            if keep is None or keep(rec):
                out.append(rec)
                if len(out) == n:
                    break
        return out

    def _cursor(self, cursor: str, param: str) -> Key:
        key = self.keys.get(cursor)
        if key is None:
            raise invalid(
                param, f"Invalid '{param}': no object with id '{cursor}' to page from.", "invalid_value"
            )
        return key

    def dump(self) -> Rec:
        return {"items": list(self.items.values()), "keys": {k: list(v) for k, v in self.keys.items()}}

    @classmethod
    def load(cls, data: Rec) -> Table:
        t = cls()
        t.items = {r["id"]: r for r in data["items"]}
        t.keys = {k: (int(v[0]), int(v[1])) for k, v in data["keys"].items()}
        return t


def lookup(table: Table, obj_id: str, what: str, param: str | None = None) -> Rec:
    """The record ``obj_id`` of ``table``; a 404 naming ``what`` (and ``param``) when there is none."""
    rec = table.items.get(obj_id)
    if rec is None:
        raise not_found(f"No {what} found with id '{obj_id}'.", param)
    return rec
