"""Caches kept across requests: bounded, safe under concurrent request threads, keyed by normalised parameters."""
from __future__ import annotations

import datetime as dt
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from planner.composition import Settings, build_services
from planner.domain.caches import SharedCache
from planner.itinerary.travel import TravelOracle
from planner.routing.journeys import JourneyPlanner, NoJourney, Options

DAY = dt.date(2024, 2, 12)


def _hammer(threads: int, work) -> None:
    """Run ``work(thread_index)`` in ``threads`` threads at once; re-raise the first error."""
    start = threading.Barrier(threads)

    def run(index: int) -> None:
        start.wait()
        work(index)

    with ThreadPoolExecutor(threads) as pool:
        for future in [pool.submit(run, i) for i in range(threads)]:
            future.result()


def test_a_shared_cache_hammered_with_distinct_keys_stays_bounded_and_right():
    cache: SharedCache[int] = SharedCache(64)
    sizes = []

    def work(index: int) -> None:
        for i in range(5000):
            key = (index, i % 700)  # far more keys than room: entries are evicted all the time
            assert cache.get_or_build(key, lambda: key[0] * 1000 + key[1]) == index * 1000 + i % 700
            found = cache.get((index, (i * 7) % 700))
            assert found is None or found == index * 1000 + (i * 7) % 700
            if index == 0 and i % 500 == 0:
                cache.clear()  # while the other threads read
            sizes.append(len(cache))

    _hammer(8, work)
    assert max(sizes) <= 64 and len(cache) <= 64


def test_build_once_makes_threads_asking_together_wait_for_one_build():
    cache: SharedCache[str] = SharedCache(4, build_once=True)
    builds = []

    def build() -> str:
        builds.append(1)
        time.sleep(0.05)
        return "timetable"

    _hammer(8, lambda index: cache.get_or_build("2024-02-12", build))
    assert len(builds) == 1 and cache.get("2024-02-12") == "timetable"


def test_the_journey_planner_caches_stay_bounded_under_threads_with_endless_coordinates(model):
    planner = JourneyPlanner.for_model(model, timetable_cache_size=2, endpoint_cache_size=8,
                                       profile_slice_cache_size=12)
    gate = planner.resolve("panda-south-gate")
    sizes = []

    def work(index: int) -> None:
        for i in range(4):
            hotel = planner.resolve(f"{30.62 + index * 0.004 + i * 0.0003:.5f},{104.05 + i * 0.0007:.5f}")
            try:
                planner.journeys(hotel, gate, DAY, 8 * 3600 + i * 60)
            except NoJourney:
                pass
            oracle = TravelOracle(planner, model.sites, model.places, model.params, DAY)
            oracle.travel_s(oracle.stop_of(hotel.id), oracle.stop_of("panda-museum"), (8 + i % 3) * 3600)
            sizes.append((len(planner._endpoints), len(planner.profile_slices), len(planner._timetables)))

    _hammer(4, work)
    assert max(s[0] for s in sizes) <= 8 and max(s[1] for s in sizes) <= 12 and max(s[2] for s in sizes) <= 2


def test_a_weighted_cache_is_bounded_by_weight_and_keeps_nothing_heavier_than_itself():
    cache: SharedCache[str] = SharedCache(4, weigh=lambda key: key[1])  # type: ignore[index]
    cache.put(("a", 1), "a"), cache.put(("b", 2), "b")
    assert cache.put(("c", 2), "c") == "c" and cache.get(("a", 1)) is None  # 1 + 2 + 2 > 4: the oldest went
    assert cache.get_or_build(("d", 5), lambda: "d") == "d" and cache.get(("d", 5)) is None  # heavier than 4
    assert cache.get(("b", 2)) == "b" and cache.get(("c", 2)) == "c"  # and it evicted nothing


def test_a_timetable_reaching_further_days_counts_as_many_kept_timetables(model):
    """A search after the last vehicle builds timetables of 4, 8, 16 days (``_forward``): kept as one
    entry each, four of them held ~400 MB where four of two days (~30 MB) were meant (issue 14)."""
    planner = JourneyPlanner.for_model(model, timetable_cache_size=4)
    planner.timetable(DAY, Options())
    planner.timetable(DAY, Options(), 4)
    assert planner._timetables.get(planner._timetable_key(DAY, Options(), 4)) is not None
    assert len(planner._timetables) == 2
    planner.timetable(DAY, Options(), 8)  # weighs 4: the whole cache, the others go
    assert len(planner._timetables) == 1
    far = planner.timetable(DAY, Options(), 16)  # weighs 8: answered, never kept
    assert far.date == DAY and planner._timetables.get(planner._timetable_key(DAY, Options(), 16)) is None
    assert len(planner._timetables) == 1


def test_equal_parameters_written_differently_share_entries(model):
    planner = JourneyPlanner.for_model(model)
    assert planner.timetable(DAY, Options(max_walk_m=800.2)) is planner.timetable(DAY, Options(max_walk_m=800))
    assert (planner.timetable(DAY, Options(min_transfer_s=119.6))  # type: ignore[arg-type]
            is planner.timetable(DAY, Options(min_transfer_s=120)))
    assert planner.resolve("30.6540004,104.079") == planner.resolve("30.654,104.0790001")
    assert planner.resolve("30.654,104.079") != planner.resolve("30.65402,104.079")  # two metres apart


def test_cache_sizes_come_from_the_settings(monkeypatch):
    monkeypatch.setenv("PLANNER_TIMETABLE_CACHE_SIZE", "3")
    settings = Settings.from_overrides({"endpoint_cache_size": 5, "profile_slice_cache_size": 6,
                                        "comparison_cache_size": 7, "feed_cache_size": 8})
    services = build_services(settings, with_database=False)
    journeys = services.journeys
    assert (journeys._timetables.maxsize, journeys._endpoints.maxsize, journeys.profile_slices.maxsize,
            services.comparisons.maxsize, services.feeds.maxsize) == (3, 5, 6, 7, 8)
    with pytest.raises(ValueError):
        Settings.from_overrides({"timetable_cache_size": 0})


def test_calendar_feeds_and_parsed_events_stay_bounded(tmp_path, model):
    from planner.web import create_app

    app = create_app({"TESTING": True, "TILE_URL": "", "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}",
                      "FEED_CACHE_SIZE": 2, "EVENT_CACHE_SIZE": 3})
    client = app.test_client()
    services = app.extensions["planner"]
    try:
        venues = sorted({event.venue_id for event in model.events.values()})[:3]
        for lang in ("zh", "en"):
            assert client.get(f"/calendar.ics?lang={lang}").status_code == 200
            for venue in venues:
                assert client.get(f"/calendar/{venue}.ics?lang={lang}").status_code == 200
        assert len(services.feeds) == 2
        assert len(services.calendar.all()) > 3 and len(services.calendar._events) == 3
    finally:
        services.close()
