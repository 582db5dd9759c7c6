"""YAML that cannot explode: a safe loader that refuses alias bombs before anything walks the document.

PyYAML shares one object for every alias of an anchor, so loading a "billion laughs" document is quick --
the hang comes afterwards, when validation or the depth check walks 9^9 references. The composed node
graph is therefore measured first: the number of aliases, and the number of nodes the document would have
with every alias expanded (computed once per node, so the measurement itself is linear in the file).
Limits: :data:`configscan.limits.YAML_ALIASES` and :data:`configscan.limits.YAML_NODES`.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from configscan import limits
from configscan.errors import InputError


class _CountingLoader(yaml.SafeLoader):
    """SafeLoader that counts alias events while composing (the pure-Python composer exposes them)."""

    def __init__(self, stream: str, source: str) -> None:
        super().__init__(stream)
        self.source = source
        self.aliases = 0

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > limits.YAML_ALIASES.value():
                raise limits.YAML_ALIASES.refuse(self.source, f"more than {self.aliases - 1:,} YAML aliases (*name)")
        return super().compose_node(parent, index)


def expanded_size(root: Node) -> int:
    """Nodes in the document with every alias expanded, computed without recursion and without expanding
    (the graph must be acyclic: see :func:`_cyclic`)."""
    sizes: dict[int, int] = {}
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        children = _children(node)
        if children_done or not children:
            sizes[id(node)] = 1 + sum(sizes.get(id(child), 0) for child in children)
            continue
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in sizes)
    return sizes[id(root)]


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def load(text: str, source: str) -> Any:
    """One YAML document with the safe constructors, refused when aliases or expanded size pass the limits.

    Raises :class:`yaml.YAMLError` for invalid YAML and :class:`InputError` for a document over a limit.
    A node graph with a cycle (``&a [*a]``) is refused too: nothing downstream could walk it.
    """
    loader = _CountingLoader(text, source)
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        if _cyclic(root):  # first: measuring the expanded size of a cycle would never end
            raise InputError(source, "a YAML alias refers to a node that contains it (a cycle); not a configuration")
        size = expanded_size(root)
        if size > limits.YAML_NODES.value():
            raise limits.YAML_NODES.refuse(source, f"{size:,} YAML nodes once its aliases are expanded")
        return loader.construct_document(root)
    finally:
        loader.dispose()


def _cyclic(root: Node) -> bool:
    """True when a node is reachable from itself (only aliases can do that)."""
    state: dict[int, int] = {}  # 1 = on the current path, 2 = finished
    stack: list[tuple[Node, int]] = [(root, 0)]
    while stack:
        node, index = stack.pop()
        children = _children(node)
        if index == 0:
            if state.get(id(node)) == 2:
                continue
            state[id(node)] = 1
        if index < len(children):
            stack.append((node, index + 1))
            child = children[index]
            if state.get(id(child)) == 1:
                return True
            if state.get(id(child)) != 2:
                stack.append((child, 0))
        else:
            state[id(node)] = 2
    return False
