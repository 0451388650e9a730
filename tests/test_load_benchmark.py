"""benchmarks/load.py: its options parse, and every request of its visitor mix is one the app accepts.

No server and no load here (the benchmark prints its own figures): the mix is drawn with the
script's seed and each request is parsed by the app's own request models, so a mix that would
only measure 400 answers fails here, not after minutes of load.
"""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from werkzeug.datastructures import MultiDict

from planner.domain.paths import bundled_data_dir
from planner.sources.datafiles import load_model
from planner.web.api_models import ItineraryRequest, JourneyQuery, parse_query

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "load.py"


def _load():
    spec = importlib.util.spec_from_file_location("load_benchmark", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_help_runs_without_starting_anything():
    done = subprocess.run([sys.executable, str(SCRIPT), "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "--workers" in done.stdout and "--quick" in done.stdout


def test_quick_is_one_short_run_unless_told():
    load = _load()
    quick = load.parse_args(["--quick"])
    assert (quick.duration, quick.client_counts, quick.worker_counts) == (10, [8], [1])
    full = load.parse_args([])
    assert (full.duration, full.client_counts, full.worker_counts) == (60, [8, 16, 32], [1, 2])
    assert load.parse_args(["--quick", "--workers", "2"]).worker_counts == [2]


def test_every_request_of_the_mix_is_valid_and_names_known_ids():
    load = _load()
    model = load_model(bundled_data_dir())
    known = set(model.places) | set(model.sites) | set(model.events)
    events = {day: sorted(model.events)[:3] for day in load.DATES}
    mix = load.Mix(14, events, plan_repeat=0.15)
    for _ in range(200):
        for path in (mix.api_journeys(), mix.journeys_page()):
            args = MultiDict(parse_qsl(urlsplit(path).query))
            if path.startswith("/journeys"):  # the form's one time field, as the page reads it
                args[args.pop("time_is")] = args.pop("time")
            query = parse_query(JourneyQuery, args)
            for end in (query.from_, query.to):
                assert end in known or "," in end or end in load.STOPS, end
        body = mix.plan()
        request = ItineraryRequest.model_validate(json.loads(json.dumps(body)))
        assert set(request.must) <= known
        page = ItineraryRequest.from_form(MultiDict(parse_qsl(urlsplit(mix.plan_page()).query)))
        assert page.start
    # most plans are new draws, some repeat: the share the benchmark prints
    asked = len(mix.plan_keys) + mix.plans_repeated
    assert asked == 400 and 0 < mix.plans_repeated < asked * 0.4
