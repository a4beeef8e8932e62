/* Keyboard shortcuts for the review queue and a comment's admin page.
   Progressive enhancement only: every action is also a plain link, button or form. */
(function () {
  "use strict";

  var HELP = [
    ["j / k", "next / previous comment"],
    ["a", "approve the current comment"],
    ["r", "reject: open the reason picker"],
    ["o or Enter", "open the current comment (queue)"],
    ["?", "show or hide this help"],
    ["Esc", "close help or picker"]
  ];

  function typing(event) {
    var target = event.target;
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  function helpOverlay() {
    var overlay = document.getElementById("review-help");
    if (overlay) { return overlay; }
    overlay = document.createElement("div");
    overlay.id = "review-help";
    overlay.className = "review-help";
    overlay.hidden = true;
    overlay.setAttribute("role", "dialog");
    overlay.setAttribute("aria-label", "Keyboard shortcuts");
    var title = document.createElement("h2");
    title.textContent = "Keyboard shortcuts";
    var list = document.createElement("dl");
    HELP.forEach(function (pair) {
      var key = document.createElement("dt");
      var what = document.createElement("dd");
      key.textContent = pair[0];
      what.textContent = pair[1];
      list.append(key, what);
    });
    overlay.append(title, list);
    overlay.addEventListener("click", function () { overlay.hidden = true; });
    document.body.appendChild(overlay);
    return overlay;
  }

  function queueKeys(table) {
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
    var current = -1;
    function move(index) {
      if (!rows.length) { return; }
      current = Math.max(0, Math.min(rows.length - 1, index));
      rows.forEach(function (row, n) { row.classList.toggle("review-current", n === current); });
      rows[current].scrollIntoView({block: "nearest"});
    }
    function link() { return current < 0 ? null : rows[current].querySelector("th a, td a"); }
    function open(hash) { var a = link(); if (a) { window.location.href = a.href + (hash || ""); } }
    function approve() {
      var form = document.getElementById("changelist-form");
      var action = form && form.querySelector("select[name=action]");
      var go = form && form.querySelector("button[name=index]");
      if (current < 0 || !action || !go) { return; }
      rows.forEach(function (row, n) {
        var box = row.querySelector("input.action-select");
        if (box) { box.checked = n === current; }
      });
      action.value = "approve_selected";
      go.click();
    }
    return {
      j: function () { move(current + 1); },
      k: function () { move(current - 1); },
      a: approve,
      r: function () { open("#reject"); },
      o: function () { open(); },
      Enter: function () { open(); }
    };
  }

  function pageKeys(panel) {
    var picker = panel.querySelector("details.reject-picker");
    function follow(name) {
      var a = panel.querySelector("[data-key-nav=" + name + "]");
      if (a) { window.location.href = a.href; }
    }
    function openPicker() {
      if (!picker) { return; }
      picker.open = true;
      var first = picker.querySelector("input[type=checkbox]");
      if (first) { first.focus(); }
    }
    if (window.location.hash === "#reject") { openPicker(); }
    return {
      j: function () { follow("next"); },
      k: function () { follow("prev"); },
      a: function () { var b = panel.querySelector("button[value=approve]"); if (b) { b.click(); } },
      r: openPicker,
      Escape: function () { if (picker) { picker.open = false; } }
    };
  }

  document.addEventListener("DOMContentLoaded", function () {
    var table = document.getElementById("result_list");
    var panel = document.getElementById("decision-panel");
    var keys = panel ? pageKeys(panel) : table ? queueKeys(table) : null;
    if (!keys) { return; }
    var hint = document.createElement("p");
    hint.className = "review-hint";
    hint.textContent = "Press ? for keyboard shortcuts.";
    (document.getElementById("content-main") || document.body).prepend(hint);

    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey) { return; }
      var overlay = helpOverlay();
      if (event.key === "Escape") {
        overlay.hidden = true;
        if (keys.Escape) { keys.Escape(); }
        if (document.activeElement) { document.activeElement.blur(); }
        return;
      }
      if (typing(event)) { return; }
      if (event.key === "?") { overlay.hidden = !overlay.hidden; event.preventDefault(); return; }
      if (event.key === "Enter" && event.target !== document.body) { return; }
      var handler = keys[event.key];
      if (handler) { event.preventDefault(); handler(); }
    });
  });
}());
