"""An outlet on an internationalised domain, crawled end to end: its hosts are compared in one
form (IDNA), whether the config, the feed or the page writes them in Unicode or in punycode."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mediamon.core.db import open_database
from mediamon.core.models import ArticleRow
from mediamon.world import OutletWorld
from mediamon.world.attacks import ForwardProxy, write_stub_dns
from tests.e2e.test_url_policy import crawl, write_outlets

HOST = "stössenseer.test"
ASCII_HOST = HOST.encode("idna").decode()


@pytest.mark.parametrize(
    "domains", [[], [HOST], [ASCII_HOST]], ids=["homepage", "unicode", "ascii"]
)
def test_an_outlet_on_an_idn_domain_keeps_every_article(tmp_path: Path, domains: list[str]) -> None:
    public = f"http://{HOST}"
    with OutletWorld() as world:
        outlet = world.outlet("moscowmonitor")
        entry = {
            "id": outlet.id,
            "name": outlet.name,
            "homepage": f"{public}/",
            "languages": [outlet.language],
            "article_urls": outlet.spec.article_pattern,
            "feeds": [url.replace(outlet.base_url, public) for url in outlet.feed_urls],
            **({"domains": domains} if domains else {}),
        }
        write_outlets(tmp_path / "config", [entry])
        env = write_stub_dns(tmp_path / "dns.json", {}, tmp_path / "dns.log")
        with ForwardProxy({HOST: outlet.base_url}) as proxy:
            result = crawl(tmp_path / "config", tmp_path, {**env, "http_proxy": proxy.url})
            asked = list(proxy.requests)
        paths = {article.path for article in outlet.articles}
    assert not any(key.startswith("mediamon/refused/") for key in result.counts), result.counts
    assert {urlsplit(url).hostname for url in asked} == {ASCII_HOST}
    with Session(open_database(f"sqlite:///{tmp_path}/crawl.sqlite")) as session:
        rows = list(session.scalars(select(ArticleRow)))
    assert {urlsplit(row.url).path for row in rows} == paths
    for row in rows:
        assert urlsplit(row.url).hostname == ASCII_HOST
        assert urlsplit(row.canonical_url).hostname == ASCII_HOST, "its own canonical, trusted"
