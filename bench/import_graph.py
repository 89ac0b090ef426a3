"""The import graph between mediamon's stages and the Scrapy adapters, for a closing note.

    .venv/bin/python bench/import_graph.py [CHECKOUT]

Prints one line per package-level edge: importer -> imported, the number of module imports
behind it, and "cycle" when the two import each other. Function-level imports count (grimp
reads them as import-linter does). CHECKOUT defaults to this repository; to see an older
layout, extract one first: ``git archive 355d86f | tar -x -C /tmp/before``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import grimp

STAGES = {"core", "query", "extract", "store", "stories", "digest", "crawl", "ops", "cli", "world"}


def package_of(module: str) -> str:
    """``mediamon.<stage>`` for a stage's modules, else the top-level name (a flat module of the
    old layout, like ``mediamon.db``, counts as ``mediamon``)."""
    parts = module.split(".")
    if parts[0] == "mediamon" and len(parts) > 1 and parts[1] in STAGES:
        return ".".join(parts[:2])
    return "mediamon.__main__" if module == "mediamon.__main__" else parts[0]


def package_edges(checkout: Path) -> dict[tuple[str, str], int]:
    os.chdir(checkout)
    sys.path.insert(0, str(checkout))
    graph = grimp.build_graph("mediamon", "scrapers", "pipelines", include_external_packages=False)
    edges: dict[tuple[str, str], int] = {}
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            edge = package_of(module), package_of(imported)
            if edge[0] != edge[1]:
                edges[edge] = edges.get(edge, 0) + 1
    return edges


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("checkout", nargs="?", default=str(Path(__file__).parent.parent))
    checkout = Path(parser.parse_args().checkout).resolve()
    edges = package_edges(checkout)
    for (importer, imported), count in sorted(edges.items()):
        cycle = "  cycle" if (imported, importer) in edges else ""
        print(f"{importer:18} -> {imported:18} {count:3}{cycle}")


if __name__ == "__main__":
    main()
