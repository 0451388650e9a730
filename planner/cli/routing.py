"""``planner route`` and ``planner compare``: journeys and the shuttle comparison from the shell."""
from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from pathlib import Path

import click

from planner.domain.errors import BadRequest, DataError, PlannerError
from planner.domain.model import format_clock
from planner.cli.common import error_text, lang_option
from planner.messages import gettext
from planner.sources.gtfs import GtfsError, format_gtfs_time, parse_gtfs_time, read_feed


def _planner(gtfs: Path | None):
    """A journey planner over the settings' data, or over another feed with their walking rules.

    The feed's warnings are logged, so they are on standard error before any answer (or failure).
    """
    from planner.cli.common import settings_for
    from planner.composition import build_journey_planner
    from planner.composition.services import log_gtfs_warnings

    if gtfs is None:
        return build_journey_planner(settings_for())
    try:
        feed = read_feed(gtfs)
    except GtfsError as exc:  # what was read wrong before the feed proved unusable, then the error
        log_gtfs_warnings(exc.warnings, gtfs)
        raise
    return build_journey_planner(settings_for(), feed, gtfs)


def _clock(text: str, field: str) -> int:
    try:
        seconds = parse_gtfs_time(text)
    except ValueError:
        seconds = None
    if seconds is None:
        raise BadRequest(field, "not_a_gtfs_time", value=text)
    return seconds


def _date(text: str, field: str = "date") -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise BadRequest(field, "not_a_date", value=text) from None


def answer_route(planner, origin: str, dest: str, date: str, depart: str | None, options, lang: str = "en",
                 arrive_by: str | None = None) -> dict:
    """One route query as a JSON-ready dict: leaving at ``depart``, or arriving by ``arrive_by``
    (the latest departure). Problems become an ``error`` entry (words in ``lang``) beside its
    ``code`` (and ``field``, for a wrong parameter). ``arrival_s`` counts true seconds from the
    start of the query's service day (as GTFS times do: it may pass 24:00:00, or 48:00:00)."""
    from planner.routing.journeys import NoJourney, at

    query = {"from": origin, "to": dest, "date": date, **({"arrive_by": arrive_by} if arrive_by else {"depart": depart})}
    try:
        day = _date(date)
        when_s = _clock(arrive_by, "arrive_by") if arrive_by else _clock(depart or "", "depart")
        a, b = planner.resolve(origin, "from"), planner.resolve(dest, "to")
        if arrive_by:
            journeys = [planner.arrive_by(a, b, day, when_s, options)]
        else:
            journeys = planner.journeys(a, b, day, when_s, options)
    except (NoJourney, BadRequest) as exc:
        fault = {"code": exc.code, "field": exc.field} if isinstance(exc, BadRequest) else {"code": exc.code}
        return {**query, "error": error_text(exc, lang), **fault}
    fastest = journeys[0]
    arrival_s = round(fastest.arr.timestamp() - at(day, 0, planner.tz).timestamp())
    return {**query, "arrival": format_gtfs_time(arrival_s), "arrival_s": arrival_s,
            "journeys": [j.to_dict() for j in journeys]}


@click.command()
@click.option("--gtfs", type=click.Path(exists=True, path_type=Path), help="A GTFS zip or folder (default: ours).")
@click.option("--from", "origin", help="Origin: a stop_id (or, on our feed, a place id or 'lat,lon').")
@click.option("--to", "dest", help="Destination, as --from.")
@click.option("--date", help="Service date YYYY-MM-DD.")
@click.option("--depart", help="Departure time HH:MM:SS.")
@click.option("--arrive-by", help="Arrive by HH:MM:SS: the latest departure (instead of --depart).")
@click.option("--max-walk-m", type=float, default=None, help="Longest walk; 0 changes vehicles only at the same stop.")
@click.option("--min-transfer-s", type=int, default=None, help="Least time to change vehicles (default: transfers.txt, else 0).")
@click.option("--queries", type=click.File("r", encoding="utf-8-sig"),
              help="CSV with columns from,to,date and depart or arrive_by (one of them per row).")
@click.option("--shuttle/--no-shuttle", default=False, help="Include the proposed shuttle (our feed only).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one line per query).")
@lang_option
def route(gtfs, origin, dest, date, depart, arrive_by, max_walk_m, min_transfer_s, queries, shuttle, as_json, lang):
    """Earliest arrival (or, with --arrive-by, the latest departure) and its legs, for one query or a
    CSV of queries. No time limit: the answer may leave or arrive on a later day."""
    from planner.routing.journeys import Options

    try:
        planner = _planner(gtfs)
    except (DataError, PlannerError) as exc:
        raise click.ClickException(error_text(exc, lang)) from None
    options = Options(with_shuttle=shuttle, max_walk_m=max_walk_m, min_transfer_s=min_transfer_s)
    if depart and arrive_by:
        raise click.UsageError("give --depart or --arrive-by, not both")
    if queries is not None:
        rows = csv.DictReader(queries)
        columns = set(rows.fieldnames or [])
        missing = {"from", "to", "date"} - columns | ({"depart"} if not columns & {"depart", "arrive_by"} else set())
        if missing:
            raise click.ClickException(f"{queries.name}: missing column(s) {', '.join(sorted(missing))}")
        for row in rows:
            leave, by = row.get("depart") or None, row.get("arrive_by") or None
            answer = answer_route(planner, row["from"], row["to"], row["date"], leave, options, lang,
                                  arrive_by=None if leave else by)
            click.echo(json.dumps(answer, ensure_ascii=False))
        return
    if not all((origin, dest, date, depart or arrive_by)):
        raise click.UsageError("give --from, --to, --date and --depart (or --arrive-by), or --queries FILE.csv")
    answer = answer_route(planner, origin, dest, date, depart, options, lang, arrive_by=arrive_by)
    if as_json:
        click.echo(json.dumps(answer, ensure_ascii=False, indent=2))
    else:
        _print_route(answer, date, lang)
    if "error" in answer:
        sys.exit(1)


def _print_route(answer: dict, date: str, lang: str) -> None:
    if "error" in answer:
        click.echo(gettext("No journey: %(reason)s", lang, reason=answer["error"]))
        return

    def when(iso: str) -> str:  # the clock, and the date too when it is not the query's
        return iso[11:16] if iso[:10] == date else f"{iso[:10]} {iso[11:16]}"

    for journey in answer["journeys"]:
        click.echo(f"{journey['label']}: {when(journey['departure'])} -> {when(journey['arrival'])}, "
                   f"{journey['duration_s'] // 60} min, {journey['transfers']} transfer(s), fare {journey['fare_cny']}")
        for leg in journey["legs"]:
            seated = " (staying on board)" if leg.get("stay_seated") else ""
            click.echo(f"  {when(leg['departure'])}-{when(leg['arrival'])} {leg['mode']:7s} {leg['line']:6s} "
                       f"{leg['from']['name']} -> {leg['to']['name']} ({leg['distance_m']} m){seated}")


@click.command()
@click.option("--from", "origin", default="dongjiao-memory", show_default=True, help="Place, site or stop id.")
@click.option("--to", "dest", default="panda-south-gate", show_default=True, help="Place, site or stop id.")
@click.option("--date", required=True, help="Date YYYY-MM-DD.")
@click.option("--start", help="First departure minute HH:MM. Default: the shuttle's first departure that day "
              "(either direction), or 06:00 when it does not run.")
@click.option("--end", help="Last departure minute HH:MM. Default: the shuttle's last departure that day, or 23:00.")
@click.option("--whole-day", is_flag=True, help="06:00-23:00 (the metro's day) instead of the shuttle's hours.")
@click.option("--one-way", is_flag=True, help="Only from --from to --to.")
@click.option("--json", "as_json", is_flag=True, help="Print the full comparison as JSON.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), help="Write every minute to this CSV.")
def compare(origin, dest, date, start, end, whole_day, one_way, as_json, csv_path):
    """Door-to-door times via transit, transit with the shuttle, and taxi, at every minute."""
    from planner.routing.compare import WHOLE_DAY_S, window_of
    from planner.routing.compare import compare as run_compare

    try:
        planner = _planner(None)
        day = _date(date)
        a, b = planner.resolve(origin, "from"), planner.resolve(dest, "to")
        start_s = None if start is None else _clock(start + ":00", "start")
        end_s = None if end is None else _clock(end + ":00", "end")
        if whole_day:
            start_s, end_s = WHOLE_DAY_S[0] if start_s is None else start_s, WHOLE_DAY_S[1] if end_s is None else end_s
        start_s, end_s = window_of(start_s, end_s, planner.shuttle, day)
        result = run_compare(planner, a, b, day, start_s, end_s, both_ways=not one_way)
    except (DataError, PlannerError) as exc:
        raise click.ClickException(error_text(exc)) from None
    if csv_path:
        csv_path.write_text(result.to_csv(), encoding="utf-8")
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
        return
    for direction in result.directions:
        click.echo(f"{direction.origin.name_en} -> {direction.dest.name_en}, {date} "
                   f"{format_clock(result.start_s)}-{format_clock(result.end_s)}")
        click.echo(f"  {'':8s} {'median':>7s} {'p10':>6s} {'p90':>6s} {'wait*':>6s} {'wait':>6s} {'ride':>6s} {'walk':>6s}  (minutes)")
        for name, s in direction.summaries.items():
            cells = [s.median_s, s.p10_s, s.p90_s, s.mean_wait_random_s, s.mean_wait_timed_s, s.mean_ride_s, s.mean_walk_s]
            click.echo(f"  {name:8s} " + " ".join(f"{c / 60:6.1f}" if c is not None else "     -" for c in cells))
        gain = direction.shuttle_vs_transit
        # one denominator for the share and the means: the minutes with a journey with and without it
        click.echo(f"  shuttle faster on {gain['minutes_faster']} of the {gain['minutes_compared']} minutes with a "
                   f"journey ({_percent(gain['share_of_minutes_faster'])}); over those minutes it saves "
                   f"{_minutes(gain['mean_saving_s'])} min on average, {_minutes(gain['worst_saving_s'])} at worst, "
                   f"{_minutes(gain['best_saving_s'])} at best")
        if gain["minutes_only_shuttle"] or gain["minutes_without_journey"]:
            click.echo(f"  not compared: {gain['minutes_only_shuttle']} minutes only the shuttle goes, "
                       f"{gain['minutes_without_journey']} minutes nothing goes")
    click.echo("  wait* = arriving at a random minute; wait = timing the departure (between vehicles only)")


def _minutes(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds / 60:.1f}"


def _percent(share: float | None) -> str:
    return "-" if share is None else f"{share * 100:.0f}%"
