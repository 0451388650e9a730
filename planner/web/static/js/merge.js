// The conflict page: the save button says which value it keeps for each field both people changed,
// as the radios are switched (without JavaScript the server's text names the default: mine).
(function () {
  "use strict";
  var form = document.getElementById("merge-form");
  var button = document.getElementById("save-merge");
  if (!form || !button) { return; }
  var sep = button.getAttribute("data-sep");

  function update() {
    var mine = [], theirs = [];
    form.querySelectorAll("tr[data-field]").forEach(function (row) {
      var chosen = row.querySelector("input[type=radio]:checked");
      var label = row.getAttribute("data-label");
      (chosen && chosen.value === "theirs" ? theirs : mine).push(label);
    });
    if (!mine.length && !theirs.length) { return; }
    var text;
    if (mine.length && theirs.length) {
      text = button.getAttribute("data-both").replace("{theirs}", theirs.join(sep)).replace("{mine}", mine.join(sep));
    } else if (mine.length) {
      text = button.getAttribute("data-mine").replace("{fields}", mine.join(sep));
    } else {
      text = button.getAttribute("data-theirs").replace("{fields}", theirs.join(sep));
    }
    button.textContent = text;
  }

  form.addEventListener("change", update);
  update();
}());
