/* The staff queue: keyboard shortcuts, selection, and tidy filter URLs for htmx.
   Plain script, no inline code (the admin's Content-Security-Policy allows none). Without it the
   queue still works: filters are a GET form, bulk actions a POST form. */
(function () {
  "use strict";

  var current = -1;

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-queue-table] tbody tr[data-case-row]"));
  }

  function typing(target) {
    if (!target || !target.tagName) { return false; }
    var tag = target.tagName.toLowerCase();
    return tag === "input" || tag === "select" || tag === "textarea" || target.isContentEditable;
  }

  function move(to) {
    var all = rows();
    if (!all.length) { return; }
    if (current >= 0 && all[current]) { all[current].classList.remove("queue-current"); all[current].removeAttribute("aria-current"); }
    current = Math.max(0, Math.min(all.length - 1, to));
    var row = all[current];
    row.classList.add("queue-current");
    row.setAttribute("aria-current", "true");
    var link = row.querySelector("[data-case-link]");
    if (link) { link.focus(); }
  }

  function currentRow() {
    var all = rows();
    return current >= 0 ? all[current] : null;
  }

  function openCurrent() {
    var row = currentRow();
    var link = row && row.querySelector("[data-case-link]");
    if (link) { window.location.assign(link.href); }
  }

  function toggleCurrent() {
    var row = currentRow();
    var box = row && row.querySelector("input[type=checkbox][name=case]");
    if (box) { box.checked = !box.checked; selectionChanged(); }
  }

  function help(show) {
    var panel = document.getElementById("queue-help");
    if (!panel) { return; }
    var open = typeof show === "boolean" ? show : panel.hidden;
    panel.hidden = !open;
    if (open) { var close = panel.querySelector("button"); if (close) { close.focus(); } }
  }

  function selectionChanged() {
    var boxes = document.querySelectorAll("[data-queue-table] input[type=checkbox][name=case]");
    var checked = document.querySelectorAll("[data-queue-table] input[type=checkbox][name=case]:checked");
    var all = document.querySelector("[data-select-all]");
    if (all) {
      all.checked = boxes.length > 0 && checked.length === boxes.length;
      all.indeterminate = checked.length > 0 && checked.length < boxes.length;
    }
    var count = document.querySelector("[data-selected-count]");
    if (count) {
      var template = count.getAttribute("data-template") || "%(count)s";
      count.textContent = template.replace("%(count)s", String(checked.length));
      count.hidden = checked.length === 0;
    }
  }

  function bulkFields() {
    var select = document.querySelector("[data-bulk-action]");
    if (!select) { return; }
    var option = select.options[select.selectedIndex];
    var needs = option ? option.getAttribute("data-needs") : null;
    document.querySelectorAll("[data-bulk-field]").forEach(function (field) {
      field.hidden = field.getAttribute("data-bulk-field") !== needs;
    });
  }

  // After htmx swapped the table: the rows are new, the selection is empty.
  function tableReady() {
    var all = document.querySelector("[data-select-all]");
    if (all) { all.hidden = false; }
    var count = rows().length;
    current = count ? Math.min(current, count - 1) : -1;
    if (current >= 0) { rows()[current].classList.add("queue-current"); }
    bulkFields();
    selectionChanged();
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (event.key === "Escape") {
      var panel = document.getElementById("queue-help");
      if (panel && !panel.hidden) { help(false); event.preventDefault(); return; }
      if (typing(event.target)) { event.target.blur(); }
      return;
    }
    if (typing(event.target)) { return; }
    switch (event.key) {
      case "j": move(current + 1); break;
      case "k": move(current < 0 ? 0 : current - 1); break;
      case "o": openCurrent(); break;
      case "Enter":
        // On a link the browser follows it; elsewhere Enter opens the current case.
        if (event.target.tagName && event.target.tagName.toLowerCase() === "a") { return; }
        if (!currentRow()) { return; }
        openCurrent(); break;
      case "x": toggleCurrent(); break;
      case "/": var search = document.getElementById("queue-q"); if (search) { search.focus(); search.select(); } break;
      case "?": help(); break;
      default: return;
    }
    event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest && event.target.closest("[data-queue-help]");
    if (toggle) { help(); return; }
    var row = event.target.closest && event.target.closest("tr[data-case-row]");
    if (row) {
      var index = rows().indexOf(row);
      if (index >= 0 && event.target.type !== "checkbox") { move(index); }
    }
  });

  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-select-all]")) {
      document.querySelectorAll("[data-queue-table] input[type=checkbox][name=case]").forEach(function (box) {
        box.checked = event.target.checked;
      });
      selectionChanged();
    } else if (event.target.matches("[data-queue-table] input[name=case]")) {
      selectionChanged();
    } else if (event.target.matches("[data-bulk-action]")) {
      bulkFields();
    }
  });

  // The filter form sends only the filters that are set: short URLs, as links and saved views write them.
  document.addEventListener("htmx:configRequest", function (event) {
    if (!event.detail.elt || event.detail.elt.id !== "queue-filters") { return; }
    var parameters = event.detail.parameters;
    var defaults = {};
    event.detail.elt.querySelectorAll("[data-default]").forEach(function (field) {
      defaults[field.name] = field.getAttribute("data-default");
    });
    Object.keys(parameters).forEach(function (name) {
      if (parameters[name] === "" || parameters[name] === defaults[name]) { delete parameters[name]; }
    });
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.detail.target && event.detail.target.id === "queue-results") { tableReady(); }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", tableReady);
  } else {
    tableReady();
  }
})();
