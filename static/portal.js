// Progressive enhancement only: every page works without it.
// On a wide screen the list's optional filters start unfolded; on a phone they stay folded so
// that the first results are on the first screen.
document.addEventListener("DOMContentLoaded", function () {
  if (window.matchMedia("(min-width: 50rem)").matches) {
    document.querySelectorAll("details[data-open-wide]").forEach(function (details) {
      details.open = true;
    });
  }
});
