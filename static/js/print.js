// The selection report's "print" button: shown only when scripts run (without them the
// browser's own print command does the same), no inline script (CSP).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () {
    window.print();
  });
});
