/* Reelboard guessing game page (/guess/): talks to the JSON API; no inline script, text via textContent. */
(function () {
  "use strict";

  var THEME_KEY = "reelboard-theme";
  var NAME_MAX = 32;
  // Letters, digits, punctuation, symbols: a name needs one (the server also refuses invisible
  // fillers). Built at run time: an old browser without \p{...} skips the check, not the page.
  var VISIBLE = (function () {
    try {
      return new RegExp("[\\p{L}\\p{N}\\p{P}\\p{S}]", "u");
    } catch (e) {
      return null;
    }
  })();
  // Dash also loads every file in assets/ on the dashboard: act only on the game page.
  var script = document.currentScript;
  var onGamePage = Boolean(script && script.getAttribute("data-reelboard-page") === "game");
  if (!onGamePage) {
    return;
  }

  function preferredTheme() {
    try {
      var saved = window.localStorage.getItem(THEME_KEY);
      if (saved === "dark" || saved === "light") {
        return saved;
      }
    } catch (e) {
      /* storage disabled: follow the system setting */
    }
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches
      ? "dark"
      : "light";
  }

  function setTheme(theme) {
    document.documentElement.setAttribute("data-bs-theme", theme);
  }

  // Runs in <head> before the body is drawn, so a dark page does not flash white.
  setTheme(preferredTheme());

  function el(id) {
    return document.getElementById(id);
  }

  function clear(node) {
    while (node.firstChild) {
      node.removeChild(node.firstChild);
    }
  }

  function plural(n, word) {
    return n + " " + word + (n === 1 ? "" : "es");
  }

  function api(url, method, body) {
    var options = {
      method: method,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(url, options).then(
      function (resp) {
        return resp
          .json()
          .catch(function () {
            return null;
          })
          .then(function (data) {
            return {
              ok: resp.ok,
              status: resp.status,
              data: data,
              retryAfter: resp.headers.get("Retry-After"),
            };
          });
      },
      function () {
        return { ok: false, status: 0, data: null, retryAfter: null };
      }
    );
  }

  function errorText(res) {
    if (res.status === 0) {
      return "Cannot reach the server. Check your connection and try again.";
    }
    var wait = parseInt(res.retryAfter, 10);
    var reason = res.data && typeof res.data.error === "string" ? res.data.error : "";
    // A long wait comes from a cap on unfinished games: its reason says what to do instead.
    if ((res.status === 429 || res.status === 503) && reason && wait > 60) {
      return reason.charAt(0).toUpperCase() + reason.slice(1) + ".";
    }
    if (res.status === 429) {
      return (
        "Too many requests right now. Please wait " +
        (wait > 0 ? wait + (wait === 1 ? " second" : " seconds") : "a moment") +
        " and try again."
      );
    }
    if (res.status === 503) {
      return "The high-score service is unavailable right now. Please try again in a moment.";
    }
    if (res.data && typeof res.data.error === "string") {
      return res.data.error;
    }
    return "Something went wrong (HTTP " + res.status + "). Please try again.";
  }

  // The boards the page can show, as GET /guess/hiscore names them.
  var LIMIT = 10;
  var BOARDS = ["best", "players"];
  var PERIODS = ["all", "week", "day"];
  var PERIOD_WORDS = { all: "all time", week: "this week", day: "today" };

  function isNumber(value) {
    return typeof value === "number" && isFinite(value);
  }

  // Before the first guess no game exists yet (starting one early would put it in play): the
  // page gets par of every offered maximum from the server (data-pars); the game's own par
  // replaces it once the game starts.
  function expectedPar(maxValue) {
    var root = document.getElementById("game-root");
    try {
      return JSON.parse((root && root.getAttribute("data-pars")) || "{}")[String(maxValue)];
    } catch (e) {
      return undefined;
    }
  }

  function scoreText(score) {
    if (score > 0) {
      return score + " under par";
    }
    if (score < 0) {
      return -score + " over par";
    }
    return "on par";
  }

  // The browser's languages in order (navigator.languages): Intl's own default is the system's
  // locale, which Chromium on Linux leaves at en-US whatever language the user chose.
  var LOCALES = (navigator.languages || [navigator.language]).filter(Boolean);

  function intl(kind, options) {
    try {
      return new Intl[kind](LOCALES, options);
    } catch (e) {
      return null; // an old browser without these options, or a refused tag: callers fall back
    }
  }

  var dateFormat = intl("DateTimeFormat", { dateStyle: "medium", timeStyle: "short" });
  // In a table cell: the day and the time as two parts that wrap between, never inside.
  var dayFormat = intl("DateTimeFormat", { month: "short", day: "numeric" });
  var dayYearFormat = intl("DateTimeFormat", { year: "numeric", month: "short", day: "numeric" });
  var timeFormat = intl("DateTimeFormat", { hour: "numeric", minute: "2-digit" });

  var averageFormat = intl("NumberFormat", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

  function formatDate(iso) {
    var when = new Date(iso);
    if (!iso || isNaN(when.getTime())) {
      return iso ? String(iso) : "–";
    }
    return dateFormat ? dateFormat.format(when) : when.toLocaleString();
  }

  function formatAverage(value) {
    if (!isNumber(value)) {
      return "–";
    }
    return averageFormat ? averageFormat.format(value) : value.toFixed(2);
  }

  function dateNode(iso) {
    var node = document.createElement("time");
    var when = new Date(iso);
    if (!iso || isNaN(when.getTime()) || !dayFormat || !dayYearFormat || !timeFormat) {
      node.textContent = formatDate(iso);
    } else {
      var sameYear = when.getFullYear() === new Date().getFullYear();
      [(sameYear ? dayFormat : dayYearFormat).format(when), timeFormat.format(when)].forEach(
        function (text, index) {
          var part = document.createElement("span");
          part.className = index ? "rb-date-time" : "rb-date-day";
          part.textContent = text;
          if (index) {
            node.appendChild(document.createTextNode(" "));
          }
          node.appendChild(part);
        }
      );
      node.title = formatDate(iso);
    }
    if (iso) {
      node.dateTime = String(iso);
    }
    return node;
  }

  // The columns of each board: the rank is the row's header cell, the rest are data cells.
  var COLUMNS = {
    best: [
      { head: "Player", key: "user", className: "rb-player" },
      { head: "Guesses", key: "guesses", className: "text-end" },
      { head: "Date", key: "date", className: "text-end rb-col-date", kind: "date" },
    ],
    players: [
      { head: "Player", key: "user", className: "rb-player" },
      { head: "Average", key: "average", className: "text-end", kind: "average" },
      { head: "Games", key: "games", className: "text-end" },
      { head: "Last game", key: "date", className: "text-end rb-col-date", kind: "date" },
    ],
  };

  function main() {
    var root = el("game-root");
    if (!root) {
      return;
    }
    var urls = {
      start: root.getAttribute("data-start-url"),
      finished: root.getAttribute("data-finished-url"),
      hiscore: root.getAttribute("data-hiscore-url"),
      guessBase: root.getAttribute("data-guess-base"),
    };
    var query = new URLSearchParams(window.location.search);
    var state = {
      maxValue: parseInt(root.getAttribute("data-max-value"), 10) || 25,
      gameId: null,
      player: null, // the name the game was started with: the only one that can record it
      par: null, // the server's par for the game in play
      guesses: 0,
      won: false,
      busy: false,
      hiscoreRequest: 0,
      pending: null, // the switch waiting for "Switch anyway" / "Keep playing"
      view: {
        board: BOARDS.indexOf(query.get("board")) >= 0 ? query.get("board") : "best",
        period: PERIODS.indexOf(query.get("period")) >= 0 ? query.get("period") : "all",
        unique: query.get("unique") === "1",
      },
    };

    var nameInput = el("user-name");
    var maxSelect = el("max-value");
    var guessForm = el("guess-form");
    var guessInput = el("guess-input");
    var guessButton = el("guess-button");
    var statusBox = el("game-status");
    var guessList = el("guess-list");
    var counter = el("guess-count");
    var themeToggle = el("theme-toggle");
    var warning = el("switch-warning");
    var placementBox = el("placement");
    var uniqueToggle = el("hiscore-unique");

    function showStatus(text, kind, action) {
      statusBox.className = "alert rb-status mb-3 alert-" + (kind || "info");
      clear(statusBox);
      statusBox.appendChild(document.createTextNode(text));
      if (action) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "btn btn-sm btn-outline-primary ms-2";
        button.textContent = action.label;
        button.addEventListener("click", action.run);
        statusBox.appendChild(button);
      }
    }

    function setBusy(busy) {
      state.busy = busy;
      guessButton.disabled = busy;
    }

    function updateCounter() {
      counter.textContent = state.guesses + (state.guesses === 1 ? " guess" : " guesses");
    }

    function currentPar() {
      return isNumber(state.par) ? state.par : expectedPar(state.maxValue);
    }

    function updatePar() {
      var par = currentPar();
      var line = el("par-line");
      if (!isNumber(par)) {
        line.hidden = true; // an older server: no par to show
        el("hiscore-par").textContent = "";
        return;
      }
      line.textContent =
        "Par " + par + ": a perfect halving finds it in " + plural(par, "guess") + ".";
      line.hidden = false;
      el("hiscore-par").textContent = " · par " + par;
    }

    function syncUrl() {
      if (!window.history || !window.history.replaceState) {
        return;
      }
      var params = new URLSearchParams(window.location.search);
      params.set("max_value", String(state.maxValue));
      var name = nameInput.value.trim();
      if (name) {
        params.set("user", name);
      } else {
        params.delete("user");
      }
      // The board being looked at survives a reload or a shared link; defaults stay out.
      setOrDelete(params, "board", state.view.board, "best");
      setOrDelete(params, "period", state.view.period, "all");
      setOrDelete(params, "unique", state.view.unique ? "1" : "0", "0");
      window.history.replaceState(null, "", window.location.pathname + "?" + params.toString());
    }

    function setOrDelete(params, key, value, fallback) {
      if (value === fallback) {
        params.delete(key);
      } else {
        params.set(key, value);
      }
    }

    function cleanName() {
      // The server counts characters after NFC normalisation, so "e" + accent is one.
      var name = nameInput.value.normalize("NFC").trim();
      var length = Array.from(name).length;
      var ok = length >= 1 && length <= NAME_MAX && (!VISIBLE || VISIBLE.test(name));
      return ok ? name : null;
    }

    function validName() {
      var name = cleanName();
      nameInput.classList.toggle("is-invalid", !name);
      return name;
    }

    function gameInPlay() {
      return Boolean(state.gameId) && !state.won;
    }

    function hidePlacement() {
      placementBox.hidden = true;
      clear(el("placement-list"));
    }

    function resetGame(message) {
      closeWarning();
      state.gameId = null;
      state.player = null;
      state.par = null;
      state.guesses = 0;
      state.won = false;
      clear(guessList);
      hidePlacement();
      updateCounter();
      guessInput.value = "";
      guessInput.max = String(state.maxValue);
      guessInput.placeholder = "1 – " + state.maxValue;
      el("max-label").textContent = String(state.maxValue);
      el("hiscore-max").textContent = String(state.maxValue);
      updatePar();
      showStatus(message || "New game: guess a number from 1 to " + state.maxValue + ".", "info");
    }

    // ---- the confirm step before a game in play is dropped ----------------------------------
    function askBeforeDropping(action) {
      cancelPending();
      state.pending = action;
      var par = currentPar();
      el("switch-warning-text").textContent =
        action.text +
        " You have made " +
        plural(state.guesses, "guess") +
        " so far; an unfinished game counts as " +
        plural(par + 1, "guess") +
        " (par\u00a0+\u00a01) on the players board.";
      el("switch-confirm").textContent = action.confirmLabel;
      warning.hidden = false;
      el("switch-cancel").focus();
    }

    function closeWarning() {
      state.pending = null;
      warning.hidden = true;
    }

    function cancelPending() {
      var action = state.pending;
      closeWarning();
      if (action && action.cancel) {
        action.cancel();
      }
    }

    function keepPlaying() {
      cancelPending();
      guessInput.focus();
    }

    el("switch-confirm").addEventListener("click", function () {
      var action = state.pending;
      closeWarning();
      if (action) {
        action.run();
      }
    });
    el("switch-cancel").addEventListener("click", keepPlaying);
    warning.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        keepPlaying();
      }
    });

    // ---- high scores ------------------------------------------------------------------------
    function describeView(view) {
      var board = view.board === "players" ? "Players" : "Best games";
      var unique = view.board === "best" && view.unique ? ", one per player" : "";
      var period = PERIOD_WORDS[view.period];
      return board + unique + ", " + period + ", numbers up to " + state.maxValue;
    }

    function syncControls() {
      var view = state.view;
      el("board-" + view.board).checked = true;
      el("period-" + view.period).checked = true;
      uniqueToggle.checked = view.unique;
      // "One per player" only means something on the best-games board.
      el("unique-wrap").hidden = view.board !== "best";
      // The server cuts days and ISO weeks at midnight UTC, not at the reader's midnight.
      el("hiscore-period-note").hidden = view.period === "all";
      el("hiscore-order").textContent =
        view.board === "players" ? "lowest average first" : "fewest guesses first";
    }

    function emptyText(view) {
      if (view.board === "players") {
        var when = view.period === "all" ? "" : PERIOD_WORDS[view.period] + " ";
        return "Nobody has 5 counted games " + when + "yet.";
      }
      if (view.period === "all") {
        return "No scores yet: be the first!";
      }
      return "No games " + PERIOD_WORDS[view.period] + " yet: be the first!";
    }

    function renderHead(board) {
      var head = el("hiscore-head");
      clear(head);
      var row = document.createElement("tr");
      var heads = [{ head: "#", className: "" }].concat(COLUMNS[board]);
      heads.forEach(function (column) {
        var cell = document.createElement("th");
        cell.scope = "col";
        if (column.className) {
          cell.className = column.className.replace("rb-player", "").trim();
        }
        cell.textContent = column.head;
        row.appendChild(cell);
      });
      head.appendChild(row);
    }

    function messageRow(text, className, columns) {
      var row = document.createElement("tr");
      var cell = document.createElement("td");
      cell.colSpan = columns;
      cell.className = "text-body-secondary " + className;
      cell.textContent = text;
      row.appendChild(cell);
      return row;
    }

    function entryRow(entry, index, columns) {
      var row = document.createElement("tr");
      var rank = document.createElement("th");
      rank.scope = "row";
      if (isNumber(entry.rank)) {
        rank.textContent = String(entry.rank);
      } else if (entry.rank === null) {
        // The player's own row on the players board before their fifth counted game.
        rank.textContent = "–";
        rank.title = "Not ranked yet: the players board ranks from 5 counted games";
        rank.setAttribute("aria-label", "not ranked yet");
      } else {
        rank.textContent = String(index + 1); // a server that sends no ranks
      }
      row.appendChild(rank);
      columns.forEach(function (column) {
        var cell = document.createElement("td");
        cell.className = column.className;
        var value = entry[column.key];
        if (column.kind === "date") {
          cell.appendChild(dateNode(value));
        } else if (column.kind === "average") {
          cell.textContent = formatAverage(value);
        } else {
          cell.textContent = value === undefined || value === null ? "–" : String(value);
        }
        row.appendChild(cell);
      });
      if (entry.this_game || entry.this_player) {
        row.classList.add("rb-own-row");
      }
      if (entry.this_game) {
        row.classList.add("rb-this-game");
      }
      return row;
    }

    function renderHiscores(entries, view) {
      var table = el("hiscore-table");
      var body = el("hiscore-body");
      var board = view.board;
      var columns = COLUMNS[board];
      var width = columns.length + 1;
      table.setAttribute("data-board", board);
      el("hiscore-caption").textContent = describeView(view);
      renderHead(board);
      clear(body);
      el("hiscore-legend").hidden = true;
      // A server without the players board answers with the best games: say so, show nothing.
      if (board === "players" && entries.length && !("average" in entries[0])) {
        body.appendChild(
          messageRow("The players board is not available yet.", "rb-empty", width)
        );
        return;
      }
      // The server appends the player's own entry after the top list when it is not in it
      // (also unranked, rank null, on the players board before their fifth game).
      var pinned = entries.map(function (entry, index) {
        return index >= LIMIT || (Boolean(entry.this_player) && entry.rank === null);
      });
      var listed = pinned.indexOf(true) < 0 ? entries.length : pinned.indexOf(true);
      if (!listed) {
        body.appendChild(messageRow(emptyText(view), "rb-empty", width));
      }
      if (!entries.length) {
        return;
      }
      var rows = entries.map(function (entry, index) {
        return entryRow(entry, index, columns);
      });
      // One row is "you are here" for assistive technology: this game, else the player's first.
      var current = entries.findIndex(function (entry) {
        return entry.this_game;
      });
      if (current < 0) {
        current = entries.findIndex(function (entry) {
          return entry.this_player;
        });
      }
      if (current >= 0) {
        rows[current].setAttribute("aria-current", "true");
        el("hiscore-legend").hidden = false;
      }
      rows.forEach(function (row, index) {
        if (index === listed && listed > 0) {
          var gap = messageRow("⋯", "rb-gap-row", width);
          gap.firstChild.setAttribute("aria-label", "Your place, below the top " + listed);
          body.appendChild(gap);
        }
        if (pinned[index]) {
          row.classList.add("rb-pinned-row");
          row.setAttribute("data-pinned", "true");
        }
        body.appendChild(row);
      });
    }

    function isFinishedView(view) {
      // What POST /guess/finished answers with: the best games of all time, every game listed.
      return view.board === "best" && view.period === "all" && !view.unique;
    }

    function hiscoreUrl(view, anonymous) {
      var params = new URLSearchParams();
      params.set("max_value", String(state.maxValue));
      params.set("board", view.board);
      params.set("period", view.period);
      if (view.board === "best") {
        params.set("unique", view.unique ? "1" : "0");
      }
      params.set("limit", String(LIMIT));
      var who = anonymous ? null : state.player || cleanName();
      if (who) {
        params.set("user", who);
      }
      return urls.hiscore + "?" + params.toString();
    }

    function loadHiscores() {
      var ticket = ++state.hiscoreRequest;
      var message = el("hiscore-message");
      var view = Object.assign({}, state.view);
      syncControls();
      el("hiscore-table").setAttribute("aria-busy", "true");
      var named = hiscoreUrl(view);
      return api(named, "GET")
        .then(function (res) {
          // A name the server refuses (the page's check is looser) must not hide the board.
          var anonymous = hiscoreUrl(view, true);
          return res.status === 400 && named !== anonymous ? api(anonymous, "GET") : res;
        })
        .then(function (res) {
          if (ticket !== state.hiscoreRequest) {
            return; // the maximum or the board changed meanwhile
          }
          el("hiscore-table").removeAttribute("aria-busy");
          if (res.ok && Array.isArray(res.data)) {
            message.textContent = "";
            renderHiscores(res.data, view);
          } else {
            message.textContent = "High scores could not be loaded: " + errorText(res);
          }
        });
    }

    function changeView(change) {
      Object.assign(state.view, change);
      syncUrl();
      loadHiscores();
    }

    // ---- the placement after a win ----------------------------------------------------------
    function rankList(ranks) {
      if (!ranks || typeof ranks !== "object") {
        return "";
      }
      return PERIODS.filter(function (period) {
        var rank = ranks[period];
        return rank && isNumber(rank.rank) && isNumber(rank.of);
      })
        .map(function (period) {
          return "#" + ranks[period].rank + " of " + ranks[period].of + " " + PERIOD_WORDS[period];
        })
        .join(" · ");
    }

    function averageList(averages) {
      if (!averages || typeof averages !== "object") {
        return "";
      }
      return PERIODS.filter(function (period) {
        var item = averages[period];
        return item && isNumber(item.average) && isNumber(item.games);
      })
        .map(function (period) {
          var item = averages[period];
          return (
            formatAverage(item.average) +
            " over " +
            item.games +
            (item.games === 1 ? " game " : " games ") +
            PERIOD_WORDS[period]
          );
        })
        .join(" · ");
    }

    function gameScore(placement) {
      // The server's own figures first; par - guesses from the server's par otherwise.
      var game = placement && placement.game;
      if (game && isNumber(game.score)) {
        return { score: game.score, par: isNumber(game.par) ? game.par : state.par };
      }
      if (isNumber(state.par)) {
        return { score: state.par - state.guesses, par: state.par };
      }
      return null;
    }

    function renderPlacement(placement, score) {
      var list = el("placement-list");
      clear(list);
      var items = [];
      if (score) {
        items.push([
          "This game",
          plural(state.guesses, "guess") + ", par " + score.par + ": " + scoreText(score.score),
        ]);
      }
      if (placement) {
        var best = rankList(placement.best);
        if (best) {
          items.push(["Best games", best]);
        }
        if ("players" in placement) {
          items.push([
            "Players",
            rankList(placement.players) ||
              "Not ranked yet: the players board needs 5 counted games",
          ]);
        }
        var record = placement.personal_best;
        if (record && isNumber(record.guesses)) {
          items.push([
            "Personal best",
            plural(record.guesses, "guess") + (record.date ? ", " + formatDate(record.date) : ""),
          ]);
        }
        var average = averageList(placement.average);
        if (average) {
          items.push(["Your average", average]);
        }
      }
      items.forEach(function (item) {
        var wrap = document.createElement("div");
        wrap.className = "rb-placement-item";
        var term = document.createElement("dt");
        term.textContent = item[0];
        var value = document.createElement("dd");
        value.textContent = item[1];
        wrap.appendChild(term);
        wrap.appendChild(value);
        list.appendChild(wrap);
      });
      placementBox.hidden = items.length === 0;
    }

    // ---- playing ----------------------------------------------------------------------------
    function startGame(name) {
      return api(urls.start, "POST", { max_value: state.maxValue, user: name }).then(function (res) {
        if (res.status === 201 && res.data && res.data.game_id) {
          state.gameId = res.data.game_id;
          state.player = name;
          if (isNumber(res.data.par)) {
            state.par = res.data.par;
            updatePar();
          }
          return true;
        }
        showStatus("Could not start a game: " + errorText(res), "warning");
        if (res.status === 403) {
          // The name belongs to another player (the server keeps who first played under it,
          // by this browser's HttpOnly cookie or the account): let the player pick another.
          nameInput.focus();
          nameInput.select();
        }
        return false;
      });
    }

    function recordScore() {
      // The name is fixed when the game starts; an edited name applies to the next game.
      var name = state.player || validName();
      var body = { game_id: state.gameId, placement: true };
      if (name) {
        body.user = name;
      }
      return api(urls.finished, "POST", body).then(function (res) {
        var data = res.data;
        // With "placement": true the answer is {hiscores, placement}; a server without it
        // answers with the plain list.
        var hiscores = Array.isArray(data)
          ? data
          : data && Array.isArray(data.hiscores)
            ? data.hiscores
            : null;
        if (res.ok && hiscores) {
          var placement =
            data && !Array.isArray(data) && data.placement && typeof data.placement === "object"
              ? data.placement
              : null;
          var listed = hiscores.some(function (entry) {
            return entry.this_game;
          });
          if (isFinishedView(state.view) && listed) {
            state.hiscoreRequest++;
            el("hiscore-message").textContent = "";
            renderHiscores(hiscores, Object.assign({}, state.view));
          } else {
            // Another board is on show, or this game missed the top: the board as asked for,
            // with the player's own row pinned below it.
            loadHiscores();
          }
          var score = gameScore(placement);
          renderPlacement(placement, score);
          showStatus(
            "Correct! You found it in " +
              plural(state.guesses, "guess") +
              (score ? ", " + scoreText(score.score) : "") +
              (listed
                ? ". Your score is highlighted in the high-score table."
                : ". Not in the top " + LIMIT + " this time: your row is pinned below it."),
            "success",
            { label: "Play again", run: newGame }
          );
        } else {
          showStatus(
            "Correct in " + plural(state.guesses, "guess") + ", but the score was not saved: " +
              errorText(res),
            "warning",
            { label: "Try saving again", run: recordScore }
          );
        }
      });
    }

    function addGuess(value, result) {
      var item = document.createElement("li");
      item.className = "list-group-item d-flex align-items-center";
      var number = document.createElement("span");
      number.className = "fw-semibold ms-2 me-auto";
      number.textContent = String(value);
      var badge = document.createElement("span");
      var labels = {
        higher: ["It's higher ↑", ""],
        lower: ["It's lower ↓", ""],
        correct: ["Correct!", ""],
      };
      // Colours per result come from assets/game.css (.rb-result-*), in the dashboard's palette.
      var label = labels[result] || [result, "text-bg-secondary"];
      badge.className = ("badge rb-result rb-result-" + result + " " + label[1]).trim();
      badge.textContent = label[0];
      item.setAttribute("data-result", result);
      item.appendChild(number);
      item.appendChild(badge);
      guessList.appendChild(item);
    }

    function sendGuess(value) {
      var url = urls.guessBase + encodeURIComponent(state.gameId);
      return api(url, "POST", { guess: value }).then(function (res) {
        if (res.ok && res.data) {
          state.guesses = res.data.guesses;
          updateCounter();
          addGuess(value, res.data.result);
          if (res.data.result === "correct") {
            state.won = true;
            guessInput.value = ""; // the game is over: nothing left to guess
            return recordScore();
          }
          showStatus(
            value + " is not it: the number is " + res.data.result + ". Guess again.",
            "info"
          );
          guessInput.select();
          return null;
        }
        if (res.status === 404) {
          resetGame("That game expired or is unknown. Your next guess starts a new game.");
          return null;
        }
        showStatus(errorText(res), res.status === 400 ? "warning" : "danger");
        return null;
      });
    }

    function onGuess(event) {
      event.preventDefault();
      if (state.busy) {
        return;
      }
      // Guessing on answers the pending question: the game goes on.
      cancelPending();
      if (state.won) {
        showStatus("You already won this game. Start a new game to play again.", "success", {
          label: "New game",
          run: newGame,
        });
        return;
      }
      var name = validName();
      if (!name) {
        showStatus(
          "Enter your name first: 1 to " +
            NAME_MAX +
            " characters, with at least one visible letter, digit or symbol.",
          "warning"
        );
        nameInput.focus();
        return;
      }
      var text = guessInput.value.trim();
      var value = Number(text);
      if (!/^[0-9]+$/.test(text) || value < 1 || value > state.maxValue) {
        showStatus("Enter a whole number from 1 to " + state.maxValue + ".", "warning");
        guessInput.focus();
        return;
      }
      setBusy(true);
      var ready = state.gameId ? Promise.resolve(true) : startGame(name);
      ready
        .then(function (started) {
          return started ? sendGuess(value) : null;
        })
        .then(
          function () {
            setBusy(false);
          },
          function () {
            setBusy(false);
            showStatus("Something went wrong. Please try again.", "danger");
          }
        );
    }

    function newGame() {
      resetGame();
      guessInput.focus();
    }

    function applyMax(value) {
      state.maxValue = value;
      maxSelect.value = String(value);
      resetGame();
      syncUrl();
      loadHiscores();
    }

    guessForm.addEventListener("submit", onGuess);
    el("setup-form").addEventListener("submit", function (event) {
      event.preventDefault();
      guessInput.focus();
    });
    el("new-game").addEventListener("click", function () {
      if (!gameInPlay()) {
        cancelPending();
        newGame();
        return;
      }
      askBeforeDropping({
        text: "A new game drops the one in play.",
        confirmLabel: "New game anyway",
        run: newGame,
      });
    });
    maxSelect.addEventListener("change", function () {
      var value = parseInt(maxSelect.value, 10);
      if (!(value > 0) || value === state.maxValue) {
        cancelPending();
        return;
      }
      if (!gameInPlay()) {
        cancelPending();
        applyMax(value);
        return;
      }
      askBeforeDropping({
        text: "Switching to numbers up to " + value + " drops the game in play.",
        confirmLabel: "Switch anyway",
        run: function () {
          applyMax(value);
        },
        cancel: function () {
          maxSelect.value = String(state.maxValue);
        },
      });
    });
    nameInput.addEventListener("change", function () {
      validName();
      syncUrl();
      if (!state.player) {
        loadHiscores(); // whose rows are highlighted follows the name until a game starts
      }
    });
    nameInput.addEventListener("input", function () {
      nameInput.classList.remove("is-invalid");
    });

    BOARDS.forEach(function (board) {
      el("board-" + board).addEventListener("change", function () {
        changeView({ board: board });
      });
    });
    PERIODS.forEach(function (period) {
      el("period-" + period).addEventListener("change", function () {
        changeView({ period: period });
      });
    });
    uniqueToggle.addEventListener("change", function () {
      changeView({ unique: uniqueToggle.checked });
    });

    themeToggle.checked = document.documentElement.getAttribute("data-bs-theme") === "dark";
    themeToggle.addEventListener("change", function () {
      var theme = themeToggle.checked ? "dark" : "light";
      setTheme(theme);
      try {
        window.localStorage.setItem(THEME_KEY, theme);
      } catch (e) {
        /* storage disabled: the theme still applies to this page */
      }
    });

    updateCounter();
    updatePar();
    loadHiscores();
    if (!nameInput.value.trim()) {
      nameInput.focus();
    } else {
      guessInput.focus();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", main);
  } else {
    main();
  }
})();
