"""Serve the outlet world in the foreground: ``python -m mediamon.world [--port-base N]``."""

from __future__ import annotations

import argparse
import threading
from collections.abc import Sequence

from mediamon.world import DEFAULT_HOST_BASE, OutletWorld


def parse_arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m mediamon.world",
        description="Serve the synthetic outlet world on loopback until Ctrl-C.",
    )
    parser.add_argument(
        "--port-base",
        type=int,
        default=None,
        help="outlet i listens on PORT_BASE + i (default: an ephemeral port per outlet)",
    )
    parser.add_argument(
        "--host-base",
        default=DEFAULT_HOST_BASE,
        help=f"loopback address of the first outlet; the next get the following ones "
        f"(default: {DEFAULT_HOST_BASE})",
    )
    return parser.parse_args(argv)


def describe(world: OutletWorld) -> str:
    lines = []
    for outlet in world.outlets:
        lines.append(f"{outlet.id:22} {outlet.base_url}/  ({outlet.name}, {outlet.language})")
        lines.extend(f"{'':22} feed: {url}" for url in outlet.feed_urls)
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    arguments = parse_arguments(argv)
    with OutletWorld(host_base=arguments.host_base, port_base=arguments.port_base) as world:
        print(describe(world), flush=True)
        print("Serving; press Ctrl-C to stop.", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("Stopped.")


if __name__ == "__main__":
    main()
