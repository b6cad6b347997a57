// SimilarList: passages like the selected one, best first. Each line has a check box
// (ticking updates `chosen`), a reference button (a click sets `shown`, and Python
// shows the passage in the document view), the score, the speaker, the text and the
// codes already on the passage.

function render({ model, el }) {
  const box = document.createElement("div");
  box.className = "wb-similar-list";
  const head = document.createElement("label");
  head.className = "wb-similar-head";
  const all = document.createElement("input");
  all.type = "checkbox";
  all.className = "wb-similar-all";
  const count = document.createElement("span");
  head.append(all, count);
  const list = document.createElement("div");
  list.className = "wb-similar-lines";
  list.setAttribute("role", "group");
  box.append(head, list);
  el.append(box);

  function setChosen(keys) {
    const order = model.get("items").map((item) => item.key);
    const wanted = new Set(keys);
    model.set("chosen", order.filter((k) => wanted.has(k)));
    model.save_changes();
  }

  function toggle(key, on) {
    const wanted = new Set(model.get("chosen"));
    if (on) wanted.add(key);
    else wanted.delete(key);
    setChosen([...wanted]);
  }

  function show(key) {
    const count = Number((model.get("shown") || {}).count || 0) + 1;
    model.set("shown", { key, count });
    model.save_changes();
  }

  function line(item, chosen) {
    const row = document.createElement("div");
    row.className = "wb-similar-item" + (chosen.has(item.key) ? " wb-chosen" : "");
    row.dataset.key = item.key;
    row.dataset.reference = item.reference;
    row.dataset.document = item.document;
    row.dataset.start = item.start;
    row.dataset.end = item.end;
    const tick = document.createElement("input");
    tick.type = "checkbox";
    tick.checked = chosen.has(item.key);
    tick.setAttribute("aria-label", `Choisir ${item.reference}`);
    tick.addEventListener("change", () => toggle(item.key, tick.checked));
    const ref = document.createElement("button");
    ref.type = "button";
    ref.className = "wb-similar-ref";
    ref.textContent = item.reference;
    ref.title = "Afficher ce passage dans le document";
    ref.addEventListener("click", (event) => {
      event.stopPropagation();
      show(item.key);
    });
    const score = document.createElement("span");
    score.className = "wb-similar-score";
    score.textContent = item.score_label;
    score.title = "Ressemblance avec le passage sélectionné (de 0 à 1)";
    const bar = document.createElement("span");
    bar.className = "wb-similar-bar";
    bar.style.width = `${Math.round(Math.max(0, Math.min(1, item.score)) * 100)}%`;
    score.append(bar);
    const body = document.createElement("div");
    body.className = "wb-similar-body";
    if (item.speaker) {
      const who = document.createElement("span");
      who.className = "wb-similar-speaker";
      who.textContent = `${item.speaker} : `;
      body.append(who);
    }
    const text = document.createElement("span");
    text.className = "wb-similar-text";
    text.textContent = item.text;
    body.append(text);
    if (item.codes.length) {
      const codes = document.createElement("span");
      codes.className = "wb-similar-codes";
      codes.title = "Codes déjà posés sur ce passage";
      for (const code of item.codes) {
        const chip = document.createElement("span");
        chip.className = "wb-similar-code";
        chip.dataset.key = code.key;
        chip.style.borderColor = code.color;
        const swatch = document.createElement("span");
        swatch.className = "wb-swatch";
        swatch.style.backgroundColor = code.color;
        chip.append(swatch, document.createTextNode(code.name));
        codes.append(chip);
      }
      body.append(codes);
    }
    row.append(tick, ref, score, body);
    row.addEventListener("click", (event) => {
      if (event.target === tick) return;
      tick.checked = !tick.checked;
      toggle(item.key, tick.checked);
    });
    return row;
  }

  function draw() {
    const items = model.get("items") || [];
    const chosen = new Set(model.get("chosen"));
    head.hidden = !items.length;
    if (!items.length) {
      const empty = document.createElement("div");
      empty.className = "wb-empty";
      empty.textContent = model.get("empty_text");
      list.replaceChildren(empty);
      return;
    }
    list.replaceChildren(...items.map((item) => line(item, chosen)));
    syncChosen();
  }

  // Ticks change in place: the list is not drawn again, so it keeps its scroll.
  function syncChosen() {
    const items = model.get("items") || [];
    const chosen = new Set(model.get("chosen"));
    for (const row of list.querySelectorAll(".wb-similar-item")) {
      const on = chosen.has(Number(row.dataset.key));
      row.classList.toggle("wb-chosen", on);
      row.querySelector("input").checked = on;
    }
    const n = items.filter((item) => chosen.has(item.key)).length;
    all.checked = items.length > 0 && n === items.length;
    all.indeterminate = n > 0 && n < items.length;
    const s = (k) => (k > 1 ? "s" : "");
    count.textContent = n ? `${n} passage${s(n)} choisi${s(n)} sur ${items.length}`
      : `Tout choisir (${items.length} passage${s(items.length)})`;
  }

  all.addEventListener("change", () => {
    setChosen(all.checked ? model.get("items").map((item) => item.key) : []);
  });
  const events = ["change:items", "change:empty_text"];
  for (const name of events) model.on(name, draw);
  model.on("change:chosen", syncChosen);
  draw();
  return () => {
    for (const name of events) model.off(name, draw);
    model.off("change:chosen", syncChosen);
  };
}

export default { render };
