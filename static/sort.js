/* Sortable tables: progressive enhancement for <table class="sortable">.
 * The table is complete without this script; it only adds buttons to the column headers.
 * Cells carry data-sort (a number, or "" when the value is missing: missing sorts last). */
(function () {
  "use strict";
  function key(cell) {
    var raw = cell ? cell.getAttribute("data-sort") : null;
    if (raw === null) { raw = cell ? cell.textContent.trim() : ""; }
    if (raw === "") { return { missing: true, value: 0 }; }
    var n = Number(raw);
    return isNaN(n) ? { missing: false, text: raw } : { missing: false, value: n };
  }
  function compare(a, b, dir) {
    if (a.missing || b.missing) { return a.missing === b.missing ? 0 : (a.missing ? 1 : -1); }
    if (a.text !== undefined || b.text !== undefined) {
      return dir * String(a.text || a.value).localeCompare(String(b.text || b.value), "zh-CN");
    }
    return dir * (a.value - b.value);
  }
  function sortBy(table, index, button) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var dir = button.getAttribute("data-dir") === "desc" ? 1 : -1;
    rows.sort(function (r1, r2) { return compare(key(r1.cells[index]), key(r2.cells[index]), dir); });
    rows.forEach(function (r) { body.appendChild(r); });
    Array.prototype.forEach.call(table.querySelectorAll("thead th"), function (th) { th.removeAttribute("aria-sort"); });
    button.parentNode.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
    button.setAttribute("data-dir", dir === 1 ? "asc" : "desc");
  }
  function enhance(table) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      button.addEventListener("click", function () { sortBy(table, index, button); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), enhance);
  });
}());
