"""The parsed form of a topic query: a tree of nodes evaluated against an ``ArticleAnalysis``.

Word-level nodes (``Term``, ``Phrase``, ``AnyOf``) find spans of token positions in a field, so
phrases and NEAR can require them to be consecutive or close; boolean nodes combine whether
anything was found in the title or the text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from mediamon.query.text_analysis import ArticleAnalysis, FieldIndex

Span = tuple[int, int]
"""First and last token position (inclusive) of a match within one field."""


@dataclass(frozen=True)
class Node:
    def matches(self, analysis: ArticleAnalysis) -> bool:
        raise NotImplementedError

    def leaves(self, negated: bool = False) -> Iterator[tuple[WordNode, bool]]:
        """The word-level nodes of the tree, in query order, with whether each is under NOT."""
        raise NotImplementedError


@dataclass(frozen=True)
class WordNode(Node):
    def spans(self, field: FieldIndex) -> list[Span]:
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError

    def matches(self, analysis: ArticleAnalysis) -> bool:
        return any(self.spans(field) for field in analysis.fields)

    def leaves(self, negated: bool = False) -> Iterator[tuple[WordNode, bool]]:
        yield self, negated


@dataclass(frozen=True)
class Term(WordNode):
    """A word, matched in any inflection; or, as ``prefix``, any word starting with it."""

    word: str
    prefix: bool = False

    def spans(self, field: FieldIndex) -> list[Span]:
        return [(position, position) for position in field.positions(self.word, self.prefix)]

    def describe(self) -> str:
        return self.word + ("*" if self.prefix else "")


@dataclass(frozen=True)
class Phrase(WordNode):
    """Words that must occur consecutively, each in any inflection."""

    terms: tuple[Term, ...]

    def spans(self, field: FieldIndex) -> list[Span]:
        following = [set(field.positions(t.word, t.prefix)) for t in self.terms[1:]]
        starts = field.positions(self.terms[0].word, self.terms[0].prefix)
        length = len(self.terms)
        return [
            (start, start + length - 1)
            for start in starts
            if all(start + offset in positions for offset, positions in enumerate(following, 1))
        ]

    def describe(self) -> str:
        return '"' + " ".join(term.describe() for term in self.terms) + '"'


@dataclass(frozen=True)
class AnyOf(WordNode):
    """Alternative words or phrases, as one operand of NEAR: ``(raid OR incursion) NEAR/5 x``."""

    options: tuple[WordNode, ...]

    def spans(self, field: FieldIndex) -> list[Span]:
        return sorted({span for option in self.options for span in option.spans(field)})

    def describe(self) -> str:
        return "(" + " OR ".join(option.describe() for option in self.options) + ")"


@dataclass(frozen=True)
class Near(WordNode):
    """Two word-level operands at most ``distance`` positions apart, in either order."""

    left: WordNode
    right: WordNode
    distance: int

    def spans(self, field: FieldIndex) -> list[Span]:
        rights = self.right.spans(field)
        return [
            (min(left[0], right[0]), max(left[1], right[1]))
            for left in self.left.spans(field)
            for right in rights
            if _gap(left, right) <= self.distance
        ]

    def describe(self) -> str:
        return f"{self.left.describe()} NEAR/{self.distance} {self.right.describe()}"


def _gap(first: Span, second: Span) -> int:
    """How many positions apart two spans are: 1 when adjacent, 0 when they overlap."""
    return max(second[0] - first[1], first[0] - second[1], 0)


@dataclass(frozen=True)
class And(Node):
    children: tuple[Node, ...]

    def matches(self, analysis: ArticleAnalysis) -> bool:
        return all(child.matches(analysis) for child in self.children)

    def leaves(self, negated: bool = False) -> Iterator[tuple[WordNode, bool]]:
        for child in self.children:
            yield from child.leaves(negated)


@dataclass(frozen=True)
class Or(Node):
    children: tuple[Node, ...]

    def matches(self, analysis: ArticleAnalysis) -> bool:
        return any(child.matches(analysis) for child in self.children)

    def leaves(self, negated: bool = False) -> Iterator[tuple[WordNode, bool]]:
        for child in self.children:
            yield from child.leaves(negated)


@dataclass(frozen=True)
class Not(Node):
    child: Node

    def matches(self, analysis: ArticleAnalysis) -> bool:
        return not self.child.matches(analysis)

    def leaves(self, negated: bool = False) -> Iterator[tuple[WordNode, bool]]:
        yield from self.child.leaves(not negated)
