/* Reelboard dashboard: light/dark theme as a Dash clientside function (no inline JS, CSP-safe). */
(function () {
  "use strict";

  // Shared with the game page (assets/game.js), so both pages keep the same theme.
  var STORAGE_KEY = "reelboard-theme";

  function setTheme(theme) {
    document.documentElement.setAttribute("data-bs-theme", theme);
  }

  function savedTheme() {
    try {
      var saved = window.localStorage.getItem(STORAGE_KEY);
      if (saved === "dark" || saved === "light") {
        return saved;
      }
    } catch (e) {
      /* storage may be disabled: fall through to the system preference */
    }
    return null;
  }

  function preferredTheme() {
    var saved = savedTheme();
    if (saved) {
      return saved;
    }
    var dark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
    return dark ? "dark" : "light";
  }

  // Apply the theme before Dash renders, so a dark page does not flash white.
  setTheme(preferredTheme());

  // Other assets add their functions to the same namespace: merge, never replace.
  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.reelboard = Object.assign({}, window.dash_clientside.reelboard, {
    /**
     * Theme switch -> data-bs-theme on <html>. On page load the switch is set from the saved
     * (or system) theme; afterwards a change is applied and saved. Returns [switch, theme].
     */
    syncTheme: function (dark) {
      var noUpdate = window.dash_clientside.no_update;
      var context = window.dash_clientside.callback_context;
      var triggered = (context && context.triggered) || [];
      var initial = triggered.length === 0 || triggered[0].prop_id === ".";
      if (initial) {
        // dbc.Switch passes no aria attributes on: its input (layouts.ids.THEME_SWITCH) is
        // named here, as the game page's is in its template.
        var input = document.getElementById("theme-switch");
        if (input) {
          input.setAttribute("aria-label", "Dark mode");
        }
        var wanted = preferredTheme() === "dark";
        setTheme(wanted ? "dark" : "light");
        return [wanted === Boolean(dark) ? noUpdate : wanted, wanted ? "dark" : "light"];
      }
      var theme = dark ? "dark" : "light";
      setTheme(theme);
      try {
        window.localStorage.setItem(STORAGE_KEY, theme);
      } catch (e) {
        /* not saved: the switch still works for this page */
      }
      return [noUpdate, theme];
    },
  });
})();
