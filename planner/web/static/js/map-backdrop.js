// The home map's backdrop for the journey and day-plan maps: tiles where configured (PLANNER_TILE_URL),
// and the metro and feeder lines from the app's own network (/api/network.geojson), drawn faintly under
// the route so the map reads offline too. Start and end get markers labelled in the page's language.
(function () {
  "use strict";
  if (!window.L) { return; }

  // tiles, if any; then the network's lines beneath whatever the page draws (a pane under the overlays)
  function backdrop(map, el) {
    if (el.dataset.tileUrl) {
      L.tileLayer(el.dataset.tileUrl, { maxZoom: 19, attribution: el.dataset.tileAttribution || "" }).addTo(map);
      el.dataset.backdrop = "tiles";
    }
    if (!el.dataset.network) { return Promise.resolve(); }
    map.createPane("backdrop").style.zIndex = 350;  // above tiles (200), below the route (overlayPane 400)
    return fetch(el.dataset.network).then(function (r) { return r.json(); }).then(function (fc) {
      var lines = fc.features.filter(function (f) { return f.properties.layer === "line"; });
      L.geoJSON({ type: "FeatureCollection", features: lines }, {
        pane: "backdrop", interactive: false,
        style: function (f) {
          var feeder = f.properties.mode === "bus";
          return { color: feeder ? "#2b8a3e" : f.properties.color, weight: feeder ? 2 : 3, opacity: 0.45,
                   dashArray: feeder ? "4 4" : null, className: "backdrop-line mode-" + f.properties.mode };
        }
      }).addTo(map);
      el.dataset.backdropLines = String(lines.length);
      if (!el.dataset.backdrop) { el.dataset.backdrop = "lines"; }
    }).catch(function (err) { el.dataset.backdropError = String(err); });
  }

  // a journey's end: a ring (start green, end red) and a label that stays, "Start: name" in the page's language
  function endMarker(map, kind, latlng, word, name) {
    var marker = L.circleMarker(latlng, { radius: 9, weight: 4, color: kind === "start" ? "#2b8a3e" : "#c92a2a",
                                          fillColor: "#fff", fillOpacity: 1, className: "end-marker end-" + kind });
    marker.bindTooltip(document.createTextNode(word + ": " + name),
                       { permanent: true, direction: kind === "start" ? "top" : "bottom", offset: [0, kind === "start" ? -6 : 6],
                         className: "end-label end-label-" + kind });
    return marker.addTo(map);
  }

  // a name in the page's language: objects of the API carry name/name_en or name_zh/name_en
  function nameIn(lang, thing) {
    if (!thing) { return ""; }
    if (lang === "en") { return thing.name_en || thing.name || thing.name_zh || ""; }
    return thing.name_zh || thing.name || thing.name_en || "";
  }

  // room around the route for the start and end labels (they wrap at 11rem, centred on their marker)
  function fit(map, bounds) {
    map.fitBounds(bounds, { paddingTopLeft: [95, 60], paddingBottomRight: [95, 60], maxZoom: 16 });
  }

  // a map with Leaflet's own words (zoom buttons, its credit) in the page's language: the element's
  // data-zoom-in, data-zoom-out and data-leaflet-title, written by the template through the catalogue
  function create(el) {
    var map = L.map(el, { zoomControl: false });
    L.control.zoom({ zoomInTitle: el.dataset.zoomIn || "Zoom in", zoomOutTitle: el.dataset.zoomOut || "Zoom out" }).addTo(map);
    if (el.dataset.leafletTitle) {
      var credit = document.createElement("a");
      credit.href = "https://leafletjs.com";
      credit.title = el.dataset.leafletTitle;
      credit.setAttribute("lang", "en");  // a product's name
      credit.textContent = "Leaflet";
      map.attributionControl.setPrefix(credit.outerHTML);
    }
    return map;
  }

  window.plannerMaps = { backdrop: backdrop, endMarker: endMarker, nameIn: nameIn, fit: fit, create: create };
})();
