"""A scenario file's text (YAML or JSON) as plain data, read as untrusted input.

YAML is read event by event from libyaml (PyYAML's C parser, the pure-Python
one where PyYAML was built without it), and the plain data built here, not
through PyYAML's node graph: memory follows the data (a 6.3 MB file of
small items once took 897 MB as nodes), and every guard acts as the event
arrives, before anything recurses:

- nesting deeper than `MAX_DEPTH` (a mapping or list inside another) is
  refused at its line; Python's own recursion limit is never reached;
- a key given twice in one mapping is refused, with both lines: the last one
  would silently win (`amounts: 1000` then `amounts: 0`);
- aliases may add at most `MAX_ALIAS_ITEMS` items in all (a "billion laughs"
  file adds billions), counted as each alias is met; a file with no aliases
  is never refused for its size here (the file-size cap bounds it);
- only plain values: a tag asking for an object (`!!python/...`), a set or
  binary data is refused; an alias inside its own anchor is refused.

JSON goes through the standard library's parser, after a scan that bounds
its nesting (the parser recurses), with duplicate keys found by
`object_pairs_hook`. That hook knows no lines, so the duplicate's lines are
found by reading the same text as YAML (JSON as a scenario writes it is
YAML too); where that fails the problem names the key's path instead.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from laa.models.errors import Problem, ScenarioError, item_label
from laa.models.line_breaks import hidden_line_breaks
from yaml import events
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

# a scenario nests about 7 levels (variants > changes > pin > outcomes); 32 leaves room and stays far
# below anything that recurses in the parsers, pydantic or the checks
MAX_DEPTH = 32
MAX_ALIAS_ITEMS = 2_000_000
LIST_SECTIONS = ("blocks", "funders", "outcomes", "streams", "rules", "pots", "historic", "variants")

try:  # libyaml: much faster, and its parser keeps its own stack (it never recurses)
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

_YAML = "tag:yaml.org,2002:"
# what a scenario may hold; sets, ordered maps, pairs, binary and every application tag are refused
PLAIN_TAGS = frozenset(_YAML + t for t in ("null", "bool", "int", "float", "str", "timestamp"))
MERGE_TAG = _YAML + "merge"
_RESOLVER = Resolver()
_CONSTRUCTOR = SafeConstructor()
# scalars repeat (keys, ids, small numbers), and resolving one is the costly step: the value each
# (text, implicit, tag) gave, kept while it stays small
_SCALARS: dict[tuple[str, Any, str | None], Any] = {}
_SCALAR_CACHE_SIZE = 100_000
_JSON_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


class _Refused(Exception):
    """One problem that stops reading (too deep, an unknown alias): raised out of the event loop."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Duplicate:
    """A key given twice in one mapping: where it is (keys and list positions) and its two lines."""

    path: tuple[Any, ...]  # the mapping's place, then the key
    lines: tuple[int, int] | None  # None: JSON whose lines could not be found


@dataclass
class _Frame:
    container: Any  # dict or list
    is_map: bool
    anchor: str | None
    place: Any  # the key or index the container will have in its parent
    line: int
    size: int = 1  # items once aliases are expanded, itself included
    height: int = 1  # levels of nesting, itself included
    key: Any = None
    has_key: bool = False
    key_line: int = 0
    lines: dict[Any, int] = field(default_factory=dict)  # key -> the line it was first given on
    merges: list[dict[Any, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class _Anchored:
    value: Any
    size: int
    height: int


def parse_yaml(text: str, name: str) -> dict[str, Any]:
    """The YAML text as plain data; `ScenarioError` with every duplicate key, or the one thing refused."""
    hidden = hidden_line_breaks(text, name)
    if hidden:
        raise ScenarioError(hidden)
    builder = _YamlBuilder()
    try:
        data = builder.build(text)
    except yaml.MarkedYAMLError as exc:
        raise ScenarioError([Problem(name, None, None, None, _yaml_message(exc))]) from None
    except yaml.YAMLError as exc:
        raise ScenarioError([Problem(name, None, None, None, f"YAML does not parse: {exc}")]) from None
    except _Refused as exc:
        raise ScenarioError([Problem(name, None, None, None, exc.message)]) from None
    if builder.duplicates:
        raise ScenarioError([duplicate_problem(name, data, d) for d in builder.duplicates])
    if data is None:
        raise ScenarioError([Problem(name, None, None, None, "is empty; a scenario is expected")])
    return expect_mapping(data, name)


def parse_json(text: str, name: str) -> dict[str, Any]:
    """The JSON text as plain data: nesting bounded before the parser recurses, duplicate keys refused."""
    deep = json_too_deep(text)
    if deep is not None:
        raise ScenarioError([Problem(name, None, None, None, _too_deep(deep))])
    duplicated = False

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal duplicated
        made = dict(items)
        if len(made) != len(items):
            duplicated = True
            made = _Keys(made, [k for k, _ in items])
        return made

    def no_constants(token: str) -> float:
        raise ValueError(f"{token} is not a number a scenario may hold")

    try:
        data = json.loads(text, parse_constant=no_constants, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        raise ScenarioError(
            [Problem(name, None, None, None, f"JSON does not parse at line {exc.lineno}: {exc.msg}")]
        ) from None
    except (ValueError, RecursionError) as exc:
        raise ScenarioError([Problem(name, None, None, None, f"JSON cannot be read: {exc}")]) from None
    if duplicated:
        raise ScenarioError([duplicate_problem(name, data, d) for d in _json_duplicates(text, data)])
    return expect_mapping(data, name)


def expect_mapping(data: Any, name: str) -> dict[str, Any]:
    """The document's top level as a mapping, or a located error when the file holds a list, a bare
    value or nothing, so a wrong file is refused before any section is read."""
    if not isinstance(data, dict):
        found = type(data).__name__ if data is not None else "nothing"
        raise ScenarioError(
            [Problem(name, None, None, None, f"a mapping of sections is expected; found {found}")]
        )
    return data


def duplicate_problem(name: str, data: Any, duplicate: Duplicate) -> Problem:
    """The duplicate located as validation locates a field: `streams[nrf].amounts`, with its lines."""
    *place, key = duplicate.path
    where = (
        f"at lines {duplicate.lines[0]} and {duplicate.lines[1]}"
        if duplicate.lines
        else "(JSON's reader gives no line numbers; look for the key twice in this place)"
    )
    message = f"key {key!r} is given twice in one mapping, {where}; the second would silently replace "
    message += "the first: keep one"
    parts = [*place, key]
    section = str(parts.pop(0)) if parts and isinstance(parts[0], str) else None
    item, index = None, None
    if section in LIST_SECTIONS and parts and isinstance(parts[0], int):
        index = parts.pop(0)
        entries = data.get(section) if isinstance(data, dict) else None
        entry = entries[index] if isinstance(entries, list) and index < len(entries) else None
        item = item_label(section, entry, index)
    field_path = ".".join(str(p) for p in parts) or None
    return Problem(name, section, item, field_path, message, index)


def _yaml_message(exc: yaml.MarkedYAMLError) -> str:
    mark = exc.problem_mark or exc.context_mark
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    what = exc.problem or exc.context or "invalid YAML"
    return f"YAML does not parse{where}: {what}"


def _too_deep(line: int) -> str:
    return (
        f"is nested more than {MAX_DEPTH} levels deep at line {line} (lists and mappings inside one "
        f"another); a scenario needs fewer than 10"
    )


class _YamlBuilder:
    """Plain data from libyaml's events, with every guard of the module's docstring."""

    def __init__(self) -> None:
        self.duplicates: list[Duplicate] = []
        self._anchors: dict[str, _Anchored] = {}
        self._open_anchors: set[str] = set()
        self._aliased = 0

    def build(self, text: str) -> Any:
        stack: list[_Frame] = []
        root: Any = None
        documents = 0
        for event in yaml.parse(text, Loader=_Loader):
            kind = type(event)
            if kind is events.ScalarEvent:
                value, size, height = self._scalar(event), 1, 0
                if event.anchor is not None:
                    self._anchors[event.anchor] = _Anchored(value, 1, 0)
            elif kind is events.MappingStartEvent or kind is events.SequenceStartEvent:
                is_map = kind is events.MappingStartEvent
                self._container_tag(event, is_map)
                line = event.start_mark.line + 1
                if len(stack) >= MAX_DEPTH:
                    raise _Refused(_too_deep(line))
                place = _place_in(stack[-1]) if stack else None
                stack.append(_Frame({} if is_map else [], is_map, event.anchor, place, line))
                if event.anchor is not None:
                    self._open_anchors.add(event.anchor)
                continue
            elif kind is events.MappingEndEvent or kind is events.SequenceEndEvent:
                frame = stack.pop()
                value, size, height = self._finish(frame), frame.size, frame.height
                if frame.anchor is not None:
                    self._open_anchors.discard(frame.anchor)
                    self._anchors[frame.anchor] = _Anchored(value, size, height)
            elif kind is events.AliasEvent:
                value, size, height = self._alias(event, len(stack))
            elif kind is events.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    line = event.start_mark.line + 1
                    raise _Refused(
                        f"holds a second YAML document at line {line} (after ---); a scenario file is "
                        "one document"
                    )
                continue
            else:
                continue
            if not stack:
                root = value
                continue
            parent = stack[-1]
            parent.size += size
            parent.height = max(parent.height, height + 1)
            if not parent.is_map:
                parent.container.append(value)
            elif not parent.has_key:
                self._key(parent, value, event)
            else:
                self._put(parent, value, event, stack)
        return root

    def _scalar(self, event: events.ScalarEvent) -> Any:
        tag = event.tag
        key = (event.value, event.implicit, tag)
        found = _SCALARS.get(key, _SCALARS)
        if found is not _SCALARS:
            return found
        if tag is None or tag == "!":
            tag = _RESOLVER.resolve(ScalarNode, event.value, event.implicit)
        if tag not in PLAIN_TAGS and tag != MERGE_TAG:
            raise _Refused(_tag_refused(tag, event))
        if tag == MERGE_TAG:
            value: Any = _Merge()
        else:
            try:
                value = _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, ScalarNode(tag, event.value))
            except (ValueError, yaml.constructor.ConstructorError) as exc:
                line = event.start_mark.line + 1
                shown = event.value[:40]
                raise _Refused(f"the value {shown!r} at line {line} cannot be read: {exc}") from None
        if len(_SCALARS) > _SCALAR_CACHE_SIZE:
            _SCALARS.clear()
        _SCALARS[key] = value
        return value

    @staticmethod
    def _container_tag(event: events.CollectionStartEvent, is_map: bool) -> None:
        tag = event.tag
        if tag is None or tag == "!" or tag == _YAML + ("map" if is_map else "seq"):
            return
        raise _Refused(_tag_refused(tag, event))

    def _alias(self, event: events.AliasEvent, depth: int) -> tuple[Any, int, int]:
        line = event.start_mark.line + 1
        if event.anchor in self._open_anchors:
            raise _Refused(
                f"alias *{event.anchor} at line {line} is inside its own anchor; it would never end"
            )
        anchored = self._anchors.get(event.anchor)
        if anchored is None:
            raise _Refused(f"alias *{event.anchor} at line {line} has no anchor &{event.anchor} before it")
        if depth + anchored.height > MAX_DEPTH:
            raise _Refused(_too_deep(line))
        self._aliased += anchored.size
        if self._aliased > MAX_ALIAS_ITEMS:
            raise _Refused(
                f"YAML aliases expand the file by over {MAX_ALIAS_ITEMS:,} items (at line {line}); "
                "write the values out instead of repeating anchors"
            )
        return anchored.value, anchored.size, anchored.height

    def _key(self, frame: _Frame, value: Any, event: events.Event) -> None:
        line = event.start_mark.line + 1
        if isinstance(value, dict | list):
            raise _Refused(f"a mapping's key at line {line} is a list or mapping; a key is a plain value")
        frame.key, frame.has_key, frame.key_line = value, True, line

    def _put(self, frame: _Frame, value: Any, event: events.Event, stack: list[_Frame]) -> None:
        key, frame.has_key = frame.key, False
        if isinstance(key, _Merge):
            merged = value if isinstance(value, list) else [value]
            if not all(isinstance(m, dict) for m in merged):
                line = frame.key_line
                raise _Refused(f"a merge (<<) at line {line} takes a mapping or a list of mappings")
            frame.merges.extend(merged)
            return
        first = frame.lines.get(key)
        if first is not None:
            path = (*(f.place for f in stack[1:]), key)
            self.duplicates.append(Duplicate(path, (first, frame.key_line)))
            return  # the first stays, so later problems read as the file's first reading would
        frame.lines[key] = frame.key_line
        frame.container[key] = value

    @staticmethod
    def _finish(frame: _Frame) -> Any:
        if not frame.merges:
            return frame.container
        merged: dict[Any, Any] = {}
        for mapping in reversed(frame.merges):  # the first merged mapping wins, the node's own keys over all
            merged.update(mapping)
        merged.update(frame.container)
        return merged


class _Merge:
    """The `<<` key: the mappings given to it are merged into the one it is in."""


class _Keys(dict[str, Any]):
    """A JSON object that had a key twice: its keys in the order given, repeats included."""

    def __init__(self, made: dict[str, Any], given: list[str]):
        super().__init__(made)
        self.given = given


def _place_in(frame: _Frame) -> Any:
    return frame.key if frame.is_map else len(frame.container)


def _tag_refused(tag: str, event: events.NodeEvent) -> str:
    shown = "!!" + tag[len(_YAML) :] if tag.startswith(_YAML) else tag
    mark = event.start_mark
    return (
        f"YAML does not parse at line {mark.line + 1}, column {mark.column + 1}: tag {shown} is not allowed "
        "(a scenario holds plain values only)"
    )


def json_too_deep(text: str) -> int | None:
    """The line at which JSON's lists and objects nest deeper than `MAX_DEPTH`, before it is parsed.

    Strings are skipped whole (a bracket inside one is text), so a file with few
    brackets costs almost nothing: they are counted before anything is scanned.
    """
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return None
    depth = 0
    for token in _JSON_TOKENS.finditer(text):
        char = token.group()[0]
        if char == '"':
            continue
        depth += 1 if char in "[{" else -1
        if depth > MAX_DEPTH:
            return text.count("\n", 0, token.start()) + 1
    return None


def _json_duplicates(text: str, data: Any) -> list[Duplicate]:
    """Every key given twice, with lines when the text reads as YAML too (it almost always does)."""
    try:
        builder = _YamlBuilder()
        builder.build(text)
        if builder.duplicates:
            return builder.duplicates
    except (yaml.YAMLError, _Refused):
        pass
    found: list[Duplicate] = []
    todo: list[tuple[tuple[Any, ...], Any]] = [((), data)]
    while todo:
        path, node = todo.pop()
        if isinstance(node, _Keys):
            seen: set[str] = set()
            for key in node.given:
                if key in seen:
                    found.append(Duplicate((*path, key), None))
                seen.add(key)
        if isinstance(node, dict):
            todo.extend(((*path, k), v) for k, v in node.items())
        elif isinstance(node, list):
            todo.extend(((*path, i), v) for i, v in enumerate(node))
    return sorted(found, key=lambda d: [str(p) for p in d.path])
