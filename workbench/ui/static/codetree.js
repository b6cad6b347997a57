// CodeTree: the codebook as an indented list with colour swatches and check boxes.
// Typing in the search box sends `query`; Python answers with `visible` (matches and
// their ancestors) and `matching`. Ticking a box updates `selected`.

function render({ model, el }) {
  const box = document.createElement("div");
  box.className = "wb-tree";
  const search = document.createElement("input");
  search.type = "search";
  search.className = "wb-tree-search";
  search.placeholder = "Rechercher un code…";
  search.setAttribute("aria-label", "Rechercher un code");
  search.value = model.get("query");
  const list = document.createElement("div");
  list.className = "wb-tree-list";
  list.setAttribute("role", "group");
  const chosen = document.createElement("div");
  chosen.className = "wb-tree-chosen";
  box.append(search, list, chosen);
  el.append(box);

  function toggle(key, on) {
    const wanted = new Set(model.get("selected"));
    if (on) wanted.add(key);
    else wanted.delete(key);
    const order = model.get("codes").map((c) => c.key);
    model.set("selected", order.filter((k) => wanted.has(k)));
    model.save_changes();
  }

  function draw() {
    const visible = new Set(model.get("visible"));
    const matching = new Set(model.get("matching"));
    const selected = new Set(model.get("selected"));
    const codes = model.get("codes");
    const rows = [];
    for (const code of codes) {
      if (!visible.has(code.key)) continue;
      const row = document.createElement("label");
      row.className = "wb-code" + (matching.has(code.key) ? "" : " wb-context");
      row.dataset.key = code.key;
      row.style.paddingLeft = `${0.4 + 1.2 * code.depth}em`;
      row.title = code.path + (code.description ? `\n${code.description}` : "");
      const tick = document.createElement("input");
      tick.type = "checkbox";
      tick.checked = selected.has(code.key);
      tick.addEventListener("change", () => toggle(code.key, tick.checked));
      const swatch = document.createElement("span");
      swatch.className = "wb-swatch";
      swatch.style.backgroundColor = code.color;
      const name = document.createElement("span");
      name.textContent = code.name;
      row.append(tick, swatch, name);
      rows.push(row);
    }
    if (!rows.length) {
      const none = document.createElement("div");
      none.className = "wb-empty";
      none.textContent = "Aucun code ne correspond à la recherche.";
      rows.push(none);
    }
    list.replaceChildren(...rows);
    const names = codes.filter((c) => selected.has(c.key)).map((c) => c.name);
    chosen.textContent = names.length ? `Codes choisis : ${names.join(", ")}` : "Aucun code choisi.";
  }

  function onInput() {
    model.set("query", search.value);
    model.save_changes();
  }

  function onQuery() {
    if (search.value !== model.get("query")) search.value = model.get("query");
  }

  search.addEventListener("input", onInput);
  const events = ["change:visible", "change:matching", "change:selected", "change:codes"];
  for (const name of events) model.on(name, draw);
  model.on("change:query", onQuery);
  draw();
  return () => {
    for (const name of events) model.off(name, draw);
    model.off("change:query", onQuery);
  };
}

export default { render };
