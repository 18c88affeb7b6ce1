// Behaviour of the portal's pages, kept out of the HTML so that the Content-Security-Policy
// allows no inline script (docs/security.md, "Secure defaults").
(function () {
  "use strict";

  // Buttons that print the page: <button data-action="print">.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-action='print']");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });

  // A live region that refreshes itself (<div hx-trigger="every 5s" data-pause-while-editing>)
  // skips a refresh while someone types in it: htmx would replace the field being typed in.
  // (An htmx trigger filter would do it, but it needs eval, which the policy forbids.)
  document.addEventListener("htmx:beforeRequest", function (event) {
    var region = event.detail.elt;
    if (region.hasAttribute("data-pause-while-editing") &&
        region.querySelector("input:focus, textarea:focus, select:focus")) {
      event.preventDefault();
    }
  });

  // Repair clocks: time left to each ticket's due instant (<span data-due="ISO instant">),
  // refreshed every 30 s; htmx swaps bring new ones, picked up on the next tick.
  function fmt(minutes) {
    var h = Math.floor(minutes / 60), m = minutes % 60;
    return (h ? h + " h " : "") + m + " min";
  }
  function tick() {
    document.querySelectorAll("[data-due]").forEach(function (el) {
      var left = Math.floor((Date.parse(el.dataset.due) - Date.now()) / 60000);
      el.textContent = left >= 0 ? "restam " + fmt(left) : "em atraso há " + fmt(-left);
      el.className = "repair-clock badge " + (left >= 0 ? "leader" : "ordered");
    });
  }
  function start() {
    if (document.querySelector("[data-due]")) {
      tick();
    }
    setInterval(tick, 30000);
    document.body.addEventListener("htmx:afterSwap", tick);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
