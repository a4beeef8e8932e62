/* The article page: A+/A- text size in place and remembered, and focus after posting a comment.
 *
 * Loaded in <head> (not deferred) so a remembered text size is applied before the page is drawn.
 * Without JavaScript the page still works: A+/A- are plain links (?text=N) and the confirmation
 * after a post is reached through the #posted fragment. A static file, as the
 * Content-Security-Policy allows no inline script or event handler.
 */
(function () {
  "use strict";

  var KEY = "newsroom.textSize";
  var MIN = 0;
  var MAX = 4;
  var DEFAULT = 2;
  var root = document.documentElement;
  var PATTERN = /(^|\s)text-size-(\d+)(?=\s|$)/;

  function clamp(size) {
    return Math.min(Math.max(size, MIN), MAX);
  }

  function current() {
    var match = PATTERN.exec(root.className);
    return match ? clamp(parseInt(match[2], 10)) : DEFAULT;
  }

  function apply(size) {
    var others = root.className.replace(new RegExp(PATTERN.source, "g"), " ").replace(/\s+/g, " ").trim();
    root.className = (others ? others + " " : "") + "text-size-" + size;
  }

  function remembered() {
    try {
      var value = window.localStorage.getItem(KEY);
      if (value !== null && /^\d+$/.test(value)) {
        return clamp(parseInt(value, 10));
      }
    } catch (e) { /* storage off (private mode, blocked): the size is not remembered */ }
    return null;
  }

  function remember(size) {
    try {
      window.localStorage.setItem(KEY, String(size));
    } catch (e) { /* not remembered */ }
  }

  // Before the page is drawn: a size asked for in the URL (a no-JavaScript A+/A- link that was
  // followed) becomes the remembered one; otherwise the remembered size applies.
  var params = new URLSearchParams(window.location.search);
  if (params.has("text")) {
    remember(current());
  } else {
    var stored = remembered();
    if (stored !== null) {
      apply(stored);
    }
  }

  function textSizeControls() {
    var links = document.querySelectorAll("[data-text-size-step]");
    var status = document.getElementById("text-size-status");

    function update(size) {
      Array.prototype.forEach.call(links, function (link) {
        var step = parseInt(link.getAttribute("data-text-size-step"), 10);
        // The no-JavaScript address stays right (open in a new tab, copy the link).
        link.setAttribute("href", "?text=" + clamp(size + step));
        link.setAttribute("aria-disabled", String(clamp(size + step) === size));
      });
    }

    Array.prototype.forEach.call(links, function (link) {
      link.addEventListener("click", function (event) {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
          return; // a new tab or window: let the link do it
        }
        event.preventDefault();
        var step = parseInt(link.getAttribute("data-text-size-step"), 10);
        var size = clamp(current() + step);
        apply(size);
        remember(size);
        update(size);
        if (params.has("text")) {
          // The remembered size wins from now on, also after a reload.
          params.delete("text");
          var query = params.toString();
          window.history.replaceState(window.history.state, "",
            window.location.pathname + (query ? "?" + query : "") + window.location.hash);
        }
        if (status) {
          status.textContent = "Text size " + (size + 1) + " of " + (MAX + 1);
        }
      });
    });
    update(current());
  }

  // After a post the page opens at the confirmation (…#posted): move focus to it, so it is read
  // out and the next Tab starts from there.
  function focusConfirmation() {
    var confirmation = document.getElementById("posted");
    if (confirmation && window.location.hash === "#posted") {
      confirmation.focus();
      return;
    }
    // After a refused post, focus the first field in error (its message is announced with it).
    var invalid = document.querySelector(".comment-form [aria-invalid='true']");
    if (invalid) {
      invalid.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", textSizeControls);
  // After the browser has scrolled to the address's #fragment (which can move focus itself).
  window.addEventListener("load", focusConfirmation);
})();
