"""Copies across outlets: exact and near copies are stored and point at the first-seen article."""

from __future__ import annotations

import zlib

import datasketch
import numpy as np
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from mediamon.core.db import open_database
from mediamon.core.minhash import NUM_PERM, SEED, shingles, signature_of
from mediamon.core.models import ArticleRow, MinHashBand
from tests.support.articles import Pipelines, make_article

WIRE = [
    "Ukrainian drones attacked the Russian city of Belgorod overnight, damaging a power "
    "substation and several residential buildings, regional governor Vyacheslav Gladkov said on "
    "Thursday.",
    "Gladkov said on Telegram that air defence systems shot down most of the drones, but debris "
    "fell on a street in the city centre, injuring two men who were taken to hospital with "
    "shrapnel wounds.",
    "Power was cut to about 3,000 households for several hours while repair crews worked at the "
    "substation, the regional energy company said in a statement published on its website.",
    "Russia's defence ministry said separately that it had destroyed 14 unmanned aerial "
    "vehicles over the Belgorod and Kursk regions, without giving details of any damage.",
    "Ukraine does not usually comment on attacks inside Russia. Kyiv says the strikes are a "
    "response to Russia's bombardment of Ukrainian cities, which has killed thousands of "
    "civilians since the invasion began.",
    "The Belgorod region, which borders Ukraine's Kharkiv region, has come under regular fire "
    "since the start of the war, and several border villages have been evacuated.",
]
APPEALS = [
    "Support independent journalism. Donate today and help us keep reporting from the front line.",
    "Sign up for our morning newsletter to get the day's most important news in your inbox.",
    "Read more: What we know about the drone attacks on Russian regions",
]
OTHER_ATTACK = [
    "Shelling damaged a school and three houses in the village of Glotovo in Russia's Belgorod "
    "region on Saturday, regional governor Vyacheslav Gladkov said, adding that nobody was hurt.",
    "Gladkov said on Telegram that the village was shelled twice in the morning and that gas "
    "service had been cut off while engineers inspected a damaged pipeline.",
    "Residents of Glotovo, which lies two kilometres from the border, were offered places in "
    "temporary accommodation centres in the town of Graivoron further from the frontier.",
    "Russia's defence ministry did not comment on the shelling. Officials in Kyiv rarely "
    "comment on incidents inside Russia, which they describe as consequences of the war.",
    "The Belgorod region has come under regular fire since the start of the war, and several "
    "border villages have been evacuated.",
]


@pytest.fixture
def engine(database_url: str) -> Engine:
    return open_database(database_url)


def store(engine: Engine, url: str, paragraphs: list[str], **fields: object) -> int:
    item = Pipelines(engine).run(make_article(url, "\n".join(paragraphs), **fields))  # type: ignore[arg-type]
    assert item.id is not None
    return item.id


def duplicate_of(engine: Engine, article_id: int) -> int | None:
    with Session(engine) as session:
        row = session.get(ArticleRow, article_id)
        assert row is not None
        return row.duplicate_of


def test_exact_copy_in_another_outlet_is_stored_and_marked(engine: Engine) -> None:
    original = store(engine, "https://wire.example/a1", WIRE, outlet_id="wire")
    copy = store(engine, "https://daily.example/b7", WIRE, outlet_id="daily")
    assert copy != original
    assert duplicate_of(engine, copy) == original
    assert duplicate_of(engine, original) is None


@pytest.mark.parametrize(
    "copied",
    [
        pytest.param(WIRE[:4], id="trimmed"),
        pytest.param(WIRE[:3] + WIRE[4:], id="paragraph-dropped"),
        pytest.param([APPEALS[0], *WIRE, *APPEALS[1:]], id="boilerplate-added"),
        pytest.param(
            [WIRE[0].replace("said on Thursday", "told reporters on Thursday"), *WIRE[1:5]],
            id="reworded-and-trimmed",
        ),
    ],
)
def test_near_copies_are_marked_as_copies_of_the_first_seen(
    engine: Engine, copied: list[str]
) -> None:
    original = store(engine, "https://wire.example/a1", [*WIRE, APPEALS[1]], outlet_id="wire")
    copy = store(
        engine,
        "https://daily.example/b7",
        copied,
        outlet_id="daily",
        title="Drones hit Belgorod substation, two hurt",
    )
    assert duplicate_of(engine, copy) == original


def test_a_copy_of_a_copy_points_at_the_first_seen_article(engine: Engine) -> None:
    original = store(engine, "https://wire.example/a1", WIRE)
    trimmed = store(engine, "https://daily.example/b7", WIRE[:5], outlet_id="daily")
    padded = store(engine, "https://weekly.example/c3", [*WIRE[:5], *APPEALS], outlet_id="weekly")
    assert duplicate_of(engine, trimmed) == original
    assert duplicate_of(engine, padded) == original


def test_a_similar_report_of_another_attack_is_not_a_copy(engine: Engine) -> None:
    store(engine, "https://wire.example/a1", WIRE)
    other = store(engine, "https://wire.example/a2", OTHER_ATTACK)
    assert duplicate_of(engine, other) is None


def test_copies_are_found_across_runs_from_the_index_on_disk(database_url: str) -> None:
    url = database_url
    first_run = open_database(url)
    original = store(first_run, "https://wire.example/a1", WIRE)
    first_run.dispose()
    second_run = open_database(url)
    copy = store(second_run, "https://daily.example/b7", WIRE[:4], outlet_id="daily")
    assert duplicate_of(second_run, copy) == original
    with Session(second_run) as session:
        bands = session.scalar(select(func.count()).select_from(MinHashBand))
    assert bands is not None and bands > 0


def test_refetching_an_original_does_not_mark_it_a_copy_of_itself(engine: Engine) -> None:
    original = store(engine, "https://wire.example/a1", WIRE)
    again = Pipelines(engine).run(
        make_article("https://wire.example/a1?utm_source=x", "\n".join(WIRE))
    )
    assert again.id == original
    assert again.duplicate_of is None
    assert duplicate_of(engine, original) is None


def test_copies_arriving_in_one_batch_point_at_the_first_of_the_batch(engine: Engine) -> None:
    batch = [
        make_article("https://wire.example/a1", "\n".join(WIRE), outlet_id="wire"),
        make_article("https://daily.example/b7", "\n".join(WIRE), outlet_id="daily"),
        make_article("https://weekly.example/c3", "\n".join(WIRE[:4]), outlet_id="weekly"),
        make_article("https://wire.example/a2", "\n".join(OTHER_ATTACK), outlet_id="wire"),
        make_article("https://wire.example/a1?utm_source=x", "\n".join(WIRE), outlet_id="wire"),
    ]
    original, exact, near, other, same_url = Pipelines(engine).run_batch(batch)
    assert original.id is not None and original.duplicate_of is None
    assert (exact.duplicate_of, duplicate_of(engine, exact.id)) == (original.id, original.id)  # type: ignore[arg-type]
    assert (near.duplicate_of, duplicate_of(engine, near.id)) == (original.id, original.id)  # type: ignore[arg-type]
    assert other.duplicate_of is None
    assert same_url.id == original.id


def test_a_batch_copy_prefers_the_stored_original_to_a_batch_copy(engine: Engine) -> None:
    original = store(engine, "https://wire.example/a1", WIRE)
    batch = [
        make_article("https://daily.example/b7", "\n".join(WIRE[:5]), outlet_id="daily"),
        make_article("https://weekly.example/c3", "\n".join(WIRE[:5]), outlet_id="weekly"),
    ]
    first, second = Pipelines(engine).run_batch(batch)
    assert first.duplicate_of == original
    assert second.duplicate_of == original
    with Session(engine) as session:
        stored = session.scalar(select(func.count()).select_from(ArticleRow))
    assert stored == 3


def test_signatures_are_datasketchs_affine32_minhash() -> None:
    for text in ["\n".join(WIRE), "\n".join(OTHER_ATTACK), "\n".join(APPEALS)]:
        reference = datasketch.MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=zlib.crc32)
        reference.update_batch(list(shingles(text)))
        signature = signature_of(text)
        assert signature is not None
        assert reference.scheme == "affine32"
        assert np.array_equal(signature.values, reference.hashvalues)
