"""Safe YAML loading with a position for every node, and limits against hostile input.

Only the YAML core types are accepted (mappings, sequences, strings, numbers, booleans,
null; timestamps stay strings); any other tag is refused. Alias bombs, deep nesting,
recursive aliases and oversized files are refused with a diagnostic, never a hang: the
expanded size of every node is computed while composing, before anything is expanded.

When PyYAML has libyaml, its C parser produces the events and the same composer (with the
same limits) builds the nodes. libyaml and PyYAML do not agree on everything (tabs, tags,
empty nodes' positions, ...), so libyaml is used only for text without those constructs
(:func:`libyaml_agrees`, and no empty node), and any problem at all (a syntax error, a limit,
a bad tag) is reported from a second, pure-Python pass: documents, positions and diagnostics
are exactly the pure parser's. ``ASSTCTL_YAML_PARSER=python`` forces the pure-Python parser.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from asstctl.errors import Diagnostic

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 64
MAX_ALIASES = 10_000
MAX_NODES = 1_000_000

FieldPath = tuple[str | int, ...]

_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_CORE}{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}
_CONSTRUCTOR = SafeConstructor()

USE_LIBYAML = bool(getattr(yaml, "__with_libyaml__", False)) and os.environ.get(
    "ASSTCTL_YAML_PARSER", ""
) not in ("python", "pure")
"""Parse with libyaml's C parser first (tests switch it off to compare)."""


@dataclass(frozen=True)
class Pos:
    """A 1-based line and column."""

    line: int
    col: int


@dataclass(frozen=True)
class YamlDocument:
    """One document of a YAML file as plain data, with where each value and key came from."""

    file: str
    """Path relative to the project root (POSIX)."""
    data: Any
    start: Pos
    values: Mapping[FieldPath, Pos] = field(default_factory=dict)
    keys: Mapping[FieldPath, Pos] = field(default_factory=dict)

    def pos(self, path: FieldPath, *, key: bool = False) -> Pos:
        """Where ``path`` was written (its key if ``key``), else its nearest known ancestor."""
        if key and path in self.keys:
            return self.keys[path]
        p = tuple(path)
        while p:
            if p in self.values:
                return self.values[p]
            p = p[:-1]
        return self.values.get((), self.start)

    def diagnostic(self, path: FieldPath, message: str, *, key: bool = False) -> Diagnostic:
        """A diagnostic located at ``path`` in this document."""
        at = self.pos(path, key=key)
        return Diagnostic(self.file, at.line, at.col, format_path(path), message)


def format_path(path: FieldPath) -> str:
    """``("tools", 0, "name")`` → ``tools[0].name``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class _Refused(Exception):
    """A limit was hit while composing; carries where."""

    def __init__(self, message: str, mark: yaml.Mark | None) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark


class _Limits(Composer):
    """Composes nodes only (never constructs objects), tracking depth, aliases and size."""

    if TYPE_CHECKING:  # the event source: PyYAML's Parser or libyaml's CParser

        def check_event(self, *choices: Any) -> bool: ...
        def peek_event(self) -> Any: ...
        def dispose(self) -> None: ...

    def _start(self) -> None:
        Composer.__init__(self)
        Resolver.__init__(self)  # type: ignore[arg-type]
        self.depth = 0
        self.aliases = 0
        self.size: dict[int, int] = {}
        self.height: dict[int, int] = {}

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise _Refused(
                    f"more than {MAX_ALIASES:,} aliases; write the values out instead",
                    self._next_mark(),
                )
            return super().compose_node(parent, index)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _Refused(f"nested deeper than {MAX_DEPTH} levels; flatten the document", self._next_mark())
        try:
            node = super().compose_node(parent, index)
        finally:
            self.depth -= 1
        if node is not None:
            self._measure(node)
        return node

    def compose_document(self) -> yaml.Node | None:
        # Sizes are keyed by node id, and anchors never cross documents: forget the earlier
        # documents' nodes, whose ids a later node may reuse (hiding a recursive alias).
        self.size.clear()
        self.height.clear()
        return super().compose_document()  # type: ignore[no-any-return]

    def _next_mark(self) -> Any:
        event: yaml.Event = self.peek_event()
        return event.start_mark

    def _measure(self, node: yaml.Node) -> None:
        """Record the expanded size and height of ``node``; its children are already measured."""
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                children += [k, v]
        size, height = 1, 1
        for child in children:
            if id(child) not in self.size:
                raise _Refused(
                    "an alias refers to the node that contains it (a recursive alias)", child.start_mark
                )
            size += self.size[id(child)]
            height = max(height, self.height[id(child)] + 1)
        if size > MAX_NODES:
            raise _Refused(
                f"expands to more than {MAX_NODES:,} values (an alias bomb?); write it out plainly",
                node.start_mark,
            )
        if height > MAX_DEPTH:
            raise _Refused(
                f"nested deeper than {MAX_DEPTH} levels once aliases are expanded; flatten it",
                node.start_mark,
            )
        self.size[id(node)] = size
        self.height[id(node)] = height


class _PureLoader(_Limits, Reader, Scanner, Parser, Resolver):
    """The composer over PyYAML's pure-Python reader, scanner and parser."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        self._start()


class _Unsure(Exception):
    """libyaml may place or accept this differently from the pure parser: use the pure one."""


_DIVERGING = re.compile(r"[\t\ufeff]|(?:^|[\s\[\]{},])[!?%]|[|>][-+0-9]*#")
"""Where libyaml and PyYAML's scanners disagree (found by differential fuzzing): tabs, BOMs,
tags, directives, explicit keys, a comment right after a block scalar header."""


def libyaml_agrees(text: str) -> bool:
    """False if ``text`` has a construct where libyaml's parser may differ from PyYAML's."""
    if _DIVERGING.search(text):
        return False
    # for PyYAML (only), a '?' ends a plain scalar inside a flow collection
    return "?" not in text or ("[" not in text and "{" not in text)


_LOADERS: list[Callable[[str], _Limits]] = [_PureLoader]
if getattr(yaml, "__with_libyaml__", False):
    from yaml._yaml import CParser

    class _CLoader(_Limits, CParser, Resolver):  # type: ignore[misc]
        """The same composer over libyaml's events (CParser's own composing is never used)."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            self._start()

        def compose_scalar_node(self, anchor: Any) -> yaml.ScalarNode:
            node = super().compose_scalar_node(anchor)
            if node.value == "" and not node.style:  # an empty node: libyaml puts it elsewhere
                raise _Unsure
            return node

    _LOADERS.insert(0, _CLoader)


def _pos(mark: yaml.Mark | None) -> Pos:
    return Pos(mark.line + 1, mark.column + 1) if mark is not None else Pos(1, 1)


class _Converter:
    """Turns a composed node tree into plain data, recording positions and problems."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.values: dict[FieldPath, Pos] = {}
        self.keys: dict[FieldPath, Pos] = {}
        self.problems: list[Diagnostic] = []

    def problem(self, path: FieldPath, mark: yaml.Mark | None, message: str) -> None:
        at = _pos(mark)
        self.problems.append(Diagnostic(self.file, at.line, at.col, format_path(path), message))

    def convert(self, node: yaml.Node, path: FieldPath) -> Any:
        self.values.setdefault(path, _pos(node.start_mark))
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != f"{_CORE}seq":
                self._bad_tag(node, path)
            return [self.convert(child, (*path, i)) for i, child in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            if node.tag != f"{_CORE}map":
                self._bad_tag(node, path)
            out: dict[str, Any] = {}
            self._mapping(node, path, out, explicit=True)
            return out
        raise AssertionError(f"unknown YAML node {node!r}")  # pragma: no cover

    def _mapping(
        self, node: yaml.MappingNode, path: FieldPath, out: dict[str, Any], *, explicit: bool
    ) -> None:
        merges: list[yaml.Node] = []
        for knode, vnode in node.value:
            if knode.tag == f"{_CORE}merge":
                merges.append(vnode)
                continue
            if not isinstance(knode, yaml.ScalarNode):
                self.problem(path, knode.start_mark, "a mapping key must be a plain value, not a collection")
                continue
            key = str(knode.value)
            if key in out:
                if explicit:
                    first = self.keys.get((*path, key), Pos(0, 0))
                    self.problem(
                        (*path, key),
                        knode.start_mark,
                        f"duplicate key '{key}' (first at line {first.line}); keep only one",
                    )
                continue
            self.keys[(*path, key)] = _pos(knode.start_mark)
            out[key] = self.convert(vnode, (*path, key))
        for merged in merges:  # `<<: *anchor` — explicit keys win over merged ones
            sources = merged.value if isinstance(merged, yaml.SequenceNode) else [merged]
            for src in sources:
                if isinstance(src, yaml.MappingNode):  # merged keys are located in the source
                    self._mapping(src, path, out, explicit=False)
                else:
                    self.problem(path, src.start_mark, "'<<' merges only mappings")

    def _scalar(self, node: yaml.ScalarNode, path: FieldPath) -> Any:
        if node.tag not in _SCALAR_TAGS:
            self._bad_tag(node, path)
            return None
        if node.tag.endswith((":str", ":timestamp")):
            return str(node.value)
        value = _CONSTRUCTOR.construct_object(node, deep=True)
        if isinstance(value, float) and not math.isfinite(value):
            self.problem(path, node.start_mark, f"'{node.value}' is not a finite number; use a plain number")
            return None
        return value

    def _bad_tag(self, node: yaml.Node, path: FieldPath) -> None:
        tag = node.tag.replace(_CORE, "!!")
        self.problem(path, node.start_mark, f"the YAML tag '{tag}' is not allowed; use plain YAML values")


def load_yaml_file(path: Path, relname: str) -> tuple[list[YamlDocument], list[Diagnostic]]:
    """Every non-empty document of the file at ``path``, or the problems that stop it loading.

    ``relname`` is how diagnostics name the file. Documents with problems are dropped.
    """
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return [], [
                Diagnostic(
                    relname,
                    1,
                    1,
                    "",
                    f"the file is {size:,} bytes; manifests are limited to {MAX_FILE_BYTES:,}",
                )
            ]
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return [], [
            Diagnostic(relname, 0, 0, "", f"cannot be read ({reason}); check that it is a readable file")
        ]
    except UnicodeDecodeError as exc:
        return [], [Diagnostic(relname, 1, 1, "", f"is not UTF-8 text ({exc.reason}); save it as UTF-8")]
    return load_yaml_text(text, relname)


def load_yaml_text(text: str, relname: str) -> tuple[list[YamlDocument], list[Diagnostic]]:
    """Like :func:`load_yaml_file`, for text already read."""
    if USE_LIBYAML and len(_LOADERS) > 1 and libyaml_agrees(text):
        try:
            docs, problems = _load(_LOADERS[0](text), relname)
        except (_Unsure, UnicodeError):  # UnicodeError: a lone surrogate, which the pure reader explains
            problems = [Diagnostic(relname, 1, 1, "", "")]
        if not problems:
            return docs, problems
    try:  # the pure reader checks every character when it is built (a NUL byte is refused there)
        pure = _PureLoader(text)
    except yaml.reader.ReaderError as exc:
        return [], [_reader_problem(relname, text, exc)]
    return _load(pure, relname)


def _load(loader: _Limits, relname: str) -> tuple[list[YamlDocument], list[Diagnostic]]:
    """Every document ``loader`` composes, or the problems that stop it."""
    docs: list[YamlDocument] = []
    problems: list[Diagnostic] = []
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            if isinstance(node, yaml.ScalarNode) and node.tag == f"{_CORE}null":
                continue  # an empty document, e.g. after a trailing '---'
            conv = _Converter(relname)
            data = conv.convert(node, ())
            if conv.problems:
                problems += conv.problems
                continue
            docs.append(YamlDocument(relname, data, _pos(node.start_mark), conv.values, conv.keys))
    except _Refused as exc:
        at = _pos(exc.mark)
        problems.append(Diagnostic(relname, at.line, at.col, "", f"refused: {exc.message}"))
    except yaml.MarkedYAMLError as exc:
        at = _pos(exc.problem_mark or exc.context_mark)
        what = " ".join(p for p in (exc.context, exc.problem) if p)
        problems.append(Diagnostic(relname, at.line, at.col, "", f"invalid YAML: {what}; fix the syntax"))
    except yaml.YAMLError as exc:
        problems.append(Diagnostic(relname, 1, 1, "", f"invalid YAML: {exc}"))
    finally:
        loader.dispose()
    return docs, problems


def _reader_problem(relname: str, text: str, exc: yaml.reader.ReaderError) -> Diagnostic:
    """A character YAML does not allow (a NUL, another control character), located."""
    before = text[: max(exc.position, 0)]
    line, col = before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
    return Diagnostic(
        relname,
        line,
        col,
        "",
        f"the character U+{exc.character:04X} (a control or non-printable character) is not allowed in "
        "YAML; remove it "
        "(write it as an escape such as \"\\t\" inside a double-quoted string)",
    )
