// Draws the network GeoJSON on a Leaflet map. Overlays are drawn even when
// no tiles load (offline use, tests): tiles are only a background.
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || !window.L) { return; }
  var map = L.map(el, { preferCanvas: false, zoomControl: false }).setView([30.70, 104.12], 12);
  // Leaflet's own words in the page's language when the template gives them (data-zoom-in ...)
  L.control.zoom({ zoomInTitle: el.dataset.zoomIn || "Zoom in", zoomOutTitle: el.dataset.zoomOut || "Zoom out" }).addTo(map);
  if (el.dataset.leafletTitle) {
    var credit = document.createElement("a");
    credit.href = "https://leafletjs.com";
    credit.title = el.dataset.leafletTitle;
    credit.setAttribute("lang", "en");
    credit.textContent = "Leaflet";
    map.attributionControl.setPrefix(credit.outerHTML);
  }
  window.plannerMap = map;
  var tileUrl = el.dataset.tileUrl;
  if (tileUrl) {
    L.tileLayer(tileUrl, { maxZoom: 19, attribution: el.dataset.tileAttribution }).addTo(map);
  }
  // Places take their site's colour, apart from every line colour (the feeders are green,
  // the shuttle orange); the legend swatches in app.css use the same colours.
  var SITE_COLORS = { "panda-base": "#7048e8", "dongjiao-memory": "#c2255c" };
  var EVENT_COLOR = "#1d2327";  // a dark ring: the day's events there (orange is the shuttle's)
  var day = el.dataset.date || "";

  function styleFor(f) {
    var p = f.properties;
    if (f.geometry.type === "Point") { return {}; }  // points are styled in pointFor
    if (p.layer === "shuttle") {
      return { color: "#d9480f", weight: 6, dashArray: "10 6", className: "layer-shuttle" };
    }
    var feeder = p.mode === "bus";
    var style = { color: feeder ? "#2b8a3e" : p.color, weight: feeder ? 4 : 3, opacity: 0.85,
                  className: "layer-line mode-" + p.mode };
    if (feeder) { style.dashArray = "4 4"; }
    return style;
  }

  function pointFor(f, latlng) {
    var p = f.properties;
    if (p.layer === "site") {
      return L.marker(latlng, { icon: L.divIcon({ className: "site-label", html: "", iconSize: null }),
                                keyboard: false, interactive: false });
    }
    if (p.layer === "shuttle_stop") {
      return L.circleMarker(latlng, { radius: 7, color: "#d9480f", fillColor: "#fff", fillOpacity: 1,
                                      weight: 3, className: "layer-shuttle-stop" });
    }
    if (p.layer === "place") {
      var withEvents = p.events && p.events.length > 0;
      var siteColor = SITE_COLORS[p.site] || "#555";
      var className = "layer-place kind-" + p.kind + " site-" + p.site + (withEvents ? " has-events" : "");
      if (p.kind === "gate") {  // gates: hollow, a white dot in a ring of the site's colour
        return L.circleMarker(latlng, { radius: withEvents ? 7 : 6, weight: 3, color: withEvents ? EVENT_COLOR : siteColor,
                                        fillColor: "#fff", fillOpacity: 1, className: className });
      }
      return L.circleMarker(latlng, { radius: withEvents ? 8 : 5,
                                      weight: withEvents ? 3 : 1.5, color: withEvents ? EVENT_COLOR : "#fff",
                                      fillColor: siteColor, fillOpacity: 0.95, className: className });
    }
    return L.circleMarker(latlng, { radius: 2, weight: 1, color: "#868e96", fillColor: "#fff",
                                    fillOpacity: 1, className: "layer-stop" });
  }

  function bind(f, layer) {
    var p = f.properties;
    if (p.layer === "site") {
      // Site names are text nodes (not HTML) so no data can inject markup.
      var label = document.createElement("span");
      label.textContent = p.name;
      layer.options.icon.options.html = label;
      layer.setIcon(layer.options.icon);
      return;
    }
    var text = p.name || p.id;
    if (p.layer === "place") {
      var box = document.createElement("div");
      var link = document.createElement("a");
      link.href = "/places/" + encodeURIComponent(p.id) + (day ? "?date=" + encodeURIComponent(day) : "");
      link.textContent = p.name;
      box.appendChild(link);
      (p.events || []).forEach(function (ev) {
        var line = document.createElement("div");
        line.className = "popup-event status-" + (ev.status || "scheduled");
        var what = document.createElement("span");
        what.textContent = ev.start.slice(11, 16) + "–" + ev.end.slice(11, 16) + " " + ev.title;
        line.appendChild(what);
        if (ev.status && ev.status !== "scheduled") {  // a cancelled session must not read as on
          var badge = document.createElement("span");
          badge.className = "badge";
          badge.textContent = ev.status_text || ev.status;
          if (ev.status === "cancelled") { what.style.textDecoration = "line-through"; }
          line.appendChild(badge);
        }
        box.appendChild(line);
      });
      layer.bindPopup(box);
    } else {
      layer.bindTooltip(document.createTextNode(text), { sticky: true });
    }
  }

  fetch(el.dataset.geojson).then(function (r) { return r.json(); }).then(function (fc) {
    var order = ["line", "shuttle", "stop", "shuttle_stop", "place", "site"];
    fc.features.sort(function (a, b) {
      return order.indexOf(a.properties.layer) - order.indexOf(b.properties.layer);
    });
    var layer = L.geoJSON(fc, { style: styleFor, pointToLayer: pointFor, onEachFeature: bind }).addTo(map);
    var sites = fc.features.filter(function (f) {
      return f.properties.layer === "place" || f.properties.layer === "shuttle_stop";
    });
    if (sites.length) {
      map.fitBounds(L.geoJSON({ type: "FeatureCollection", features: sites }).getBounds().pad(0.25));
    }
    el.dataset.loaded = String(fc.features.length);
    window.plannerLayer = layer;
  }).catch(function (err) {
    el.dataset.error = String(err);
  });
})();
