/* Reelboard dashboard: live refresh (paused while the tab is hidden) and small page memories. */
(function () {
  "use strict";

  var TIMER_ID = "live-timer"; // layouts/ids.py LIVE_TIMER

  function pad(number) {
    return (number < 10 ? "0" : "") + number;
  }

  /** No polling while the tab is hidden; a tab shown again asks at once. */
  function followVisibility() {
    if (window.rbLiveInstalled) {
      return;
    }
    window.rbLiveInstalled = true;
    var setProps = window.dash_clientside.set_props;
    function apply() {
      setProps(TIMER_ID, { disabled: document.hidden });
    }
    var checks = 0;
    document.addEventListener("visibilitychange", function () {
      apply();
      if (!document.hidden) {
        // An immediate check: the data may have changed while nobody looked.
        checks += 1;
        setProps(TIMER_ID, { n_intervals: -checks });
      }
    });
    apply();
  }

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.reelboard = Object.assign({}, window.dash_clientside.reelboard, {
    /** "Updated HH:MM" in the reader's own time, whenever the data's version is (re)read. */
    markUpdated: function (version) {
      followVisibility();
      if (!version) {
        return window.dash_clientside.no_update;
      }
      var now = new Date();
      return "Updated " + pad(now.getHours()) + ":" + pad(now.getMinutes());
    },

    /** The demo notice was closed: remember it in this browser (a local dcc.Store). */
    rememberClosed: function (isOpen) {
      return isOpen === false ? true : window.dash_clientside.no_update;
    },

    /** The tab's title names the title whose own view is open, so tabs and history say it. */
    nameTab: function (heading, hidden) {
      document.title = hidden || !heading ? "Reelboard" : heading + " \u00b7 Reelboard";
      return window.dash_clientside.no_update;
    },
  });
})();
