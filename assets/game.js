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
        (wait > 0 ? wait + " seconds" : "a moment") +
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
    var state = {
      maxValue: parseInt(root.getAttribute("data-max-value"), 10) || 25,
      gameId: null,
      player: null, // the name the game was started with: the only one that can record it
      guesses: 0,
      won: false,
      busy: false,
      hiscoreRequest: 0,
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
      window.history.replaceState(null, "", window.location.pathname + "?" + params.toString());
    }

    function validName() {
      // The server counts characters after NFC normalisation, so "e" + accent is one.
      var name = nameInput.value.normalize("NFC").trim();
      var length = Array.from(name).length;
      var ok = length >= 1 && length <= NAME_MAX && (!VISIBLE || VISIBLE.test(name));
      nameInput.classList.toggle("is-invalid", !ok);
      return ok ? name : null;
    }

    function resetGame(message) {
      state.gameId = null;
      state.player = null;
      state.guesses = 0;
      state.won = false;
      clear(guessList);
      updateCounter();
      guessInput.value = "";
      guessInput.max = String(state.maxValue);
      guessInput.placeholder = "1 – " + state.maxValue;
      el("max-label").textContent = String(state.maxValue);
      el("hiscore-max").textContent = String(state.maxValue);
      showStatus(message || "New game: guess a number from 1 to " + state.maxValue + ".", "info");
    }

    function renderHiscores(entries) {
      var body = el("hiscore-body");
      clear(body);
      if (!entries.length) {
        var row = document.createElement("tr");
        var cell = document.createElement("td");
        cell.colSpan = 4;
        cell.className = "text-body-secondary rb-empty";
        cell.textContent = "No scores yet: be the first!";
        row.appendChild(cell);
        body.appendChild(row);
        return;
      }
      entries.forEach(function (entry, index) {
        var row = document.createElement("tr");
        if (entry.this_game) {
          row.className = "rb-own-row";
          row.setAttribute("aria-current", "true");
        }
        var when = new Date(entry.date);
        var cells = [
          String(index + 1),
          String(entry.user),
          String(entry.guesses),
          isNaN(when.getTime()) ? String(entry.date) : when.toLocaleDateString(),
        ];
        cells.forEach(function (text, i) {
          var cell = document.createElement(i === 0 ? "th" : "td");
          if (i === 0) {
            cell.scope = "row";
          }
          if (i >= 2) {
            cell.className = "text-end";
          }
          if (i === 1) {
            cell.className = "rb-player";
          }
          if (i === 3) {
            cell.title = String(entry.date);
          }
          cell.textContent = text;
          row.appendChild(cell);
        });
        body.appendChild(row);
      });
    }

    function loadHiscores() {
      var ticket = ++state.hiscoreRequest;
      var message = el("hiscore-message");
      var url = urls.hiscore + "?max_value=" + encodeURIComponent(state.maxValue) + "&limit=10";
      return api(url, "GET").then(function (res) {
        if (ticket !== state.hiscoreRequest) {
          return; // the maximum changed meanwhile
        }
        if (res.ok && Array.isArray(res.data)) {
          message.textContent = "";
          renderHiscores(res.data);
        } else {
          message.textContent = "High scores could not be loaded: " + errorText(res);
        }
      });
    }

    function startGame(name) {
      return api(urls.start, "POST", { max_value: state.maxValue, user: name }).then(function (res) {
        if (res.status === 201 && res.data && res.data.game_id) {
          state.gameId = res.data.game_id;
          state.player = name;
          return true;
        }
        showStatus("Could not start a game: " + errorText(res), "warning");
        return false;
      });
    }

    function recordScore() {
      // The name is fixed when the game starts; an edited name applies to the next game.
      var name = state.player || validName();
      var body = { game_id: state.gameId };
      if (name) {
        body.user = name;
      }
      return api(urls.finished, "POST", body).then(function (res) {
        if (res.ok && Array.isArray(res.data)) {
          state.hiscoreRequest++;
          el("hiscore-message").textContent = "";
          renderHiscores(res.data);
          var listed = res.data.some(function (entry) {
            return entry.this_game;
          });
          showStatus(
            "Correct! You found it in " +
              plural(state.guesses, "guess") +
              (listed
                ? ". Your score is highlighted in the high-score table."
                : ". Not in the top 10 this time."),
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

    guessForm.addEventListener("submit", onGuess);
    el("setup-form").addEventListener("submit", function (event) {
      event.preventDefault();
      guessInput.focus();
    });
    el("new-game").addEventListener("click", newGame);
    maxSelect.addEventListener("change", function () {
      var value = parseInt(maxSelect.value, 10);
      if (value > 0) {
        state.maxValue = value;
      }
      resetGame();
      syncUrl();
      loadHiscores();
    });
    nameInput.addEventListener("change", function () {
      validName();
      syncUrl();
    });
    nameInput.addEventListener("input", function () {
      nameInput.classList.remove("is-invalid");
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
