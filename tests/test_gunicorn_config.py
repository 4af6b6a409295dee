"""config/gunicorn.py: the settings the load test and production serve with (docs/load-test.md
§L3, §L1)."""

import gc
import runpy
from pathlib import Path

CONFIG = Path(__file__).resolve().parent.parent / "config" / "gunicorn.py"


def test_threaded_workers_with_bounded_requests():
    settings = runpy.run_path(str(CONFIG))
    assert settings["worker_class"] == "gthread"
    assert settings["workers"] >= 2 and settings["threads"] >= 4
    assert settings["max_requests"] > 0 and settings["timeout"] <= 120


def test_a_worker_freezes_what_it_loaded_out_of_the_collectors_reach():
    settings = runpy.run_path(str(CONFIG))
    before, threshold = gc.get_freeze_count(), gc.get_threshold()
    try:
        settings["post_worker_init"](worker=None)
        assert gc.get_freeze_count() > before  # the objects alive at start are frozen
        assert gc.isenabled()  # requests' objects are still collected
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)


def test_collections_are_rarer_and_a_warm_worker_freezes_once_more_when_idle():
    settings = runpy.run_path(str(CONFIG))
    before = gc.get_threshold()
    request = settings["pre_request"], settings["post_request"]

    def serve(in_flight_after: int = 0) -> None:
        """One request; ``in_flight_after`` others stay in flight when it ends."""
        for _ in range(in_flight_after):
            request[0](None, None)
        request[0](None, None)
        request[1](None, None, {}, None)

    try:
        settings["post_worker_init"](worker=None)
        assert gc.get_threshold() == settings["GC_THRESHOLD"]
        assert settings["GC_THRESHOLD"][0] > 700
        frozen = gc.get_freeze_count()
        # Stand-ins for what the first requests compiled and remembered (tracked containers).
        kept = [[index] for index in range(1000)]
        for served in range(1, settings["FREEZE_AGAIN_AFTER"]):
            serve()
            # No freeze yet (a frozen object freed meanwhile may lower the count).
            assert gc.get_freeze_count() <= frozen, served
        serve(in_flight_after=1)  # the FREEZE_AGAIN_AFTER-th ends while another is in flight
        assert gc.get_freeze_count() <= frozen
        request[1](None, None, {}, None)  # that other one ends: nothing else in flight
        after_second = gc.get_freeze_count()
        assert after_second >= frozen + 0.9 * len(kept)
        serve()  # once only
        assert gc.get_freeze_count() <= after_second
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
