"""Uploaded Files a plan deletes, named the way a reviewer knows them: by project path and
filename rather than by id (the id alone says nothing in a pull request)."""

from __future__ import annotations

from collections.abc import Sequence

from asstctl.core.live import LiveState, LiveVectorStore
from asstctl.core.plan import OrphanFile


def orphan_details(live: LiveState, orphan_ids: Sequence[str]) -> tuple[OrphanFile, ...]:
    """``orphan_ids`` with each File's upload name, content hash and the project paths its
    attachments recorded (``asstctl_path``), in the same order."""
    paths: dict[str, set[str]] = {}
    for objects in live.resources.values():
        for obj in objects.values():
            if isinstance(obj, LiveVectorStore):
                for att in obj.attachments:
                    if att.path is not None:
                        paths.setdefault(att.file_id, set()).add(att.path)
    out = []
    for fid in orphan_ids:
        lf = live.files.get(fid)
        out.append(
            OrphanFile(
                id=fid,
                basename=lf.basename if lf else fid,
                sha256=lf.sha256 if lf else "",
                paths=tuple(sorted(paths.get(fid, ()))),
            )
        )
    return tuple(out)
