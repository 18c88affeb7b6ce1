// The header's menus (templates/base.html) are native <details>: they open and close without
// this file. It adds what a menu is expected to do: opening one closes the others, Escape closes
// it and gives the focus back to its title, a click elsewhere closes it.
(function () {
  "use strict";

  function menus() {
    return document.querySelectorAll("details.menu[open]");
  }

  document.addEventListener("toggle", function (event) {
    var opened = event.target;
    if (!opened.matches || !opened.matches("details.menu") || !opened.open) {
      return;
    }
    menus().forEach(function (other) {
      if (other !== opened) {
        other.open = false;
      }
    });
  }, true);

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    menus().forEach(function (menu) {
      var hadFocus = menu.contains(document.activeElement);
      menu.open = false;
      if (hadFocus) {
        menu.querySelector("summary").focus();
      }
    });
  });

  document.addEventListener("click", function (event) {
    menus().forEach(function (menu) {
      if (!menu.contains(event.target)) {
        menu.open = false;
      }
    });
  });
})();
