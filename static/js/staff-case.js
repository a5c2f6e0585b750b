// The staff case page (cases/admin/case_page.py): the action panel loaded in place by htmx.
// No inline script anywhere (CSP): this file only marks the open action, moves the focus
// into the form it loaded, and closes the panel without a reload.
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  function panelArea() {
    return document.getElementById("case-panel");
  }

  function markOpen() {
    const panel = panelArea() && panelArea().querySelector("[data-action]");
    const open = panel ? panel.getAttribute("data-action") : "";
    document.querySelectorAll(".case-bar-button").forEach(function (button) {
      const isOpen = button.getAttribute("data-action") === open;
      button.classList.toggle("is-open", isOpen);
      if (isOpen) {
        button.setAttribute("aria-current", "true");
      } else {
        button.removeAttribute("aria-current");
      }
    });
  }

  function focusForm(area) {
    const field = area.querySelector("[autofocus]") ||
      area.querySelector("textarea, select, input:not([type=hidden])");
    if (field) {
      field.focus();
    }
  }

  // A form refused by the server comes back open at its #action-... fragment. Browsers skip
  // autofocus then, and moving to the fragment takes the focus away again: the field in
  // error gets it once the page has loaded.
  window.addEventListener("load", function () {
    const area = panelArea();
    if (area && area.querySelector("[data-action]")) {
      focusForm(area);
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    const area = panelArea();
    if (area && event.detail.target === area) {
      markOpen();
      focusForm(area);
    }
  });

  document.addEventListener("click", function (event) {
    const close = event.target.closest("[data-case-close]");
    const area = panelArea();
    if (!close || !area) {
      return;
    }
    event.preventDefault();
    const panel = area.querySelector("[data-action]");
    const name = panel ? panel.getAttribute("data-action") : "";
    area.replaceChildren();
    markOpen();
    const opener = document.querySelector('.case-bar-button[data-action="' + name + '"]');
    if (opener) {
      opener.focus();
    }
  });

  document.addEventListener("keydown", function (event) {
    const area = panelArea();
    if (event.key === "Escape" && area && area.contains(document.activeElement)) {
      const close = area.querySelector("[data-case-close]");
      if (close) {
        close.click();
      }
    }
  });
})();
