// Draws each day plan on its own map: the home map's backdrop (map-backdrop.js), the journeys' legs,
// numbered visits, and start and end markers; every label in the page's language.
(function () {
  "use strict";
  if (!window.L || !window.plannerMaps) { return; }
  var maps = window.plannerMaps;
  var COLORS = { walk: "#495057", metro: "#1c7ed6", bus: "#2b8a3e", tram: "#ae3ec9", rail: "#5c940d",
                 shuttle: "#d9480f", taxi: "#f59f00" };
  document.querySelectorAll("section.plan").forEach(function (section) {
    var el = section.querySelector(".plan-map");
    var plan = JSON.parse(section.querySelector(".plan-data").textContent);
    var lang = el.dataset.lang || document.documentElement.lang.slice(0, 2);
    var map = maps.create(el);
    var bounds = L.latLngBounds([]);
    var routes = plan.steps.map(function (s) { return s.route; }).concat([plan.home]);
    routes.forEach(function (route) {
      route.legs.forEach(function (leg) {
        if (!leg.path || leg.path.length < 2) { return; }
        var line = L.polyline(leg.path, { color: COLORS[leg.mode] || "#333", weight: leg.mode === "walk" ? 2 : 4,
                                          className: "leg-line mode-" + leg.mode }).addTo(map);
        if (leg.from && leg.to) {
          line.bindTooltip(document.createTextNode(maps.nameIn(lang, leg.from) + " → " + maps.nameIn(lang, leg.to)));
        }
        bounds.extend(line.getBounds());
      });
    });
    plan.steps.forEach(function (s, i) {
      var marker = L.circleMarker([s.lat, s.lon], { radius: 6, color: "#fff", weight: 1, fillColor: "#7048e8",
                                                   fillOpacity: 0.95, className: "visit-marker" }).addTo(map);
      var time = s.start.slice(11, 16) + "–" + s.end.slice(11, 16);
      marker.bindTooltip(document.createTextNode((i + 1) + ". " + maps.nameIn(lang, s) + " " + time));
      bounds.extend([s.lat, s.lon]);
    });
    if (plan.ends) {
      var start = [plan.ends.start.lat, plan.ends.start.lon], end = [plan.ends.end.lat, plan.ends.end.lon];
      var same = start[0] === end[0] && start[1] === end[1];
      // back where it began: one marker says both
      maps.endMarker(map, "start", start, same ? el.dataset.startWord + " / " + el.dataset.endWord : el.dataset.startWord,
                     maps.nameIn(lang, plan.ends.start));
      if (!same) { maps.endMarker(map, "end", end, el.dataset.endWord, maps.nameIn(lang, plan.ends.end)); }
      bounds.extend(start); bounds.extend(end);
    }
    if (bounds.isValid()) { maps.fit(map, bounds); } else { map.setView([30.70, 104.12], 12); }
    el.dataset.drawn = String(plan.steps.length);
    maps.backdrop(map, el).then(function () { el.dataset.ready = "1"; });
  });
})();
