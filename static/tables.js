/* Shared by compare.js and reasons.js (loaded before them, deferred in order): making elements,
 * and a captioned data table in its keyboard-scrollable frame, as the server-rendered tables are
 * (a region labelled by its caption, a header row, number columns right-aligned). */
window.portalTables = (function () {
  "use strict";
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  /** heads: the first column's header text, then {text, href?, sub?} a column; rows: <tr>s. */
  function scrollTable(id, caption, heads, rows, frameClass, tableClass) {
    var scroll = el("div", "table-scroll " + frameClass);
    scroll.tabIndex = 0;
    scroll.setAttribute("role", "region");
    scroll.setAttribute("aria-labelledby", id + "-caption");
    var table = scroll.appendChild(el("table", "data-table " + (tableClass || "")));
    table.id = id;
    table.appendChild(el("caption", null, caption)).id = id + "-caption";
    var head = table.appendChild(el("thead")).appendChild(el("tr"));
    head.appendChild(el("th", null, heads[0])).scope = "col";
    heads.slice(1).forEach(function (h) {
      var th = head.appendChild(el("th", "n"));
      th.scope = "col";
      if (h.href) { th.appendChild(el("a", null, h.text)).href = h.href; } else { th.textContent = h.text; }
      if (h.sub) { th.appendChild(el("span", "block", h.sub)); }
    });
    var body = table.appendChild(el("tbody"));
    rows.forEach(function (tr) { body.appendChild(tr); });
    return scroll;
  }
  return { el: el, scrollTable: scrollTable };
}());
