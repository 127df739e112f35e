"""Checked term size: node counts of kernel terms, as a tree and as a DAG.

Coq prints the kernel term of each declaration as a prefix stream of nodes (coq/termsize/
TermSize.v: one line `@TAG ARITY LEAF` per node of `Constr.Unsafe.kind`, the kernel's own
representation, with primitive floats and arrays as single nodes). Here the stream is read back:
the tree size counts every node occurrence; the DAG size counts structurally distinct subterms
(maximal sharing, found by hash-consing), which is what a kernel with perfect sharing stores.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class TermSize:
    tree: int
    dag: int

    def __add__(self, other: "TermSize") -> "TermSize":
        return TermSize(self.tree + other.tree, self.dag + other.dag)


class TermStreamError(ValueError):
    """The node stream is truncated or malformed."""


def parse_nodes(lines: list[str], table: dict | None = None) -> tuple[int, TermSize]:
    """Read one term's prefix node stream; return its node id and sizes.

    `table` maps (tag, leaf, children ids) to ids; passing the same table for several terms
    shares subterms across them (the DAG of a set of declarations).
    """
    table = {} if table is None else table
    before = len(table)
    stack: list[tuple[str, str, int, list[int]]] = []
    root = None
    count = 0
    for raw in lines:
        tag, _, rest = raw.strip().partition(" ")
        arity_text, _, leaf = rest.partition(" ")
        if not tag.startswith("@") or not arity_text.isdigit():
            raise TermStreamError(f"not a node line: {raw[:80]!r}")
        if root is not None:
            raise TermStreamError("a term continues after its root closed")
        count += 1
        stack.append((tag, leaf, int(arity_text), []))
        while stack and len(stack[-1][3]) == stack[-1][2]:
            tag, leaf, _, children = stack.pop()
            node = table.setdefault((tag, leaf, tuple(children)), len(table))
            if stack:
                stack[-1][3].append(node)
            else:
                root = node
    if root is None or stack:
        raise TermStreamError("the node stream ends before the term is complete")
    return root, TermSize(tree=count, dag=len(table) - before)


def split_sections(lines: Iterable[str]) -> Iterator[list[str]]:
    """The node lines printed by `print_constant_nodes`, one list per type or body stream, in
    order; the lines are read as they come (one stream in memory at a time).

    The caller prints `@@DECL name` before each declaration's streams.
    """
    current = None
    for line in lines:
        line = line.strip()
        if line in ("@@TYPE", "@@BODY", "@@END"):
            if current is not None:
                yield current
            current = [] if line != "@@END" else None
        elif current is not None and line.startswith("@") and not line.startswith("@@"):
            current.append(line)
    if current is not None:
        yield current


def declarations_size(output: str | Iterable[str]) -> TermSize:
    """Tree and DAG size of every declaration in the output (its text, or its lines as they
    come), the DAG shared across them."""
    lines = output.splitlines() if isinstance(output, str) else output
    table: dict = {}
    tree = sum(parse_nodes(section, table)[1].tree for section in split_sections(lines))
    return TermSize(tree=tree, dag=len(table))
