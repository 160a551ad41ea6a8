"""Cursor pagination as reference.md §3 describes it, including many objects in one second."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from openai import OpenAI
from rawhttp import call


@pytest.fixture
def client(emulator: Any) -> OpenAI:
    warnings.simplefilter("ignore", DeprecationWarning)
    return OpenAI(
        base_url=emulator.base_url, api_key="sk-test", _strict_response_validation=True, max_retries=0
    )


def _assistants(c: OpenAI, n: int) -> list[str]:
    return [c.beta.assistants.create(model="gpt-4o", name=f"a{i}").id for i in range(n)]


def test_default_page_is_20_newest_first_with_cursors(client: OpenAI, emulator: Any) -> None:
    created = _assistants(client, 25)
    status, _, page = call(emulator.root_url, "GET", "/v1/assistants")
    assert status == 200
    ids = [a["id"] for a in page["data"]]
    assert ids == created[::-1][:20]
    assert (page["object"], page["first_id"], page["last_id"], page["has_more"]) == (
        "list",
        ids[0],
        ids[-1],
        True,
    )
    _, _, rest = call(emulator.root_url, "GET", f"/v1/assistants?after={ids[-1]}")
    assert [a["id"] for a in rest["data"]] == created[::-1][20:] and rest["has_more"] is False


def test_sdk_auto_pagination_visits_every_object_once_in_order(client: OpenAI) -> None:
    created = _assistants(client, 7)
    assert [a.id for a in client.beta.assistants.list(limit=2, order="asc")] == created
    assert [a.id for a in client.beta.assistants.list(limit=3)] == created[::-1]


def test_before_returns_the_objects_just_before_the_cursor(client: OpenAI) -> None:
    created = _assistants(client, 6)
    page = client.beta.assistants.list(order="asc", before=created[4], limit=2)
    assert [a.id for a in page.data] == created[2:4] and page.has_more is True
    page = client.beta.assistants.list(before=created[1])
    assert [a.id for a in page.data] == created[:1:-1] and page.has_more is False


def test_an_empty_page_has_null_cursors(emulator: Any) -> None:
    _, _, page = call(emulator.root_url, "GET", "/v1/vector_stores")
    assert page == {"object": "list", "data": [], "first_id": None, "last_id": None, "has_more": False}


def test_deleting_while_paging_keeps_the_cursor_valid(client: OpenAI) -> None:
    _assistants(client, 9)
    deleted = [
        a.id for a in client.beta.assistants.list(limit=4) if client.beta.assistants.delete(a.id).deleted
    ]
    assert len(deleted) == 9 and client.beta.assistants.list().data == []


def test_files_list_in_one_page_by_default_with_purpose_filter(client: OpenAI) -> None:
    ids = [client.files.create(file=(f"f{i}.txt", b"x"), purpose="assistants").id for i in range(3)]
    batch = client.files.create(file=("b.jsonl", b"{}"), purpose="batch")
    page = client.files.list()
    assert [f.id for f in page.data] == [batch.id, *ids[::-1]] and page.has_more is False
    assert [f.id for f in client.files.list(purpose="batch")] == [batch.id]
    assert batch.expires_at == batch.created_at + 30 * 86400
    two = client.files.list(limit=2, order="asc")
    assert [f.id for f in two.data] == ids[:2] and two.has_more is True


def test_vector_store_files_filter_and_paginate(client: OpenAI) -> None:
    good = [client.files.create(file=(f"d{i}.md", b"doc"), purpose="assistants").id for i in range(5)]
    bad = client.files.create(file=("x.exe", b"MZ"), purpose="assistants").id
    vs = client.vector_stores.create(file_ids=[*good, bad])
    files = client.vector_stores.files
    assert [f.id for f in files.list(vector_store_id=vs.id, limit=2, order="asc")] == [*good, bad]
    assert [f.id for f in files.list(vector_store_id=vs.id, filter="completed", limit=2)] == good[::-1]
    assert [f.id for f in files.list(vector_store_id=vs.id, filter="failed")] == [bad]
    assert files.list(vector_store_id=vs.id, filter="in_progress").data == []
