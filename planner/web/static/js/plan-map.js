// Draws each day plan: its journeys' legs and numbered visits, on its own map.
(function () {
  "use strict";
  if (!window.L) { return; }
  var COLORS = { walk: "#495057", metro: "#1c7ed6", bus: "#2b8a3e", tram: "#ae3ec9", rail: "#5c940d",
                 shuttle: "#d9480f", taxi: "#f59f00" };
  document.querySelectorAll("section.plan").forEach(function (section) {
    var el = section.querySelector(".plan-map");
    var plan = JSON.parse(section.querySelector(".plan-data").textContent);
    var map = L.map(el);
    var bounds = L.latLngBounds([]);
    var routes = plan.steps.map(function (s) { return s.route; }).concat([plan.home]);
    routes.forEach(function (route) {
      route.legs.forEach(function (leg) {
        if (!leg.path || leg.path.length < 2) { return; }
        var line = L.polyline(leg.path, { color: COLORS[leg.mode] || "#333", weight: leg.mode === "walk" ? 2 : 4,
                                          className: "leg-line mode-" + leg.mode }).addTo(map);
        bounds.extend(line.getBounds());
      });
    });
    plan.steps.forEach(function (s, i) {
      var marker = L.circleMarker([s.lat, s.lon], { radius: 6, color: "#fff", weight: 1, fillColor: "#7048e8",
                                                   fillOpacity: 0.95, className: "visit-marker" }).addTo(map);
      marker.bindTooltip(document.createTextNode((i + 1) + ". " + (document.documentElement.lang === "en" ? s.name_en : s.name_zh)));
      bounds.extend([s.lat, s.lon]);
    });
    if (bounds.isValid()) { map.fitBounds(bounds.pad(0.1)); } else { map.setView([30.70, 104.12], 12); }
    el.dataset.drawn = String(plan.steps.length);
  });
})();
