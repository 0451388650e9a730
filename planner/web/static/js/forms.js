// The forms, improved where JavaScript runs (each works without it: the server renders the same).
// 1. A working state on submit: the button disabled and "Planning your day…" until the next page.
// 2. The day-plan form follows its date field: that day's events as must-sees and the places'
//    hours on that day, from /api/events and /api/places in the page's language, without submitting.
(function () {
  "use strict";

  function setWorking(form, on) {
    var working = form.querySelector(".working");
    var button = form.querySelector("button[type=submit]");
    if (working) { working.hidden = !on; }
    if (button) { button.disabled = on; }
    form.classList.toggle("is-working", on);
    if (on) { form.setAttribute("aria-busy", "true"); } else { form.removeAttribute("aria-busy"); }
  }

  document.querySelectorAll("form").forEach(function (form) {
    if (!form.querySelector(".working")) { return; }
    form.addEventListener("submit", function () {
      // after this event, so the submission goes ahead before the button is disabled
      window.setTimeout(function () { setWorking(form, true); }, 0);
    });
  });
  // back to a page kept in the browser's cache: its form is usable again
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      document.querySelectorAll("form.is-working").forEach(function (form) { setWorking(form, false); });
    }
  });

  var form = document.querySelector("form.itinerary-form[data-events-url]");
  if (!form || !window.fetch) { return; }
  var dateInput = form.querySelector("#date");
  var events = form.querySelector(".must-events");
  var chips = events.querySelector(".event-chips");
  var asked = 0;  // only the latest date's answers are shown

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function getJson(url) {
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (response) {
      if (!response.ok) { throw new Error(url + ": " + response.status); }
      return response.json();
    });
  }

  // One chip per scheduled event, in order of its first session, with every session's times
  // (as planner/web/presenters/catalog.py events_by_id does for the page).
  function showEvents(sessions) {
    var checked = {};
    chips.querySelectorAll("input[name=must]:checked").forEach(function (box) { checked[box.value] = true; });
    var byId = {}, order = [];
    sessions.forEach(function (s) {
      if (s.status !== "scheduled") { return; }
      if (!byId[s.id]) { byId[s.id] = { title: s.title, times: [] }; order.push(s.id); }
      byId[s.id].times.push(s.all_day ? form.dataset.allDay : s.start.slice(11, 16) + "-" + s.end.slice(11, 16));
    });
    chips.textContent = "";
    order.forEach(function (id) {
      var label = el("label", "chip");
      label.dataset.event = id;
      var box = el("input");
      box.type = "checkbox"; box.name = "must"; box.value = id; box.checked = !!checked[id];
      label.appendChild(box);
      label.appendChild(document.createTextNode(" "));
      label.appendChild(el("span", "title", byId[id].title));
      label.appendChild(document.createTextNode(" "));
      label.appendChild(el("span", "muted", byId[id].times.join(", ")));
      chips.appendChild(label);
    });
    if (!order.length) { chips.appendChild(el("p", "muted no-events", form.dataset.noEvents)); }
  }

  function showHours(places) {
    var hours = {};
    places.forEach(function (p) { hours[p.id] = p.hours_on_date; });
    form.querySelectorAll("label[data-place]").forEach(function (label) {
      var h = hours[label.dataset.place];
      var shown = label.querySelector(".hours");
      if (shown) { shown.textContent = h ? h.open + "–" + h.close : form.dataset.closed; }
      label.classList.toggle("closed", !h);
    });
  }

  function setMessage(text) {
    var old = events.querySelector(".load-failed");
    if (old) { old.remove(); }
    if (text) { events.appendChild(el("p", "field-error load-failed", text)); }
  }

  function follow() {
    var day = dateInput.value;
    if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(day)) { return; }
    var mine = ++asked;
    var query = "?date=" + encodeURIComponent(day) + "&lang=" + encodeURIComponent(form.dataset.lang || "zh");
    events.setAttribute("aria-busy", "true");
    Promise.all([getJson(form.dataset.eventsUrl + query), getJson(form.dataset.placesUrl + query)])
      .then(function (answers) {
        if (mine !== asked) { return; }
        showEvents(answers[0].events);
        showHours(answers[1].places);
        form.querySelectorAll(".day-date").forEach(function (node) { node.textContent = day; });
        form.dataset.shownDate = day;
        setMessage("");
        var dateError = form.querySelector("#date-error");  // a date the server refused, now replaced
        if (dateError) { dateError.remove(); dateInput.removeAttribute("aria-invalid"); }
      })
      .catch(function () { if (mine === asked) { setMessage(form.dataset.loadFailed); } })
      .then(function () { if (mine === asked) { events.removeAttribute("aria-busy"); } });
  }

  dateInput.addEventListener("change", follow);
  dateInput.addEventListener("input", follow);
  form.dataset.shownDate = dateInput.value;
})();
