"""The MinHash signature is computed once per article and travels with it to dedup and the index."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from mediamon.core.db import open_database
from mediamon.core.minhash import TextSignature, signature_of
from mediamon.core.models import MinHashSignature
from mediamon.store import saving
from mediamon.store.dedup import copy_signature
from mediamon.store.saving import save_articles
from tests.support.articles import make_article

WIRE = (
    "Ukrainian drones attacked the Russian city of Belgorod overnight, damaging a power "
    "substation and several residential buildings, regional governor Vyacheslav Gladkov said.\n"
    "Power was cut to about 3,000 households for several hours while repair crews worked at the "
    "substation, the regional energy company said in a statement published on its website."
)
OTHER = (
    "The central bank left its key rate unchanged on Friday, saying inflation had slowed less "
    "than expected over the summer and that household demand remained strong across regions.\n"
    "Analysts polled before the meeting had expected the same, and the rouble barely moved after "
    "the announcement, trading at the level it held for most of the week in Moscow."
)


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return open_database(f"sqlite:///{tmp_path}/mediamon.sqlite")


def test_a_batch_computes_each_signature_once(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    computed: list[str] = []

    def counting(text: str) -> TextSignature | None:
        computed.append(text)
        return copy_signature(text)

    monkeypatch.setattr(saving, "copy_signature", counting)
    items = [make_article(f"https://{host}/1", WIRE) for host in ("wire.example", "b.example")]
    first, copy = save_articles(engine, items)
    assert computed == [WIRE, WIRE]
    assert all(item.signature is not None for item in items)
    assert copy.copied == "exact" and items[1].duplicate_of == first.id
    with Session(engine) as session:
        stored = session.get(MinHashSignature, first.id)
        assert stored is not None and items[0].signature is not None
        assert stored.signature == items[0].signature.to_bytes()


def test_dedup_and_the_index_read_the_signature_the_article_carries(engine: Engine) -> None:
    (original,) = save_articles(engine, [make_article("https://wire.example/1", WIRE)])
    carried = make_article("https://b.example/2", OTHER)
    carried.signature = signature_of(WIRE)  # as if computed upstream, for the text it copies
    (saved,) = save_articles(engine, [carried])
    assert saved.copied == "near" and carried.duplicate_of == original.id
    with Session(engine) as session:
        stored = session.get(MinHashSignature, saved.id)
        assert stored is not None and stored.signature == carried.signature.to_bytes()


def test_a_text_too_short_has_no_signature(engine: Engine) -> None:
    item = make_article("https://wire.example/1", "Breaking news.")
    (saved,) = save_articles(engine, [item])
    assert item.signature is None
    with Session(engine) as session:
        assert session.get(MinHashSignature, saved.id) is None
