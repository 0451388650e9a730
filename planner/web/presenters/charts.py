"""Chart geometry for the comparison page; the template draws it as SVG.

Only numbers leave here, so nothing a user typed can reach the markup.
"""
from __future__ import annotations

from planner.routing.compare import SERIES, Direction

WIDTH, HEIGHT = 760, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 30, 34  # room for the axis words, larger on phones (app.css)
# Where transit and transit + shuttle take the same time their lines overlap: the shuttle is a
# wide light orange band under a thin dark blue transit line, so the two never blend into one
# colour, and the taxi is dashed grey.
COLORS = {"transit": "#1864ab", "shuttle": "#ff922b", "taxi": "#868e96"}
STROKES = {"transit": {"width": 1.5, "dash": ""}, "shuttle": {"width": 5, "dash": ""},
           "taxi": {"width": 1.8, "dash": "6 4"}}


def comparison_chart(direction: Direction, start_s: int, end_s: int) -> dict:
    """Polylines (split where no journey exists) and axis ticks for one direction."""
    doors = [m.door_s for name in SERIES for m in direction.series[name] if m.door_s is not None]
    top_min = max(30, (max(doors, default=3600) // 60 + 14) // 15 * 15)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(seconds: int) -> float:
        return round(LEFT + (seconds - start_s) / max(1, end_s - start_s) * plot_w, 1)

    def y(seconds: float) -> float:
        return round(TOP + plot_h - seconds / 60 / top_min * plot_h, 1)

    lines = []
    # the shuttle first and wider, so where it equals today's transit both stay visible
    for name in ("taxi", "shuttle", "transit"):
        segments: list[list[str]] = []
        current: list[str] = []
        for minute in direction.series[name]:
            if minute.door_s is None:
                if current:
                    segments.append(current)
                current = []
            else:
                current.append(f"{x(minute.depart_s)},{y(minute.door_s)}")
        if current:
            segments.append(current)
        lines.append({"name": name, "color": COLORS[name], "width": STROKES[name]["width"],
                      "dash": STROKES[name]["dash"], "segments": [" ".join(s) for s in segments]})
    first_hour = (start_s + 3599) // 3600
    x_ticks = [(x(h * 3600), f"{h:02d}:00") for h in range(first_hour, end_s // 3600 + 1, 2)]
    y_ticks = [(y(m * 60), str(m)) for m in range(0, top_min + 1, 15)]
    return {"width": WIDTH, "height": HEIGHT, "left": LEFT, "right": WIDTH - RIGHT, "top": TOP,
            "bottom": HEIGHT - BOTTOM, "lines": lines, "x_ticks": x_ticks, "y_ticks": y_ticks}
