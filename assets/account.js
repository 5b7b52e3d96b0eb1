/* Reelboard sign-in pages: the light/dark theme shared with the dashboard and the game. */
(function () {
  "use strict";

  var THEME_KEY = "reelboard-theme";
  // Dash loads every file in assets/ on the dashboard unless ignored: act only on our pages.
  var script = document.currentScript;
  if (!script || script.getAttribute("data-reelboard-page") !== "account") {
    return;
  }

  function saved() {
    try {
      var theme = window.localStorage.getItem(THEME_KEY);
      return theme === "dark" || theme === "light" ? theme : null;
    } catch (e) {
      return null; /* storage disabled: follow the system setting */
    }
  }

  var dark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  document.documentElement.setAttribute("data-bs-theme", saved() || (dark ? "dark" : "light"));

  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.getElementById("theme-toggle");
    if (!toggle) {
      return;
    }
    toggle.checked = document.documentElement.getAttribute("data-bs-theme") === "dark";
    toggle.addEventListener("change", function () {
      var theme = toggle.checked ? "dark" : "light";
      document.documentElement.setAttribute("data-bs-theme", theme);
      try {
        window.localStorage.setItem(THEME_KEY, theme);
      } catch (e) {
        /* storage disabled: the theme still applies to this page */
      }
    });
  });
})();
