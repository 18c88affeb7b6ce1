// The draft form of an order (templates/orders/order_form.html): when the site, the access type
// or the speed changes, ask the server again for the speeds on sale, the monthly price and the
// deadline (the "Atualizar preço e prazo" button, which also works without this file).
// A keyboard changes a select at every arrow key or typed letter: the form waits until the keys
// rest, and the page it brings back puts the focus where it was (WCAG 3.2.2, 2.4.3).
(function () {
  "use strict";
  var form = document.querySelector("form[data-order-form]");
  if (!form) {
    return;
  }
  var preview = form.querySelector("[data-order-preview]");
  var KEY = "order-form-focus", REST_MS = 1000, timer = null;
  var changed = sessionStorage.getItem(KEY);
  sessionStorage.removeItem(KEY);
  if (changed && form.elements[changed]) {
    form.elements[changed].focus();
  }
  form.addEventListener("change", function (event) {
    if (event.target.matches("[name=municipality], [name=access_type], [name=link], [name=speed_mbps]")) {
      clearTimeout(timer);
      timer = setTimeout(function () {
        sessionStorage.setItem(KEY, document.activeElement.name || event.target.name);
        form.requestSubmit(preview);
      }, REST_MS);
    }
  });
})();
