"""Text that is never garbled: a stray byte in a UTF-8 page, and Unicode's two forms of accents."""

from __future__ import annotations

import unicodedata

import pytest

from mediamon.core.db import open_database
from mediamon.extract.extractor import extract
from mediamon.query.parser import parse_query
from mediamon.store.search import SearchFilters, search
from tests.extract.test_appeals import news_page
from tests.support.articles import Pipelines, make_article

TITLE = "Grenzübertritt bei Белгород: Škoda-Werk in Mladá Boleslav steht still"
BODY = [
    "Die Produktion im Škoda-Werk ruht seit Montag, teilte die Geschäftsführung in Mladá "
    "Boleslav mit; die Zulieferer aus Plzeň und České Budějovice seien informiert.",
    "Жители приграничных сёл Белгородской области рассказали, что слышали взрывы всю ночь, "
    "а утром увидели повреждённые дома и машины.",
    "Nach Angaben des Betriebsrats sollen die Bänder frühestens in der kommenden Woche wieder "
    "anlaufen, falls die Lieferungen der Teile rechtzeitig eintreffen.",
    "Die Gewerkschaft verlangt Kurzarbeitergeld für alle Beschäftigten der Frühschicht und "
    "der Spätschicht, bis die Produktion wieder vollständig läuft.",
]
# A windows-1252 apostrophe (0x92) pasted into the first paragraph: invalid in UTF-8.
STRAY_AFTER = "Die Produktion im Škoda-Werk ruht seit Montag"


def stray_byte_page() -> bytes:
    page = news_page(TITLE, BODY, lang="de").encode()
    cut = page.index(STRAY_AFTER.encode()) + len(STRAY_AFTER.encode())
    return page[:cut] + b"\x92" + page[cut:]


@pytest.mark.parametrize("encoding", [None, "utf-8"])
def test_a_utf8_page_with_a_stray_byte_keeps_its_text_and_only_that_byte_is_replaced(
    encoding: str | None,
) -> None:
    result = extract(stray_byte_page(), "https://news.example/werk", encoding=encoding)
    assert result is not None
    assert result.title == TITLE
    assert result.paragraphs == [BODY[0].replace(STRAY_AFTER, STRAY_AFTER + "\ufffd"), *BODY[1:]]


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


VIETNAMESE_TITLE = "Hà Nội tăng cường kiểm tra an toàn thực phẩm"
VIETNAMESE_BODY = [
    "Thành phố Hà Nội sẽ kiểm tra hơn một nghìn cơ sở kinh doanh thực phẩm trong tháng này, "
    "Sở Y tế cho biết hôm thứ Hai.",
    "Các đoàn kiểm tra sẽ tập trung vào chợ đầu mối và bếp ăn tập thể tại các khu công nghiệp "
    "ở ngoại thành.",
    "Năm ngoái, cơ quan chức năng đã xử phạt gần ba trăm cơ sở vi phạm quy định về vệ sinh.",
    "Người dân có thể phản ánh vi phạm qua đường dây nóng của Sở Y tế, hoạt động cả ngày.",
]


def test_a_title_and_body_written_decomposed_come_out_composed() -> None:
    page = news_page(nfd(VIETNAMESE_TITLE), [nfd(p) for p in VIETNAMESE_BODY], lang="vi")
    assert nfd(VIETNAMESE_TITLE) != VIETNAMESE_TITLE
    result = extract(page.encode(), "https://tin.example/ha-noi")
    assert result is not None
    assert result.title == VIETNAMESE_TITLE
    assert result.paragraphs == VIETNAMESE_BODY


def test_a_decomposed_page_is_stored_composed_and_found_by_exact_search(database_url: str) -> None:
    page = news_page(nfd(VIETNAMESE_TITLE), [nfd(p) for p in VIETNAMESE_BODY], lang="vi")
    url = "https://tin.example/ha-noi"
    result = extract(page.encode(), url)
    assert result is not None and result.title is not None
    engine = open_database(database_url)
    item = make_article(url, result.text, title=result.title, language="vi")
    Pipelines(engine).run(item)
    for query in ['"Hà Nội"', '"an toàn thực phẩm"', "nghìn"]:
        found = search(engine, parse_query(query), SearchFilters())
        assert [(row.url, row.title) for row in found] == [(url, VIETNAMESE_TITLE)], query
