// The draft form of an order (templates/orders/order_form.html): when the site, the access type
// or the speed changes, ask the server again for the speeds on sale, the monthly price and the
// deadline (the "Atualizar preço e prazo" button, which also works without this file).
(function () {
  "use strict";
  var form = document.querySelector("form[data-order-form]");
  if (!form) {
    return;
  }
  var preview = form.querySelector("[data-order-preview]");
  form.addEventListener("change", function (event) {
    if (event.target.matches("[name=municipality], [name=access_type], [name=link], [name=speed_mbps]")) {
      form.requestSubmit(preview);
    }
  });
})();
