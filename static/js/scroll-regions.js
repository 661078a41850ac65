// Wide tables scroll sideways on narrow screens (.table-responsive). A region that scrolls must be reachable
// by keyboard (WCAG 2.1.1): it gets tabindex="0" and the role of a region named by its table's caption, only
// while it actually scrolls; re-checked when the window is resized.
(function () {
  "use strict";
  function update() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.dataset.scrollRegion = "1";
        if (!box.hasAttribute("role")) {
          box.setAttribute("role", "region");
          var caption = box.querySelector("caption");
          if (caption) {
            if (!caption.id) {
              caption.id = "scroll-caption-" + Math.random().toString(36).slice(2, 10);
            }
            box.setAttribute("aria-labelledby", caption.id);
          } else if (!box.hasAttribute("aria-label")) {
            box.setAttribute("aria-label", document.documentElement.lang === "sv" ? "Tabell" : "Table");
          }
        }
      } else if (!scrolls && box.dataset.scrollRegion === "1") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-labelledby");
        box.removeAttribute("aria-label");
        delete box.dataset.scrollRegion;
      }
    });
  }
  var timer = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(update, 150);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", update);
  } else {
    update();
  }
})();
