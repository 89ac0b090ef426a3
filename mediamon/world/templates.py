"""Jinja2 templates of the outlet world's pages and feeds (kept in Python: no package data)."""

from __future__ import annotations

LAYOUT = """<!DOCTYPE html>
<html lang="{{ outlet.language }}">
<head>
<meta charset="{{ outlet.encoding }}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{% endblock %}</title>
{% block meta %}{% endblock %}
{% for feed in feeds %}<link rel="alternate" type="{{ feed.mime }}" title="{{ feed.title }}" \
href="{{ feed.url }}">
{% endfor %}<link rel="stylesheet" href="/static/site.css">
</head>
<body>
<div class="cookie-consent" id="cookie-consent" role="dialog">
<p>{{ chrome.cookie_text }}</p>
{% for label in chrome.cookie_buttons %}<button type="button">{{ label }}</button>{% endfor %}
</div>
<header class="site-header">
<a class="site-logo" href="/">{{ outlet.name }}</a>
<span class="site-tagline">{{ outlet.spec.tagline }}</span>
<nav class="site-nav"><ul>
{% for item in chrome.nav %}<li><a href="/{{ loop.index }}/">{{ item }}</a></li>
{% endfor %}</ul></nav>
</header>
<main class="site-main">
{% block main %}{% endblock %}
<aside class="sidebar">
<section class="newsletter-signup">
<h3>{{ chrome.newsletter_heading }}</h3>
<p>{{ chrome.newsletter_text }}</p>
<form action="/newsletter" method="post"><input type="email" name="email" placeholder="email">\
<button type="submit">{{ chrome.newsletter_button }}</button></form>
</section>
{% if most_read %}<section class="most-read">
<h3>{{ chrome.most_read_heading }}</h3>
<ol>
{% for link in most_read %}<li><a href="{{ link.url }}">{{ link.title }}</a></li>
{% endfor %}</ol>
</section>{% endif %}
</aside>
</main>
<footer class="site-footer">
<ul>{% for label in chrome.footer_links %}
<li><a href="/about/{{ loop.index }}">{{ label }}</a></li>{% endfor %}</ul>
{% for line in chrome.footer_lines %}<p>{{ line }}</p>
{% endfor %}</footer>
</body>
</html>
"""

ARTICLE = """{% extends "layout.html" %}
{% from "macros.html" import render_block %}
{% block title %}{{ article.title }} - {{ outlet.name }}{% endblock %}
{% block meta %}<meta name="description" content="{{ article.body[0] | truncate(160) }}">
<meta name="author" content="{{ article.author }}">
<meta property="og:type" content="article">
<meta property="og:site_name" content="{{ outlet.name }}">
<meta property="og:title" content="{{ article.title }}">
<meta property="og:url" content="{{ article.url }}">
<meta property="article:published_time" content="{{ article.published.isoformat() }}">
<meta property="article:section" content="{{ article.section }}">
<link rel="canonical" href="{{ article.url }}">{% endblock %}
{% block main %}<article class="article">
{% for block in blocks.top %}{{ render_block(block, related) }}{% endfor %}
<header class="article-header">
<h1>{{ article.title }}</h1>
<p class="byline">{{ chrome.byline_prefix }} <span class="author">{{ article.author }}</span>
<time datetime="{{ article.published.isoformat() }}">{{ published_display }}</time></p>
</header>
<div class="article-body">
{% for paragraph in body_before %}<p>{{ paragraph }}</p>
{% endfor %}{% for block in blocks.middle %}{{ render_block(block, related) }}{% endfor %}
{% for paragraph in body_after %}<p>{{ paragraph }}</p>
{% endfor %}</div>
{% for block in blocks.end %}{{ render_block(block, related) }}{% endfor %}
</article>
{% endblock %}
"""

MACROS = """{% macro render_block(block, related) %}<div class="{{ block.css_class }}">
{% if block.link_text %}<a href="{{ block.link_path }}">{{ block.link_text }}</a>
{% endif %}{% if block.heading %}<h3>{{ block.heading }}</h3>
{% endif %}{% for line in block.lines %}<p>{{ line }}</p>
{% endfor %}{% if block.related %}<ul>
{% for link in related[:block.related] %}<li><a href="{{ link.url }}">{{ link.title }}</a></li>
{% endfor %}</ul>
{% endif %}{% for label in block.buttons %}<button type="button">{{ label }}</button>
{% endfor %}</div>
{% endmacro %}
"""

HOMEPAGE = """{% extends "layout.html" %}
{% block title %}{{ outlet.name }} - {{ outlet.spec.tagline }}{% endblock %}
{% block meta %}<meta property="og:site_name" content="{{ outlet.name }}">
<link rel="canonical" href="{{ outlet.homepage_url }}">{% endblock %}
{% block main %}<section class="latest">
<h2>{{ chrome.latest_heading }}</h2>
<ul>
{% for article in articles %}<li><a href="{{ article.url }}">{{ article.title }}</a>
<time datetime="{{ article.published.isoformat() }}">{{ article.published.date() }}</time></li>
{% endfor %}</ul>
</section>
{% endblock %}
"""

RSS2 = """<?xml version="1.0" encoding="{{ encoding }}"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>{{ feed.title }}</title>
<link>{{ outlet.homepage_url }}</link>
<description>{{ feed.description }}</description>
<language>{{ outlet.language }}</language>
<lastBuildDate>{{ updated | rfc822 }}</lastBuildDate>
<atom:link href="{{ feed_url }}" rel="self" type="application/rss+xml"/>
{% for article in articles %}<item>
<title>{{ article.title }}</title>
<link>{{ article.url }}</link>
<guid isPermaLink="true">{{ article.url }}</guid>
<pubDate>{{ article.published | rfc822 }}</pubDate>
{% if article.updated %}<atom:updated>{{ article.updated.isoformat() }}</atom:updated>
{% endif %}<author>{{ article.author }}</author>
<category>{{ article.section }}</category>
<description>{{ article.body[0] }}</description>
</item>
{% endfor %}</channel>
</rss>
"""

ATOM = """<?xml version="1.0" encoding="{{ encoding }}"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{{ outlet.language }}">
<title>{{ feed.title }}</title>
<subtitle>{{ feed.description }}</subtitle>
<id>{{ feed_url }}</id>
<link rel="self" type="application/atom+xml" href="{{ feed_url }}"/>
<link rel="alternate" type="text/html" href="{{ outlet.homepage_url }}"/>
<updated>{{ updated.isoformat() }}</updated>
{% for article in articles %}<entry>
<title>{{ article.title }}</title>
<link rel="alternate" type="text/html" href="{{ article.url }}"/>
<id>{{ article.url }}</id>
<published>{{ article.published.isoformat() }}</published>
<updated>{{ article.modified.isoformat() }}</updated>
<author><name>{{ article.author }}</name></author>
<category term="{{ article.section }}"/>
<summary>{{ article.body[0] }}</summary>
</entry>
{% endfor %}</feed>
"""

RDF = """<?xml version="1.0" encoding="{{ encoding }}"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" \
xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="{{ feed_url }}">
<title>{{ feed.title }}</title>
<link>{{ outlet.homepage_url }}</link>
<description>{{ feed.description }}</description>
<dc:language>{{ outlet.language }}</dc:language>
<dc:date>{{ updated.isoformat() }}</dc:date>
<items><rdf:Seq>
{% for article in articles %}<rdf:li rdf:resource="{{ article.url }}"/>
{% endfor %}</rdf:Seq></items>
</channel>
{% for article in articles %}<item rdf:about="{{ article.url }}">
<title>{{ article.title }}</title>
<link>{{ article.url }}</link>
<description>{{ article.body[0] }}</description>
<dc:creator>{{ article.author }}</dc:creator>
<dc:subject>{{ article.section }}</dc:subject>
<dc:date>{{ article.published.isoformat() }}</dc:date>
</item>
{% endfor %}</rdf:RDF>
"""

TEMPLATES = {
    "layout.html": LAYOUT,
    "article.html": ARTICLE,
    "macros.html": MACROS,
    "homepage.html": HOMEPAGE,
    "rss2.xml": RSS2,
    "atom.xml": ATOM,
    "rdf.xml": RDF,
}
