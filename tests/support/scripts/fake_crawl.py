"""A stand-in for `mediamon crawl` in the scheduler tests, run by the real scheduler code path
through ``scheduler.crawl_command``. It records its run as the real crawl does, then behaves as
its (first) outlet id says: ok, slow, crash, hang, hog, graceful, stubborn, or spiders (records
a run for each spider of a crawl, then hangs)."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from types import FrameType

from mediamon.core.db import open_database
from mediamon.core.names import CRAWL_SPIDERS, crawl_run_name
from mediamon.core.runs import finish_run, start_run


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config")
    parser.add_argument("--outlet", action="append", default=[])
    parser.add_argument("--time-limit", type=float)
    outlets = parser.parse_args().outlet
    engine = open_database(os.environ["MEDIAMON_DATABASE_URL"])
    kind = outlets[0].split("-")[0]
    # "spiders": every spider of a crawl has started (and records its run) when it hangs
    spiders = CRAWL_SPIDERS if kind == "spiders" else CRAWL_SPIDERS[:1]
    run_ids = [start_run(engine, crawl_run_name(spider, outlets)) for spider in spiders]
    behave(kind, lambda outcome: finish_run(engine, run_ids[0], outcome, {}, []))


def behave(kind: str, finish: object) -> None:
    assert callable(finish)
    if kind == "slow":
        time.sleep(1.5)
    elif kind == "crash":
        raise RuntimeError("the fake crawl crashed on purpose")
    elif kind in ("hang", "spiders"):
        time.sleep(3600)
    elif kind == "hog":
        print(len(bytearray(8 * 1024**3)))
    elif kind in ("graceful", "stubborn"):
        wait_for_sigterm(finish, ignore=kind == "stubborn")
    finish("ok")


def wait_for_sigterm(finish: object, ignore: bool) -> None:
    def stop(_signum: int, _frame: FrameType | None) -> None:
        assert callable(finish)
        finish("shutdown")  # what Scrapy's RunRecorder records on SIGTERM
        sys.exit(0)

    signal.signal(signal.SIGTERM, signal.SIG_IGN if ignore else stop)
    print("waiting for SIGTERM", flush=True)
    time.sleep(3600)


if __name__ == "__main__":
    main()
