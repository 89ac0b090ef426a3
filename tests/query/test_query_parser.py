"""The topic query parser: what each query means, and where a malformed one goes wrong."""

from __future__ import annotations

import pytest

from mediamon.query.nodes import And, AnyOf, Near, Node, Not, Or, Phrase, Term
from mediamon.query.parser import QuerySyntaxError, parse_query


def term(word: str) -> Term:
    return Term(word)


def prefix(word: str) -> Term:
    return Term(word, prefix=True)


VOLUNTEER_CORPS = Phrase((Term("volunteer"), Term("corps")))

PARSES: list[tuple[str, Node]] = [
    ("Belgorod", term("belgorod")),
    ("a OR b AND c", Or((term("a"), And((term("b"), term("c")))))),
    ("a AND b OR c", Or((And((term("a"), term("b"))), term("c")))),
    ("(a OR b) AND c", And((Or((term("a"), term("b"))), term("c")))),
    ("a AND NOT b", And((term("a"), Not(term("b"))))),
    ("NOT b AND a", And((Not(term("b")), term("a")))),
    ("a OR NOT b AND c", Or((term("a"), And((Not(term("b")), term("c")))))),
    ("NOT (a OR b)", Not(Or((term("a"), term("b"))))),
    ("a b", And((term("a"), term("b")))),
    ("a b OR c", Or((And((term("a"), term("b"))), term("c")))),
    ("a NOT b", And((term("a"), Not(term("b"))))),
    ("a and b or not c", And(tuple(term(w) for w in ("a", "and", "b", "or", "not", "c")))),
    ('"Russian Volunteer Corps"', Phrase((term("russian"), term("volunteer"), term("corps")))),
    ("“Russian Volunteer”", Phrase((term("russian"), term("volunteer")))),
    ("«Русский добровольческий»", Phrase((term("русский"), term("добровольческий")))),
    ('"raid"', term("raid")),
    ('"volunteer corp*"', Phrase((term("volunteer"), prefix("corp")))),
    ("белгород*", prefix("белгород")),
    ("Бєлгород*", prefix("бєлгород")),
    ("Артём", term("артем")),
    ("з’явився", term("з'явився")),
    ("pro-Russian", Phrase((term("pro"), term("russian")))),
    ("pro-russ*", Phrase((term("pro"), prefix("russ")))),
    ("raid NEAR/5 belgorod", Near(term("raid"), term("belgorod"), 5)),
    ('"volunteer corps" NEAR/3 raid*', Near(VOLUNTEER_CORPS, prefix("raid"), 3)),
    ("(a OR b) NEAR/4 c", Near(AnyOf((term("a"), term("b"))), term("c"), 4)),
    ("a NEAR/2 b AND c", And((Near(term("a"), term("b"), 2), term("c")))),
    ("NOT a NEAR/2 b", Not(Near(term("a"), term("b"), 2))),
    ("NEARBY OR nearly", Or((term("nearby"), term("nearly")))),
    ("ANDREW", term("andrew")),
]  # fmt: skip


@pytest.mark.parametrize(("query", "expected"), PARSES, ids=[q for q, _ in PARSES])
def test_query_parses_to_the_expected_tree(query: str, expected: Node) -> None:
    assert parse_query(query).root == expected


def test_query_keeps_its_text() -> None:
    assert parse_query("a OR b").text == "a OR b"


MALFORMED: list[tuple[str, str, int]] = [
    ("", "empty query", 0),
    ("   ", "empty query", 0),
    ("(belgorod AND raid", "unbalanced parenthesis: '(' is never closed", 0),
    ("belgorod AND raid)", "unbalanced parenthesis: ')' has no matching '('", 17),
    ("(a OR (b AND c)", "unbalanced parenthesis: '(' is never closed", 0),
    ("()", "empty parentheses", 0),
    ("belgorod AND", "AND needs a word or phrase after it", 9),
    ("belgorod OR", "OR needs a word or phrase after it", 9),
    ("belgorod AND NOT", "NOT needs a word or phrase after it", 13),
    ("a OR OR b", "OR needs a word or phrase after it", 2),
    ("(a AND) b", "AND needs a word or phrase after it", 3),
    ("AND belgorod", "AND needs a word or phrase before it", 0),
    ("OR belgorod", "OR needs a word or phrase before it", 0),
    ('""', "empty phrase", 0),
    ('a AND " "', "empty phrase", 6),
    ('"raid on belgorod', "unterminated phrase", 0),
    ("raid”", "closing quote ” without an opening quote", 4),
    ("raid NEAR/5", "NEAR/5 needs a word or phrase after it", 5),
    ("NEAR/5 raid", "NEAR/5 needs a word or phrase before it", 0),
    ("raid NEAR belgorod", "'NEAR' needs a distance of 1 or more, e.g. NEAR/5", 5),
    ("raid NEAR/0 belgorod", "'NEAR/0' needs a distance of 1 or more", 5),
    ("raid NEAR/x belgorod", "'NEAR/x' needs a distance of 1 or more", 5),
    ("a NEAR/2 b NEAR/2 c", "NEAR joins two operands; combine more with AND", 11),
    ("(a AND b) NEAR/2 c", "NEAR operands must be words, phrases, or an OR of them", 10),
    ("a NEAR/2 NOT b", "NEAR/2 needs a word or phrase after it", 2),
    ("*", "'*' needs at least 2 letters before it", 0),
    ("raid OR *", "'*' needs at least 2 letters before it", 8),
    ('"volunteer *"', "'*' needs at least 2 letters before it", 11),
    ("b*", "'*' needs at least 2 letters before it", 0),
    ("bel*gorod", "'*' may only end a word", 3),
    ("--", "'--' has no letters or digits to match", 0),
]


@pytest.mark.parametrize(
    ("query", "message", "position"), MALFORMED, ids=[q for q, _, _ in MALFORMED]
)
def test_malformed_query_says_what_is_wrong_and_where(
    query: str, message: str, position: int
) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse_query(query)
    assert message in str(caught.value)
    assert caught.value.position == position
    assert f"at character {position + 1}" in str(caught.value)


def test_error_shows_the_query_with_a_caret_under_the_problem() -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse_query("(belgorod AND raid) AND (incursion")
    lines = str(caught.value).splitlines()
    assert lines[1].strip() == "(belgorod AND raid) AND (incursion"
    assert lines[2].index("^") == lines[1].index("(incursion")


def test_error_in_a_long_query_shows_an_excerpt_around_the_problem() -> None:
    query = " OR ".join(f"word{number}" for number in range(40)) + " AND"
    with pytest.raises(QuerySyntaxError) as caught:
        parse_query(query)
    excerpt, caret = str(caught.value).splitlines()[1:]
    assert excerpt.startswith("  …") and excerpt.endswith("AND")
    assert excerpt[caret.index("^") :].startswith("AND")


def test_syntax_error_is_a_value_error_for_config_validation() -> None:
    assert issubclass(QuerySyntaxError, ValueError)
