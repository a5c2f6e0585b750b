/* The portal header (issue 15): the menu button below 1024 px and the account menu.
 *
 * A file, not an inline script: the portal's Content-Security-Policy allows scripts from
 * 'self' only. Without this file the header still works: the "Menu" link opens the panel
 * through :target and the account menu is a plain <details>. With it, the real button
 * takes the link's place and keeps aria-expanded true to what is shown; Escape closes the
 * open menu and gives the focus back to what opened it; a click elsewhere closes the
 * account menu.
 */
(function () {
  "use strict";

  var header = document.querySelector("[data-site-header]");
  if (!header) {
    return;
  }
  var button = header.querySelector(".menu-button");
  var menu = button && document.getElementById(button.getAttribute("aria-controls"));
  var account = header.querySelector(".account-menu");
  if (!menu) {
    return;
  }

  function isOpen() {
    return button.getAttribute("aria-expanded") === "true";
  }

  function setOpen(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    header.classList.toggle("is-open", open);
  }

  // Opened through the fallback link before this file ran: keep it open, under the button's
  // control now (the :target rule would otherwise keep it shown after the button closes it).
  var openedByLink = window.location.hash === "#" + menu.id;
  if (openedByLink) {
    history.replaceState(null, "", window.location.pathname + window.location.search);
  }
  button.hidden = false;
  header.classList.add("has-js");
  setOpen(openedByLink);

  button.addEventListener("click", function () {
    setOpen(!isOpen());
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    if (account && account.open) {
      account.open = false;
      account.querySelector("summary").focus();
    } else if (isOpen()) {
      setOpen(false);
      button.focus();
    }
  });

  document.addEventListener("click", function (event) {
    if (account && account.open && !account.contains(event.target)) {
      account.open = false;
    }
  });
})();
