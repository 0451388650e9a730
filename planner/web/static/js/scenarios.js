// Shuttle scenarios: a sweep's progress bar (polling /api/jobs/<id>; the page reloads to draw the
// result the server renders), and the working state of the simulate form while the server computes.
(function () {
  "use strict";
  var status = document.getElementById("sweep-status");
  if (status && (status.dataset.state === "queued" || status.dataset.state === "running")) {
    var bar = document.getElementById("sweep-progress");
    var text = document.getElementById("sweep-progress-text");
    var template = text ? text.textContent.replace(/\d+/, "{done}").replace(/\d+/, "{total}") : "";
    var poll = function () {
      fetch(status.dataset.statusUrl, {headers: {"Accept": "application/json"}})
        .then(function (r) { return r.json(); })
        .then(function (job) {
          if (bar) { bar.max = job.total; bar.value = job.done; }
          if (text) { text.textContent = template.replace("{done}", job.done).replace("{total}", job.total); }
          status.dataset.state = job.state;
          if (job.state === "finished" || job.state === "failed") { window.location.reload(); }
          else { window.setTimeout(poll, 700); }
        })
        .catch(function () { window.setTimeout(poll, 2000); });
    };
    window.setTimeout(poll, 300);
  }
  var form = document.getElementById("simulate-form");
  if (form) {
    form.addEventListener("submit", function () {
      var working = form.querySelector(".working");
      var button = form.querySelector("button[type=submit]");
      if (working) { working.hidden = false; }
      if (button) { window.setTimeout(function () { button.disabled = true; }, 0); }
    });
  }
})();
