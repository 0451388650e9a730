"""Interface language: Chinese by default, English on request.

Data carry their own ``name_zh``/``name_en``; this module holds the interface
words. The choice comes from ``?lang=`` (and is then remembered in a cookie).
"""
from __future__ import annotations

from flask import Flask, g, request, url_for

LANGUAGES = ("zh", "en")
COOKIE = "lang"

MESSAGES: dict[str, dict[str, str]] = {
    "app_title": {"zh": "东郊记忆 · 熊猫基地 出行规划", "en": "Dongjiao Memory · Panda Base Planner"},
    "tagline": {"zh": "两个目的地、地铁与接驳、拟议直通车和当日活动",
                "en": "Two destinations, the metro and feeders, the proposed shuttle and the day's events"},
    "map": {"zh": "地图", "en": "Map"},
    "sites": {"zh": "景区", "en": "Sites"},
    "places": {"zh": "地点", "en": "Places"},
    "events_on": {"zh": "当日活动", "en": "Events on"},
    "date": {"zh": "日期", "en": "Date"},
    "show": {"zh": "查看", "en": "Show"},
    "no_events": {"zh": "这一天没有已知活动。", "en": "No known events on this day."},
    "next_events": {"zh": "下一个有活动的日期", "en": "Next date with events"},
    "cancelled": {"zh": "已取消", "en": "Cancelled"},
    "sold_out": {"zh": "已售罄", "en": "Sold out"},
    "scheduled": {"zh": "如期举行", "en": "Scheduled"},
    "venue": {"zh": "场地", "en": "Venue"},
    "hours": {"zh": "开放时间", "en": "Opening hours"},
    "hours_on": {"zh": "当日开放", "en": "Open on this day"},
    "closed": {"zh": "闭馆", "en": "Closed"},
    "last_entry": {"zh": "最晚入场", "en": "last entry"},
    "visit": {"zh": "建议游览", "en": "Typical visit"},
    "minutes": {"zh": "分钟", "en": "min"},
    "price": {"zh": "价格", "en": "Price"},
    "free": {"zh": "免费", "en": "Free"},
    "included": {"zh": "含在门票内", "en": "included in entry"},
    "tags": {"zh": "标签", "en": "Tags"},
    "source": {"zh": "来源", "en": "Source"},
    "assumption": {"zh": "假设", "en": "Assumption"},
    "assumption_title": {"zh": "假设：{text}", "en": "Assumption: {text}"},
    "open_in_amap": {"zh": "在高德地图中打开", "en": "Open in AMap"},
    "nearby_stops": {"zh": "附近站点（步行）", "en": "Nearby stops (walking)"},
    "walk_min": {"zh": "步行约 {n} 分钟", "en": "about {n} min walk"},
    "metres": {"zh": "米", "en": "m"},
    "kind_gate": {"zh": "入口", "en": "Gate"},
    "kind_attraction": {"zh": "景点", "en": "Attraction"},
    "kind_venue": {"zh": "场馆", "en": "Venue"},
    "kind_spot": {"zh": "打卡点", "en": "Spot"},
    "legend_metro": {"zh": "地铁线路", "en": "Metro lines"},
    "legend_feeder": {"zh": "接驳公交", "en": "Feeder buses"},
    "legend_shuttle": {"zh": "拟议直通车", "en": "Proposed shuttle"},
    "legend_panda_places": {"zh": "熊猫基地景点", "en": "Panda Base places"},
    "legend_dj_places": {"zh": "东郊记忆场馆与景点", "en": "Dongjiao Memory places"},
    "legend_gates": {"zh": "入口", "en": "Gates"},
    "legend_events": {"zh": "当日有活动", "en": "Events on this day"},
    "shuttle": {"zh": "拟议直通车", "en": "Proposed shuttle"},
    "shuttle_note": {"zh": "2024年成都两会上罗乐代表提出的东郊记忆—熊猫基地直通车（尚未开通，数据均为假设）。",
                     "en": "Proposed at the 2024 Chengdu two sessions by deputy Luo Le; not running yet, all its figures are assumptions."},
    "sources": {"zh": "数据与来源", "en": "Data and sources"},
    "sources_intro": {"zh": "模型使用的每个数字及其来源或假设。以下是数据文件原文。",
                      "en": "Every number the model uses, with its source or assumption: the data files as they are."},
    "back_home": {"zh": "返回首页", "en": "Back to the map"},
    "error": {"zh": "出错了", "en": "Something is wrong"},
    "error_400": {"zh": "请求中有一项无法识别，请检查后重试。", "en": "Part of the request could not be understood: check it and try again."},
    "error_404": {"zh": "找不到要查看的内容。", "en": "What you asked for does not exist."},
    "error_422": {"zh": "数据没有通过检查。", "en": "The data did not pass the checks."},
    "no_such_page": {"zh": "没有这个页面", "en": "no such page"},
    "field": {"zh": "字段", "en": "Field"},
    "language": {"zh": "English", "en": "中文"},
    "all_day": {"zh": "全天", "en": "all day"},
    "map_offline": {"zh": "底图无法加载时，线路与地点仍会显示。", "en": "Lines and places show even when map tiles cannot load."},
    # journeys and the comparison
    "journeys": {"zh": "路线", "en": "Journeys"},
    "compare": {"zh": "直通车对比", "en": "Shuttle vs transit"},
    "from": {"zh": "出发地", "en": "From"},
    "to": {"zh": "目的地", "en": "To"},
    "leave_at": {"zh": "出发时间", "en": "Leave at"},
    "arrive_by": {"zh": "最晚到达", "en": "Arrive by"},
    "with_shuttle": {"zh": "包含拟议直通车", "en": "Include the proposed shuttle"},
    "plan": {"zh": "规划路线", "en": "Plan"},
    "lat_lon": {"zh": "纬度,经度", "en": "lat,lon"},
    "coords_hint": {"zh": "也可输入“纬度,经度”（WGS84）", "en": "or type 'lat,lon' (WGS84)"},
    "fastest": {"zh": "最快", "en": "Fastest"},
    "fewest_transfers": {"zh": "换乘最少", "en": "Fewest transfers"},
    "taxi": {"zh": "出租车", "en": "Taxi"},
    "no_journey": {"zh": "没有可行路线", "en": "No journey"},
    "transfers": {"zh": "换乘", "en": "transfers"},
    "fare": {"zh": "票价", "en": "Fare"},
    "fare_unknown": {"zh": "票价未知", "en": "fare unknown"},
    "duration": {"zh": "用时", "en": "Duration"},
    "walking": {"zh": "步行", "en": "walking"},
    "riding": {"zh": "乘车", "en": "riding"},
    "waiting": {"zh": "等候", "en": "waiting"},
    "every_min": {"zh": "每 {n} 分钟一班", "en": "every {n} min"},
    "mode_walk": {"zh": "步行", "en": "Walk"},
    "mode_wait": {"zh": "等车", "en": "Wait"},
    "mode_metro": {"zh": "地铁", "en": "Metro"},
    "mode_bus": {"zh": "公交", "en": "Bus"},
    "mode_tram": {"zh": "有轨电车", "en": "Tram"},
    "mode_rail": {"zh": "铁路", "en": "Rail"},
    "mode_shuttle": {"zh": "直通车", "en": "Shuttle"},
    "mode_taxi": {"zh": "出租车", "en": "Taxi"},
    "compare_title": {"zh": "拟议直通车与现有公共交通对比", "en": "The proposed shuttle against today's transit"},
    "compare_intro": {"zh": "每个出发分钟的门到门时间：现有公共交通、加上直通车、出租车。",
                      "en": "Door-to-door time at every departure minute: today's transit, transit with the shuttle, and taxi."},
    "series_transit": {"zh": "现有公共交通", "en": "Today's transit"},
    "series_shuttle": {"zh": "公共交通 + 直通车", "en": "Transit + shuttle"},
    "series_taxi": {"zh": "出租车", "en": "Taxi"},
    "window": {"zh": "时段", "en": "Window"},
    "median": {"zh": "中位数", "en": "Median"},
    "p10": {"zh": "10% 分位", "en": "10th pct"},
    "p90": {"zh": "90% 分位", "en": "90th pct"},
    "wait_random": {"zh": "等候（随机到达）", "en": "Wait (arriving at random)"},
    "wait_timed": {"zh": "等候（掐点出发）", "en": "Wait (timing the departure)"},
    "ride": {"zh": "乘车", "en": "Riding"},
    "walk": {"zh": "步行", "en": "Walking"},
    "coverage": {"zh": "有路线的分钟", "en": "Minutes with a journey"},
    "shuttle_faster_share": {"zh": "直通车更快的时段占比", "en": "Share of the day the shuttle is faster"},
    "saving_mean": {"zh": "平均节省（分钟）", "en": "Minutes saved on average"},
    "saving_worst": {"zh": "最少节省（分钟）", "en": "Minutes saved at worst"},
    "saving_best": {"zh": "最多节省（分钟）", "en": "Minutes saved at best"},
    "download_csv": {"zh": "下载 CSV", "en": "Download CSV"},
    "download_json": {"zh": "下载 JSON", "en": "Download JSON"},
    "minute_table": {"zh": "逐分钟数据（每 10 分钟显示一行）", "en": "Minute by minute (one row every 10 minutes shown)"},
    "depart": {"zh": "出发", "en": "Depart"},
    "minutes_unit": {"zh": "分钟", "en": "minutes"},
    "start": {"zh": "开始", "en": "Start"},
    "end": {"zh": "结束", "en": "End"},
    "no_transit_minutes": {"zh": "有 {n} 个出发分钟没有公共交通路线。", "en": "{n} departure minutes have no transit journey."},
    "no_transit_after": {"zh": "{time} 以后出发没有公共交通路线：接驳公交（或地铁）当天已收班。",
                         "en": "No transit journey leaving after {time}: the feeder buses (or the metro) have stopped for the day."},
    "no_transit_before": {"zh": "{time} 以前出发没有公共交通路线：首班车还没有开。",
                          "en": "No transit journey leaving before {time}: the first services have not started."},
    "no_transit_at_all": {"zh": "这个时段没有公共交通路线。", "en": "No transit journey in this window."},
    # tags of places and events (data/places.yaml, data/events.yaml); a tag without a message shows as it is
    "tag_art": {"zh": "艺术", "en": "art"},
    "tag_comedy": {"zh": "喜剧", "en": "comedy"},
    "tag_concert": {"zh": "音乐会", "en": "concert"},
    "tag_entrance": {"zh": "入口", "en": "entrance"},
    "tag_evening": {"zh": "晚间", "en": "evening"},
    "tag_exhibition": {"zh": "展览", "en": "exhibition"},
    "tag_food": {"zh": "美食", "en": "food"},
    "tag_free": {"zh": "免费", "en": "free"},
    "tag_history": {"zh": "历史", "en": "history"},
    "tag_kids": {"zh": "亲子", "en": "kids"},
    "tag_morning": {"zh": "上午", "en": "morning"},
    "tag_museum": {"zh": "博物馆", "en": "museum"},
    "tag_music": {"zh": "音乐", "en": "music"},
    "tag_pandas": {"zh": "大熊猫", "en": "pandas"},
    "tag_photo": {"zh": "拍照", "en": "photo spot"},
    "tag_red-pandas": {"zh": "小熊猫", "en": "red pandas"},
    "tag_sci-fi": {"zh": "科幻", "en": "sci-fi"},
    "tag_street": {"zh": "街头", "en": "street"},
    "tag_theatre": {"zh": "戏剧", "en": "theatre"},
    "tag_tradition": {"zh": "传统", "en": "tradition"},
    "tag_view": {"zh": "观景", "en": "view"},
}


def translate(key: str, lang: str | None = None, **values) -> str:
    lang = lang or g.get("lang", "zh")
    entry = MESSAGES.get(key)
    text = entry.get(lang, entry["zh"]) if entry else key
    return text.format(**values) if values else text


def translate_tag(tag: str, lang: str | None = None) -> str:
    """A place's or event's tag in the interface language; an unknown tag as it is."""
    return translate(f"tag_{tag}", lang) if f"tag_{tag}" in MESSAGES else tag


def current_lang() -> str:
    return g.get("lang", "zh")


def init_i18n(app: Flask) -> None:
    @app.before_request
    def choose_language():
        asked = request.args.get("lang")
        g.lang = asked if asked in LANGUAGES else request.cookies.get(COOKIE, "zh")
        if g.lang not in LANGUAGES:
            g.lang = "zh"

    @app.after_request
    def remember_language(response):
        if request.args.get("lang") in LANGUAGES:
            response.set_cookie(COOKIE, g.lang, max_age=365 * 86400, samesite="Lax")
        return response

    app.add_template_filter(translate_tag, "tag")

    @app.context_processor
    def helpers():
        other = "en" if current_lang() == "zh" else "zh"
        args = {**request.args.to_dict(), "lang": other}
        return {"_": translate, "lang": current_lang(), "other_lang": other,
                "switch_lang_url": url_for(request.endpoint or "pages.home", **(request.view_args or {}), **args)}
