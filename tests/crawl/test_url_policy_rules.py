"""The URL policy's rules and the checking resolver, from plain values (no crawl)."""

from __future__ import annotations

import socket
from collections.abc import Callable
from ipaddress import ip_address
from typing import Any

import pytest
from twisted.internet.error import DNSLookupError
from twisted.internet.task import Clock

from mediamon.core.config_models import Outlet, OutletsFile
from scrapers.resolver import (
    CheckingResolver,
    RefusedAddress,
    connectable_address,
    proxy_hosts,
    refused_host,
)
from scrapers.urlpolicy import Fetch, UrlPolicy, ip_literal, is_public

WORLD = "http://127.0.0.10:8001"
PUBLIC = "93.184.216.34"


def outlets() -> list[Outlet]:
    document = {
        "outlets": [
            {"id": "world", "name": "W", "homepage": f"{WORLD}/", "feeds": [f"{WORLD}/feed"]},
            {
                "id": "news",
                "name": "N",
                "homepage": "https://www.news.example/",
                "feeds": ["https://cdn.feeds.example/news.xml"],
            },
        ]
    }
    return OutletsFile.model_validate(document).resolved_outlets()


@pytest.fixture
def policy() -> UrlPolicy:
    return UrlPolicy(outlets())


def reason(policy: UrlPolicy, url: str, **fetch: Any) -> str | None:
    refusal = policy.refusal(Fetch(url, **fetch))
    return refusal.reason if refusal else None


@pytest.mark.parametrize(
    "url",
    [
        "file://127.0.0.10/etc/passwd",
        "ftp://127.0.0.10:2121/x",
        "s3://127.0.0.10/bucket",
        "data:text/html,<p>x</p>",
        "gopher://www.news.example/",
        "//www.news.example/no-scheme",
    ],
)
def test_only_http_and_https_pass(policy: UrlPolicy, url: str) -> None:
    assert reason(policy, url, outlet_id="world") == "scheme"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.2/",
        "http://127.0.0.11:8002/",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/admin",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
    ],
)
def test_non_public_ip_literals_are_refused_unless_configured(policy: UrlPolicy, url: str) -> None:
    assert reason(policy, url, outlet_id="world") == "private_address"


def test_the_outlets_own_address_and_hosts_pass(policy: UrlPolicy) -> None:
    assert reason(policy, f"{WORLD}/2023/05/23/a", outlet_id="world") is None
    assert reason(policy, "https://news.example/a", outlet_id="news") is None
    assert reason(policy, "https://live.news.example/a", outlet_id="news") is None


def test_other_hosts_are_offsite(policy: UrlPolicy) -> None:
    assert reason(policy, "https://news.example.evil.test/", outlet_id="news") == "offsite"
    assert reason(policy, f"http://{PUBLIC}/", outlet_id="news") == "offsite"
    assert reason(policy, "https://www.news.example/", outlet_id="world") == "offsite"


def test_a_configured_source_is_trusted_but_not_where_it_redirects(policy: UrlPolicy) -> None:
    feed = "https://cdn.feeds.example/news.xml"
    assert reason(policy, feed, outlet_id="news", configured=True) is None
    assert reason(policy, feed, outlet_id="news") == "offsite"


def test_robots_txt_belongs_to_the_outlet_owning_its_host(policy: UrlPolicy) -> None:
    assert reason(policy, "https://www.news.example/robots.txt") is None
    assert reason(policy, f"{WORLD}/robots.txt") is None
    assert reason(policy, "https://unknown.example/robots.txt") == "offsite"


def test_robots_txt_of_a_configured_source_host_passes_but_not_its_redirects(
    policy: UrlPolicy,
) -> None:
    robots = "https://cdn.feeds.example/robots.txt"
    assert reason(policy, robots) is None
    assert reason(policy, "https://cdn.feeds.example/other", origin=robots) == "offsite"
    assert reason(policy, "https://cdn.feeds.example/x/robots.txt") == "offsite"


def test_a_redirect_without_outlet_must_stay_with_the_outlet_of_its_first_url(
    policy: UrlPolicy,
) -> None:
    robots = "https://www.news.example/robots.txt"
    assert reason(policy, "https://news.example/robots2.txt", origin=robots) is None
    assert reason(policy, f"{WORLD}/robots.txt", origin=robots) == "offsite"
    assert reason(policy, "http://127.0.0.3:9/robots.txt", origin=robots) == "private_address"


def test_ip_literals_are_recognised_without_a_lookup() -> None:
    assert ip_literal("[::1]") is not None and ip_literal("127.0.0.1") is not None
    assert ip_literal("127.1") is None and ip_literal("localhost") is None
    assert is_public(ip_address(PUBLIC)) and not is_public(ip_address("100.64.0.1"))


def stub(answers: list[list[str]]) -> tuple[Callable[..., list[tuple[Any, ...]]], list[str]]:
    """A getaddrinfo answering ``answers`` one call after another; the calls it got."""
    calls: list[str] = []

    def lookup(host: str, port: Any, *args: Any) -> list[tuple[Any, ...]]:
        calls.append(host)
        addresses = answers[min(len(calls), len(answers)) - 1]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, 0)) for a in addresses]

    return lookup, calls


class SyncReactor(Clock):
    """Runs thread-pool work at once, so a resolution completes inside ``getHostByName``."""

    def getThreadPool(self) -> SyncReactor:
        return self

    def callInThreadWithCallback(self, done: Any, work: Any, *args: Any, **kw: Any) -> None:
        try:
            done(True, work(*args, **kw))
        except Exception as exc:  # handed to the Deferred, as the thread pool does
            from twisted.python.failure import Failure

            done(False, Failure(exc))

    def callFromThread(self, call: Any, *args: Any, **kw: Any) -> None:
        call(*args, **kw)


def resolve(resolver: CheckingResolver, name: str) -> Any:
    results: list[Any] = []
    resolver.getHostByName(name).addBoth(results.append)
    return results[0]


def test_a_rebinding_answer_is_refused_on_the_lookup_that_gets_it() -> None:
    lookup, calls = stub([[PUBLIC], ["127.0.0.1"]])
    resolver = CheckingResolver(SyncReactor(), lookup)
    assert resolve(resolver, "rebind.test") == PUBLIC
    refused = resolve(resolver, "rebind.test")
    assert refused.check(RefusedAddress) and calls == ["rebind.test", "rebind.test"]
    assert isinstance(refused_host("rebind.test"), RefusedAddress)


def test_a_public_and_a_loopback_answer_refuses_the_whole_name() -> None:
    lookup, calls = stub([[PUBLIC, "127.0.0.1"]])
    assert resolve(CheckingResolver(SyncReactor(), lookup), "mixed.test").check(RefusedAddress)
    assert calls == ["mixed.test"]


def test_the_checked_answer_is_cached_and_not_looked_up_again() -> None:
    lookup, calls = stub([[PUBLIC], ["127.0.0.1"]])
    resolver = CheckingResolver(SyncReactor(), lookup, cache_size=10)
    assert resolve(resolver, "cached.test") == resolve(resolver, "cached.test") == PUBLIC
    assert calls == ["cached.test"]


def test_allowed_addresses_and_trusted_hosts_may_be_private() -> None:
    world = ip_address("127.0.0.10")
    assert connectable_address("w", [world], frozenset({world})) == "127.0.0.10"
    assert connectable_address("proxy", [ip_address("10.1.1.1")], trusted=True) == "10.1.1.1"
    with pytest.raises(RefusedAddress):
        connectable_address("w", [ip_address("127.0.0.11")], frozenset({world}))
    with pytest.raises(DNSLookupError):
        connectable_address("v6only", [ip_address("2606:4700::1")])


def test_proxy_hosts_are_read_as_scrapy_reads_them() -> None:
    proxies = {"http": "http://Proxy.corp:3128", "https": "127.0.0.1:8080"}
    assert proxy_hosts(proxies) == {"proxy.corp", "127.0.0.1"}


def idn_outlet(domains: list[str]) -> Outlet:
    entry = {
        "id": "idn",
        "name": "Stössenseer Nachrichten",
        "homepage": "https://www.Stössenseer.de/",
        "feeds": ["https://www.stössenseer.de/rss"],
        **({"domains": domains} if domains else {}),
    }
    return OutletsFile.model_validate({"outlets": [entry]}).resolved_outlets()[0]


@pytest.mark.parametrize("domains", [[], ["stössenseer.de"], ["XN--STSSENSEER-FCB.DE"]])
def test_an_idn_outlets_hosts_compare_in_one_form_whichever_way_they_are_written(
    domains: list[str],
) -> None:
    outlet = idn_outlet(domains)
    assert outlet.domains == ["xn--stssenseer-fcb.de"]
    policy = UrlPolicy([outlet])
    for url in (
        "https://www.xn--stssenseer-fcb.de/2024/05/artikel",  # as Scrapy requests it
        "https://stössenseer.de/2024/05/artikel",  # as a page links it
        "https://Archiv.STÖSSENSEER.de/robots.txt",
    ):
        assert outlet.owns(url), url
        assert reason(policy, url, outlet_id="idn") is None, url
    for url in ("https://www.stossenseer.de/a", "https://xn--stssenseer-fcb.de.evil.example/a"):
        assert not outlet.owns(url), url
        assert reason(policy, url, outlet_id="idn") == "offsite", url


def test_a_punycode_lookalike_is_not_decoded_into_an_outlets_domain() -> None:
    entry = {
        "id": "n",
        "name": "N",
        "homepage": "https://news.example/",
        "feeds": ["https://news.example/rss"],
    }
    outlet = OutletsFile.model_validate({"outlets": [entry]}).resolved_outlets()[0]
    assert outlet.owns("https://www.news.example/a")
    assert not outlet.owns("https://xn--news-.example/a")  # punycode "news-" decodes to "news"


def test_the_owner_of_a_request_without_outlet_is_found_as_asking_every_outlet_would() -> None:
    document = {
        "outlets": [
            {"id": "wide", "name": "W", "homepage": "https://example.org/"},
            {"id": "narrow", "name": "N", "homepage": "https://news.example.org/"},
            {"id": "own", "name": "O", "homepage": "https://www.other.example/"},
            {"id": "ip", "name": "I", "homepage": f"{WORLD}/"},
        ]
    }
    for outlet in document["outlets"]:
        outlet["feeds"] = [f"{outlet['homepage']}feed"]
    configured = OutletsFile.model_validate(document).resolved_outlets()
    policy = UrlPolicy(configured)
    urls = [
        "https://example.org/robots.txt",
        "https://news.example.org/robots.txt",  # both own it: the first in config order
        "https://deep.news.example.org/a",
        "https://WWW.Other.Example./robots.txt",
        "https://other.example/robots.txt",  # the outlet's domain is www.other.example
        "https://notexample.org/robots.txt",
        f"{WORLD}/robots.txt",
        "http://0.0.10/robots.txt",
        "http://[::1/robots.txt",
        "not a url",
    ]
    for url in urls:
        expected = next((o for o in configured if o.owns(url)), None)
        assert policy.first_owner(url) == expected, url
    assert policy.first_owner("https://news.example.org/x").id == "wide"  # type: ignore[union-attr]
