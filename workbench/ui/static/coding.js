// DocumentView: a document turn by turn, codings highlighted, the reader's selection
// sent to Python as {start, end, text} in code points of the stored text.
//
// Every piece of text is a <span class="wb-piece" data-start data-end> holding one
// text node; data-start is the piece's offset in the document (code points). DOM
// offsets are UTF-16 units, so an offset inside a piece is converted by counting
// code points (a surrogate pair is one code point). A name shown as its pseudonym
// (data-name) is whole: a selection touching it takes all of it.
//
// With a recording (doc.media), an <audio> or <video> element with the browser's own
// controls stays above the text; its source is the server's media route, streamed with
// range requests (no sound goes through the widget). Each turn's time (computed in
// Python, p.media.timeline) is a button: a click seeks there and plays, in the page.
// The `cue` trait {start, end, count} plays a passage and pauses at its end.

const HIGHLIGHT = "wb-pending-selection";
const MAX_BANDS = 4;

/** Code points in the first `units` UTF-16 units of `text`. */
export function codePoints(text, units) {
  let count = 0;
  for (let i = 0; i < units && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

/** {start, end, text} of a DOM range over the pieces under `root`, or null. */
export function rangeOffsets(root, range) {
  let start = null;
  let end = null;
  let text = "";
  for (const piece of root.querySelectorAll(".wb-piece")) {
    const node = piece.firstChild;
    if (!node || !range.intersectsNode(node)) continue;
    let a = range.startContainer === node ? range.startOffset : 0;
    let b = range.endContainer === node ? range.endOffset : node.data.length;
    if (a >= b) continue;
    const first = Number(piece.dataset.start);
    let s, e;
    if (piece.dataset.name !== undefined) {
      s = first;
      e = Number(piece.dataset.end);
      a = 0;
      b = node.data.length;
    } else {
      s = first + codePoints(node.data, a);
      e = first + codePoints(node.data, b);
    }
    if (start === null) start = s;
    end = e;
    text += node.data.slice(a, b);
  }
  return start === null ? null : { start, end, text };
}

function rgba(hex, alpha) {
  let h = hex.replace("#", "");
  if (h.length === 3) h = h.split("").map((c) => c + c).join("");
  const n = parseInt(h, 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

function styleMarks(span, marks) {
  const accepted = marks.filter((m) => m.status !== "suggested");
  const suggested = marks.filter((m) => m.status === "suggested");
  if (accepted.length) {
    span.style.backgroundColor = rgba(accepted[0].color, 0.22);
    // One 3px band per coding (at most MAX_BANDS), stacked in a bottom padding under the
    // text: overlapping codings stay visible without covering the letters.
    const bands = accepted.slice(0, MAX_BANDS);
    span.style.paddingBottom = `${3 * bands.length}px`;
    span.style.boxShadow = bands
      .map((m, i) => `inset 0 -${3 * (i + 1)}px 0 0 ${m.color}`)
      .join(", ");
    span.classList.add("wb-coded");
  }
  if (suggested.length) {
    span.style.outline = `1px dashed ${suggested[0].color}`;
    span.classList.add("wb-suggested");
  }
  span.dataset.codes = marks.map((m) => m.code).join(" ");
  span.dataset.codings = marks.map((m) => m.id).join(" ");
  span.title = marks
    .map((m) => m.path
      + (m.status === "suggested" ? ` (proposition${m.source ? ` : ${m.source}` : ""})` : "")
      + (m.memo ? ` — ${m.memo}` : ""))
    .join("\n");
}

function legend(doc) {
  const box = document.createElement("div");
  box.className = "wb-legend";
  const seen = new Map();
  for (const m of doc.codings || []) {
    if (m.status !== "suggested" && !seen.has(m.code)) seen.set(m.code, m);
  }
  for (const m of seen.values()) {
    const item = document.createElement("span");
    item.className = "wb-legend-item";
    const swatch = document.createElement("span");
    swatch.className = "wb-swatch";
    swatch.style.backgroundColor = m.color;
    item.append(swatch, document.createTextNode(m.path));
    box.append(item);
  }
  if ((doc.codings || []).some((m) => m.status === "suggested")) {
    const item = document.createElement("span");
    item.className = "wb-legend-item wb-legend-suggested";
    item.textContent = "pointillés : propositions à valider";
    box.append(item);
  }
  return box;
}

function timeButton(time) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "wb-time";
  if (time.estimated) button.classList.add("wb-estimated");
  button.textContent = time.label;
  button.title = time.title;
  button.setAttribute("aria-label", time.title);
  button.dataset.t = time.start;
  return button;
}

function drawTurns(container, doc, emptyText) {
  const marks = doc.codings || [];
  const timed = Boolean(doc.media);
  container.classList.toggle("wb-timed", timed);
  const frag = document.createDocumentFragment();
  for (const turn of doc.turns || []) {
    const row = document.createElement("div");
    row.className = `wb-turn wb-role-${turn.role || "none"}`;
    row.dataset.idx = turn.idx;
    row.dataset.start = turn.start;
    row.dataset.end = turn.end;
    if (timed) {
      const cell = document.createElement("div");
      cell.className = "wb-time-cell";
      if (turn.time) {
        row.dataset.t0 = turn.time.start;
        if (turn.time.end !== null) row.dataset.t1 = turn.time.end;
        cell.append(timeButton(turn.time));
      }
      row.append(cell);
    }
    const speaker = document.createElement("div");
    speaker.className = "wb-speaker";
    speaker.textContent = turn.speaker || "—";
    const body = document.createElement("div");
    body.className = "wb-text";
    body.dir = turn.dir;
    for (const piece of turn.pieces) {
      const span = document.createElement("span");
      span.className = "wb-piece";
      span.dataset.start = piece.start;
      span.dataset.end = piece.end;
      if (piece.name) {
        span.dataset.name = "";
        span.classList.add("wb-name");
      }
      span.textContent = piece.text;
      if (piece.marks.length) styleMarks(span, piece.marks.map((i) => marks[i]));
      body.append(span);
    }
    row.append(speaker, body);
    frag.append(row);
  }
  if (!(doc.turns || []).length) {
    const empty = document.createElement("p");
    empty.className = "wb-empty";
    empty.textContent = emptyText;
    frag.append(empty);
  }
  container.replaceChildren(frag);
}

function render({ model, el }) {
  const root = document.createElement("div");
  root.className = "wb-document";
  const bar = document.createElement("div");
  bar.className = "wb-media";
  bar.hidden = true;
  const note = document.createElement("div");
  note.className = "wb-media-note";
  bar.append(note);
  const head = document.createElement("div");
  const scroller = document.createElement("div");
  scroller.className = "wb-scroller";
  root.append(bar, head, scroller);
  el.append(root);

  // -- the recording -------------------------------------------------------------------
  let player = null; // the <audio>/<video> element of the document shown
  let playerSrc = null;
  let stopAt = null; // seconds: where a cue pauses
  let cueStart = null;
  let drawnNote = ""; // the model's French line about the recording

  function say(text) {
    note.textContent = text || "";
    note.hidden = !text;
  }

  function stopPlayer() {
    if (!player) return;
    player.pause();
    player.removeAttribute("src"); // stop streaming the former recording
    player.load();
    player = null;
    stopAt = null;
  }

  function markPlaying() {
    const t = player ? player.currentTime : -1;
    for (const row of scroller.querySelectorAll(".wb-turn[data-t0]")) {
      const t0 = Number(row.dataset.t0);
      const t1 = row.dataset.t1 === undefined ? t0 : Number(row.dataset.t1);
      row.classList.toggle("wb-playing", player !== null && t >= t0 && t < t1);
    }
  }

  function checkStop() {
    if (player && stopAt !== null && player.currentTime >= stopAt) {
      stopAt = null;
      player.pause();
    }
  }

  function watch() {
    // timeupdate comes every ~250 ms: look at each frame too, to pause close to the end
    if (!player || stopAt === null || player.paused) return;
    checkStop();
    if (stopAt !== null) requestAnimationFrame(watch);
  }

  function playFrom(start, end) {
    if (!player) return;
    const element = player;
    const go = () => {
      if (element !== player) return;
      stopAt = end === null || end === undefined ? null : Number(end);
      cueStart = Number(start);
      element.currentTime = Number(start);
      say(drawnNote);
      const started = element.play();
      if (started && started.then) {
        started.then(() => requestAnimationFrame(watch)).catch((error) => {
          if (error && error.name === "AbortError") return; // another seek came first
          say("Le navigateur n'a pas lancé la lecture : cliquez sur ▶ dans le lecteur.");
        });
      }
    };
    if (element.readyState >= 1) go(); // HAVE_METADATA: seeking is possible
    else element.addEventListener("loadedmetadata", go, { once: true });
  }

  function makePlayer(media) {
    const element = document.createElement(media.kind === "video" ? "video" : "audio");
    element.className = "wb-player";
    element.controls = true;
    element.preload = "metadata";
    element.src = media.src;
    element.addEventListener("timeupdate", () => {
      checkStop();
      markPlaying();
    });
    element.addEventListener("seeking", () => {
      // a seek of the reader's own (the controls) ends the cue
      if (cueStart === null || Math.abs(element.currentTime - cueStart) > 0.05) stopAt = null;
      cueStart = null;
    });
    element.addEventListener("seeked", markPlaying);
    element.addEventListener("error", () => {
      if (element === player) {
        say("Le serveur ne donne pas cet enregistrement : rechargez la page (ou relancez "
          + "JupyterLab avec `make lab`).");
      }
    });
    return element;
  }

  function drawMedia(doc) {
    const media = doc.media || null;
    const src = media ? media.src : null;
    if (src !== playerSrc) {
      stopPlayer(); // switching documents stops the former recording
      playerSrc = src;
      bar.replaceChildren(note);
      if (media) {
        player = makePlayer(media);
        const hint = document.createElement("span");
        hint.className = "wb-media-hint";
        hint.textContent = "Cliquez sur le temps d'un tour pour l'écouter à partir de là.";
        note.before(player, hint);
      }
    }
    drawnNote = doc.media_note || "";
    say(drawnNote);
    bar.hidden = !media && !drawnNote;
  }

  function onTimeClick(event) {
    const button = event.target.closest(".wb-time");
    if (!button || !scroller.contains(button)) return;
    event.preventDefault();
    playFrom(Number(button.dataset.t), null);
  }

  function keepSelection(event) {
    // a click on a time must not drop the passage selected in the text
    if (event.target.closest(".wb-time")) event.preventDefault();
  }

  function onCue() {
    const cue = model.get("cue") || {};
    if (cue.start === undefined) return;
    playFrom(cue.start, cue.end);
  }

  const canHighlight = typeof CSS !== "undefined" && CSS.highlights && typeof Highlight !== "undefined";

  function clearMark() {
    if (canHighlight) CSS.highlights.delete(HIGHLIGHT);
  }

  function draw() {
    const top = scroller.scrollTop;
    const doc = model.get("doc") || {};
    drawMedia(doc);
    head.replaceChildren(legend(doc));
    drawTurns(scroller, doc, model.get("empty_text"));
    scroller.scrollTop = top;
    markPlaying();
    clearMark();
  }

  function send(value) {
    model.set("selection", value);
    model.save_changes();
  }

  function onRelease(event) {
    // the player's controls and the turns' times leave the selection as it is
    if (event.target instanceof Node && (bar.contains(event.target)
        || (event.target.closest && event.target.closest(".wb-time")))) return;
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0) return;
    const range = selection.getRangeAt(0);
    if (range.collapsed) {
      // A click in the text (not elsewhere on the page) drops the previous selection.
      if (scroller.contains(event.target) && Object.keys(model.get("selection")).length) {
        clearMark();
        send({});
      }
      return;
    }
    if (!range.intersectsNode(scroller)) return;
    const found = rangeOffsets(scroller, range);
    if (!found) return;
    if (canHighlight) CSS.highlights.set(HIGHLIGHT, new Highlight(range.cloneRange()));
    send(found);
  }

  function onFocus() {
    const focus = model.get("focus") || {};
    if (focus.start === undefined) return;
    const hits = [...scroller.querySelectorAll(".wb-piece")].filter(
      (p) => Number(p.dataset.start) < focus.end && Number(p.dataset.end) > focus.start);
    if (!hits.length) return;
    hits[0].scrollIntoView({ block: "center", behavior: "smooth" });
    for (const p of hits) {
      p.classList.remove("wb-flash");
      void p.offsetWidth; // restart the animation
      p.classList.add("wb-flash");
    }
  }

  function onSelection() {
    if (!Object.keys(model.get("selection")).length) clearMark();
  }

  draw();
  model.on("change:doc", draw);
  model.on("change:focus", onFocus);
  model.on("change:selection", onSelection);
  model.on("change:cue", onCue);
  scroller.addEventListener("click", onTimeClick);
  scroller.addEventListener("mousedown", keepSelection);
  document.addEventListener("mouseup", onRelease);
  document.addEventListener("keyup", onRelease);
  return () => {
    model.off("change:doc", draw);
    model.off("change:focus", onFocus);
    model.off("change:selection", onSelection);
    model.off("change:cue", onCue);
    document.removeEventListener("mouseup", onRelease);
    document.removeEventListener("keyup", onRelease);
    stopPlayer();
    clearMark();
  };
}

export default { render };
