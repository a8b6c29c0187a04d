// The rule builder: rows of (data, comparison, value), all of which must hold, written into the
// rule's textarea for staff who do not write expressions. The textarea stays editable.
(function () {
  "use strict";

  function quote(text) {
    return "'" + String(text).replace(/'/g, "''") + "'";
  }

  function literal(type, raw) {
    var value = raw.trim();
    if (type === "integer" || type === "number") {
      value = value.replace(/[,，\s]/g, "");
      return /^-?\d+(\.\d+)?$/.test(value) ? value : null;
    }
    if (type === "date") {
      return /^\d{4}-\d{2}-\d{2}$/.test(value) ? quote(value) : null;
    }
    return value === "" ? null : quote(value);
  }

  // One row as a condition in the rules language, or null when incomplete.
  function condition(row) {
    var field = row.querySelector("[data-field]");
    var option = field.selectedOptions[0];
    if (!field.value || !option) return null;
    var type = option.getAttribute("data-type");
    var op = row.querySelector("[data-op]").value;
    var raw = row.querySelector("[data-value]").value;
    if (type === "boolean") {
      if (op === "false") return "NOT " + field.value;
      if (op === "not_true") return field.value + " IS NOT TRUE";
      return field.value;
    }
    if (op === "in") {
      var items = raw.split(/[,，、]/).map(function (v) { return v.trim(); }).filter(Boolean);
      if (!items.length) return null;
      return field.value + " IN (" + items.map(quote).join(", ") + ")";
    }
    var value = literal(type, raw);
    return value === null ? null : field.value + " " + op + " " + value;
  }

  function fitOperators(row) {
    var option = row.querySelector("[data-field]").selectedOptions[0];
    var type = (option && option.getAttribute("data-type")) || "";
    var ops = row.querySelector("[data-op]");
    var first = null;
    Array.prototype.forEach.call(ops.options, function (op) {
      var fits = (op.getAttribute("data-types") || "").split(" ").indexOf(type) >= 0;
      op.hidden = !fits;
      op.disabled = !fits;
      if (fits && first === null) first = op;
    });
    if (ops.selectedOptions[0] && ops.selectedOptions[0].disabled && first) ops.value = first.value;
    var input = row.querySelector("[data-value]");
    input.hidden = type === "boolean";
    input.type = type === "date" ? "date" : "text";
    input.inputMode = type === "integer" || type === "number" ? "decimal" : "text";
    row.querySelector("[data-unit]").textContent = (option && option.getAttribute("data-unit")) || "";
  }

  function init(builder) {
    var template = builder.querySelector("[data-row-template]");
    var rows = builder.querySelector("[data-rows]");
    var target = document.querySelector(builder.getAttribute("data-target"));
    var error = builder.querySelector("[data-builder-error]");
    if (!template || !rows || !target) return;

    function addRow() {
      var row = template.content.firstElementChild.cloneNode(true);
      rows.appendChild(row);
      fitOperators(row);
      return row;
    }

    // An existing rule opens as the rows it was made of; what rows cannot say stays as text
    // (kept after the rows when they are put back into the rule).
    var opened = JSON.parse(document.getElementById("rule-builder-opened").textContent);
    function openRow(saved) {
      var row = addRow();
      row.querySelector("[data-field]").value = saved.field;
      fitOperators(row);
      row.querySelector("[data-op]").value = saved.op;
      row.querySelector("[data-value]").value = saved.value;
    }

    builder.addEventListener("change", function (event) {
      var row = event.target.closest(".builder-row");
      if (row && event.target.matches("[data-field]")) fitOperators(row);
    });
    builder.addEventListener("click", function (event) {
      if (event.target.closest("[data-add]")) {
        addRow().querySelector("[data-field]").focus();
      } else if (event.target.closest("[data-remove]")) {
        event.target.closest(".builder-row").remove();
        if (!rows.children.length) addRow();
      } else if (event.target.closest("[data-fill]")) {
        var parts = [];
        var complete = true;
        Array.prototype.forEach.call(rows.children, function (row) {
          var text = condition(row);
          var chosen = row.querySelector("[data-field]").value;
          if (text) parts.push(text);
          else if (chosen || row.querySelector("[data-value]").value) complete = false;
        });
        error.hidden = complete && parts.length > 0;
        if (!complete || !parts.length) return;
        // A rule written or changed by hand is only replaced when the user says so.
        var written = target.value.trim();
        if (written && written !== builder.dataset.filled &&
            !window.confirm(builder.getAttribute("data-confirm-replace"))) return;
        target.value = parts.concat(opened.rest).join("\nAND ");
        builder.dataset.filled = target.value;
        target.dispatchEvent(new Event("input", { bubbles: true }));
      }
    });
    if (opened.rows.length) {
      opened.rows.forEach(openRow);
      builder.dataset.filled = target.value.trim();
    } else {
      addRow();
    }
    builder.hidden = false;
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-rule-builder]").forEach(init);
  });
})();
