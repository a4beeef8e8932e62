/* Keyboard shortcuts for the review queue and a comment's admin page.
   Progressive enhancement only: every action is also a plain link, button or form.

   Queue: j / k highlight the next / previous row and focus its link; a approves the highlighted row
   (the bulk action), and after the reload the row that took its place is highlighted (its position
   is remembered in sessionStorage for that one page load); r opens it with the reason picker.
   Comment page: r opens the reason picker (the flagged categories come pre-ticked) with focus on the
   first ticked reason; the number keys tick and untick reasons, Enter rejects. */
(function () {
  "use strict";

  var POSITION_KEY = "moderation.queue.position";
  var HELP = [
    ["j / k", "next / previous comment"],
    ["a", "approve the current comment"],
    ["r", "reject: open the reason picker (flagged categories ticked)"],
    ["1 \u2013 8", "tick or untick a reason (picker open)"],
    ["Enter", "reject with the ticked reasons (picker open); open the comment (queue)"],
    ["o", "open the current comment (queue)"],
    ["?", "show or hide this help"],
    ["Esc", "close help or picker"]
  ];

  function typing(target) {
    if (!target) { return false; }
    if (target.isContentEditable || /^(TEXTAREA|SELECT)$/.test(target.tagName)) { return true; }
    return target.tagName === "INPUT" && !/^(checkbox|radio|button|submit)$/.test(target.type);
  }

  function storage() {
    try { return window.sessionStorage; } catch (e) { return null; }
  }

  /* A line under the hint that says why a key did nothing (announced: role=status). */
  function feedbackLine() {
    var line = document.getElementById("review-feedback");
    if (!line) {
      line = document.createElement("p");
      line.id = "review-feedback";
      line.className = "review-feedback";
      line.setAttribute("role", "status");
      var hint = document.querySelector(".review-hint");
      if (hint) { hint.after(line); } else { document.body.prepend(line); }
    }
    return line;
  }

  function say(text) { feedbackLine().textContent = text; }

  function helpDialog() {
    var dialog = document.getElementById("review-help");
    if (dialog) { return dialog; }
    dialog = document.createElement("dialog");
    dialog.id = "review-help";
    dialog.className = "review-help";
    dialog.setAttribute("aria-labelledby", "review-help-title");
    var title = document.createElement("h2");
    title.id = "review-help-title";
    title.textContent = "Keyboard shortcuts";
    var list = document.createElement("dl");
    HELP.forEach(function (pair) {
      var key = document.createElement("dt");
      var what = document.createElement("dd");
      key.textContent = pair[0];
      what.textContent = pair[1];
      list.append(key, what);
    });
    var close = document.createElement("button");
    close.type = "button";
    close.className = "button";
    close.textContent = "Close";
    close.addEventListener("click", function () { dialog.close(); });
    dialog.append(title, list, close);
    var returnTo = null;
    dialog.addEventListener("close", function () {
      if (returnTo && document.contains(returnTo)) { returnTo.focus(); }
      returnTo = null;
    });
    dialog.toggle = function () {
      if (dialog.open) { dialog.close(); return; }
      returnTo = document.activeElement !== document.body ? document.activeElement : null;
      dialog.showModal();
      close.focus();
    };
    document.body.appendChild(dialog);
    return dialog;
  }

  function queueKeys(table) {
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
    var here = window.location.pathname + window.location.search;
    var current = -1;
    function link(index) { return index < 0 || !rows[index] ? null : rows[index].querySelector("th a, td a"); }
    function move(index) {
      if (!rows.length) { say("The queue is empty."); return; }
      current = Math.max(0, Math.min(rows.length - 1, index));
      rows.forEach(function (row, n) { row.classList.toggle("review-current", n === current); });
      var a = link(current);
      if (a) { a.focus({preventScroll: true}); }
      rows[current].scrollIntoView({block: "nearest"});
      say("");
    }
    function needRow(what) {
      if (current >= 0) { return true; }
      say(rows.length ? "No comment is highlighted: press j to highlight one, then " + what + "."
                      : "The queue is empty.");
      return false;
    }
    function open(reject) {
      if (!needRow(reject ? "r to reject it" : "o to open it")) { return; }
      var url = new URL(link(current).href, window.location.href);
      if (reject) { url.searchParams.set("reject", "1"); }
      window.location.href = url.href;
    }
    function approve() {
      if (!needRow("a to approve it")) { return; }
      var form = document.getElementById("changelist-form");
      var action = form && form.querySelector("select[name=action]");
      var go = form && form.querySelector("button[name=index]");
      if (!action || !go) { say("Approving is not available on this page."); return; }
      rows.forEach(function (row, n) {
        var box = row.querySelector("input.action-select");
        if (box) { box.checked = n === current; }
      });
      var store = storage();
      if (store) { store.setItem(POSITION_KEY, JSON.stringify({page: here, index: current})); }
      action.value = "approve_selected";
      go.click();
    }
    // Back from a decision on this page: highlight the row that took the decided one's place.
    var store = storage();
    var saved = store && store.getItem(POSITION_KEY);
    if (saved) {
      store.removeItem(POSITION_KEY);
      try { saved = JSON.parse(saved); } catch (e) { saved = null; }
      if (saved && saved.page === here && rows.length) { move(saved.index); }
    }
    return {
      j: function () { move(current + 1); },
      k: function () { move(current < 0 ? 0 : current - 1); },
      a: approve,
      r: function () { open(true); },
      o: function () { open(false); },
      Enter: function () { open(false); }
    };
  }

  function pageKeys(panel) {
    var picker = panel.querySelector("details.reject-picker");
    var boxes = picker ? Array.prototype.slice.call(picker.querySelectorAll("input[type=checkbox]")) : [];
    var rejectButton = picker && picker.querySelector("button[value=reject]");
    if (picker) {
      // Show each reason's number key, and what the keys do.
      boxes.forEach(function (box, n) {
        if (n > 8) { return; }
        var key = document.createElement("kbd");
        key.className = "reason-key";
        key.textContent = String(n + 1);
        key.setAttribute("aria-hidden", "true");
        var label = box.closest("label") || box.parentNode;
        label.insertBefore(key, box.nextSibling);
        box.setAttribute("aria-keyshortcuts", String(n + 1));
      });
      var keysNote = document.createElement("p");
      keysNote.className = "picker-keys";
      keysNote.textContent = "Keys: 1\u2013" + Math.min(boxes.length, 9) +
        " tick or untick a reason, Enter rejects, Esc closes." +
        (boxes.some(function (box) { return box.checked; }) ? " The flagged categories are ticked." : "");
      var legend = picker.querySelector("legend");
      if (legend) { legend.after(keysNote); }
    }
    function follow(name) {
      var a = panel.querySelector("[data-key-nav=" + name + "]");
      if (a) { window.location.href = a.href; }
    }
    function openPicker() {
      if (!picker) { return; }
      picker.open = true;
      var first = boxes.filter(function (box) { return box.checked; })[0] || boxes[0];
      if (first) { first.focus(); }
    }
    function pickerHas(target) { return picker && picker.open && (target === document.body || picker.contains(target)); }
    if (new URLSearchParams(window.location.search).get("reject") === "1") { openPicker(); }
    return {
      j: function () { follow("next"); },
      k: function () { follow("prev"); },
      a: function () { var b = panel.querySelector("button[value=approve]"); if (b) { b.click(); } },
      r: openPicker,
      Escape: function () {
        if (picker && picker.open) { picker.open = false; picker.querySelector("summary").focus(); }
      },
      // Keys that work inside the open picker (focus on a reason or the buttons, not in the note).
      picker: function (event) {
        if (!pickerHas(event.target) || typing(event.target) || event.target.tagName === "SUMMARY") { return false; }
        if (/^[1-9]$/.test(event.key)) {
          var box = boxes[Number(event.key) - 1];
          if (box) { box.checked = !box.checked; box.focus(); }
          return true;
        }
        if (event.key === "Enter" && rejectButton) { rejectButton.click(); return true; }
        return false;
      }
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
    feedbackLine();

    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey) { return; }
      var help = helpDialog();
      if (help.open) {
        if (event.key === "?") { help.toggle(); event.preventDefault(); }
        return;  // modal: Esc and Tab work as in any dialog
      }
      if (keys.picker && keys.picker(event)) { event.preventDefault(); return; }
      if (event.key === "Escape") {
        if (keys.Escape) { keys.Escape(); }
        return;
      }
      if (typing(event.target)) { return; }
      if (event.key === "?") { help.toggle(); event.preventDefault(); return; }
      if (event.key === "Enter" && event.target !== document.body) { return; }
      if (event.target.type === "checkbox" && event.key === " ") { return; }
      var handler = keys[event.key];
      if (handler && event.key !== "picker") { event.preventDefault(); handler(); }
    });
  });
}());
