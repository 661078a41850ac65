// Stored documents (final report, network pack) being made in the background: every 1.5 seconds the
// page asks how far the document has come (JSON from reports:document_status), moves the progress bar,
// and shows the download link when it is ready. No inline script and no style attributes (CSP); without
// scripts the box keeps its "Update" link instead.
(function () {
  "use strict";

  var INTERVAL = 1500;
  var MAX_ERRORS = 5;

  function watch(box) {
    var url = box.getAttribute("data-document-status-url");
    var bar = box.querySelector("progress");
    var step = box.querySelector("[data-document-step]");
    var download = box.querySelector("[data-document-download]");
    var failure = box.querySelector("[data-document-error]");
    var refresh = box.querySelector("[data-document-refresh]");
    var errors = 0;

    if (refresh) {
      refresh.hidden = true;
    }

    function finish() {
      if (bar) {
        bar.hidden = true;
      }
    }

    function show(data) {
      if (bar && typeof data.progress === "number") {
        bar.value = data.progress;
        bar.textContent = data.progress + " %";
      }
      if (step) {
        step.textContent = data.step || data.status_label || "";
      }
      if (data.status === "done" && data.download_url) {
        var link = download ? download.querySelector("a") : null;
        if (link) {
          link.setAttribute("href", data.download_url);
          download.hidden = false;
        }
        if (step) {
          step.textContent = data.status_label || "";
        }
        finish();
        return true;
      }
      if (data.status === "failed") {
        if (failure) {
          failure.textContent = data.error || data.status_label || "";
          failure.hidden = false;
        }
        if (refresh) {
          refresh.hidden = false;
        }
        finish();
        return true;
      }
      return false;
    }

    function poll() {
      fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("status " + response.status);
          }
          return response.json();
        })
        .then(function (data) {
          errors = 0;
          if (!show(data)) {
            window.setTimeout(poll, INTERVAL);
          }
        })
        .catch(function () {
          errors += 1;
          if (errors < MAX_ERRORS) {
            window.setTimeout(poll, INTERVAL * 2);
          } else if (refresh) {
            refresh.hidden = false;
          }
        });
    }

    window.setTimeout(poll, INTERVAL);
  }

  document.querySelectorAll("[data-document-status-url]").forEach(watch);
})();
