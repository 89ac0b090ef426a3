"""Trafilatura's page measure with the cheaper cleaning XPath: the same elements, the same text."""

from __future__ import annotations

from copy import deepcopy
from pathlib import Path

import pytest
from lxml.html import HtmlElement, fromstring
from trafilatura.settings import BASIC_CLEAN_XPATH

import mediamon.extract.extractor  # noqa: F401  (installs the cheaper expression)
from mediamon.extract.page_measure import (
    ATTRIBUTED_ELEMENT_STEP,
    TRAFILATURA_BASELINE,
    cheaper_basic_clean,
)

SEED_PAGE = Path(__file__).parent / "fixtures" / "extraction" / "moscow_times_seed.html"
BANNERS = """<html><head><title>t</title></head><body>
<div class="Cookie-Banner">banner by class, upper case</div>
<div id="COOKIEBOT">banner by id only</div>
<section class="article" id="onetrust-consent-sdk">banner by id beside a class</section>
<p class="cookies-not-set">a body class that is not a banner</p>
<div class="">an empty class</div><div id="">an empty id</div>
<span class="notice--cookie">notice</span><span class="moove_gdpr">moove</span>
<div class="site-footer">footer div</div><footer>footer</footer><aside>aside</aside>
<svg><text>svg</text></svg><template>template</template>
<article><p>The article text, which stays.</p><p class="lead">A lead.</p></article>
</body></html>"""


def pages() -> list[HtmlElement]:
    return [fromstring(BANNERS), fromstring(SEED_PAGE.read_bytes())]


def test_trafilatura_uses_the_cheaper_expression() -> None:
    assert ATTRIBUTED_ELEMENT_STEP in TRAFILATURA_BASELINE.BASIC_CLEAN_XPATH.path
    assert BASIC_CLEAN_XPATH.path != TRAFILATURA_BASELINE.BASIC_CLEAN_XPATH.path


@pytest.mark.parametrize("page", pages(), ids=["banners", "seed"])
def test_the_cheaper_expression_selects_exactly_what_trafilaturas_selects(
    page: HtmlElement,
) -> None:
    original = BASIC_CLEAN_XPATH(page)
    assert cheaper_basic_clean(BASIC_CLEAN_XPATH)(page) == original
    assert original  # each page has something to clean


def test_banners_go_and_the_article_stays() -> None:
    selected = cheaper_basic_clean(BASIC_CLEAN_XPATH)(fromstring(BANNERS))
    texts = {" ".join(element.text_content().split()) for element in selected}
    assert {"banner by class, upper case", "banner by id only", "notice", "moove"} <= texts
    assert "banner by id beside a class" in texts
    assert not texts & {"a body class that is not a banner", "an empty class", "an empty id"}


@pytest.mark.parametrize("page", pages(), ids=["banners", "seed"])
def test_the_page_measure_is_unchanged(page: HtmlElement, monkeypatch: pytest.MonkeyPatch) -> None:
    cheaper = TRAFILATURA_BASELINE.html2txt(deepcopy(page))
    monkeypatch.setattr(TRAFILATURA_BASELINE, "BASIC_CLEAN_XPATH", BASIC_CLEAN_XPATH)
    assert cheaper == TRAFILATURA_BASELINE.html2txt(deepcopy(page))
    assert "The article text, which stays." in cheaper or len(cheaper) > 1000


def test_an_expression_it_was_not_written_for_is_left_alone() -> None:
    other = BASIC_CLEAN_XPATH.__class__(".//aside")
    assert cheaper_basic_clean(other) is other
    once = cheaper_basic_clean(BASIC_CLEAN_XPATH)
    assert cheaper_basic_clean(once) is once
