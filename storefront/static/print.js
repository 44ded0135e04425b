// The Print button of receipts and statements. A file, not an onclick attribute: the
// Content-Security-Policy runs no inline script.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () {
    window.print();
  });
});
