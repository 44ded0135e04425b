// Suggestions for the search box as the shopper types: venture names and product titles from
// /products/suggest, put in a <datalist> made here (the page without script has none, and the
// box's list= attribute then points at nothing). A file, not inline script: the
// Content-Security-Policy runs none. Text only (textContent/value), never HTML.
(function () {
  "use strict";
  var WAIT_MS = 150;

  function attach(input) {
    var form = input.form;
    if (!form || !window.fetch) {
      return;
    }
    var list = document.createElement("datalist");
    list.id = input.getAttribute("list");
    document.body.appendChild(list);
    var timer = null;
    var asked = "";

    function show(words) {
      while (list.firstChild) {
        list.removeChild(list.firstChild);
      }
      words.forEach(function (word) {
        var option = document.createElement("option");
        option.value = word;
        list.appendChild(option);
      });
    }

    function ask() {
      var typed = input.value.trim();
      if (!typed || typed.length > 100 || typed === asked) {
        return;
      }
      asked = typed;
      var url = form.getAttribute("action") + "/suggest?q=" + encodeURIComponent(typed);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          return response.ok ? response.json() : { suggestions: [] };
        })
        .then(function (data) {
          if (input.value.trim() === typed) {
            show(data.suggestions || []);
          }
        })
        .catch(function () {});
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, WAIT_MS);
    });
  }

  document.querySelectorAll("input[type=search][list]").forEach(attach);
})();
