"""Read a YAML file with bounded work and memory: the one way clsim reads YAML.

``yaml.safe_load`` is safe from code execution but not from resource exhaustion: a
"billion laughs" file (aliases of aliases) expands to 10^9 values in whatever walks the
result, a file nested ten thousand levels deep overflows the composer's recursion, and
a duplicate key silently keeps the last value. :func:`read_yaml` puts a limit on each
before anything is built (the limits and their reasons are in
``docs/install_and_errors.md``):

* the file is a regular file of at most :data:`MAX_FILE_BYTES` bytes (read no further);
* nesting is at most :data:`MAX_DEPTH` levels (counted while composing, before the
  recursion can overflow);
* the document, with every alias expanded, has at most :data:`MAX_NODES` values
  (sizes are computed once per node, so the check itself is linear in the file);
* a scalar is at most :data:`MAX_SCALAR_CHARS` characters (Python refuses to convert
  integers of more than 4,300 digits anyway);
* a key appears once per mapping (merge keys ``<<`` follow the YAML rule: explicit keys
  override merged ones).

Every violation raises :class:`YAMLFileError` carrying a
:class:`~simulator.scenario.errors.Problem` whose key is the line (never past the end
of the file) and whose text names the rule; callers wrap it in their own error type.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import Problem

__all__ = [
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_NODES",
    "MAX_SCALAR_CHARS",
    "YAMLFileError",
    "read_yaml",
    "parse_yaml",
]

#: Largest file read (1 MiB: a scenario is ~3 KB, the largest shipped sweep ~2 KB).
MAX_FILE_BYTES = 1 << 20
#: Deepest nesting of mappings and lists (the schema needs 4).
MAX_DEPTH = 64
#: Most values in the document once aliases are expanded.
MAX_NODES = 200_000
#: Longest scalar (meta.description, the longest text field, allows 5,000).
MAX_SCALAR_CHARS = 20_000


class YAMLFileError(ValueError):
    """A YAML file that cannot be read within the limits; ``problem`` says where and why."""

    def __init__(self, path: str, problem: Problem):
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem.render()}")


class _Limit(yaml.YAMLError):
    """Internal: a limit was hit at ``mark``."""

    def __init__(self, mark: Any, expected: str, found: str):
        super().__init__(expected)
        self.problem_mark = mark
        self.expected = expected
        self.found = found


class _Bounded:
    """Composer mixin: counts depth, expanded size and scalar length while composing."""

    _depth = 0
    _sizes: dict[int, int]  # id(node) -> values with aliases expanded

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        """Compose one node, enforcing depth, scalar length, expanded size and unique keys."""
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            node = super().compose_node(parent, index)
            if id(node) not in self._sizes:  # anchors register before their children
                raise _Limit(
                    event.start_mark,
                    "no alias inside the value it names",
                    f"*{event.anchor[:40]} inside its own anchor (a recursive structure)",
                )
            return node
        start = self.peek_event()
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _Limit(start.start_mark, f"at most {MAX_DEPTH} levels of nesting", "deeper nesting")
        if isinstance(start, yaml.ScalarEvent) and len(start.value) > MAX_SCALAR_CHARS:
            raise _Limit(
                start.start_mark,
                f"values of at most {MAX_SCALAR_CHARS:,} characters",
                f"a value of {len(start.value):,} characters",
            )
        node = super().compose_node(parent, index)
        self._depth -= 1
        size = 1 + sum(self._sizes.get(id(child), 1) for child in _children(node))
        if size > MAX_NODES:
            raise _Limit(
                start.start_mark,
                f"at most {MAX_NODES:,} values with every alias expanded",
                f"more than {MAX_NODES:,} (aliases that multiply: a 'billion laughs' file?)",
            )
        self._sizes[id(node)] = size
        if isinstance(node, MappingNode):
            _check_unique_keys(node)
        return node


class _PyLoader(_Bounded, yaml.SafeLoader):
    """The bounded composer over PyYAML's pure-Python parser."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._sizes = {}


if yaml.__with_libyaml__:
    from yaml._yaml import CParser
    from yaml.composer import Composer
    from yaml.constructor import SafeConstructor
    from yaml.resolver import Resolver

    class _CLoader(_Bounded, CParser, Composer, SafeConstructor, Resolver):
        """The bounded composer over libyaml's event parser (about 3.5x faster).

        libyaml only produces the events; composing (where the limits are checked) and
        constructing stay in Python, exactly as in :class:`_PyLoader`.
        """

        get_single_node = Composer.get_single_node
        compose_document = Composer.compose_document
        check_node = Composer.check_node
        get_node = Composer.get_node

        def __init__(self, stream: str):
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
            self._sizes = {}

    _Loader: type = _CLoader
else:  # pragma: no cover - PyYAML built without libyaml
    _Loader = _PyLoader


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _check_unique_keys(node: MappingNode) -> None:
    seen: dict[str, Any] = {}
    for key, _value in node.value:
        if not isinstance(key, ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
            continue
        text = key.value
        if text in seen:
            first = seen[text].line + 1
            shown = text if len(text) <= 40 else text[:37] + "..."
            raise _Limit(
                key.start_mark,
                "each key once in a mapping",
                f"{shown!r} again (first at line {first}; YAML would silently keep the last)",
            )
        seen[text] = key.start_mark


def _where(mark: Any, text: str) -> str:
    """``line L, column C`` of a YAML mark; a mark past the last line says end of file."""
    if mark is None:
        return "(yaml)"
    n_lines = max(1, text.count("\n") + (1 if text and not text.endswith("\n") else 0))
    if mark.line + 1 > n_lines:
        return f"end of file (line {n_lines})"
    return f"line {mark.line + 1}, column {mark.column + 1}"


def _syntax(exc: yaml.YAMLError, text: str) -> str:
    """PyYAML's problem text as a "found ..." phrase (its texts often start with "found")."""
    problem = str(getattr(exc, "problem", None) or str(exc).splitlines()[0])
    for prefix in ("but found ", "found "):
        if problem.startswith(prefix):
            problem = problem[len(prefix):]
            break
    context = getattr(exc, "context", None)
    found = f"a syntax error: {problem}" + (f" ({context})" if context else "")
    mark = getattr(exc, "problem_mark", None)
    lines = text.splitlines()
    line = lines[mark.line] if mark is not None and mark.line < len(lines) else ""
    if "cannot start any token" in problem and "\t" in line:
        found += "; YAML indents with spaces, not tabs"
    return found[:300]


def parse_yaml(text: str, source: str) -> Any:
    """Parse YAML text within the limits (see the module docstring).

    Raises:
        YAMLFileError: bad YAML, or a limit exceeded; names the line and the rule.
    """
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        # the explicit keys were checked; now the ordinary safe construction, with
        # aliases as shared references (nothing is expanded here)
        return loader.construct_document(node)
    except _Limit as exc:
        raise YAMLFileError(
            source, Problem(_where(exc.problem_mark, text), exc.expected, exc.found)
        ) from None
    except RecursionError:
        raise YAMLFileError(
            source, Problem("(yaml)", f"at most {MAX_DEPTH} levels of nesting", "deeper nesting")
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise YAMLFileError(source, Problem(_where(mark, text), "valid YAML", _syntax(exc, text))) from None
    except ValueError:  # a constructor's int() refusing a value, e.g. 5,000 digits
        raise YAMLFileError(
            source,
            Problem("(yaml)", "valid YAML values", "a number too long to convert (over 4,300 digits)"),
        ) from None
    finally:
        loader.dispose()


def read_yaml(path: str | Path, what: str = "file") -> Any:
    """Read and parse one YAML file within the limits.

    Args:
        path: the file.
        what: what the file should be, for messages ("scenario file", "sweep file").

    Raises:
        YAMLFileError: missing, a folder, not a regular file, too large, not UTF-8,
            unreadable, bad YAML or over a limit.
    """
    path = Path(path)
    source = str(path)
    if not path.exists():
        raise YAMLFileError(source, Problem("(file)", f"an existing {what}", "no such file"))
    if path.is_dir():
        raise YAMLFileError(source, Problem("(file)", f"a {what}", "a folder"))
    if not path.is_file():
        raise YAMLFileError(
            source, Problem("(file)", f"a regular {what}", "a device, pipe or socket")
        )
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise YAMLFileError(
            source, Problem("(file)", f"a readable {what}", exc.strerror or type(exc).__name__)
        ) from None
    if len(raw) > MAX_FILE_BYTES:
        raise YAMLFileError(
            source,
            Problem(
                "(file)",
                f"a {what} of at most {MAX_FILE_BYTES // 1024:,} KiB",
                f"{path.stat().st_size:,} bytes",
            ),
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YAMLFileError(
            source, Problem(f"line {line}", "UTF-8 text", "bytes that are not UTF-8 (a binary file?)")
        ) from None
    return parse_yaml(text, source)
