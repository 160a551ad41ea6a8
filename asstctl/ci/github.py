"""One pull-request comment per stack/environment: created on the first run, updated after.

The markdown plan carries a hidden marker (``<!-- asstctl stack=S env=E -->``); the comment
holding it is found among the pull request's comments and edited in place, so a pull request
never collects one plan comment per push. Uses the GitHub REST API through ``urllib`` only.

Run by the action as ``python -m asstctl.ci.github comment --file plan.md``; reads
``GITHUB_TOKEN``, ``GITHUB_REPOSITORY``, ``GITHUB_API_URL`` and ``GITHUB_EVENT_PATH`` (for the
pull request's number) like any step. The token is sent only to ``GITHUB_API_URL``, never printed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MARKER = re.compile(r"<!-- asstctl stack=[a-z0-9_-]+ env=[a-z0-9_-]* -->")
MAX_BODY = 65_000
"""GitHub refuses comments over 65,536 characters."""
PER_PAGE = 100


class GitHubError(Exception):
    """The GitHub API refused a request, or the inputs are incomplete; the message says which."""


@dataclass(frozen=True)
class GitHub:
    """Where and as whom to call the REST API."""

    api_url: str
    repository: str
    """``owner/name``."""
    token: str

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(f"{self.api_url.rstrip('/')}{path}", data=data, method=method)
        req.add_header("Authorization", f"Bearer {self.token}")
        req.add_header("Accept", "application/vnd.github+json")
        req.add_header("X-GitHub-Api-Version", "2022-11-28")
        req.add_header("User-Agent", "asstctl")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                text = resp.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")[:300]
            hint = " (does the job have permissions: pull-requests: write?)" if exc.code in (401, 403) else ""
            raise GitHubError(f"{method} {path} answered {exc.code}{hint}: {detail}") from None
        except urllib.error.URLError as exc:
            raise GitHubError(f"cannot reach {self.api_url}: {exc.reason}") from None
        return json.loads(text) if text else None


def marker_of(body: str) -> str:
    """The plan's hidden marker; GitHubError if the text is not an asstctl markdown plan."""
    m = MARKER.search(body)
    if m is None:
        raise GitHubError(
            "the comment has no <!-- asstctl stack=… env=… --> marker: "
            "post the output of asstctl plan --format markdown"
        )
    return m.group(0)


def upsert_comment(gh: GitHub, number: int, body: str) -> tuple[str, int]:
    """Create the pull request's comment for the plan's stack/environment, or update the one
    that exists; ("created" | "updated", comment id)."""
    marker = marker_of(body)
    if len(body) > MAX_BODY:
        body = body[:MAX_BODY] + f"\n\n… (cut at {MAX_BODY:,} characters: see the job summary)\n{marker}\n"
    existing = _find(gh, number, marker)
    if existing is None:
        created = gh.request("POST", f"/repos/{gh.repository}/issues/{number}/comments", {"body": body})
        return "created", int(created["id"])
    gh.request("PATCH", f"/repos/{gh.repository}/issues/comments/{existing}", {"body": body})
    return "updated", existing


def _find(gh: GitHub, number: int, marker: str) -> int | None:
    page = 1
    while True:
        comments = gh.request(
            "GET", f"/repos/{gh.repository}/issues/{number}/comments?per_page={PER_PAGE}&page={page}"
        )
        for c in comments:
            if marker in (c.get("body") or ""):
                return int(c["id"])
        if len(comments) < PER_PAGE:
            return None
        page += 1


def pull_request_number(event_path: str | None) -> int:
    """The pull request of the event that started the job (``GITHUB_EVENT_PATH``)."""
    if not event_path:
        raise GitHubError("GITHUB_EVENT_PATH is not set: pass --pr NUMBER")
    event = json.loads(Path(event_path).read_text(encoding="utf-8"))
    number = (event.get("pull_request") or {}).get("number") or (event.get("issue") or {}).get("number")
    if not isinstance(number, int):
        raise GitHubError(
            "this event is not a pull request: comment only on pull_request events, or pass --pr"
        )
    return number


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m asstctl.ci.github")
    sub = parser.add_subparsers(dest="command", required=True)
    comment = sub.add_parser("comment", help="create or update the plan's pull-request comment")
    comment.add_argument("--file", required=True, type=Path, help="the markdown plan")
    comment.add_argument("--pr", type=int, help="pull request number (default: from GITHUB_EVENT_PATH)")
    args = parser.parse_args(argv)
    env = os.environ
    try:
        token = env.get("GITHUB_TOKEN") or env.get("GH_TOKEN")
        repository = env.get("GITHUB_REPOSITORY")
        if not token or not repository:
            raise GitHubError(
                "GITHUB_TOKEN and GITHUB_REPOSITORY must be set (they are, inside GitHub Actions)"
            )
        gh = GitHub(env.get("GITHUB_API_URL", "https://api.github.com"), repository, token)
        number = args.pr if args.pr is not None else pull_request_number(env.get("GITHUB_EVENT_PATH"))
        what, cid = upsert_comment(gh, number, args.file.read_text(encoding="utf-8"))
    except (GitHubError, OSError, ValueError) as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    print(f"{what} comment {cid} on pull request #{number}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
