// Selects with a search box (docs/ui.md, "Seleções com busca"): a select marked by
// redegov.widgets.SearchableSelect / SearchableSelectMultiple (data-select-search), and any other
// single select with more than THRESHOLD options (the lists' filters), gets one.
// - A single select becomes a combobox (WAI-ARIA 1.2, list autocomplete): typing filters the
//   options, accents and case aside; arrows, Home, End, Enter, Escape and the mouse choose.
// - A multiple select becomes a search box over a checkbox list, with "Selecionar visíveis",
//   "Limpar" and the count of the chosen.
// The original select stays in the form, visually hidden, and holds the choice: the form submits
// and the server validates it as before, and a "change" event tells other scripts
// (static/js/order-form.js). The combobox takes the select's id, so its <label for> names it.
// Without this file the selects are plain selects.
(function () {
  "use strict";
  var THRESHOLD = 30, SHOWN = 50;

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }

  function make(tag, props) {
    var element = document.createElement(tag);
    Object.keys(props || {}).forEach(function (key) {
      if (key in element && key.indexOf("aria") !== 0 && key !== "role") {
        element[key] = props[key];
      } else {
        element.setAttribute(key, props[key]);
      }
    });
    return element;
  }

  // The options of a select, their text folded once for the search; the empty option ("---------",
  // "Todos") is not listed: emptying the box chooses it.
  function itemsOf(select) {
    return Array.prototype.map.call(select.options, function (option, index) {
      return {index: index, option: option, text: option.text, folded: fold(option.text)};
    }).filter(function (item) { return item.option.value !== ""; });
  }

  // The items holding the query: those it begins first, each group in the select's order.
  function matching(items, query) {
    var folded = fold(query), first = [], rest = [];
    items.forEach(function (item) {
      var at = item.folded.indexOf(folded);
      if (at === 0) {
        first.push(item);
      } else if (at > 0) {
        rest.push(item);
      }
    });
    return first.concat(rest);
  }

  // A number in pt-BR ("1.234") and the word agreeing with it (docs/ui.md, "Plurais").
  function number(count) {
    return count.toLocaleString("pt-BR");
  }

  function plural(count, one, many) {
    return number(count) + " " + (count <= 1 ? one : many);
  }

  // The select gives its id to the control that replaces it (its label then names that
  // control), its description and its state, and leaves the keyboard and the accessibility tree.
  function takeOver(select, control, wrapper) {
    var label = select.id && document.querySelector('label[for="' + CSS.escape(select.id) + '"]');
    var id = select.id || "select-search-" + Math.random().toString(36).slice(2);
    select.id = id + "-select";
    control.id = id;
    control.disabled = select.disabled;
    ["aria-describedby", "aria-invalid", "aria-label", "aria-labelledby"].forEach(function (name) {
      if (select.hasAttribute(name)) {
        control.setAttribute(name, select.getAttribute(name));
      }
    });
    if (label && !label.id) {
      label.id = id + "-label";
    }
    select.parentNode.insertBefore(wrapper, select);
    wrapper.appendChild(select);
    select.classList.add("visually-hidden");
    select.tabIndex = -1;
    select.setAttribute("aria-hidden", "true");
    // A script focusing the select (order-form.js after its reload) reaches the control.
    select.addEventListener("focus", function () { control.focus(); });
    return {id: id, label: label};
  }

  // The listbox or the group is named as the select was.
  function nameFrom(element, taken, control) {
    if (taken.label) {
      element.setAttribute("aria-labelledby", taken.label.id);
    } else {
      ["aria-label", "aria-labelledby"].forEach(function (name) {
        if (control.hasAttribute(name)) {
          element.setAttribute(name, control.getAttribute(name));
        }
      });
    }
  }

  function changed(select) {
    select.dispatchEvent(new Event("input", {bubbles: true}));
    select.dispatchEvent(new Event("change", {bubbles: true}));
  }

  function combobox(select) {
    var items = itemsOf(select), shown = [], active = -1;
    var wrapper = make("div", {className: "select-search"});
    var input = make("input", {
      type: "text", role: "combobox", autocomplete: "off", spellcheck: false,
      className: "select-search-input", "aria-autocomplete": "list", "aria-expanded": "false"
    });
    var popup = make("div", {className: "select-search-popup", hidden: true});
    var listbox = make("ul", {role: "listbox"});
    var count = make("p", {className: "select-search-count", role: "status"});
    var empty = select.querySelector('option[value=""]');
    wrapper.append(input, popup);
    popup.append(listbox, count);
    var taken = takeOver(select, input, wrapper);
    listbox.id = taken.id + "-listbox";
    input.setAttribute("aria-controls", listbox.id);
    nameFrom(listbox, taken, input);
    if (select.required) {
      input.setAttribute("aria-required", "true");
    }
    input.placeholder = empty && /\w/.test(empty.text) ? empty.text : "Digite para buscar";

    function showChosen() {
      var option = select.options[select.selectedIndex];
      input.value = option && option.value !== "" ? option.text : "";
    }

    function setActive(position) {
      var previous = listbox.querySelector(".active");
      if (previous) {
        previous.classList.remove("active");
      }
      active = position;
      if (position < 0) {
        input.removeAttribute("aria-activedescendant");
        return;
      }
      var node = listbox.children[position];
      node.classList.add("active");
      input.setAttribute("aria-activedescendant", node.id);
      node.scrollIntoView({block: "nearest"});
    }

    // The options holding `query` ("" lists them all), at most SHOWN of them.
    function render(query) {
      var found = query ? matching(items, query) : items;
      shown = found.slice(0, SHOWN);
      listbox.replaceChildren.apply(listbox, shown.map(function (item) {
        var chosen = item.index === select.selectedIndex;
        var node = make("li", {
          role: "option", id: taken.id + "-option-" + item.index, textContent: item.text,
          "aria-selected": chosen ? "true" : "false"
        });
        if (item.option.disabled) {
          node.setAttribute("aria-disabled", "true");
        }
        return node;
      }));
      listbox.hidden = !shown.length;
      count.textContent = !found.length ? "Nenhum resultado" :
        found.length > shown.length ?
          "Mostrando " + number(shown.length) + " de " + number(found.length) + "; digite para filtrar" :
          plural(found.length, "resultado", "resultados");
      active = -1;
      var chosenAt = shown.findIndex(function (item) { return item.index === select.selectedIndex; });
      setActive(query ? (shown.length ? 0 : -1) : chosenAt);
    }

    function open(query) {
      render(query);
      popup.hidden = false;
      input.setAttribute("aria-expanded", "true");
      if (active >= 0) {
        listbox.children[active].scrollIntoView({block: "nearest"});
      }
    }

    function close() {
      popup.hidden = true;
      input.setAttribute("aria-expanded", "false");
      setActive(-1);
    }

    function choose(position) {
      var item = shown[position];
      if (!item || item.option.disabled) {
        return;
      }
      input.setCustomValidity("");
      if (select.selectedIndex !== item.index) {
        select.selectedIndex = item.index;
        changed(select);
      }
      showChosen();
      close();
    }

    input.addEventListener("input", function () { open(input.value); });
    input.addEventListener("click", function () {
      if (popup.hidden) {
        open("");
      }
    });
    input.addEventListener("keydown", function (event) {
      var last = shown.length - 1, isOpen = !popup.hidden;
      if (event.altKey || event.ctrlKey || event.metaKey) {
        return;
      }
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (!isOpen) {
          open("");
        } else if (last >= 0) {
          var step = event.key === "ArrowDown" ? 1 : -1;
          setActive(active < 0 ? (step > 0 ? 0 : last) : Math.min(last, Math.max(0, active + step)));
        }
      } else if ((event.key === "Home" || event.key === "End") && isOpen && last >= 0 && !event.shiftKey) {
        event.preventDefault();
        setActive(event.key === "Home" ? 0 : last);
      } else if (event.key === "Enter" && isOpen) {
        event.preventDefault();  // the form is sent only with a choice made
        choose(active);
      } else if (event.key === "Escape" && isOpen) {
        event.preventDefault();
        close();
        showChosen();
      }
    });
    // Leaving the box keeps the choice made: an emptied box chooses the empty option.
    input.addEventListener("blur", function () {
      close();
      if (!input.value.trim() && empty && select.value !== "") {
        select.value = "";
        changed(select);
      }
      showChosen();
    });
    listbox.addEventListener("mousedown", function (event) {
      event.preventDefault();  // the focus stays in the box
    });
    listbox.addEventListener("click", function (event) {
      var node = event.target.closest("[role=option]");
      if (node) {
        choose(Array.prototype.indexOf.call(listbox.children, node));
      }
    });
    select.addEventListener("change", showChosen);
    // A required select left empty: the browser's message shows on the box.
    select.addEventListener("invalid", function (event) {
      event.preventDefault();
      input.setCustomValidity(select.validationMessage);
      input.reportValidity();
    });
    showChosen();
  }

  function checklist(select) {
    var items = itemsOf(select);
    var wrapper = make("div", {className: "select-search select-search-multiple", role: "group"});
    var input = make("input", {
      type: "search", autocomplete: "off", spellcheck: false, className: "select-search-input",
      placeholder: "Digite para filtrar"
    });
    var actions = make("div", {className: "select-search-actions"});
    var all = make("button", {type: "button", className: "secondary", textContent: "Selecionar visíveis"});
    var none = make("button", {type: "button", className: "secondary", textContent: "Limpar"});
    var chosen = make("span", {className: "select-search-chosen", role: "status"});
    var list = make("div", {className: "select-search-checks"});
    var count = make("p", {className: "select-search-count"});
    actions.append(all, none, chosen);
    wrapper.append(input, count, list, actions);
    var taken = takeOver(select, input, wrapper);
    nameFrom(wrapper, taken, input);
    list.id = taken.id + "-checks";
    count.id = taken.id + "-count";
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-describedby",
      [input.getAttribute("aria-describedby"), count.id].filter(Boolean).join(" "));
    items.forEach(function (item) {
      var box = make("input", {type: "checkbox", checked: item.option.selected, disabled: item.option.disabled});
      item.box = box;
      item.row = make("label");
      item.row.append(box, document.createTextNode(" " + item.text));
      list.appendChild(item.row);
    });

    function counted() {
      chosen.textContent = plural(select.selectedOptions.length, "selecionado", "selecionados");
    }

    function filter() {
      var found = new Set(matching(items, input.value)), shown = 0;
      items.forEach(function (item) {
        item.row.hidden = !found.has(item);
        shown += item.row.hidden ? 0 : 1;
      });
      list.hidden = !shown;
      count.textContent = !shown ? "Nenhum resultado" : "Mostrando " + number(shown) + " de " + number(items.length);
    }

    function mark(chosenItems, selected) {
      chosenItems.forEach(function (item) {
        if (!item.option.disabled) {
          item.option.selected = item.box.checked = selected;
        }
      });
      changed(select);
      counted();
    }

    input.addEventListener("input", filter);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();  // Enter filters, it does not send the form
      }
    });
    list.addEventListener("change", function (event) {
      var item = items.find(function (candidate) { return candidate.box === event.target; });
      if (item) {
        mark([item], item.box.checked);
      }
    });
    all.addEventListener("click", function () {
      mark(items.filter(function (item) { return !item.row.hidden; }), true);
    });
    none.addEventListener("click", function () { mark(items, false); });
    filter();
    counted();
  }

  function enhance(root) {
    root.querySelectorAll("select").forEach(function (select) {
      if (select.dataset.selectSearchReady !== undefined) {
        return;
      }
      var marked = select.hasAttribute("data-select-search");
      if (select.multiple && marked) {
        select.dataset.selectSearchReady = "";
        checklist(select);
      } else if (!select.multiple && (marked || select.options.length > THRESHOLD)) {
        select.dataset.selectSearchReady = "";
        combobox(select);
      }
    });
  }

  enhance(document);
  // Content that htmx brings into the page.
  document.addEventListener("htmx:load", function (event) { enhance(event.target); });
})();
