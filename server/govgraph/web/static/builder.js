// The change builder's name fields as comboboxes (WAI-ARIA combobox pattern, list autocomplete):
// suggestions from /changes/pick and from bodies set up earlier in the same form. Without this
// script the fields stay plain text inputs and the server matches the names typed.
(function () {
  "use strict";
  let counter = 0;

  function newBodies(input) {
    const names = [];
    for (const field of document.querySelectorAll("input[data-new-body]")) {
      if (field.value.trim() && field.closest("fieldset") !== input.closest("fieldset")) {
        names.push({ iri: "", label: field.value.trim(), note: "set up in this proposal" });
      }
    }
    return names;
  }

  function enhance(input) {
    counter += 1;
    const list = document.createElement("ul");
    const status = document.createElement("span");
    const wrap = document.createElement("div");
    list.id = `combo-${counter}-list`;
    list.className = "combo-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggestions");
    list.hidden = true;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    wrap.className = "combo";
    input.parentNode.insertBefore(wrap, input);
    wrap.append(input, list, status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    let active = -1;
    let timer = null;
    let asked = 0;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function highlight(index) {
      const options = list.querySelectorAll("li");
      options.forEach((li, i) => li.setAttribute("aria-selected", i === index ? "true" : "false"));
      active = index;
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }
    function choose(li) {
      input.value = li.dataset.label;
      close();
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
    function show(items) {
      list.replaceChildren();
      items.forEach((item, i) => {
        const li = document.createElement("li");
        li.id = `${list.id}-${i}`;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.dataset.label = item.label;
        li.textContent = item.note ? `${item.label} (${item.note})` : item.label;
        li.addEventListener("mousedown", (event) => { event.preventDefault(); choose(li); });
        list.append(li);
      });
      status.textContent = items.length ? `${items.length} suggestions` : "No suggestions";
      list.hidden = !items.length;
      input.setAttribute("aria-expanded", items.length ? "true" : "false");
      active = -1;
    }
    async function suggest() {
      const text = input.value.trim();
      if (text.length < 2) { close(); return; }
      const ask = ++asked;
      const kind = input.dataset.pick;
      const local = kind === "body"
        ? newBodies(input).filter((b) => b.label.toLowerCase().includes(text.toLowerCase()))
        : [];
      try {
        const response = await fetch(`/changes/pick?kind=${encodeURIComponent(kind)}&q=${encodeURIComponent(text)}`,
                                      { headers: { Accept: "application/json" } });
        const found = response.ok ? await response.json() : [];
        if (ask === asked) show(local.concat(found));
      } catch (error) {
        if (ask === asked) show(local);
      }
    }
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(suggest, 120);
    });
    input.addEventListener("keydown", (event) => {
      const options = list.querySelectorAll("li");
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (list.hidden) { suggest(); return; }
        highlight(Math.min(active + 1, options.length - 1));
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight(Math.max(active - 1, 0));
      } else if (event.key === "Enter" && !list.hidden && active >= 0) {
        event.preventDefault();
        choose(options[active]);
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", () => setTimeout(close, 150));
  }

  document.querySelectorAll("input.picker").forEach(enhance);
})();
