/* Reelboard dashboard: live refresh (paused while the tab is hidden) and small page memories. */
(function () {
  "use strict";

  var TIMER_ID = "live-timer"; // layouts/ids.py LIVE_TIMER
  var BELOW_FOLD_ID = "below-fold"; // layouts/ids.py BELOW_FOLD
  var BELOW_FOLD_START_ID = "below-fold-start"; // layouts/ids.py BELOW_FOLD_START
  var NEAR_PX = 200; // drawn this far before they scroll into the window
  // The toplist's new figure is drawn (and grows to its height) a moment after it is set;
  // watching before that would see the cards below it where they are not going to stay.
  var SETTLE_MS = 400;

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

  /** The cards below the toplist are drawn once they come near the window: a page load
   * draws what the reader sees first. */
  function watchBelowFold() {
    if (window.rbBelowFoldWatched) {
      return;
    }
    var start = document.getElementById(BELOW_FOLD_START_ID);
    if (!start) {
      return; // not rendered yet: the toplist's next figure tries again
    }
    window.rbBelowFoldWatched = true;
    var setProps = window.dash_clientside.set_props;
    if (!("IntersectionObserver" in window)) {
      setProps(BELOW_FOLD_ID, { data: true });
      return;
    }
    var observer = new IntersectionObserver(
      function (entries) {
        if (entries.some(function (entry) { return entry.isIntersecting; })) {
          observer.disconnect();
          setProps(BELOW_FOLD_ID, { data: true });
        }
      },
      { rootMargin: NEAR_PX + "px 0px" }
    );
    setTimeout(function () {
      observer.observe(start);
    }, SETTLE_MS);
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

    /** A time chart's relayout, passed on only when it moved the x range (a drag-zoom, or a
     * double-click's autorange); draws and resizes relayout too, and must not reach the
     * URL callback (its answer to them could supersede a control change). */
    zoomEvent: function () {
      var triggered = window.dash_clientside.callback_context.triggered;
      var relayout = triggered.length ? triggered[0].value : null;
      if (!relayout || typeof relayout !== "object") {
        return window.dash_clientside.no_update;
      }
      var keys = ["xaxis.range", "xaxis.range[0]", "xaxis.range[1]", "xaxis.autorange"];
      var zoom = {};
      var moved = false;
      keys.forEach(function (key) {
        if (key in relayout) {
          zoom[key] = relayout[key];
          moved = true;
        }
      });
      // A new object each time, so the same drag twice still counts.
      zoom.at = Date.now();
      return moved ? zoom : window.dash_clientside.no_update;
    },

    /** The demo notice was closed: remember it in this browser (a local dcc.Store). */
    rememberClosed: function (isOpen) {
      return isOpen === false ? true : window.dash_clientside.no_update;
    },

    /** Start watching for the cards below the toplist, once the toplist has its figure. */
    watchBelowFold: function () {
      watchBelowFold();
      return window.dash_clientside.no_update;
    },

    /** The tab's title names the title whose own view is open, so tabs and history say it. */
    nameTab: function (heading, hidden) {
      document.title = hidden || !heading ? "Reelboard" : heading + " \u00b7 Reelboard";
      return window.dash_clientside.no_update;
    },
  });
})();
