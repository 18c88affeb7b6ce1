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

  // The incident panel (templates/monitoring/_panel_body.html) answers its refresh with 204
  // when nothing changed: htmx swaps nothing, and only the "Atualizado às" time moves on.
  document.addEventListener("htmx:afterRequest", function (event) {
    var region = event.detail.elt;
    if (region.id === "painel" && event.detail.xhr && event.detail.xhr.status === 204) {
      var time = region.querySelector(".updated time");
      if (time) {
        var now = new Date();
        time.dateTime = now.toISOString();
        time.textContent = now.toLocaleTimeString("pt-BR", {timeZone: "America/Sao_Paulo", hour12: false});
      }
    }
  });

  // New incidents brought by a refresh are said in the panel's live region
  // (<p id="painel-avisos" aria-live="polite">), from their rows' data-announce.
  var shownRows = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var panel = document.getElementById("painel");
    shownRows = panel && event.detail.target === panel ?
      Array.prototype.map.call(panel.querySelectorAll("tr.item"), function (row) { return row.id; }) :
      null;
  });
  // htmx:load fires on the new panel once it is in the page (an outerHTML swap's afterSwap
  // fires on the old one, out of the page).
  document.addEventListener("htmx:load", function (event) {
    var live = document.getElementById("painel-avisos"), panel = event.target;
    if (shownRows === null || !live || panel.id !== "painel") {
      return;
    }
    var seen = shownRows;
    shownRows = null;
    var news = Array.prototype.filter.call(panel.querySelectorAll("tr.item[data-announce]"), function (row) {
      return seen.indexOf(row.id) < 0;
    }).map(function (row) { return row.dataset.announce; });
    if (news.length) {
      live.textContent = news.join(". ") + ".";
    }
  });

  // A table wider than its card scrolls inside its .table-wrap: that region is reached by
  // keyboard (tabindex 0, so the arrow keys scroll it) and named after its table (its caption,
  // else the heading before it), as WCAG asks of a scrollable region; narrower, it is left alone.
  function tableName(wrap) {
    var caption = wrap.querySelector("caption"), node = wrap;
    if (caption) {
      return caption.textContent.trim();
    }
    while (node && node !== document.body) {
      var sibling = node.previousElementSibling;
      while (sibling && !/^H[1-6]$/.test(sibling.tagName)) {
        sibling = sibling.previousElementSibling;
      }
      if (sibling) {
        return sibling.textContent.trim();
      }
      node = node.parentElement;
    }
    return document.title;
  }
  function markScrollingTables() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth) {
        wrap.tabIndex = 0;
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", "Tabela: " + tableName(wrap));
      } else if (wrap.hasAttribute("tabindex")) {
        ["tabindex", "role", "aria-label"].forEach(function (name) { wrap.removeAttribute(name); });
      }
    });
  }

  // Clocks the server renders in the same words (monitoring/templatetags/clocks.py,
  // core/templatetags/formatting.py duration_br): ages since <strong data-since="ISO">
  // and repair time left to <span data-due="ISO">, with its <progress data-start="ISO">,
  // refreshed every 30 s; htmx swaps bring new ones, ticked once loaded.
  function duration(minutes) {
    var d = Math.floor(minutes / 1440), h = Math.floor(minutes % 1440 / 60), m = minutes % 60;
    var mm = (m < 10 ? "0" : "") + m;
    if (d) {
      return d + " d " + h + " h " + mm + " min";
    }
    return h ? h + " h " + mm + " min" : m + " min";
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-since]").forEach(function (el) {
      el.textContent = duration(Math.max(0, Math.floor((now - Date.parse(el.dataset.since)) / 60000)));
    });
    document.querySelectorAll("[data-due]").forEach(function (el) {
      var due = Date.parse(el.dataset.due), left = Math.floor((due - now) / 60000);
      el.textContent = left >= 0 ? "restam " + duration(left) : "em atraso há " + duration(-left);
      el.className = "badge " + (left >= 0 ? "leader" : "ordered");
      var bar = el.parentNode.querySelector("progress[data-start]");
      if (bar) {
        var begun = Date.parse(bar.dataset.start);
        bar.value = Math.floor(Math.min(Math.max((now - begun) / Math.max(due - begun, 1000), 0), 1) * 100);
      }
    });
  }
  function start() {
    if (document.querySelector("[data-due], [data-since]")) {
      tick();
    }
    setInterval(tick, 30000);
    document.body.addEventListener("htmx:load", tick);
    markScrollingTables();
    document.body.addEventListener("htmx:load", markScrollingTables);
    window.addEventListener("resize", markScrollingTables);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
