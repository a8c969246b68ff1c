// Exact full-text search of the annual reports, on top of Pagefind's search API.
//
// Why this file does its own query handling: Pagefind segments Chinese differently in the index
// and in the browser, so compounds such as 征地拆迁 were missed or matched wrongly. The index
// (portal/search.py) stores every character as one word (its code), with a word no query has
// between two runs of text; here a term of m characters becomes its m codes, searched as a
// Pagefind exact phrase, which only matches consecutive positions: the term occurs verbatim.
// fold(), code() and parseQuery() must stay identical to their Python twins in
// portal/search.py (the benchmark checks the result).

const BUNDLE = "/pagefind/";
const DATA = `${BUNDLE}portal/`;
const DEBOUNCE_MS = 60;
const EXCERPT_EAGER = 8; // without IntersectionObserver: excerpts of the first results only
const CONTEXT_BEFORE = 24;
const CONTEXT_AFTER = 60;
const MAX_EXCERPTS = 3;
const WIDE = "(min-width: 48em)"; // filters open; narrower (a phone), folded under their summary
const MAX_TERMS = 8;
const FILTERS = [
  ["agency", "机构"],
  ["year", "年度"],
  ["jurisdiction", "地区"],
  ["kind", "机构类型"],
];
const SEPARATORS = new Set(
  "\x00 \t\n\r\f\v\x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a",
);
const BOOKMARK_RE = /\[bookmark: [^\]\n]*\]/g;

// ------------------------------------------------------------------ terms (mirrors search.py)

/** Full-width ASCII to ASCII, ideographic space to space, A-Z to a-z: one unit to one unit. */
export function fold(text) {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0xff01 && c <= 0xff5e) c -= 0xfee0;
    else if (c === 0x3000) c = 0x20;
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    out += String.fromCharCode(c);
  }
  return out;
}

/** A code point as four base-36 letters, the way the index spells it. */
export function code(ch) {
  return ch.codePointAt(0).toString(36).padStart(4, "0");
}

/** "quoted phrases" (inner spaces kept) and space-separated words, deduplicated. */
export function parseQuery(query) {
  const terms = [];
  const re = /"([^"]*)"|(\S+)/g;
  const text = query.replace(/[“”]/g, '"');
  for (const m of text.matchAll(re)) {
    const term = m[1] !== undefined ? m[1].split(/\s+/).filter(Boolean).join(" ") : m[2];
    if (term && !terms.includes(term)) terms.push(term);
  }
  return terms.slice(0, MAX_TERMS);
}

function runs(folded) {
  const out = [];
  let run = "";
  for (const ch of folded) {
    if (SEPARATORS.has(ch)) {
      if (run) out.push(run);
      run = "";
    } else run += ch;
  }
  if (run) out.push(run);
  return out;
}

/** The Pagefind query of one run: its characters' codes as an exact phrase, or one code (a
 * prefix search, which matches only that 4-letter word). */
export function runQuery(run) {
  const codes = Array.from(run, code);
  return codes.length === 1 ? codes[0] : `"${codes.join(" ")}"`;
}

/** Pagefind queries for a term (one per run, with the folded run); a phrase with spaces needs its
 * candidates checked against the text. */
export function termPlan(term) {
  const parts = runs(fold(term));
  return { term, runs: parts, queries: parts.map(runQuery), verify: parts.length > 1 };
}

// ------------------------------------------------------------------ data

let pagefindPromise = null;
let catalogPromise = null;
const shardCache = new Map();
const merging = { next: 1, batch: 1, done: Promise.resolve() }; // cat.bundles[0] is the primary

function catalog() {
  catalogPromise ??= fetch(`${DATA}catalog.json`).then(async (r) => {
    if (!r.ok) throw new Error(`catalog: HTTP ${r.status}`);
    return prepare(await r.json());
  });
  return catalogPromise;
}

/** Pagefind with the primary bundle only; the others are merged as the search reaches their
 * slices (``bundlesThrough``). Why: Pagefind searches every merged bundle on every call and
 * fetches, from each, the index chunk of every character of the query (~24 KB each, whatever the
 * character), so with every bundle merged a reader who follows a search link waited for ~0.9 MB
 * of index before the first results; the newest slices are in the primary bundle
 * (portal/searchrecords.py plans them first, and a slice never spans two bundles). */
function pagefind() {
  pagefindPromise ??= (async () => {
    const pf = await import(`${BUNDLE}pagefind.js`);
    await pf.options({ basePath: BUNDLE });
    await pf.init();
    return pf;
  })();
  return pagefindPromise;
}

/** Merge the bundles into Pagefind in search order until ``bundle`` is merged, more at a time each
 * round (1, 2, 4 … bundles, fetched in parallel). Why rounds that double: a query whose first
 * results are in the next bundle waits for that bundle's chunks only, and an answer from the last
 * bundle waits for a few rounds, not one a bundle. Resolves when they are searchable. */
function bundlesThrough(pf, cat, bundle) {
  const needed = cat.bundles.indexOf(bundle);
  while (merging.next <= needed) {
    const batch = cat.bundles.slice(merging.next, merging.next + merging.batch);
    merging.next += batch.length;
    merging.batch *= 2;
    merging.done = Promise.all([merging.done, ...batch.map((b) => pf.mergeIndex(b))]);
  }
  return merging.done;
}

function textShard(entry) {
  const url = `/reports/${entry.slug}/${entry.year}/text.json`; // portal/searchtext.py
  if (!shardCache.has(url)) {
    shardCache.set(url, fetch(url).then((r) => (r.ok ? r.json() : Promise.reject(new Error(url)))));
  }
  return shardCache.get(url);
}

/** The catalog, with what searching needs from it computed once: each slice's reports with their
 * table masks, and the table labels folded. */
function prepare(cat) {
  const slices = cat.shards.map(([key]) => key); // in search order; a slice lies in one bundle
  const bundleOf = new Map(cat.shards);
  const members = new Map(slices.map((key) => [key, []]));
  for (const [id, row] of Object.entries(cat.pages)) {
    if (row[0] === "r") members.get(slices[row[3]])?.push([id, row[4]]);
  }
  const labelText = new Map(); // table mask → the labels of those tables, as report_document has them
  return {
    ...cat,
    slices,
    bundleOf,
    bundles: [...new Set(cat.shards.map(([, bundle]) => bundle))],
    members,
    foldedLabels: cat.labels.map(fold),
    labelsOf(mask) {
      if (!labelText.has(mask)) labelText.set(mask, cat.labels.filter((_, i) => mask & (1 << i)).join("\n"));
      return labelText.get(mask);
    },
  };
}

/** Catalog row → what a result shows. Rows: ["r", agency, year, slice, tables, title?] | ["a", agency]
 * | ["y", year]; slice: index into the distinct shard keys; tables: bit i for catalog.labels[i]. */
function describe(cat, row) {
  const [type] = row;
  if (type === "y") {
    return { type, year: row[1], url: `/years/${row[1]}/`, title: `${row[1]}年度报告一览` };
  }
  const [slug, name, kind, jurisdiction] = cat.agencies[row[1]];
  const base = { type, slug, agency: name, kind, jurisdiction };
  if (type === "a") return { ...base, url: `/agencies/${slug}/`, title: name };
  const year = row[2];
  return {
    ...base,
    year,
    url: `/reports/${slug}/${year}/`,
    title: row[5] ?? `${name}${year}年政府信息公开工作年度报告`,
    labels: cat.labelsOf(row[4]),
  };
}

// ------------------------------------------------------------------ searching

/** Tables (bit i: catalog.labels[i]) whose labels contain the folded run. */
function labelTables(cat, run) {
  return cat.foldedLabels.reduce((mask, text, i) => (text.includes(run) ? mask | (1 << i) : mask), 0);
}

/** Ids of the shard's pages that contain every term (each term: all of its runs). A run is in a
 * report if Pagefind finds it in the indexed text and names, or if it is in the labels of one of
 * the report's tables (not indexed: the same for every report with the table). When every report
 * of the slice has such a table, Pagefind is not asked at all: no index chunk is fetched for it. */
async function searchIds(pf, cat, plans, shard) {
  const runOf = new Map(plans.flatMap((p) => p.queries.map((q, i) => [q, p.runs[i]])));
  const members = cat.members.get(shard) ?? [];
  const asks = [...runOf].map(([query, run]) => {
    const tables = labelTables(cat, run);
    const everyone = tables !== 0 && members.length > 0 && members.every(([, mask]) => mask & tables);
    return { query, tables, everyone };
  });
  const answers = await Promise.all(asks.map((a) => (a.everyone ? null : pf.search(a.query, { filters: { shard } }))));
  let ids = null;
  asks.forEach(({ tables }, i) => {
    const found = new Set(answers[i]?.results.map((r) => r.id));
    if (tables) for (const [id, mask] of members) if (mask & tables) found.add(id);
    ids = ids === null ? found : new Set([...ids].filter((id) => found.has(id)));
  });
  return ids ?? new Set();
}

function blockShown(raw) {
  return raw.replace(BOOKMARK_RE, "");
}

/** The report's names and the labels of its tables: its searchable document besides the text. */
function extraOf(shard, entry) {
  return entry.labels ? `${shard.extra}\n${entry.labels}` : shard.extra;
}

/** The shard's text as passages: runs of blocks that run on into each other (a paragraph that a
 * PDF wrapped over several lines: shard.joined, portal/searchtext.py), each with its verbatim
 * text (raw), its text as the report page shows it (shown, folded: low), the block each of its
 * characters is in (starts), and whether it is only what every report says (shard.form). */
export function passages(shard) {
  if (shard.passages) return shard.passages;
  const joined = new Set(shard.joined ?? []);
  const form = new Set(shard.form ?? []);
  const out = [];
  let cur = null;
  shard.blocks.forEach((raw, i) => {
    if (!cur) {
      cur = { first: i, raw: "", shown: "", starts: [], form: true };
      out.push(cur);
    }
    const runsOn = joined.has(i);
    const piece = runsOn ? raw.replace(/\r?\n$/, "") : raw;
    cur.raw += piece;
    cur.starts.push([cur.shown.length, i]);
    cur.shown += blockShown(piece).trim(); // as the page shows it: a block that runs on has no space at its ends
    cur.form &&= form.has(i);
    if (!runsOn) cur = null;
  });
  for (const p of out) p.low = fold(p.shown);
  shard.passages = out;
  return out;
}

/** The block (0-based) of a passage that holds its character at ``offset``. */
function blockAt(passage, offset) {
  let block = passage.first;
  for (const [start, i] of passage.starts) if (start <= offset) block = i;
  return block;
}

function documentOf(shard, entry) {
  const text = passages(shard).map((p) => (p.raw.endsWith("\n") || p.raw.endsWith("\r") ? p.raw : `${p.raw}\n`));
  return fold(`${text.join("")}\n${extraOf(shard, entry)}`);
}

/** Whether the report really contains every term (the index already guarantees it unless a
 * quoted phrase has spaces; checked anyway for the results we show). */
function containsAll(shard, entry, terms) {
  const doc = documentOf(shard, entry);
  return terms.every((t) => doc.includes(fold(t)));
}

const collator = new Intl.Collator("zh-CN");

/** Reports first, newest year first, then by agency (the order the shards are searched in); then
 * the agency and year pages, which only list reports. */
function order(a, b) {
  const rank = { r: 0, a: 1, y: 2 };
  const slug = (a.slug ?? "") < (b.slug ?? "") ? -1 : (a.slug ?? "") > (b.slug ?? "") ? 1 : 0;
  return rank[a.type] - rank[b.type] || (b.year ?? 0) - (a.year ?? 0) || slug;
}

/** Search shard after shard (pages, then newest year first), handing each shard's results to
 * onShard as soon as they are in, so the first results show before the whole index answered. */
async function runSearch(query, onShard) {
  const terms = parseQuery(query);
  if (!terms.length) return terms;
  const plans = terms.map(termPlan);
  const [pf, cat] = await Promise.all([pagefind(), catalog()]);
  for (const shard of cat.slices) {
    await bundlesThrough(pf, cat, cat.bundleOf.get(shard));
    const ids = await searchIds(pf, cat, plans, shard);
    let entries = [...ids].map((id) => cat.pages[id]).filter(Boolean).map((row) => describe(cat, row));
    if (plans.some((p) => p.verify)) {
      const reports = entries.filter((e) => e.type === "r");
      const shards = await Promise.all(reports.map(textShard));
      const ok = new Set(reports.filter((e, i) => containsAll(shards[i], e, terms)));
      entries = entries.filter((e) => e.type !== "r" || ok.has(e));
    }
    if (onShard(terms, entries.sort(order)) === false) break;
  }
  return terms;
}

// ------------------------------------------------------------------ excerpts

/** Every place of the terms in the report's text, and the passages to show: up to MAX_EXCERPTS
 * distinct ones, those that say what this report says before those that every report says (the
 * form's tables and section titles, the title), then those with more of the terms, in text order.
 * Without a hit in the text, a line of the names or table labels. */
function locate(shard, entry, terms) {
  const folded = terms.map(fold).filter(Boolean);
  let hits = 0;
  const found = [];
  passages(shard).forEach((p, order) => {
    let first = -1;
    let kinds = 0;
    for (const t of folded) {
      let n = 0;
      for (let i = p.low.indexOf(t); i >= 0; i = p.low.indexOf(t, i + t.length)) {
        n += 1;
        if (first < 0 || i < first) first = i;
      }
      hits += n;
      kinds += n > 0;
    }
    if (kinds) found.push({ p, order, kinds, first });
  });
  found.sort((a, b) => a.p.form - b.p.form || b.kinds - a.kinds || a.order - b.order);
  const shown = [];
  const seen = new Set();
  for (const { p, first } of found) {
    const key = p.low.slice(Math.max(0, first - CONTEXT_BEFORE), first + CONTEXT_AFTER);
    if (seen.has(key)) continue; // the same sentence twice (a repeated heading or row)
    seen.add(key);
    shown.push({ index: blockAt(p, first) + 1, shown: p.shown });
    if (shown.length === MAX_EXCERPTS) break;
  }
  if (shown.length) return { hits, shown };
  const extra = extraOf(shard, entry);
  const line = extra.split("\n").find((l) => folded.some((t) => fold(l).includes(t)));
  return line ? { hits: 0, shown: [{ index: null, shown: line }] } : null;
}

/** A link into the report that carries the terms: static/landing.js marks them on the page. */
export function landingUrl(url, query, index) {
  return `${url}?${new URLSearchParams({ q: query })}${index ? `#t${index}` : ""}`;
}

/** The text around the first hit, as DOM nodes with every term in <mark>. */
function excerptNodes(shown, terms) {
  const low = fold(shown);
  const folded = terms.map(fold).filter(Boolean);
  const first = Math.min(...folded.map((t) => low.indexOf(t)).filter((i) => i >= 0));
  const start = Math.max(0, first - CONTEXT_BEFORE);
  const end = Math.min(shown.length, first + CONTEXT_AFTER);
  const ranges = [];
  for (const t of folded) {
    for (let i = low.indexOf(t, start); i >= 0 && i < end; i = low.indexOf(t, i + 1)) {
      ranges.push([i, Math.min(end, i + t.length)]);
    }
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const nodes = [];
  if (start > 0) nodes.push(document.createTextNode("…"));
  let at = start;
  for (const [s, e] of ranges) {
    if (e <= at) continue;
    const from = Math.max(s, at);
    if (from > at) nodes.push(document.createTextNode(shown.slice(at, from)));
    const mark = document.createElement("mark");
    mark.textContent = shown.slice(from, e);
    nodes.push(mark);
    at = e;
  }
  if (at < end) nodes.push(document.createTextNode(shown.slice(at, end)));
  if (end < shown.length) nodes.push(document.createTextNode("…"));
  return nodes;
}

// ------------------------------------------------------------------ the page

class SearchPage {
  constructor(form) {
    this.form = form;
    this.input = form.querySelector('input[name="q"]');
    this.results = document.getElementById("results");
    this.results.removeAttribute("aria-live"); // counts are announced by the status line only
    this.status = this.element("p", "search-status", { role: "status", "aria-live": "polite" });
    this.results.before(this.status);
    // The filters fold under one line on a phone, so that the first results show without scrolling.
    this.filterFold = this.element("details", "search-filters-fold", { hidden: "" });
    this.filterSummary = this.element("summary", null, {}, "筛选");
    this.filterBox = this.element("fieldset", "search-filters");
    this.filterBox.append(this.element("legend", null, {}, "筛选"));
    this.filterFold.append(this.filterSummary, this.filterBox);
    this.filterFold.open = window.matchMedia(WIDE).matches;
    this.selects = {};
    for (const [key, label] of FILTERS) this.selects[key] = this.addSelect(key, label);
    form.after(this.filterFold);
    this.list = this.element("ol", "search-results", { "aria-label": "检索结果" });
    this.results.replaceChildren(this.list);
    this.seq = 0;
    this.timer = null;
    this.last = null; // { query, entries, terms }
    this.typedAt = null;
    this.observer = "IntersectionObserver" in window
      ? new IntersectionObserver((items) => this.onVisible(items), { rootMargin: "200px" })
      : null;
    this.bind();
  }

  element(tag, className, attrs = {}, text = null) {
    const el = document.createElement(tag);
    if (className) el.className = className;
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    if (text !== null) el.textContent = text;
    return el;
  }

  addSelect(key, label) {
    const id = `search-filter-${key}`;
    const wrap = this.element("span", "search-filter");
    wrap.append(this.element("label", null, { for: id }, label));
    const select = this.element("select", null, { id, name: key });
    wrap.append(select);
    this.filterBox.append(wrap);
    return select;
  }

  bind() {
    const params = new URLSearchParams(location.search);
    this.wanted = Object.fromEntries(FILTERS.map(([k]) => [k, params.get(k) ?? ""]));
    this.input.value = params.get("q") ?? this.input.value;
    this.input.addEventListener("input", (e) => {
      if (e.isComposing) return; // wait for the IME to commit the characters
      this.schedule();
    });
    this.input.addEventListener("compositionend", () => this.schedule());
    this.input.addEventListener("keydown", (e) => {
      if (e.key === "ArrowDown") {
        e.preventDefault();
        this.focusResult(0);
      }
    });
    this.form.addEventListener("submit", (e) => {
      e.preventDefault();
      clearTimeout(this.timer);
      this.typedAt = performance.now();
      this.search();
    });
    this.list.addEventListener("keydown", (e) => this.onListKey(e));
    for (const [key] of FILTERS) {
      this.selects[key].addEventListener("change", () => {
        this.wanted[key] = this.selects[key].value;
        this.show();
      });
    }
    if (this.input.value.trim()) {
      this.typedAt = performance.now();
      this.search();
    } else {
      this.setStatus("输入关键词，如：征地拆迁、行政复议、信息处理费。多个词用空格分开（须同时出现），\"引号\"内为一个短语。");
    }
  }

  schedule() {
    this.typedAt = performance.now();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.search(), DEBOUNCE_MS);
  }

  setStatus(text) {
    this.status.textContent = text;
  }

  async search() {
    const query = this.input.value.trim();
    const seq = ++this.seq;
    const typedAt = this.typedAt ?? performance.now();
    this.results.dataset.state = "loading";
    this.results.setAttribute("aria-busy", "true");
    delete this.results.dataset.first;
    if (!query) {
      this.last = null;
      this.list.replaceChildren();
      this.filterFold.hidden = true;
      this.updateUrl("");
      this.finish(typedAt, query, 0);
      this.setStatus("请输入关键词。");
      return;
    }
    const answer = { query, terms: parseQuery(query), entries: [] };
    const pages = []; // agency and year pages: listed after every report
    let cleared = false;
    try {
      await runSearch(query, (terms, entries) => {
        if (seq !== this.seq) return false; // a newer query is under way
        if (!cleared) {
          this.last = answer;
          this.list.replaceChildren();
          cleared = true;
        }
        answer.entries.push(...entries);
        pages.push(...entries.filter((e) => e.type !== "r"));
        this.append(entries.filter((e) => e.type === "r" && this.passes(e)), typedAt);
        return true;
      });
    } catch (err) {
      if (seq !== this.seq) return;
      this.results.dataset.state = "error";
      this.results.removeAttribute("aria-busy");
      this.setStatus(`检索出错：${err.message}。请刷新页面重试。`);
      return;
    }
    if (seq !== this.seq) return;
    this.last = answer;
    if (!cleared) this.list.replaceChildren();
    this.append(pages.filter((e) => this.passes(e)), typedAt);
    this.complete(typedAt);
  }

  /** Add a shard's results to the list; the first of them are the reader's first results. */
  append(entries, typedAt) {
    if (!entries.length) return;
    const start = this.list.children.length;
    const fragment = document.createDocumentFragment();
    entries.forEach((e, i) => fragment.append(this.item(e, start + i)));
    this.list.append(fragment);
    if (this.results.dataset.first === undefined) {
      this.results.dataset.first = String(Math.round(performance.now() - typedAt));
    }
    const items = Array.from(this.list.children).slice(start);
    // Excerpts need the report's text: fetch it only for results the reader can see.
    for (const li of items) {
      if (this.observer) this.observer.observe(li);
      else if (Number(li.dataset.index) < EXCERPT_EAGER) this.loadExcerpt(li);
    }
  }

  /** The whole answer is in: filters with counts, the summary, and data-state="done". */
  complete(typedAt) {
    const { query, terms, entries } = this.last;
    const reports = entries.filter((e) => e.type === "r");
    this.fillFilters(reports);
    const count = this.list.querySelectorAll("li.search-result-r").length;
    const pages = this.list.children.length - count;
    this.setStatus(this.summary(terms, count, pages, reports.length));
    this.updateUrl(query);
    this.finish(typedAt, query, this.list.children.length);
  }

  /** A filter changed: list the stored answer again, narrowed. */
  show() {
    if (!this.last) return;
    const typedAt = performance.now();
    this.observer?.disconnect();
    this.list.replaceChildren();
    delete this.results.dataset.first;
    this.append(this.last.entries.filter((e) => this.passes(e)).sort(order), typedAt);
    this.complete(typedAt);
  }

  finish(typedAt, query, count) {
    this.results.dataset.query = query;
    this.results.dataset.count = String(count);
    this.results.dataset.elapsed = String(Math.round(performance.now() - typedAt));
    this.results.dataset.first ??= this.results.dataset.elapsed;
    this.results.dataset.state = "done";
    this.results.removeAttribute("aria-busy");
  }

  summary(terms, count, pages, unfiltered) {
    const quoted = terms.map((t) => `“${t}”`).join("和");
    const filtered = FILTERS.some(([k]) => this.wanted[k]);
    const extra = pages ? `，另有 ${pages} 个机构或年度页面` : "";
    if (count || pages) {
      const scope = filtered ? `（筛选后；不筛选共 ${unfiltered} 份）` : "";
      return `找到 ${count} 份包含${quoted}的报告${scope}${extra}。`;
    }
    if (filtered && unfiltered) {
      return `筛选条件下没有包含${quoted}的报告；去掉筛选可看到 ${unfiltered} 份。`;
    }
    const hint = terms.length > 1 ? "多个词须同时出现，可以减少一个词再试；" : "";
    return `没有找到包含${quoted}的报告。${hint}请检查错别字，或换一个更短的说法（检索按原文逐字匹配）。`;
  }

  passes(entry) {
    const w = this.wanted;
    if (w.year && String(entry.year ?? "") !== w.year) return false;
    if (w.agency && entry.agency !== w.agency) return false;
    if (w.kind && entry.kind !== w.kind) return false;
    if (w.jurisdiction && !(entry.jurisdiction ?? []).includes(w.jurisdiction)) return false;
    return true;
  }

  fillFilters(reports) {
    const counts = {
      agency: (e) => [e.agency],
      year: (e) => [String(e.year)],
      jurisdiction: (e) => e.jurisdiction,
      kind: (e) => [e.kind],
    };
    for (const [key, label] of FILTERS) {
      const tally = new Map();
      for (const e of reports) for (const v of counts[key](e)) tally.set(v, (tally.get(v) ?? 0) + 1);
      if (this.wanted[key] && !tally.has(this.wanted[key])) tally.set(this.wanted[key], 0);
      const values = [...tally.keys()].sort((a, b) => (key === "year" ? b.localeCompare(a) : collator.compare(a, b)));
      const select = this.selects[key];
      select.replaceChildren(new Option(`全部${label}`, ""));
      for (const v of values) select.append(new Option(`${v}（${tally.get(v)}）`, v));
      select.value = this.wanted[key];
    }
    const chosen = FILTERS.filter(([k]) => this.wanted[k]).length;
    this.filterFold.hidden = reports.length === 0 && !chosen;
    this.filterSummary.textContent = chosen ? `筛选（已选 ${chosen} 项）` : "筛选";
  }

  item(entry, i) {
    const li = this.element("li", `search-result search-result-${entry.type}`);
    li.dataset.index = String(i);
    const href = entry.type === "r" ? landingUrl(entry.url, this.last?.query ?? this.input.value.trim()) : entry.url;
    const link = this.element("a", "search-result-link", { href }, entry.title);
    const heading = this.element("h2", "search-result-title");
    heading.append(link);
    li.append(heading);
    const meta = this.element("p", "search-result-meta");
    const bits = entry.type === "r"
      ? [entry.agency, `${entry.year}年度`, entry.jurisdiction.at(-1), entry.kind]
      : entry.type === "a" ? ["机构页面", entry.jurisdiction.join(" › "), entry.kind] : ["年度页面"];
    meta.textContent = bits.filter(Boolean).join(" · ");
    li.append(meta);
    li.entry = entry;
    return li;
  }

  onVisible(items) {
    for (const item of items) {
      if (item.isIntersecting) {
        this.observer.unobserve(item.target);
        this.loadExcerpt(item.target);
      }
    }
  }

  async loadExcerpt(li) {
    const entry = li.entry;
    if (!entry || entry.type !== "r" || li.dataset.excerpt) return;
    li.dataset.excerpt = "loading";
    const terms = this.last?.terms ?? [];
    let shard;
    try {
      shard = await textShard(entry);
    } catch {
      li.dataset.excerpt = "error";
      return;
    }
    if (li.entry !== entry || !li.isConnected) return;
    if (!containsAll(shard, entry, terms)) {
      // Cannot happen if the index is right; never show a report that lacks a term.
      console.warn("search: result without every term removed", entry.url, terms);
      li.remove();
      return;
    }
    const where = locate(shard, entry, terms);
    const query = this.last?.query ?? "";
    if (where) {
      if (where.hits) {
        const meta = li.querySelector(".search-result-meta");
        meta.append(" · ", this.element("span", "search-result-hits", {}, `正文命中 ${where.hits} 处`));
      }
      const box = this.element("div", "search-result-excerpts");
      for (const { index, shown } of where.shown) {
        const p = this.element("p", "search-result-excerpt");
        if (index) {
          const a = this.element("a", "search-result-passage", { href: landingUrl(entry.url, query, index) });
          a.append(...excerptNodes(shown, terms));
          p.append(a);
        } else p.append(...excerptNodes(shown, terms));
        box.append(p);
      }
      li.append(box);
      li.querySelector("a").href = landingUrl(entry.url, query, where.shown[0].index);
    }
    li.dataset.excerpt = "done";
  }

  links() {
    return Array.from(this.list.querySelectorAll("a.search-result-link"));
  }

  focusResult(i) {
    const links = this.links();
    if (links.length) links[Math.max(0, Math.min(i, links.length - 1))].focus();
  }

  onListKey(e) {
    const links = this.links();
    const at = links.indexOf(document.activeElement);
    if (at < 0) return;
    const moves = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: links.length - 1 };
    if (e.key === "ArrowUp" && at === 0) {
      e.preventDefault();
      this.input.focus();
    } else if (e.key === "Escape") {
      e.preventDefault();
      this.input.focus();
    } else if (e.key in moves) {
      e.preventDefault();
      this.focusResult(moves[e.key]);
    }
  }

  updateUrl(query) {
    const params = new URLSearchParams();
    if (query) params.set("q", query);
    for (const [key] of FILTERS) if (this.wanted[key]) params.set(key, this.wanted[key]);
    const search = params.toString();
    history.replaceState(null, "", `${location.pathname}${search ? `?${search}` : ""}`);
  }
}

const form = document.querySelector("form.big-search") ?? document.querySelector("main form[role=search]");
if (form && document.getElementById("results")) {
  const page = new SearchPage(form);
  catalog().catch(() => {}); // start the catalog and Pagefind while the reader types
  pagefind().catch((err) => page.setStatus(`检索无法加载：${err.message}`));
}
