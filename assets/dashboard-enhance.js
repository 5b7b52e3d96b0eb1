/* Reelboard dashboard: small presentation fixes Dash props cannot express (no inline JS, CSP-safe). */
(function () {
  "use strict";

  // Dash serves every file in assets/ on the game page's server too; act only on the dashboard.
  var TOPLIST_ID = "toplist-graph";
  var SLIDER_ID = "toplist-size";
  var SLIDER_NAME = "Number of titles";
  var WIDE_CHARS = 80; // layouts/figures.py TITLE_CHARS: the longest axis label on a wide screen
  var NARROW_CHARS = 14;
  var PX_PER_CHAR = 6.6; // 12 px system sans-serif, averaged over typical titles
  var LABEL_SHARE = 0.42; // the labels may take this much of the chart's width

  /** The same cut as layouts/figures.py short_title, with a limit that depends on the width. */
  function shortTitle(title, limit) {
    var text = String(title).split(/\s+/).filter(Boolean).join(" ");
    var chars = Array.from(text);
    if (chars.length <= limit) {
      return text;
    }
    return chars.slice(0, limit - 1).join("").replace(/[ ,:;-]+$/, "") + "\u2026";
  }

  /** Text from data as Plotly shows it literally: the same as layouts/plot_text.py plot_text
   * (Plotly would draw <a href> as a link, <span style> restyled, and fill %{...}). */
  function plotText(text) {
    return String(text).replace(/[&<>%]/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "%": "&#37;" }[c];
    });
  }

  function charsFor(width) {
    var fit = Math.floor((width * LABEL_SHARE) / PX_PER_CHAR);
    return Math.max(NARROW_CHARS, Math.min(WIDE_CHARS, fit));
  }

  function sameList(a, b) {
    if (!a || !b || a.length !== b.length) {
      return false;
    }
    for (var i = 0; i < a.length; i++) {
      if (a[i] !== b[i]) {
        return false;
      }
    }
    return true;
  }

  /** On a narrow chart, cut the toplist's axis labels shorter; the hover keeps whole titles. */
  function fitToplist(gd) {
    var trace = gd.data && gd.data[0];
    var yaxis = gd.layout && gd.layout.yaxis;
    if (!window.Plotly || !trace || !trace.customdata || !yaxis || !yaxis.ticktext) {
      return; // an empty-state or error figure: nothing to shorten
    }
    var limit = charsFor(gd.clientWidth || 0);
    // Cut the title as it is (customdata[0]), then make it literal: a cut never splits "&lt;".
    var wanted = trace.customdata.map(function (row) {
      return plotText(shortTitle(row[0], limit));
    });
    // A narrow plot also has little room for the value axis: 2k 4k 6k instead of 2,000 4,000 6,000.
    var narrow = limit < WIDE_CHARS;
    var xaxis = gd.layout.xaxis || {};
    var update = {};
    if (!sameList(wanted, yaxis.ticktext)) {
      update["yaxis.ticktext"] = wanted;
    }
    if (narrow && xaxis.tickformat !== "~s") {
      update["xaxis.tickformat"] = "~s";
    }
    if (Object.keys(update).length) {
      window.Plotly.relayout(gd, update);
    }
  }

  var TIME_GRAPHS = ["chart1-graph", "chart2-graph", "distribution-graph"]; // layouts/ids.py
  var TICK_GAP = 18; // px between two tick labels

  /** A date axis value ("2025-01-06", "2024-12-30 12:00:00") in ms, read as UTC. */
  function dateMs(value) {
    var text = String(value).replace(" ", "T");
    return Date.parse(text.length === 10 ? text + "T00:00:00Z" : text + "Z");
  }

  /** Every how many ticks a label fits: adjacent labels, at their dates' places on the plot,
   * must be their half widths and a gap apart (short labels need less room than long ones). */
  function tickStep(meta, width, range) {
    var count = meta.vals.length;
    var lo = range ? dateMs(range[0]) : NaN;
    var scale = range ? width / (dateMs(range[1]) - lo) : NaN;
    var places = meta.vals.map(function (value, i) {
      var place = (dateMs(value) - lo) * scale;
      return isFinite(place) ? place : ((i + 0.5) * width) / count; // evenly, failing a date
    });
    function fits(step) {
      for (var i = step; i < count; i += step) {
        var chars = (meta.text[i - step].length + meta.text[i].length) / 2;
        if (places[i] - places[i - step] < chars * PX_PER_CHAR + TICK_GAP) {
          return false;
        }
      }
      return true;
    }
    var step = 1;
    while (step < count && !fits(step)) {
      step++;
    }
    return step;
  }

  /** A time chart's ticks (layout.meta.ticks, all of them) thinned until their labels fit. */
  function fitTimeTicks(gd) {
    var meta = gd.layout && gd.layout.meta && gd.layout.meta.ticks;
    var size = gd._fullLayout && gd._fullLayout._size;
    if (!window.Plotly || !meta || !size || !meta.vals.length) {
      return;
    }
    var step = tickStep(meta, size.w, gd.layout.xaxis && gd.layout.xaxis.range);
    var vals = meta.vals.filter(function (_v, i) {
      return i % step === 0;
    });
    if (!sameList(vals, gd.layout.xaxis.tickvals)) {
      // Plotly.react, not relayout: a relayout event reaches the page's zoom input on the
      // server, and that request could supersede a control change made at the same moment.
      var xaxis = Object.assign({}, gd.layout.xaxis, {
        tickvals: vals,
        ticktext: meta.text.filter(function (_t, i) {
          return i % step === 0;
        }),
      });
      window.Plotly.react(gd, gd.data, Object.assign({}, gd.layout, { xaxis: xaxis }));
    }
  }

  /** Run fit(gd) after every draw of a graph (a new figure, a resize); once per graph. */
  function watchGraph(id, fit) {
    var gd = document.querySelector("#" + id + " .js-plotly-plot");
    if (!gd || gd.rbFitting || typeof gd.on !== "function") {
      return;
    }
    gd.rbFitting = true;
    // Each fit relayouts only when something changes, which ends the afterplot loop.
    gd.on("plotly_afterplot", function () {
      fit(gd);
    });
    fit(gd);
  }

  /** The slider's thumb and its number box have no name of their own: give them the label's. */
  function nameSlider() {
    var slider = document.getElementById(SLIDER_ID);
    if (!slider) {
      return;
    }
    var parts = slider.querySelectorAll('[role="slider"], input');
    for (var i = 0; i < parts.length; i++) {
      if (parts[i].getAttribute("aria-label") !== SLIDER_NAME) {
        parts[i].setAttribute("aria-label", SLIDER_NAME);
      }
    }
  }

  function enhance() {
    watchGraph(TOPLIST_ID, fitToplist);
    TIME_GRAPHS.forEach(function (id) {
      watchGraph(id, fitTimeTicks);
    });
    nameSlider();
  }

  /** The titles number box commits on blur only; Enter should apply it too, as in any form. */
  function applyOnEnter(event) {
    var box = event.target;
    if (event.key !== "Enter" || !box || box.tagName !== "INPUT" || !box.closest) {
      return;
    }
    if (box.closest("#" + SLIDER_ID)) {
      event.preventDefault();
      box.blur();
      box.focus();
    }
  }

  function start() {
    if (!document.body) {
      return;
    }
    document.addEventListener("keydown", applyOnEnter, true);
    var pending = false;
    // Dash renders (and re-renders) after this file runs: look again after DOM changes, batched.
    new MutationObserver(function () {
      if (!pending) {
        pending = true;
        window.requestAnimationFrame(function () {
          pending = false;
          enhance();
        });
      }
    }).observe(document.body, { childList: true, subtree: true });
    enhance();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
