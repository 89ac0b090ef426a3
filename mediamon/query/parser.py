"""The topic query language: parse once, then match against articles' titles and texts.

Grammar, loosest binding first (operators are uppercase; lowercase and/or/not are plain words)::

    query   := or
    or      := and ("OR" and)*
    and     := unary (["AND"] unary)*        adjacent terms are joined by an implicit AND
    unary   := "NOT" unary | near            "a AND NOT b", "a NOT b" and a leading NOT work
    near    := operand ["NEAR/n" operand]    operand: word, prefix*, "phrase", or (a OR "b c")
    operand := word | prefix* | "phrase" | "(" or ")"

So NOT binds tighter than NEAR's neighbours AND, and AND tighter than OR:
``a OR b AND NOT c`` is ``a OR (b AND (NOT c))``.

- A word matches any inflection of itself (stemmed per language, see ``mediamon.query.stemming``),
  case-insensitively, in the title or the text.
- ``prefix*`` matches any word starting with the prefix, as written (not stemmed).
- ``"exact phrase"`` matches its words consecutively, each in any inflection; a word may end
  in ``*``. A query word with inner punctuation (``pro-Russian``, ``U.S.``) is a phrase too.
- ``a NEAR/n b`` matches when ``a`` and ``b`` occur in the same field, in either order, at most
  ``n`` positions apart: NEAR/1 means adjacent, NEAR/3 allows two words between.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mediamon.query.nodes import And, AnyOf, Near, Node, Not, Or, Phrase, Term, WordNode
from mediamon.query.text_analysis import ArticleAnalysis, analyze_article, tokenize

__all__ = ["Clue", "Query", "QuerySyntaxError", "parse_query"]

LEXEME = re.compile(
    r"""(?P<space>\s+)
      | (?P<open>\() | (?P<close>\))
      | (?P<phrase>["“„«](?P<body>[^"”“»]*)(?P<end>["”“»])?)
      | (?P<stray>[”»])
      | (?P<word>[^\s()"“„«”»]+)""",
    re.VERBOSE,
)
NEAR = re.compile(r"NEAR(?:/(?P<distance>.*))?")
OPERATORS = frozenset({"AND", "OR", "NOT"})
MIN_PREFIX_LENGTH = 2
EXCERPT_RADIUS = 40


class QuerySyntaxError(ValueError):
    """A malformed query; ``position`` is the 0-based offset of the offending character."""

    def __init__(self, message: str, position: int, query: str = "") -> None:
        self.message = message
        self.position = position
        self.query = query
        super().__init__(f"{message} at character {position + 1}{_excerpt(query, position)}")


def _excerpt(query: str, position: int) -> str:
    if not query:
        return ""
    start = max(0, position - EXCERPT_RADIUS)
    end = min(len(query), position + EXCERPT_RADIUS)
    before = ("…" if start else "") + query[start:position]
    shown = before + query[position:end] + ("…" if end < len(query) else "")
    one_line = shown.replace("\n", " ")
    return f":\n  {one_line}\n  {' ' * len(before)}^"


@dataclass(frozen=True)
class Token:
    kind: str  # open, close, phrase, word, AND, OR, NOT, NEAR, end
    text: str
    position: int
    distance: int = 0


class Lexer:
    def __init__(self, query: str) -> None:
        self.query = query

    def error(self, message: str, position: int) -> QuerySyntaxError:
        return QuerySyntaxError(message, position, self.query)

    def tokens(self) -> list[Token]:
        found: list[Token] = []
        position = 0
        while position < len(self.query):
            match = LEXEME.match(self.query, position)
            assert match is not None  # the alternatives cover every character
            if match.lastgroup != "space":
                found.append(self._token(match))
            position = match.end()
        found.append(Token("end", "", len(self.query)))
        return found

    def _token(self, match: re.Match[str]) -> Token:
        kind, text, position = match.lastgroup, match.group(), match.start()
        if kind == "stray":
            raise self.error(f"closing quote {text} without an opening quote", position)
        if kind == "phrase" and match.group("end") is None:
            raise self.error("unterminated phrase: the quote is never closed", position)
        if kind in ("phrase", "open", "close"):
            return Token(kind, text, position)
        if text in OPERATORS:
            return Token(text, text, position)
        near = NEAR.fullmatch(text)
        return self._near(near, position) if near else Token("word", text, position)

    def _near(self, near: re.Match[str], position: int) -> Token:
        distance = near.group("distance")
        if distance is None or not distance.isdigit() or int(distance) < 1:
            raise self.error(
                f"{near.group()!r} needs a distance of 1 or more, e.g. NEAR/5", position
            )
        return Token("NEAR", near.group(), position, int(distance))


class Parser:
    """Recursive descent over the tokens, one method per grammar rule."""

    def __init__(self, query: str) -> None:
        self.lexer = Lexer(query)
        self.tokens = self.lexer.tokens()
        self.index = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.current
        self.index += 1
        return token

    def error(self, message: str, position: int) -> QuerySyntaxError:
        return self.lexer.error(message, position)

    def parse(self) -> Node:
        if self.current.kind == "end":
            raise self.error("empty query", 0)
        node = self.parse_or()
        if self.current.kind == "close":
            raise self.error(
                "unbalanced parenthesis: ')' has no matching '('", self.current.position
            )
        return node

    def parse_or(self) -> Node:
        children = [self.parse_and()]
        while self.current.kind == "OR":
            self.expect_operand_after(self.advance())
            children.append(self.parse_and())
        return children[0] if len(children) == 1 else Or(tuple(children))

    def parse_and(self) -> Node:
        children = [self.parse_unary()]
        while self.current.kind in ("AND", "NOT", "word", "phrase", "open"):
            if self.current.kind == "AND":
                self.expect_operand_after(self.advance())
            children.append(self.parse_unary())
        return children[0] if len(children) == 1 else And(tuple(children))

    def parse_unary(self) -> Node:
        if self.current.kind == "NOT":
            self.expect_operand_after(self.advance())
            return Not(self.parse_unary())
        return self.parse_near()

    def parse_near(self) -> Node:
        left = self.parse_operand()
        if self.current.kind != "NEAR":
            return left
        near = self.advance()
        if self.current.kind not in ("word", "phrase", "open"):
            raise self.error(f"{near.text} needs a word or phrase after it", near.position)
        right_position = self.current.position
        right = self.parse_operand()
        if self.current.kind == "NEAR":
            raise self.error(
                "NEAR joins two operands; combine more with AND", self.current.position
            )
        return Near(
            self.word_level(left, near.position),
            self.word_level(right, right_position),
            near.distance,
        )

    def word_level(self, node: Node, position: int) -> WordNode:
        if isinstance(node, WordNode):
            return node
        if isinstance(node, Or) and all(isinstance(child, WordNode) for child in node.children):
            return AnyOf(tuple(child for child in node.children if isinstance(child, WordNode)))
        raise self.error(
            "NEAR operands must be words, phrases, or an OR of them in (...)", position
        )

    def parse_operand(self) -> Node:
        token = self.current
        if token.kind in ("AND", "OR", "NEAR"):
            raise self.error(f"{token.text} needs a word or phrase before it", token.position)
        if token.kind in ("close", "end"):
            raise self.error("expected a word, phrase or '('", token.position)
        self.advance()
        if token.kind == "open":
            return self.parse_group(token)
        if token.kind == "phrase":
            return self.parse_phrase(token)
        return self.words_node(token.text, token.position)

    def parse_group(self, opening: Token) -> Node:
        if self.current.kind == "close":
            raise self.error("empty parentheses", opening.position)
        node = self.parse_or()
        if self.current.kind != "close":
            raise self.error("unbalanced parenthesis: '(' is never closed", opening.position)
        self.advance()
        return node

    def parse_phrase(self, token: Token) -> Node:
        body_start = token.position + 1
        terms: list[Term] = []
        for chunk in re.finditer(r"\S+", token.text[1:-1]):
            node = self.words_node(chunk.group(), body_start + chunk.start())
            terms.extend(node.terms if isinstance(node, Phrase) else [node])
        if not terms:
            raise self.error("empty phrase", token.position)
        return terms[0] if len(terms) == 1 else Phrase(tuple(terms))

    def words_node(self, text: str, position: int) -> Term | Phrase:
        """A query word as a Term, or as a Phrase if punctuation splits it (``pro-Russian``)."""
        prefix = text.endswith("*")
        body = text[:-1] if prefix else text
        if "*" in body:
            raise self.error("'*' may only end a word", position + body.index("*"))
        words = tokenize(body)
        if prefix and (not words or len(words[-1]) < MIN_PREFIX_LENGTH or not body[-1:].isalnum()):
            raise self.error(f"'*' needs at least {MIN_PREFIX_LENGTH} letters before it", position)
        if not words:
            raise self.error(f"{text!r} has no letters or digits to match", position)
        terms = [Term(word) for word in words[:-1]] + [Term(words[-1], prefix)]
        return terms[0] if len(terms) == 1 else Phrase(tuple(terms))

    def expect_operand_after(self, operator: Token) -> None:
        if self.current.kind not in ("word", "phrase", "open", "NOT"):
            raise self.error(f"{operator.text} needs a word or phrase after it", operator.position)


@dataclass(frozen=True)
class Query:
    """A parsed topic query; build with ``parse_query``."""

    text: str
    root: Node

    def matches(self, title: str | None, text: str | None, language: str | None = None) -> bool:
        """Whether an article with this title, text and language (None: unknown) matches."""
        return self.matches_analysis(analyze_article(title, text, language))

    def matches_analysis(self, analysis: ArticleAnalysis) -> bool:
        """Like ``matches``, on an analysis shared by every query evaluated on the article."""
        return self.root.matches(analysis)

    def explain(
        self, title: str | None, text: str | None, language: str | None = None
    ) -> list[str]:
        """One line per word, phrase or NEAR in the query: where it was found, as written there."""
        return self.explain_analysis(analyze_article(title, text, language))

    def explain_analysis(self, analysis: ArticleAnalysis) -> list[str]:
        return [str(clue) for clue in self.clues_analysis(analysis)]

    def clues(self, title: str | None, text: str | None, language: str | None = None) -> list[Clue]:
        """Each word, phrase or NEAR of the query once, with where it was found (if it was)."""
        return self.clues_analysis(analyze_article(title, text, language))

    def clues_analysis(self, analysis: ArticleAnalysis) -> list[Clue]:
        clues: dict[Clue, None] = {}
        for leaf, negated in self.root.leaves():
            clues[Clue(leaf.describe(), negated, _whereabouts(leaf, analysis))] = None
        return list(clues)


@dataclass(frozen=True)
class Clue:
    """One word, phrase or NEAR of a query on one article: ``found`` says where, or is None."""

    term: str
    negated: bool
    found: str | None

    def __str__(self) -> str:
        return ("NOT " if self.negated else "") + f"{self.term}: {self.found or 'not found'}"


def _whereabouts(leaf: WordNode, analysis: ArticleAnalysis) -> str | None:
    found = []
    for field in analysis.fields:
        excerpts = dict.fromkeys(field.excerpt(*span) for span in leaf.spans(field))
        if excerpts:
            found.append(f"{field.name} " + ", ".join(f"«{excerpt}»" for excerpt in excerpts))
    return "; ".join(found) or None


def parse_query(query: str) -> Query:
    """Parse a topic query; raises ``QuerySyntaxError`` saying what is wrong and where."""
    return Query(query, Parser(query).parse())
