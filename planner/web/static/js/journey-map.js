// Draws the legs of the first journey on a small map, coloured by mode, over the home map's backdrop
// (map-backdrop.js), with start and end markers; every label in the page's language.
(function () {
  "use strict";
  var el = document.getElementById("journey-map");
  var data = document.getElementById("journey-data");
  if (!el || !data || !window.L || !window.plannerMaps) { return; }
  var maps = window.plannerMaps;
  var lang = el.dataset.lang || document.documentElement.lang.slice(0, 2);
  var result = JSON.parse(data.textContent);
  var journey = result.journeys[0] || result.taxi;
  var map = maps.create(el);
  window.plannerJourneyMap = map;
  var COLORS = { walk: "#495057", metro: "#1c7ed6", bus: "#2b8a3e", tram: "#ae3ec9",
                 rail: "#5c940d", shuttle: "#d9480f", taxi: "#f59f00", wait: "#495057" };
  var bounds = L.latLngBounds([]);
  var legs = journey ? journey.legs : [];
  legs.forEach(function (leg) {
    if (leg.path.length < 2) { return; }
    var line = L.polyline(leg.path, { color: COLORS[leg.mode] || "#333", weight: leg.mode === "walk" ? 3 : 5,
                                      dashArray: leg.mode === "walk" ? "4 6" : null,
                                      className: "leg-line mode-" + leg.mode }).addTo(map);
    line.bindTooltip(document.createTextNode(maps.nameIn(lang, leg.from) + " → " + maps.nameIn(lang, leg.to)));
    bounds.extend(line.getBounds());
  });
  var start = [result.from.lat, result.from.lon], end = [result.to.lat, result.to.lon];
  maps.endMarker(map, "start", start, el.dataset.startWord, maps.nameIn(lang, result.from));
  if (!result.already_there) { maps.endMarker(map, "end", end, el.dataset.endWord, maps.nameIn(lang, result.to)); }
  bounds.extend(start); bounds.extend(end);
  if (bounds.getNorthEast().equals(bounds.getSouthWest())) { map.setView(start, 16); } else { maps.fit(map, bounds); }
  el.dataset.legs = String(legs.length);
  maps.backdrop(map, el).then(function () { el.dataset.ready = "1"; });
})();
