/* /reasons/: filter the refusal reasons by jurisdiction and kind, and list them per agency.
 *
 * The page itself carries the site-wide view of every year; this script adds the filtered view
 * over /data/reasons.json (a compact row a report: agency, year, handled total, the sixteen
 * reason counts, or why the report is left out). tally() mirrors portal/reasons.py: a report
 * covers a sum only when every cell of it is known, a share is of the handled applications of
 * the reports that have both numbers, and a left-out report is listed with its reason, never
 * counted as 0. */
(function () {
  "use strict";
  var data, form, out;

  var el = window.portalTables.el;

  function tally(rows, indexes) {
    var t = { count: 0, covered: 0, of: rows.length, shareCount: 0, handled: 0 };
    rows.forEach(function (r) {
      var sum = 0, known = true;
      indexes.forEach(function (i) { if (r.counts[i] === null) { known = false; } else { sum += r.counts[i]; } });
      if (!known) { return; }
      t.count += sum;
      t.covered += 1;
      if (r.handled !== null) { t.shareCount += sum; t.handled += r.handled; }
    });
    if (!t.covered) { t.count = null; }
    return t;
  }
  function shareText(t) { return t.handled ? (100 * t.shareCount / t.handled).toFixed(1) + "%" : "—"; }
  function countCell(t) {
    var td = el("td", "n");
    if (t.count === null) {
      var m = td.appendChild(el("span", "missing", "—"));
      m.title = "所有计入的报告都缺这一格（原文为空，不是 0）";
    } else { td.appendChild(el("span", "num", t.count)); }
    if (t.covered < t.of) { td.appendChild(el("span", "coverage", t.of + "份中的" + t.covered + "份")); }
    return td;
  }
  function table(id, caption, heads, rows) {
    return window.portalTables.scrollTable(id, caption, [heads[0]].concat(heads.slice(1).map(function (h) {
      return { text: h };
    })), rows, "wide");
  }
  function rowHead(text, className) {
    var tr = el("tr", className || null);
    tr.appendChild(el("th", null, text)).scope = "row";
    return tr;
  }

  function groupIndexes(groupKey) {
    var out = [];
    data.reasons.forEach(function (r, i) { if (r.group === groupKey) { out.push(i); } });
    return out;
  }

  function render() {
    var year = Number(form.elements.year.value);
    var place = form.elements.jurisdiction.value;
    var kind = form.elements.kind.value;
    var reason = Number(form.elements.reason.value);
    var chosen = data.reports.filter(function (row) {
      var agency = data.agencies[row[0]];
      return row[1] === year && (!kind || agency[3] === kind) &&
        (!place || (agency[2].join(" › ") + " › ").indexOf(place + " › ") === 0);
    }).map(function (row) {
      var agency = data.agencies[row[0]];
      return { agency: agency, url: data.report_url.replace("{slug}", agency[0]).replace("{year}", row[1]),
               handled: row[2], counts: row[3], excluded: row[4] };
    });
    var counted = chosen.filter(function (r) { return r.excluded === null; });
    var excluded = chosen.filter(function (r) { return r.excluded !== null; });
    var label = year + "年度" + (place ? " · " + place : "") + (kind ? " · " + kind : "");
    out.textContent = "";
    out.appendChild(el("p", "lead", label + "：计入" + counted.length + "份报告" +
      (excluded.length ? "，" + excluded.length + "份没有表三，未计入" : "") + "。"));
    if (!chosen.length) {
      out.appendChild(el("p", "empty", "没有符合条件的报告。"));
      return;
    }
    var all = data.reasons.map(function (r, i) { return i; });
    var rows = [];
    data.groups.forEach(function (g) {
      var t = tally(counted, groupIndexes(g.key));
      var tr = rowHead(g.label, "subtotal");
      tr.appendChild(countCell(t));
      tr.appendChild(el("td", "n", shareText(t)));
      rows.push(tr);
      groupIndexes(g.key).forEach(function (i) {
        var ti = tally(counted, [i]);
        var r = rowHead(data.reasons[i].label);
        r.appendChild(countCell(ti));
        r.appendChild(el("td", "n", shareText(ti)));
        rows.push(r);
      });
    });
    var total = tally(counted, all);
    var last = rowHead("三类合计", "subtotal");
    last.appendChild(countCell(total));
    last.appendChild(el("td", "n", shareText(total)));
    rows.push(last);
    if (counted.length) {
      out.appendChild(table("filtered-reasons", label + "：各项理由", ["理由", "件数", "占办理结果总计"], rows));
    }
    var picked = data.reasons[reason];
    var agencyRows = counted.map(function (r) {
      var tr = el("tr");
      var th = tr.appendChild(el("th"));
      th.scope = "row";
      var a = th.appendChild(el("a", null, r.agency[1]));
      a.href = r.url;
      tr.appendChild(el("td", "n", r.handled === null ? "—" : r.handled));
      data.groups.map(function (g) { return tally([r], groupIndexes(g.key)); }).concat([tally([r], [reason])])
        .forEach(function (t) {
          var td = countCell(t);
          td.appendChild(el("span", "share", shareText(t)));
          tr.appendChild(td);
        });
      return tr;
    });
    if (agencyRows.length) {
      out.appendChild(table("filtered-agencies", label + "：各机构", ["机构", "办理结果总计"].concat(
        data.groups.map(function (g) { return g.label; }), [picked.label]), agencyRows));
    }
    if (excluded.length) {
      var list = out.appendChild(el("ul", "excluded"));
      excluded.forEach(function (r) {
        var li = list.appendChild(el("li"));
        var a = li.appendChild(el("a", null, r.agency[1]));
        a.href = r.url;
        li.appendChild(document.createTextNode("：未计入，" + r.excluded));
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    form = document.getElementById("reasons-filter");
    out = document.getElementById("filtered");
    if (!form) { return; }
    fetch(form.getAttribute("data-src")).then(function (r) {
      if (!r.ok) { throw new Error(r.status); }
      return r.json();
    }).then(function (json) {
      data = json;
      document.getElementById("filter").hidden = false;
      form.addEventListener("change", render);
      form.addEventListener("submit", function (e) { e.preventDefault(); render(); });
      render();
      out.setAttribute("data-state", "done");
    }).catch(function () {
      document.getElementById("filter").hidden = false;
      form.hidden = true;
      out.textContent = "筛选数据读取失败；下面的汇总不受影响。";
    });
  });
}());
