"""Trafilatura's measure of a page's whole text, made cheap without changing what it selects.

On every page whose extraction is under 3,000 characters, trafilatura measures the text of the
whole page (``html2txt``) to decide whether to retry in recall mode. Before measuring it removes
asides, footers, scripts and cookie banners with one XPath (``BASIC_CLEAN_XPATH``), whose
cookie-banner step runs a regular expression through Python on every element of the page, also on
those that have neither a class nor an id to match: about a tenth of an article's extraction. The
same XPath with that step limited to elements having a class or an id selects exactly the same
elements (the expressions cannot match an empty value) at a seventh of the cost.
"""

from __future__ import annotations

from importlib import import_module

from lxml.etree import XPath

# the module: the package's attribute of that name is its function baseline()
TRAFILATURA_BASELINE = import_module("trafilatura.baseline")

EVERY_ELEMENT_STEP = ".//*[re:test(@class,"
ATTRIBUTED_ELEMENT_STEP = ".//*[@class or @id][re:test(@class,"
REGULAR_EXPRESSIONS = {"re": "http://exslt.org/regular-expressions"}


def cheaper_basic_clean(xpath: XPath) -> XPath:
    """``xpath`` with its cookie-banner step limited to elements that have a class or an id;
    ``xpath`` itself if it is not the expression this was written for (another trafilatura)."""
    if xpath.path.count(EVERY_ELEMENT_STEP) != 1:
        return xpath
    path = xpath.path.replace(EVERY_ELEMENT_STEP, ATTRIBUTED_ELEMENT_STEP)
    return XPath(path, namespaces=REGULAR_EXPRESSIONS)


def install() -> None:
    """Make trafilatura's ``html2txt`` (and so its recall check) use the cheaper expression."""
    names = vars(TRAFILATURA_BASELINE)
    names["BASIC_CLEAN_XPATH"] = cheaper_basic_clean(names["BASIC_CLEAN_XPATH"])
