// callcoach pages: any element with data-start (a quote, a timestamp) seeks the recording and
// scrolls the transcript to the line said at that moment. No inline scripts (the pages' CSP).
(function () {
  "use strict";
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function lineAt(t) {
    var lines = document.querySelectorAll("#transcript li[data-start]");
    var found = null;
    for (var i = 0; i < lines.length; i++) {
      if (parseFloat(lines[i].getAttribute("data-start")) <= t + 0.01) found = lines[i];
      else break;
    }
    return found;
  }

  function mark(line, scroll) {
    var previous = document.querySelectorAll("#transcript li.current");
    for (var i = 0; i < previous.length; i++) {
      if (previous[i] === line) continue;
      previous[i].classList.remove("current");
      previous[i].removeAttribute("aria-current");
    }
    if (!line) return;
    line.classList.add("current");
    line.setAttribute("aria-current", "true");
    if (scroll) line.scrollIntoView({ block: "center", behavior: reduceMotion ? "auto" : "smooth" });
  }

  function seek(t) {
    var player = document.getElementById("player");
    if (player) player.currentTime = t;
    mark(lineAt(t), true);
    document.body.setAttribute("data-seeked-to", t.toFixed(2));
  }

  document.addEventListener("click", function (ev) {
    var target = ev.target instanceof Element ? ev.target : null;
    if (!target) return;
    var el = target.closest("button[data-start]");
    if (el) {
      seek(parseFloat(el.getAttribute("data-start")));
      return;
    }
    if (target.closest("[data-print]")) window.print();
  });

  document.addEventListener("DOMContentLoaded", function () {
    var player = document.getElementById("player");
    if (!player) return;
    // While it plays, the line being said is highlighted (without moving the page under the reader).
    player.addEventListener("timeupdate", function () { mark(lineAt(player.currentTime), false); });
  });
})();
