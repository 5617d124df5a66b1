/* Collaborative drafting, progressive enhancement: words selected in a section are
   carried to the "Annotate a passage" and "Suggest a wording" links of that section
   (?quote=…), and the selection is announced. Without this script the forms ask for
   the section and the passage. No inline script: served from /-/static/drafting/. */
(function () {
  "use strict";
  var MAX = 2000;

  function sectionOf(node) {
    while (node && node.nodeType !== 1) { node = node.parentNode; }
    return node ? node.closest(".drafting-section") : null;
  }

  function setQuote(section, quote) {
    var links = section.querySelectorAll("a[data-quote-link]");
    for (var i = 0; i < links.length; i++) {
      var url = new URL(links[i].href, window.location.href);
      if (quote) { url.searchParams.set("quote", quote); } else { url.searchParams.delete("quote"); }
      links[i].href = url.toString();
    }
    var live = section.querySelector(".drafting-selection");
    if (live) {
      live.textContent = quote ? live.getAttribute("data-label") + " « " + quote + " »" : "";
    }
  }

  var current = null;
  document.addEventListener("selectionchange", function () {
    var selection = window.getSelection();
    var text = selection ? selection.toString().replace(/\s+/g, " ").trim() : "";
    var section = null;
    if (text && selection.rangeCount) {
      var range = selection.getRangeAt(0);
      var start = sectionOf(range.startContainer), end = sectionOf(range.endContainer);
      var body = range.commonAncestorContainer;
      while (body && body.nodeType !== 1) { body = body.parentNode; }
      if (start && start === end && body && body.closest(".drafting-section-body")) {
        section = start;
      }
    }
    if (!section) { return; }       // keep the last selection while the person moves to a link
    if (current && current !== section) { setQuote(current, ""); }
    current = section;
    setQuote(section, text.slice(0, MAX));
  });
})();
