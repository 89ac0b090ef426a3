"""A peer of mediamon fetching and parsing article URLs, run by the crawl benchmark with the
Python of the peer's own virtual environment (this file imports nothing of mediamon).

Usage: ``python bench/peer_fetch.py news-please|newspaper4k URLS.txt``. Each URL is
downloaded and parsed the way the peer's documentation shows, 8 at a time (threads: the
peers' own downloaders are synchronous); the last line printed is a JSON object: pages
(parsed with a title and text), failed.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


def news_please(url: str) -> bool:
    from newsplease import NewsPlease

    article = NewsPlease.from_url(url)
    return bool(article is not None and article.title and article.maintext)


def newspaper4k(url: str) -> bool:
    from newspaper import Article

    article = Article(url)
    article.download()
    article.parse()
    return bool(article.title and article.text)


PEERS: dict[str, Callable[[str], bool]] = {"news-please": news_please, "newspaper4k": newspaper4k}


def main(peer: str, urls_file: str) -> None:
    fetch = PEERS[peer]
    urls = Path(urls_file).read_text(encoding="utf-8").split()

    def parsed(url: str) -> bool:
        try:
            return fetch(url)
        except Exception:
            return False

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(parsed, urls))
    print(json.dumps({"pages": sum(results), "failed": len(results) - sum(results)}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
