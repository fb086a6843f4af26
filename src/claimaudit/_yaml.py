"""Safe YAML for rule and suite files: aliases may not expand past a fixed size.

A YAML alias (``*name``) repeats an anchored value; nested aliases grow exponentially (nine
aliases nested eight deep, 600 bytes, expand to 43 million values: the "billion laughs").
:func:`compose` composes the node graph (which stays small) and refuses it when its expanded size
passes :data:`MAX_NODES`, before anything walks it, so no time or memory is spent on a bomb.

>>> compose("a: &x [1, 2]\\nb: *x\\n").value[1][1].value[0].value
'1'
>>> compose("a: &a [1,1,1,1,1,1,1,1,1]\\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\\n"
...         "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\\n"
...         "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\\n")
Traceback (most recent call last):
claimaudit._yaml.ExpansionError: the file expands to more than 100000 values through YAML aliases (*name)
"""

from __future__ import annotations

from typing import Any

import yaml

__all__ = ["MAX_NODES", "ExpansionError", "compose", "expanded_size"]

MAX_NODES = 100_000


class ExpansionError(ValueError):
    """The YAML document expands (through aliases) to more than :data:`MAX_NODES` values."""


def expanded_size(root: yaml.Node, limit: int = MAX_NODES) -> int:
    """How many nodes ``root`` has once every alias is expanded (stops counting past ``limit``)."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:  # a recursive alias expands without end
            raise ExpansionError("the file holds a recursive YAML alias (a value that contains itself)")
        active.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            children: list[Any] = node.value
        elif isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        else:
            children = []
        for child in children:
            total += size(child)
            if total > limit:
                break
        active.discard(key)
        sizes[key] = total
        return total

    total = size(root)
    if total > limit:
        raise ExpansionError(f"the file expands to more than {limit} values through YAML aliases (*name)")
    return total


def compose(text: str, loader: type = yaml.SafeLoader) -> yaml.Node | None:
    """``yaml.compose`` with ``loader``, refusing documents that expand past :data:`MAX_NODES`."""
    root = yaml.compose(text, Loader=loader)
    if root is not None:
        expanded_size(root)
    return root


def load(text: str, loader: type = yaml.SafeLoader) -> Any:
    """``yaml.load`` with ``loader`` (a SafeLoader subclass), after the same expansion check."""
    instance = loader(text)
    try:
        root = instance.get_single_node()
        if root is None:
            return None
        expanded_size(root)
        return instance.construct_document(root)
    finally:
        instance.dispose()
