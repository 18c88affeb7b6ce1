// Confirmations of negative or irreversible actions (docs/ui.md, "Confirmações"): the form that
// templates/_confirm.html shows in place (<details class="confirm">) opens in a modal <dialog>
// instead. Without this file the page works the same; the server checks the confirmation.
(function () {
  "use strict";

  function enhance(details) {
    var summary = details.querySelector("summary");
    var form = details.querySelector("form");
    if (!summary || !form || typeof HTMLDialogElement !== "function") {
      return;
    }
    var dialog = document.createElement("dialog");
    dialog.className = "confirm-dialog";
    dialog.setAttribute("aria-label", form.getAttribute("aria-label") || "");
    var back = document.createElement("button");
    back.type = "button";
    back.className = "secondary";
    back.textContent = "Voltar";
    back.addEventListener("click", function () { dialog.close(); });
    dialog.appendChild(form);
    form.querySelector(".confirm-buttons").appendChild(back);
    details.after(dialog);
    summary.addEventListener("click", function (event) {
      event.preventDefault();
      dialog.showModal();
    });
  }

  function start() {
    document.querySelectorAll("details.confirm").forEach(enhance);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
