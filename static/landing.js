// The report page, reached from a search result (/reports/<slug>/<year>/?q=<query>#t<N>): mark every
// place of the terms in the report's text, open the folded source table that holds the passage,
// bring the passage on screen, and offer to step through the places or clear the marks.
//
// Why a script and not the browser's own text fragments (#:~:text=): they match whole words,
// which Chinese does not have, mark one place only and cannot open a <details>. The terms are
// read and matched as search.js does (fold, parseQuery): this file loads that module by the URL
// its <script> names (static files are fingerprinted, so no fixed import path). A paragraph that
// a PDF wrapped over several lines is several blocks on the page; the report's text shard says
// which blocks run on into the next, so a term across them is marked too, and never a term
// across two paragraphs or two table cells.

const TEXT = document.getElementById("report-text");
const SCRIPT = document.querySelector("script[data-search-module]");
const QUERY = new URLSearchParams(location.search).get("q")?.trim();

/** Blocks that run on into the next (0-based), from the text shard beside the page. */
async function joinedBlocks() {
  try {
    const r = await fetch(`${location.pathname}text.json`);
    return new Set(r.ok ? (await r.json()).joined ?? [] : []);
  } catch {
    return new Set();
  }
}

/** The text nodes of a block as the reader sees its text (not the summary of a folded table). */
function textNodes(block) {
  const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT, {
    acceptNode: (n) => (n.parentElement.closest("summary") || n.parentElement.tagName === "DETAILS"
      ? NodeFilter.FILTER_REJECT
      : NodeFilter.FILTER_ACCEPT),
  });
  const out = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) out.push(n);
  return out;
}

/** The page's blocks (#t1, #t2 …) grouped into passages: a block and those it runs on into. */
function passages(joined) {
  const out = [];
  let cur = null;
  for (const block of TEXT.querySelectorAll(":scope > [id^=t]")) {
    const i = Number(block.id.slice(1)) - 1;
    if (!cur) {
      cur = [];
      out.push(cur);
    }
    cur.push(block);
    if (!joined.has(i)) cur = null;
  }
  return out;
}

/** Ranges [start, end) of every place of the folded terms in the folded text, merged. */
function ranges(low, terms) {
  const found = [];
  for (const t of terms) {
    for (let i = low.indexOf(t); i >= 0; i = low.indexOf(t, i + t.length)) found.push([i, i + t.length]);
  }
  found.sort((a, b) => a[0] - b[0]);
  const merged = [];
  for (const r of found) {
    const last = merged.at(-1);
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([...r]);
  }
  return merged;
}

/** Wrap [start, end) of the passage's text in <mark>s, one per text node it crosses; returns them. */
function markRange(nodes, start, end) {
  const marks = [];
  let at = 0;
  for (const node of nodes) {
    const from = Math.max(start, at);
    const to = Math.min(end, at + node.length);
    at += node.length;
    if (from >= to) continue;
    const offset = from - (at - node.length);
    const piece = offset ? node.splitText(offset) : node;
    if (to - from < piece.length) piece.splitText(to - from);
    const mark = document.createElement("mark");
    mark.className = "hit";
    piece.replaceWith(mark);
    mark.append(piece);
    marks.push(mark);
  }
  return marks;
}

/** Mark every place of the terms; returns the places in text order, each its marks. */
function markAll(terms, joined) {
  const places = [];
  for (const blocks of passages(joined)) {
    const nodes = blocks.flatMap(textNodes);
    const low = terms.fold(nodes.map((n) => n.data).join(""));
    const found = ranges(low, terms.folded);
    const marked = [];
    // From the last place back, so that splitting a text node leaves earlier offsets valid.
    for (let j = found.length - 1; j >= 0; j--) marked[j] = markRange(nodes, ...found[j]);
    places.push(...marked);
  }
  return places;
}

function clear(places, bar) {
  for (const mark of places.flat()) {
    const parent = mark.parentNode;
    mark.replaceWith(...mark.childNodes);
    parent.normalize();
  }
  bar.remove();
  history.replaceState(null, "", `${location.pathname}${location.hash}`);
}

/** Bring place ``k`` on screen: open the folded table around it, scroll it to the middle. */
function show(places, k, bar) {
  for (const m of document.querySelectorAll("mark.hit-current")) m.classList.remove("hit-current");
  const marks = places[k];
  for (const m of marks) m.classList.add("hit-current");
  const details = marks[0].closest("details");
  if (details) details.open = true;
  marks[0].scrollIntoView({ block: "center" });
  bar.querySelector(".hit-bar-count").textContent = `第 ${k + 1} / ${places.length} 处`;
}

function button(text, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = text;
  b.addEventListener("click", onClick);
  return b;
}

/** The bar at the foot of the screen: which place, previous, next, clear the marks. */
function bar(termsText, places) {
  const el = document.createElement("div");
  el.className = "hit-bar";
  el.setAttribute("role", "region");
  el.setAttribute("aria-label", "检索词标记");
  const label = document.createElement("span");
  label.className = "hit-bar-label";
  label.textContent = `已标出${termsText}`;
  const count = document.createElement("span");
  count.className = "hit-bar-count";
  count.setAttribute("aria-live", "polite");
  let k = 0;
  const step = (d) => {
    k = (k + d + places.length) % places.length;
    show(places, k, el);
  };
  el.append(label, count, button("上一处", () => step(-1)), button("下一处", () => step(1)),
    button("清除标记", () => clear(places, el)));
  el.place = (i) => {
    k = i;
    show(places, k, el);
  };
  return el;
}

async function land() {
  const [search, joined] = await Promise.all([import(SCRIPT.dataset.searchModule), joinedBlocks()]);
  const parsed = search.parseQuery(QUERY);
  const terms = { fold: search.fold, folded: parsed.map(search.fold).filter(Boolean) };
  if (!terms.folded.length) return;
  const places = markAll(terms, joined);
  if (!places.length) return; // only in the names or table labels: nothing to mark in the text
  const quoted = parsed.map((t) => `“${t}”`).join("、");
  const el = bar(quoted, places);
  document.body.append(el);
  document.body.classList.add("has-hit-bar");
  // The passage the result linked to (#t<N>), else the first place.
  const target = location.hash && document.getElementById(location.hash.slice(1));
  const first = target ? places.findIndex((marks) => marks.some((m) => target.contains(m))) : -1;
  el.place(Math.max(0, first));
  TEXT.dataset.hits = String(places.length);
}

if (TEXT && SCRIPT && QUERY) land().catch((err) => console.warn("landing:", err));
