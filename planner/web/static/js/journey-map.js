// Draws the legs of the first journey on a small map, coloured by mode.
(function () {
  "use strict";
  var el = document.getElementById("journey-map");
  var data = document.getElementById("journey-data");
  if (!el || !data || !window.L) { return; }
  var result = JSON.parse(data.textContent);
  var journey = result.journeys[0] || result.taxi;
  var map = L.map(el);
  var COLORS = { walk: "#495057", metro: "#1c7ed6", bus: "#2b8a3e", tram: "#ae3ec9",
                 rail: "#5c940d", shuttle: "#d9480f", taxi: "#f59f00", wait: "#495057" };
  var bounds = L.latLngBounds([]);
  journey.legs.forEach(function (leg) {
    if (leg.path.length < 2) { return; }
    var line = L.polyline(leg.path, { color: COLORS[leg.mode] || "#333", weight: leg.mode === "walk" ? 3 : 5,
                                      dashArray: leg.mode === "walk" ? "4 6" : null,
                                      className: "leg-line mode-" + leg.mode }).addTo(map);
    line.bindTooltip(document.createTextNode(leg.from.name + " → " + leg.to.name));
    bounds.extend(line.getBounds());
  });
  if (bounds.isValid()) { map.fitBounds(bounds.pad(0.15)); } else { map.setView([30.70, 104.12], 12); }
  el.dataset.legs = String(journey.legs.length);
})();
