"""Chinese for the data files' sources and assumptions (data/*.yaml keeps them in English).

The data files say where each fact comes from (``source:``) and what was assumed (``assumption:``)
in English; this table gives each of those texts in Chinese, keyed by the English text with its
whitespace collapsed (YAML folds long texts over lines). ``tests/test_data_zh.py`` checks that every
source and assumption in ``data/*.yaml`` has an entry here, so a changed text in the data shows up as
a missing translation in the tests, not as English on a Chinese page. Names of sources (FACTS.md,
OSM, pandahome.org, cd.js) stay as they are: they are what a reader looks up.
"""
from __future__ import annotations


def key_of(text: str) -> str:
    """The table's key for a data text: its words joined by single spaces.

    Examples
    --------
    >>> key_of("  two\\n   lines ")
    'two lines'
    """
    return " ".join(text.split())


def translate(text: str | None, lang: str) -> str | None:
    """``text`` (a data file's source or assumption, English) in ``lang``; None when the table has no
    Chinese for it (the caller then shows the English, marked as such).

    Examples
    --------
    >>> translate("OSM way 686460747 (FACTS.md)", "zh")
    'OSM 路径 686460747（FACTS.md）'
    >>> translate("OSM way 686460747 (FACTS.md)", "en")
    'OSM way 686460747 (FACTS.md)'
    >>> translate("a text nobody translated", "zh") is None
    True
    """
    if text is None or lang != "zh":
        return text
    return ZH.get(key_of(text))


ZH: dict[str, str] = {
    # ------------------------------------------------------------------ events.yaml
    "the season, in January 2024: seed article (FACTS.md)":
        "音乐季（2024 年 1 月）：种子文章（FACTS.md）",
    "venue, Fri/Sat 20:00-22:00 and 120 CNY UNVERIFIED: a live-house concert pattern (doors 19:00, show 20:00) and a mid-range Chengdu live-house ticket; for event staff to correct":
        "场地、周五和周六 20:00-22:00、120 元，均未核实：按 Livehouse 演出的常见安排（19:00 入场、20:00 开演）和成都 Livehouse 的中档票价；待活动工作人员更正",
    "the programme, at the Spring Festival 2024: seed article (FACTS.md)":
        "节目内容（2024 年春节）：种子文章（FACTS.md）",
    "Chengdu Stage, 10-24 Feb (Lunar New Year's Day to the Lantern Festival), sessions 14:00 and 16:00 of 60 min, free: UNVERIFIED; a free public programme is assumed because the seed presents it as the park's festival offer to residents and visitors; for event staff to correct":
        "成都舞台，2 月 10-24 日（大年初一至元宵节），每天 14:00 和 16:00 两场、每场 60 分钟、免费：均未核实；因种子文章把它介绍为园区面向市民和游客的节日活动，假设为免费公益演出；待活动工作人员更正",
    "stand-up comedy at the Spring Festival 2024: seed article (FACTS.md)":
        "2024 年春节的脱口秀：种子文章（FACTS.md）",
    "Fanxing Theatre Village, nightly 19:30-21:00 from 10 to 24 Feb, 100 CNY: UNVERIFIED, a usual club-show slot and price in Chengdu; for event staff to correct":
        "繁星戏剧村，2 月 10-24 日每晚 19:30-21:00、100 元：未核实，按成都俱乐部演出的常见时段和票价；待活动工作人员更正",
    "the exhibition, at the Spring Festival 2024: seed article (FACTS.md)":
        "展览（2024 年春节）：种子文章（FACTS.md）",
    "Lang Art Museum, 10-24 Feb, 10:00-18:00 (the gallery's assumed hours), 68 CNY (a common immersive-exhibition ticket): UNVERIFIED; for event staff to correct":
        "朗美术馆，2 月 10-24 日，10:00-18:00（美术馆的假设开放时间），68 元（沉浸式展览的常见票价）：未核实；待活动工作人员更正",
    "Lang Art Museum (a second hall, alongside Su Dongpo), 10 Feb - 10 Mar, 10:00-18:00, free (gallery shows in creative parks often are): UNVERIFIED; for event staff to correct":
        "朗美术馆（另一展厅，与苏东坡展同期），2 月 10 日至 3 月 10 日，10:00-18:00，免费（文创园区的画廊展览常为免费）：未核实；待活动工作人员更正",
    "from 2024-02-11 buskers and folk ensembles at the west gate (西大门) and east stage (东舞台), '国潮音乐季' (FACTS.md: LOW-CONFIDENCE source)":
        "自 2024-02-11 起，街头艺人和民乐组合在西大门和东舞台演出，“国潮音乐季”（FACTS.md：低可信度来源）",
    "daily 15:00-21:00 until the Lantern Festival (24 Feb), free: UNVERIFIED, the usual afternoon-to-evening busking window; the start date itself rests on a low-confidence report; for event staff to correct":
        "每天 15:00-21:00，至元宵节（2 月 24 日），免费：未核实，按街头表演常见的午后至傍晚时段；开始日期本身也出自低可信度报道；待活动工作人员更正",
    "as the west-gate record (FACTS.md: LOW-CONFIDENCE source)":
        "同西大门记录（FACTS.md：低可信度来源）",
    "as the west-gate record: daily 15:00-21:00, 11-24 Feb, free, UNVERIFIED; for event staff to correct":
        "同西大门记录：2 月 11-24 日每天 15:00-21:00，免费，未核实；待活动工作人员更正",
    "title, size, scenes, run 2023-12-02 to 2024-12-01 at Dongjiao Memory: Chengdu Daily, 2023-12-01 (FACTS.md)":
        "名称、面积、场景数及展期（2023-12-02 至 2024-12-01，东郊记忆）：《成都日报》2023-12-01（FACTS.md）",
    "hall (not named), daily 10:00-21:00 (last entry 20:00, the hall's assumed hours) and 128 CNY (a typical ticket for large immersive exhibitions): UNVERIFIED; for event staff to correct":
        "展厅（来源未写名称），每天 10:00-21:00（20:00 停止入场，展厅的假设开放时间），128 元（大型沉浸式展览的常见票价）：未核实；待活动工作人员更正",
    "pandahome.org (the base's site, 2019): mornings are best, food put out early, pandas eating before 08:30, some hide from the sun by 10:00 (FACTS.md)":
        "pandahome.org（基地官网，2019）：上午最佳，早上投放食物，08:30 前熊猫进食，10:00 前后部分熊猫躲避阳光（FACTS.md）",
    "window = opening (08:00 in Dec-Feb) to 10:00, at every villa; feeding time UNVERIFIED (guides say 08:00 to 11:00) so no feeding event is given":
        "时段 = 开园（12 月至 2 月为 08:00）至 10:00，各别墅相同；喂食时间未核实（攻略称 08:00 至 11:00），因此不设喂食活动",
    "pandahome.org 2019 (morning activity) and the official ticketing notice (indoors above 26 C), FACTS.md":
        "pandahome.org 2019（上午活动）与官方售票须知（气温超过 26 °C 时在室内），FACTS.md",
    "window = opening (07:30) to 10:00, at every villa; feeding time UNVERIFIED":
        "时段 = 开园（07:30）至 10:00，各别墅相同；喂食时间未核实",
    # ------------------------------------------------------------------ network.yaml
    "planning values, not measured: walking speed and circuity as commonly used in pedestrian and transit planning, tuned down for tourists; site_entry_s from the Panda Base's real-name ticket check (FACTS.md: booked online, real name) with an assumed 10-min queue":
        "规划取值，未经实测：步行速度和绕行系数取行人与公交规划的常用值，并按游客情况调低；site_entry_s 依据大熊猫基地的实名验票（FACTS.md：网上预约、实名制），假设排队 10 分钟",
    "speeds: a congestion profile typical of large Chinese cities (peak ~20 km/h, off-peak ~28, night ~40), not measured for Chengdu; circuity and pickup wait: planning values; fare: common published Chengdu taxi tariff (8 CNY for 2 km, 1.9 CNY/km; night 23:00-06:00 9 CNY and 2.2 CNY/km), not checked; the slow-traffic waiting charge is left out. Off-peak Dongjiao -> Panda Base: 9.8 km in ~21 min + 5 min wait, about 23 CNY, in line with the one weak 'about 30 min' (FACTS.md).":
        "车速：中国大城市典型的拥堵曲线（高峰约 20 km/h，平峰约 28，夜间约 40），未针对成都实测；绕行系数和候车时间：规划取值；车费：常见公布的成都出租车价格（起步 2 公里 8 元，之后每公里 1.9 元；夜间 23:00-06:00 起步 9 元、每公里 2.2 元），未核实；未计低速等候费。平峰时东郊记忆 -> 大熊猫基地：约 9.8 公里，约 21 分钟加 5 分钟等车，约 23 元，与唯一的弱来源“约 30 分钟”相符（FACTS.md）。",
    # ------------------------------------------------------------------ places.yaml
    "07:30-18:00: travelchinaguide, asiatourism, OSM opening_hours (FACTS.md)":
        "07:30-18:00：见 travelchinaguide、asiatourism 和 OSM opening_hours（FACTS.md）",
    "last_entry 17:00 not published for Mar-Nov; one hour before closing, as in winter":
        "3 月至 11 月的 last_entry 17:00 未公布；按冬季做法取闭园前一小时",
    "OSM opening_hours 'Dec-Feb 08:00-17:30'; last entry 16:30 from a guide (FACTS.md)":
        "OSM opening_hours“Dec-Feb 08:00-17:30”；16:30 停止入园出自一篇攻略（FACTS.md）",
    "another guide starts the winter hours in November; we follow OSM (Dec-Feb)":
        "另一篇攻略称冬季时间从 11 月开始；本项目采用 OSM（12 月至 2 月）",
    "address, hours, price: FACTS.md (55 CNY adult, real-name online booking with a morning or afternoon slot, 2023 visit report; older sources 58 CNY)":
        "地址、开放时间、票价：FACTS.md（成人 55 元，网上实名预约上午或下午时段，2023 年游记；较早来源为 58 元）",
    "FACTS.md: 'open all day' (visitor post) vs 09:00-18:00 (a guide), UNVERIFIED. We take 'open all day': the park is a free, unfenced street-like quarter with live houses, comedy shows and late-night canteens running after 18:00; 09:00-18:00 most likely describes shops and the service desk. Venues below carry their own hours.":
        "FACTS.md：“全天开放”（游客帖子）与 09:00-18:00（一篇攻略）不一致，未核实。本项目采用“全天开放”：园区免费、无围墙，像一片街区，Livehouse、脱口秀和深夜食堂在 18:00 后仍营业；09:00-18:00 多半指商店和服务台。下列场馆各有自己的开放时间。",
    "address, free admission, AMap marker: FACTS.md":
        "地址、免费入园、高德地图标注：FACTS.md",
    "the marker is taken as the site's reference point; that it is the main entrance is UNVERIFIED. Note: the GCJ-02 inverse (planner/domain/geo.py) gives WGS84 30.6753, 104.1226, as FACTS.md does: GCJ-02 sits about 0.0024 deg SOUTH (and 0.0025 deg east) of WGS84 here, so the WGS84 latitude is the larger one.":
        '以该标注点作为园区的参考点；它是否为主入口未核实。注：按 GCJ-02 反算（planner/domain/geo.py）得到 WGS84 30.6753, 104.1226，与 FACTS.md 一致：此处 GCJ-02 比 WGS84 偏南约 0.0024 度（偏东约 0.0025 度），所以 WGS84 纬度更大。',
    "OSM way 686460747 (FACTS.md)":
        "OSM 路径 686460747（FACTS.md）",
    "exists; main entrance for public-transport visitors, no car park, 3-min shuttle from Line 3 军区总医院 station (May Day 2023/2024 traffic notices, FACTS.md)":
        "确有此门；乘公共交通游客的主入口，无停车场，从 3 号线军区总医院站乘摆渡车约 3 分钟（2023/2024 年五一交通公告，FACTS.md）",
    "position UNVERIFIED (not mapped): placed between Military General Hospital (Panda Base) station (WGS84 30.7471, 104.1116) and the Panda Tower, 1.35 km by air from the station (a 3-min ride at ~27 km/h) and about 570 m east of the tower":
        "位置未核实（地图上没有）：放在军区总医院站（WGS84 30.7471, 104.1116）与熊猫塔之间，距车站直线 1.35 公里（按约 27 km/h 行驶 3 分钟），在塔以东约 570 米",
    "position: OSM (FACTS.md)":
        "位置：OSM（FACTS.md）",
    "visit_min 40: indoor museum, a selective walk-through":
        "visit_min 40：室内博物馆，有选择地参观",
    "visit_min 5: one photo stop (queues on holidays)":
        "visit_min 5：拍一张照（节假日要排队）",
    "visit_min 30: smaller hands-on science hall than the museum":
        "visit_min 30：比博物馆小的互动科普馆",
    "position: OSM, lake centre (FACTS.md)":
        "位置：OSM，湖心（FACTS.md）",
    "visit_min 15: a lakeside stroll and photos; the point is the lake centre, the shore path is within ~100 m":
        "visit_min 15：湖边散步拍照；点位在湖心，湖岸步道在约 100 米内",
    "visit_min 15: one enclosure":
        "visit_min 15：一处圈舍",
    "the site's hours (repeated: a place's own list replaces the site's)":
        "园区的开放时间（重复写出：地点自己的时间表会取代园区的）",
    "the site's winter hours":
        "园区的冬季开放时间",
    "base notice of 2023-12-22: trial closure of the kindergarten villa area every Monday from 2023-12-25 (FACTS.md)":
        "基地 2023-12-22 公告：自 2023-12-25 起幼年大熊猫别墅区每周一试行闭馆（FACTS.md）",
    "Monday closure: base notice of 2023-12-22 (FACTS.md)":
        "周一闭馆：基地 2023-12-22 公告（FACTS.md）",
    "position UNVERIFIED: put inside the breeding core between the Sun Nursery and Villa 2, where the young-panda enclosures plausibly sit; visit_min 20: popular, slow-moving crowd":
        "位置未核实：放在繁育核心区内太阳产房与 2 号别墅之间，幼年熊猫圈舍可能在此；visit_min 20：人气高，人流慢",
    "position and name: OSM (FACTS.md)":
        "位置和名称：OSM（FACTS.md）",
    "visit_min 20: indoor cub viewing, queue on busy days":
        "visit_min 20：室内看幼崽，人多时排队",
    "visit_min 20: indoor cub viewing":
        "visit_min 20：室内看幼崽",
    "visit_min 15: open woodland enclosure":
        "visit_min 15：开放式林地圈舍",
    "visit_min 15: small indoor house":
        "visit_min 15：小型室内馆舍",
    "visit_min 10: a look at where the bamboo and panda bread are prepared; 'food' is the pandas', not a restaurant":
        "visit_min 10：看看竹子和熊猫窝窝头在哪里准备；“食物”是熊猫的，不是餐厅",
    "position: OSM, west expansion area opened 2022-01-01 (FACTS.md)":
        "位置：OSM，2022-01-01 开放的西区扩建区（FACTS.md）",
    "visit_min 30: climb and look-out; price_cny 0: no separate ticket found (UNVERIFIED)":
        "visit_min 30：登塔远眺；price_cny 0：未发现单独门票（未核实）",
    "the park has east, west, south and north gates; guides start at the south gate (FACTS.md)":
        "园区有东、西、南、北四个门；攻略从南门开始游览（FACTS.md）",
    "position: south edge of the assumed outline, on Chenghua Avenue about 250 m from Dongjiao Memory station":
        "位置：假设园区轮廓的南缘，在成华大道上，距东郊记忆站约 250 米",
    "gate exists; buskers played there from 2024-02-11 (FACTS.md, low confidence)":
        "确有此门；2024-02-11 起有街头艺人在此表演（FACTS.md，低可信度）",
    "position: west edge, at the west end of Central Avenue, on the Jianshe South Branch Road side (the postal address)":
        "位置：西缘，中央大道西端，靠建设南支路一侧（邮寄地址所在）",
    "gate exists (FACTS.md)":
        "确有此门（FACTS.md）",
    "position: east edge, at the east end of Central Avenue":
        "位置：东缘，中央大道东端",
    "position: north edge, middle; a guide names a 'Dongjiao Memory North Gate' bus stop, not located":
        "位置：北缘中部；一篇攻略提到“东郊记忆北门”公交站，但未找到其位置",
    "venue in the park (FACTS.md); steam locomotive and two old carriages, one a café (travel guides)":
        "园区内的场所（FACTS.md）；一台蒸汽机车和两节旧车厢，其中一节是咖啡馆（旅游攻略）",
    "position: just inside the south gate (guides: south gate -> Locomotive Square -> Chengdu Stage); kind spot: an open square, no programme of its own; visit_min 15: photos, maybe a coffee; hours: the park's":
        "位置：南门内侧（攻略路线：南门 -> 火车头广场 -> 成都舞台）；类型为景点：开放广场，没有自己的节目；游览 15 分钟：拍照，或喝杯咖啡；开放时间：同园区",
    "UNVERIFIED: daytime and evening programmes; 22:00 as a usual end for amplified performances in a residential district":
        "未核实：日间和晚间都有节目；住宅区内扩音演出通常 22:00 结束",
    "venue in the park (FACTS.md)":
        "园区内的场所（FACTS.md）",
    "position: south-west of Locomotive Square, near the south gate (guides' route); visit_min 45: one performance set; price: per event":
        "位置：火车头广场西南，近南门（攻略路线）；visit_min 45：一场演出；票价：按活动",
    "photo spot beside the Chengdu Stage, 'thousands a day' (seed article, FACTS.md)":
        "成都舞台旁的拍照点，“每天数千人”（种子文章，FACTS.md）",
    "position: ~50 m west of the assumed Chengdu Stage; visit_min 10: queue and photos; hours: the park's (outdoor)":
        "位置：假设的成都舞台以西约 50 米；visit_min 10：排队拍照；开放时间：同园区（室外）",
    "UNVERIFIED: live houses open doors about an hour before a 20:00 show and close after the encore":
        "未核实：Livehouse 通常在 20:00 演出前约一小时开门，返场结束后关门",
    "position: north of Central Avenue, east part ('East District' is the park's former name, East District Music Park, not its east side); visit_min 120: one concert; price: per event":
        "位置：中央大道以北、园区东部（“东区”是园区旧名东区音乐公园，并非指东侧）；visit_min 120：一场演唱会；票价：按活动",
    "UNVERIFIED: outdoor stage; 22:00 noise curfew assumed":
        "未核实：室外舞台；假设 22:00 起噪声管制",
    "named as a busker stage of the 2024 Guochao (national-trend) Music Season (FACTS.md, low-confidence source)":
        "被列为 2024 国潮音乐季的街头表演舞台（FACTS.md，低可信度来源）",
    "position: near the east gate, south of Central Avenue ('east' taken literally); visit_min 20: listening to a few songs":
        "位置：东门附近、中央大道以南（按字面理解“东”）；visit_min 20：听几首歌",
    "UNVERIFIED: box office from early afternoon, matinees and evening shows":
        "未核实：售票处午后开门，有日场和晚场",
    "position: north-west quarter; visit_min 90: one show; price: per event":
        "位置：西北区；visit_min 90：一场演出；票价：按活动",
    "UNVERIFIED: 10:00-18:00 is common for Chinese galleries":
        "未核实：国内美术馆常见开放时间为 10:00-18:00",
    "UNVERIFIED: Monday closing is common for Chinese museums and galleries":
        "未核实：国内博物馆和美术馆常在周一闭馆",
    "museums closed on Mondays usually open on statutory holidays; Spring Festival holiday 2024 was 10-17 Feb":
        "周一闭馆的博物馆在法定节假日通常开放；2024 年春节假期为 2 月 10-17 日",
    "position: west part, south of Central Avenue; visit_min 45: one exhibition; price: per event":
        "位置：西部、中央大道以南；visit_min 45：一个展览；票价：按活动",
    "UNVERIFIED: usual hours of commercial immersive exhibitions, open daily":
        "未核实：商业沉浸式展览的常见开放时间，每天开放",
    "a 2,500 m2, 13-scene immersive exhibition at Dongjiao Memory, 2023-12-02 to 2024-12-01 (Chengdu Daily 2023-12-01, FACTS.md)":
        "东郊记忆的沉浸式展览，2,500 平方米、13 个场景，2023-12-02 至 2024-12-01（《成都日报》2023-12-01，FACTS.md）",
    "the hall is not named in the source: a separate place so the year-long show does not share the Lang Art Museum with the Spring Festival exhibitions; position: a large former factory hall in the north part; visit_min 75: 13 scenes at ~5 min plus queues; price: per event":
        "来源未写展厅名称：单列为一个地点，以免这个为期一年的展览与春节展览共用朗美术馆；位置：北部一座大型旧厂房；visit_min 75：13 个场景各约 5 分钟，加上排队；票价：按活动",
    # ------------------------------------------------------------------ shuttle.yaml
    "route, stops, run times, timetable, vehicle, fleet and fare are all ours: a planner's first design, for the operator to replace":
        "线路、站点、运行时间、时刻表、车型、车队规模和票价均由本项目拟定：规划者的初步方案，待运营方替换",
    "kerb of 成华大道 outside the assumed south gate (places.yaml), ~60 m walk; the south gate is the guides' start of a visit and ~220 m from exit B1 of 东郊记忆 station, so metro riders can use it too":
        '假设的南门外成华大道路边（places.yaml），步行约 60 米；南门是攻略的游览起点，距东郊记忆站 B1 出口约 220 米，地铁乘客也方便使用',
    "bus bay ~65 m south of the south gate (OSM), outside the ticket check; the south gate, not the west gate, because 玉垒路 to the west gate is closed to general traffic and the south gate is the main one":
        "南门以南约 65 米的公交港湾（OSM），在验票口外；选南门而非西门，是因为通往西门的玉垒路不对社会车辆开放，且南门是主入口",
    # ------------------------------------------------------------------ transit.yaml
    "Validity covers the February 2024 programme of the seed article through the end of 2026; the timetable model is not tied to a dated timetable. The project has no public address yet: publisher_url is a placeholder to replace when the planner is published.":
        "有效期从种子文章的 2024 年 2 月活动覆盖到 2026 年底；时刻表模型不对应某一份注明日期的时刻表。本项目尚无公开网址：publisher_url 是占位符，发布时替换。",
    "url is the operator group's public website, not in FACTS.md: UNVERIFIED":
        "url 是运营集团的公开网站，不在 FACTS.md 中：未核实",
    "Operator of the city buses 198 and D025 assumed to be the city bus group; neither the operator nor the url is in FACTS.md: UNVERIFIED.":
        "假设 198 路和 D025 路的运营方为成都公交集团；运营方和 url 都不在 FACTS.md 中：未核实。",
    "pandahome.org is the base's own site (FACTS.md, Panda Base hours)":
        "pandahome.org 是基地官网（FACTS.md，大熊猫基地开放时间）",
    "the base is assumed to run the west-gate shuttle; its operator is not published":
        "假设西门摆渡车由基地运营；运营方未公布",
    "The Spring Festival break (2024: 10-17 February) runs the weekend timetable: FACTS.md found no Spring Festival 2024 arrangements, and with the city's commuters away a weekday peak service is unlikely. Kept apart from other holidays so that a published Spring Festival timetable can be given its own service here.":
        '春节假期（2024 年：2 月 10-17 日）按周末时刻表运行：FACTS.md 未找到 2024 年春节的运营安排，且通勤者多已离开，工作日的高峰运营不太可能。与其他节假日分开列出，以便日后公布春节时刻表时在此单独设置。',
    'Public holidays (and the days off moved onto weekdays) run the weekend timetable: no commuter peaks, leisure traffic all day. No holiday timetable is published in FACTS.md; the later service on some holiday eves (50-60 min, May Day 2024, New Year 2025/26) is not modelled.':
        '法定节假日（及调休到工作日的休息日）按周末时刻表运行：没有通勤高峰，全天为休闲客流。FACTS.md 中没有公布的节假日时刻表；部分节前夜晚延长运营（50-60 分钟，2024 年五一、2025/26 年元旦）未建模。',
    'a make-up working day (调休上班) on a Saturday or Sunday runs the weekday timetable, as a working day':
        '周六或周日的调休上班日按工作日时刻表运行，与工作日相同',
    'FACTS.md: separate weekend timetables':
        'FACTS.md：周末有单独的时刻表',
    "FACTS.md: Chengdu Metro runs separate weekday, Friday and weekend timetables":
        "FACTS.md：成都地铁分别执行工作日、周五和周末时刻表",
    'Their content is unknown, so Friday is folded into the weekday service, and weekday and weekend differ only by the headways below. Holiday eves (service 50-60 min later) are not modelled. Holidays and make-up working days: see day_types.':
        '这些时刻表的内容未知，因此周五并入工作日，工作日与周末只在下列发车间隔上不同。节假日前夜（收班推迟 50-60 分钟）未建模。节假日和调休上班日：见 day_types。',
    "see weekday: the weekend timetable's content is unknown":
        "见工作日：周末时刻表的内容未知",
    "Line 7 (FACTS.md, 2017): 38.61 km, one loop about 66 min, average speed 35.26 km/h including dwell. The cd.js Line 7 stations are 37.76 km apart in straight lines, so its circuity is 38.61 / 37.76 = 1.022; with 30 s dwell at 31 stations (15.5 min) the remaining 50.5 min over 38.61 km is a running speed of 46 km/h.":
        "7 号线（FACTS.md，2017）：38.61 公里，一圈约 66 分钟，含停站平均速度 35.26 km/h。cd.js 中 7 号线各站直线距离合计 37.76 公里，故绕行系数为 38.61 / 37.76 = 1.022；31 个站各停 30 秒（15.5 分钟），其余 50.5 分钟跑 38.61 公里，运行速度为 46 km/h。",
    'dwell 30 s at every station (typical urban metro dwell; not published). The default circuity 1.06 is the mean of the three lines with a published length: Line 3 1.065, Line 7 1.022, Line 8 1.100 (see lines below). Check: Line 3 end to end then takes 81.5 min in the feed (its 1.065 circuity and the 熊猫大道-军区总医院-驷马桥 calibrations included), against "about 85 min" (travelchinaguide, FACTS.md).':
        '每站停 30 秒（城市地铁的常见停站时间；未公布）。默认绕行系数 1.06 是三条公布了长度的线路的平均值：3 号线 1.065、7 号线 1.022、8 号线 1.100（见下方线路）。核对：在数据中 3 号线全程因此需 81.5 分钟（已计入其 1.065 的绕行系数及熊猫大道-军区总医院-驷马桥的校准），来源为“约 85 分钟”（travelchinaguide，FACTS.md）。',
    "before the morning peak": "早高峰之前",
    "morning peak 07:30-09:30, not published": "早高峰 07:30-09:30，未公布",
    "daytime between the peaks": "两个高峰之间的白天",
    "evening peak 17:00-19:30, not published": "晚高峰 17:00-19:30，未公布",
    "evening": "晚间",
    "late evening until the last train": "深夜至末班车",
    "early morning, no commuter peak at weekends": "清晨，周末没有通勤高峰",
    "daytime leisure traffic": "白天的休闲客流",
    "Headways today are UNVERIFIED (FACTS.md). Weak sources say 2-3 min peak and 5-8 min off-peak network-wide, or 4-5 min peak and 6-8 min off-peak on Line 8; 4 min peak and 7 min off-peak sit between them. Early and late trains assumed every 8 and 10 min; weekends assumed to run the off-peak headway all day.":
        "目前的发车间隔未核实（FACTS.md）。弱来源称全网高峰 2-3 分钟、平峰 5-8 分钟，或 8 号线高峰 4-5 分钟、平峰 6-8 分钟；高峰 4 分钟、平峰 7 分钟介于两者之间。早班和晚班车假设分别每 8 和 10 分钟一班；周末假设全天按平峰间隔运行。",
    'Typical Chengdu service day; consistent with the published Line 3 and Line 8 first trains (passing stations 06:13-06:55) and last trains (23:04-23:52), both sources.':
        '成都地铁的典型运营时间；与公布的 3 号线和 8 号线首班车（经过各站 06:13-06:55）及末班车（23:04-23:52）相符，两个来源皆然。',
    "cd.js": "cd.js",
    "Line 3 is 49.9 km (gochengdu, FACTS.md) over 46.86 km of straight lines between the cd.js stations: 49.9 / 46.86 = 1.065. The conflicting 44.5 km (travelchinaguide) is shorter than the straight-line path, so it cannot be the whole line.":
        "3 号线长 49.9 公里（gochengdu，FACTS.md），cd.js 各站之间直线距离合计 46.86 公里：49.9 / 46.86 = 1.065。与之矛盾的 44.5 公里（travelchinaguide）比直线距离还短，不可能是全线长度。",
    "Line 7 at opening (December 2017, Chengdu government press office via China Daily Sichuan, FACTS.md): 38.61 km over 37.76 km of straight lines (circuity 1.022); shortest peak headway 3 min 30 s; service 06:15-22:55.":
        "7 号线开通时（2017 年 12 月，成都市政府新闻办，经中国日报四川频道报道，FACTS.md）：38.61 公里，直线距离 37.76 公里（绕行系数 1.022）；高峰最小间隔 3 分 30 秒；运营时间 06:15-22:55。",
    "The service hours are taken as the first and last departures of the loop's template trip from 火车北站, both directions. A loop has no terminal, so its first trains do not all leave 火车北站: at 06:15 the trains stand one early headway (8 min) apart round the loop and each starts from the station where it stands (the build adds them), so every station has a first train between 06:15 and 06:23 (理工大学 about 06:20, not 07:09 as from 火车北站 alone). Where the trains start is not published.":
        "运营时间取环线模板车次从火车北站双向的首末班发车时间。环线没有终点站，首班车并非都从火车北站发出：06:15 时列车按早班间隔（8 分钟）沿环线分布，各自从所在车站开出（构建时加入），因此每个车站的首班车都在 06:15 至 06:23 之间（理工大学约 06:20，而不是只从火车北站发车时的 07:09）。列车从哪些车站开出未公布。",
    "Line 8 phase 1 十里店-莲花 is 29.1 km, 25 stations (FACTS.md); the same cd.js stations are 26.45 km apart in straight lines: 29.1 / 26.45 = 1.100.":
        "8 号线一期十里店-莲花长 29.1 公里、25 座车站（FACTS.md）；cd.js 中同样这些车站的直线距离合计 26.45 公里：29.1 / 26.45 = 1.100。",
    "headways: midpoints of the weak Line 8 source, 4-5 min peak and 6-8 min off-peak":
        "发车间隔：取 8 号线弱来源（高峰 4-5 分钟、平峰 6-8 分钟）的中间值",
    "Express airport line with stations up to 18 km apart; at the urban 46 km/h its trains would crawl. 80 km/h running speed assumed (not in FACTS.md).":
        "机场快线，站间距最长达 18 公里；按市区的 46 km/h 计算会慢得离谱。假设运行速度 80 km/h（不在 FACTS.md 中）。",
    "express line sharing Line 18's airport section; 80 km/h assumed as for Line 18":
        "与 18 号线共用机场段的快线；与 18 号线一样假设 80 km/h",
    "Suburban line to Ziyang with stations up to 22 km apart: 80 km/h running speed, every 10 min at peak and 15 min otherwise (not in FACTS.md).":
        "通往资阳的市域线，站间距最长达 22 公里：运行速度 80 km/h，高峰每 10 分钟一班，其余时段每 15 分钟一班（不在 FACTS.md 中）。",
    "Street tram: 25 km/h between stops, 20 s dwell, every 8 min at peak and 10 min otherwise (typical tram service, not in FACTS.md).":
        "有轨电车：站间 25 km/h，停站 20 秒，高峰每 8 分钟一班，其余时段每 10 分钟一班（有轨电车的常见服务水平，不在 FACTS.md 中）。",
    "as the Rong2 main line": "同蓉 2 号线主线",
    "FACTS.md, Chengdu Rail feed as republished: towards 十里店/桂龙路 06:47 / 23:48":
        "FACTS.md，转载的成都轨道交通数据：开往十里店/桂龙路方向 06:47 / 23:48",
    "The operator's feed is preferred to the other source (06:55 / 23:46). 十里店 was the terminal before the 桂龙路 extension; trains are modelled to 桂龙路.":
        "优先采用运营方的数据，而非另一来源（06:55 / 23:46）。十里店是桂龙路延伸段开通前的终点站；模型中列车开到桂龙路。",
    "FACTS.md, Chengdu Rail feed as republished: towards 莲花/龙港 06:13 / 23:16":
        "FACTS.md，转载的成都轨道交通数据：开往莲花/龙港方向 06:13 / 23:16",
    "the other source gives 06:13 / 23:04; trains are modelled to 龙港":
        "另一来源为 06:13 / 23:04；模型中列车开到龙港",
    "FACTS.md (third-party, undated)":
        "FACTS.md（第三方，无日期）",
    "The 06:15 first train passes 驷马桥 before the 06:18 train from 熊猫大道 could arrive (about 06:24): it must enter service between the two, e.g. from a depot. One template trip per direction cannot show it, so the model's first train there is about 06:24.":
        "06:15 的首班车经过驷马桥时，06:18 从熊猫大道发出的列车还到不了（约 06:24 才到）：它必定在两站之间投入运营，例如从车辆段出发。每个方向只有一个模板车次无法表示这一点，所以模型中该站的首班车约为 06:24。",
    "FACTS.md first/last trains differ by 3 min between the two stations in both directions (06:15/06:18, 23:10/23:13, 06:37/06:40, 23:49/23:52).":
        "FACTS.md 中两站的首末班车在两个方向上都相差 3 分钟（06:15/06:18、23:10/23:13、06:37/06:40、23:49/23:52）。",
    "FACTS.md: 06:31/06:37 and 23:43/23:49 northbound, 23:13/23:19 southbound: 6 min":
        "FACTS.md：北行 06:31/06:37 和 23:43/23:49，南行 23:13/23:19：相差 6 分钟",
    "Changing lines inside a metro station (walk between platforms): 3 min assumed, not published. Applied to every station served by more than one line.":
        "在地铁站内换乘（在站台之间步行）：假设 3 分钟，未公布。适用于所有多线换乘站。",
    "FACTS.md, Chengdu Metro: fare by distance; 240 minutes at most inside the paid area":
        "FACTS.md，成都地铁：按里程计价；在付费区内最多停留 240 分钟",
    "FACTS.md: feeders leave from 熊猫大道 station exit A":
        "FACTS.md：接驳公交从熊猫大道站 A 口发车",
    "Exit A's own position is not published: the stop is put at the station's position. 5 min from the platform to the bus stop assumed.":
        "A 口本身的位置未公布：公交站放在车站的位置。假设从站台到公交站需 5 分钟。",
    "FACTS.md: south gate at 30.735095, 104.143645 (OSM way 686460747)":
        "FACTS.md：南门位于 30.735095, 104.143645（OSM 路径 686460747）",
    "the bus stop is assumed just outside the gate, about 45 m south of it":
        "假设公交站就在门外，在门以南约 45 米",
    "The west gate is not mapped (FACTS.md: UNVERIFIED). Placed between 军区总医院 station and the Panda Tower (30.742952, 104.131243), 1.4 km from the station, consistent with a 3-minute shuttle ride.":
        "西门在地图上没有标注（FACTS.md：未核实）。放在军区总医院站与熊猫塔（30.742952, 104.131243）之间，距车站 1.4 公里，与摆渡车约 3 分钟的车程相符。",
    "FACTS.md: a dedicated shuttle runs from 军区总医院(熊猫基地) station to the west gate":
        "FACTS.md：有专用摆渡车从军区总医院（熊猫基地）站开往西门",
    "stop put at the station's position; 5 min from the platform to the shuttle assumed":
        "站点放在车站的位置；假设从站台到摆渡车需 5 分钟",
    "FACTS.md: bus 198 / 198a from exit A, ride about 10-15 min; 198 (区间) at 2 CNY":
        "FACTS.md：198 / 198a 路从 A 口发车，乘车约 10-15 分钟；198（区间）票价 2 元",
    "Hours and frequency UNVERIFIED: 06:30-21:00 every 15 min assumed (a common city-bus day). Ride 12.5 min, the middle of 10-15 min. Only the station-gate stretch is modelled.":
        "运营时间和班次未核实：假设 06:30-21:00 每 15 分钟一班（城市公交的常见运营时间）。乘车 12.5 分钟，取 10-15 分钟的中间值。只模拟车站到大门这一段。",
    "FACTS.md: free D025 bus 08:30-16:00 from exit A (Lonely Planet text), ride about 10-15 min":
        "FACTS.md：免费的 D025 路 08:30-16:00 从 A 口发车（Lonely Planet 文字），乘车约 10-15 分钟",
    "Frequency UNVERIFIED: every 20 min assumed; 08:30-16:00 taken as first and last departures in both directions. 7.5 hours is not a whole number of 20-min headways, so the 16:00 last bus follows the 15:50 after 10 min. Ride 12.5 min, the middle of 10-15 min.":
        "班次未核实：假设每 20 分钟一班；双向首末班均取 08:30 和 16:00。7.5 小时不是 20 分钟间隔的整数倍，因此 16:00 的末班车在 15:50 那班之后 10 分钟发出。乘车 12.5 分钟，取 10-15 分钟的中间值。",
    "FACTS.md: dedicated shuttle (专用摆渡车) of about 3 minutes to the west gate":
        "FACTS.md：到西门的专用摆渡车，约 3 分钟",
    "Hours, frequency and fare UNVERIFIED: every 10 min from 07:00 to 18:30, free, assumed to cover the base's opening hours (07:30-18:00) with half an hour either side.":
        "运营时间、班次和票价未核实：假设 07:00 至 18:30 每 10 分钟一班、免费，覆盖基地开放时间（07:30-18:00）并前后各留半小时。",
}
