// The application form: conditional fields shown live, answers auto-saved as they are typed
// (and once more when the tab is hidden or closed), confirmations before irreversible buttons.
(function () {
  "use strict";
  var DEBOUNCE_MS = 800;

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) event.preventDefault();
  });

  var form = document.getElementById("application-form");
  if (!form) return;
  var status = document.querySelector("[data-autosave-status]");
  var url = form.getAttribute("data-autosave-url");
  // The words come translated from the page.
  var labels = {
    saving: status ? status.getAttribute("data-saving") : "",
    saved: status ? status.getAttribute("data-saved") : "",
    failed: status ? status.getAttribute("data-failed") : "",
  };

  function fieldValue(name) {
    var inputs = form.querySelectorAll('[name="' + name + '"]');
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) return input.value;
      } else {
        return input.value;
      }
    }
    return "";
  }

  function answers() {
    var result = {};
    form.querySelectorAll("[data-field]").forEach(function (box) {
      var name = box.getAttribute("data-field");
      result[name] = fieldValue(name);
    });
    return result;
  }

  // A conditional field is shown when the field it depends on (itself shown) has its value.
  function applyConditions() {
    form.querySelectorAll("[data-show-when-field]").forEach(function (box) {
      var other = box.getAttribute("data-show-when-field");
      var otherBox = form.querySelector('[data-field="' + other + '"]');
      var otherShown = !otherBox || !otherBox.hidden;
      var shown = otherShown && fieldValue(other) === box.getAttribute("data-show-when-value");
      box.hidden = !shown;
    });
  }

  function payload() {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    data.append("answers", JSON.stringify(answers()));
    return data;
  }

  function showProblems(problems) {
    form.querySelectorAll("[data-error-for]").forEach(function (line) {
      var key = line.getAttribute("data-error-for");
      var box = line.closest("[data-field]");
      var message = problems && problems[key];
      // Only typing problems come back from auto-save; submission problems stay until submit.
      if (message) {
        line.textContent = message;
        line.hidden = false;
        line.setAttribute("data-typing", "1");
        box.classList.add("has-error");
      } else if (line.getAttribute("data-typing")) {
        line.textContent = "";
        line.hidden = true;
        line.removeAttribute("data-typing");
        box.classList.remove("has-error");
      }
    });
  }

  var timer = null;
  var dirty = false;

  function setStatus(text, failed) {
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("failed", !!failed);
    status.classList.toggle("saved", !failed);
  }

  function save() {
    timer = null;
    if (!dirty) return;
    dirty = false;
    setStatus(labels.saving, false);
    fetch(url, { method: "POST", body: payload(), credentials: "same-origin" })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (result) {
        if (!result.ok) throw new Error(result.body.error || "");
        setStatus(labels.saved + " " + result.body.saved_at.slice(11, 19), false);
        status.setAttribute("data-saved-at", result.body.saved_at);
        showProblems(result.body.problems);
      })
      .catch(function (error) {
        dirty = true;  // try again with the next change, or when the page is left
        setStatus(labels.failed + (error.message ? " · " + error.message : ""), true);
      });
  }

  function changed() {
    applyConditions();
    dirty = true;
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, DEBOUNCE_MS);
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);

  // Leaving the page (closing the tab, switching away on a phone): send what is unsaved.
  function flush() {
    if (!dirty && !timer) return;
    if (timer) clearTimeout(timer);
    timer = null;
    dirty = false;
    if (navigator.sendBeacon) navigator.sendBeacon(url, payload());
  }
  window.addEventListener("pagehide", flush);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") flush();
  });
  // The regular submit posts every answer itself; nothing left to auto-save.
  form.addEventListener("submit", function () {
    if (timer) clearTimeout(timer);
    timer = null;
    dirty = false;
  });

  applyConditions();
})();
