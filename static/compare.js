/* /compare/: two to four reports side by side, chosen in the URL so a comparison can be shared.
 *
 * ?c=<agency slug>:<year> once a column (up to four); ?c=<slug> alone shows that agency's latest
 * years. The page is static: this script reads the picker index (/data/compare.json: agencies,
 * their years, the rows of tables 2–4 and the indicators, labelled by the build from the form)
 * and each chosen report's own report.json, never the site-wide reports.json. A missing number is
 * shown as "—" with why (no table, a blank cell, no denominator), never as 0. Without JavaScript
 * the page says how to compare with the downloads instead. */
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var form, status, stage, index, bySlug = {}, cache = {};

  var el = window.portalTables.el;
  function svgEl(tag, attrs, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function fill(template, slug, year) { return template.replace("{slug}", slug).replace("{year}", year); }
  function fetchJson(url) {
    if (!cache[url]) {
      cache[url] = fetch(url).then(function (r) {
        if (!r.ok) { throw new Error(url + "：" + r.status); }
        return r.json();
      });
    }
    return cache[url];
  }

  // ---------------------------------------------------------------- the choice in the URL

  function parseChoice(search) {
    return new URLSearchParams(search).getAll("c").map(function (c) {
      var parts = c.split(":");
      var year = parts.length > 1 && parts[1] !== "" ? Number(parts[1]) : null;
      return { slug: parts[0].trim(), year: year };
    }).filter(function (c) { return c.slug !== ""; });
  }

  /** The columns to show, oldest year first for one agency, and what could not be shown. */
  function resolve(choices, max) {
    var problems = [], columns = [], seen = {};
    if (choices.length === 1 && choices[0].year === null && bySlug[choices[0].slug]) {
      var only = bySlug[choices[0].slug];
      return { columns: only.years.slice(-max).map(function (y) { return { agency: only, year: y }; }), problems: [] };
    }
    choices.forEach(function (c) {
      var agency = bySlug[c.slug];
      if (!agency) { problems.push("找不到机构“" + c.slug + "”"); return; }
      if (!agency.years.length) { problems.push(agency.name + "尚无收录的报告"); return; }
      var year = c.year === null ? agency.years[agency.years.length - 1] : c.year;
      if (agency.years.indexOf(year) < 0) { problems.push(agency.name + "没有" + c.year + "年度的报告"); return; }
      var key = agency.slug + ":" + year;
      if (seen[key]) { return; }
      seen[key] = true;
      if (columns.length >= max) { problems.push("最多比较" + max + "份报告，" + agency.name + year + "年度未显示"); return; }
      columns.push({ agency: agency, year: year });
    });
    return { columns: columns, problems: problems };
  }

  // ---------------------------------------------------------------- the picker

  function yearOptions(select, agency, chosen) {
    select.textContent = "";
    select.appendChild(new Option("最新年度", ""));
    (agency ? agency.years.slice().reverse() : []).forEach(function (y) {
      select.appendChild(new Option(y + "年度", String(y), false, y === chosen));
    });
  }
  function buildPicker(columns) {
    var groups = {};
    var agencySelects = form.querySelectorAll(".slot-agency");
    var yearSelects = form.querySelectorAll(".slot-year");
    Array.prototype.forEach.call(agencySelects, function (select, i) {
      index.agencies.forEach(function (a) {
        if (!groups[i + a.jurisdiction]) {
          groups[i + a.jurisdiction] = el("optgroup");
          groups[i + a.jurisdiction].label = a.jurisdiction;
          select.appendChild(groups[i + a.jurisdiction]);
        }
        groups[i + a.jurisdiction].appendChild(new Option(a.name + "（" + a.kind + "）", a.slug));
      });
      var column = columns[i];
      select.value = column ? column.agency.slug : "";
      yearOptions(yearSelects[i], column && column.agency, column && column.year);
      select.addEventListener("change", function () { yearOptions(yearSelects[i], bySlug[select.value], null); });
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var params = new URLSearchParams();
      Array.prototype.forEach.call(agencySelects, function (select, i) {
        if (select.value) { params.append("c", select.value + (yearSelects[i].value ? ":" + yearSelects[i].value : "")); }
      });
      if (!params.toString()) { status.textContent = "请至少选择一个机构。"; return; }
      window.location.assign(form.getAttribute("action") + "?" + params.toString().replace(/%3A/g, ":"));
    });
    form.hidden = false;
  }

  // ---------------------------------------------------------------- reading a report.json

  function cellOf(data, row) {
    var table = data[row.table];
    if (row.table === "table2_2019" && !table && data.table2) {
      return { value: null, short: "用现行表二，无此项",
               why: "本报告的表二按现行格式（2021年起）印制，没有2019年版表格的这一项；其数字见上方表二" };
    }
    if (table === null || table === undefined) {
      var reason = (data.missing_tables || {})[row.table];
      return { value: null, why: reason ? "原文无此表：" + reason : "原文无此表", short: "原文无此表" };
    }
    var node = table;
    row.row.forEach(function (part) { node = node && typeof node === "object" ? node[part] : null; });
    if (row.index !== undefined) { node = Array.isArray(node) ? node[row.index] : null; }
    else if (row.column !== undefined) { node = node && typeof node === "object" ? node[row.column] : null; }
    if (typeof node === "number") { return { value: node }; }
    var other = otherLayout(data, row);
    if (other) { return { value: null, why: other[1], short: other[0] }; }
    var printed = (data.cells || {})[row.cell];
    // as the report page says it: a printing kept in `cells` (a mark, or "" for a blank), else no number to read
    var why = printed === undefined ? "原文无此数字" : printed === "" ? "原文此格为空" : "原文此格印作“" + printed + "”";
    return { value: null, why: why + "，不是 0" };
  }
  // A row the report's form does not have is not a blank cell: say which form it printed instead
  // ([what the cell shows, its full explanation]).
  function otherLayout(data, row) {
    if (row.table === "table2" && data.table2_2019) {
      return ["用2019年版表二，无此项",
              "本报告的表二按2019年版格式印制（本年新制作、本年新公开、对外公开总数量），没有这一项；其数字见下方“2019年版表格”"];
    }
    if (row.table !== "table3" || row.row[0] !== "other_handling") { return null; }
    var handling = (data.table3 || {}).other_handling || {};
    if (row.row[1] === "single_row" && !handling.single_row &&
        (handling.no_correction || handling.fee_unpaid || handling.other)) {
      return ["分三行印制，见上方", "本报告把（六）其他处理分三行印制，见上方三行"];
    }
    if (row.row[1] !== "single_row" && handling.single_row) {
      return ["印作一行，见下方", "本报告按2019年格式把（六）其他处理印作一行，见“（六）其他处理（2019年格式，印作一行）”"];
    }
    return null;
  }
  function indicatorOf(data, key) {
    if (!data.indicators) { return { value: null, why: "这份数据未含指标" }; }
    var found = data.indicators[key];
    if (!found || found.value === null || found.value === undefined) {
      return { value: null, why: (found && found.reason) || "无法计算", numerator: found && found.numerator,
               denominator: found && found.denominator };
    }
    // the exact ratio where its parts are given: the published value is rounded to 4 places,
    // and 0.1905 shown to one decimal of a percent would be 19.1 % for 4/21 (19.05 %)
    var exact = typeof found.numerator === "number" && typeof found.denominator === "number" && found.denominator ?
      found.numerator / found.denominator : found.value;
    return { value: exact, numerator: found.numerator, denominator: found.denominator };
  }
  function percent(v) { return (100 * v).toFixed(1) + "%"; }
  function part(v) { return v === null || v === undefined ? "—" : String(v); }

  // ---------------------------------------------------------------- side-by-side tables

  function valueCell(found, label, text, sub) {
    var td = el("td", "n");
    td.setAttribute("data-label", label);
    if (found.value === null) {
      var missing = el("span", "missing", "—");
      missing.title = found.why;
      td.appendChild(missing);
      td.appendChild(el("span", "why", found.short || found.why));
    } else {
      td.appendChild(el("span", "num", text));
    }
    if (sub) { td.appendChild(el("span", "fraction", sub)); }
    return td;
  }
  function compareTable(id, caption, heads, rows) {
    var trs = [], group = null;
    rows.forEach(function (row) {
      if (row.group && row.group !== group) {  // a group's label above its numbered sub-rows
        var gth = el("th");
        gth.scope = "colgroup";
        gth.colSpan = heads.length + 1;
        gth.appendChild(el("span", "group-label", row.group));
        var gtr = el("tr", "group");
        gtr.appendChild(gth);
        trs.push(gtr);
      }
      group = row.group || null;
      var tr = el("tr", row.group ? "sub" : null);
      var th = tr.appendChild(el("th", null, row.label));
      th.scope = "row";
      if (row.note) { th.appendChild(el("span", "block muted", row.note)); }
      row.cells.forEach(function (cell) { tr.appendChild(cell); });
      trs.push(tr);
    });
    return window.portalTables.scrollTable(id, caption, ["项目"].concat(heads), trs, "compare-scroll", "compare-table");
  }
  function columnLabel(c) { return c.agency.name + " " + c.year + "年度"; }
  function reportHeads(columns) {
    return columns.map(function (c) {
      return { text: c.agency.name, href: fill(index.report_url, c.agency.slug, c.year), sub: c.year + "年度" };
    });
  }

  function section(id, title, intro) {
    var s = el("section");
    s.setAttribute("aria-labelledby", id);
    var h = el("h2", null, title);
    h.id = id;
    s.appendChild(h);
    if (intro) { s.appendChild(el("p", "hint", intro)); }
    return s;
  }

  function renderTables(columns, reports) {
    index.tables.forEach(function (t) {
      if (t.optional && !reports.some(function (data) { return data[t.key]; })) { return; }
      var rows = index.rows.filter(function (r) { return r.table === t.key; }).map(function (r) {
        return { label: r.label, group: r.group, cells: columns.map(function (c, i) {
          var found = cellOf(reports[i], r);
          return valueCell(found, columnLabel(c), found.value);
        }) };
      });
      var s = section("h-" + t.key, t.title, t.key === "table3" ?
        "表三只列“总计”列；按申请人类型的分列见各报告页面。（六）其他处理按2019年格式印作一行的，记在“（六）其他处理”行。" : null);
      s.appendChild(compareTable("cmp-" + t.key, t.title, reportHeads(columns), rows));
      var missing = columns.filter(function (c, i) {
        return !reports[i][t.key] && !(t.optional && reports[i].table2);  // the current table 2 instead: said per row
      });
      if (missing.length) {
        var notes = s.appendChild(el("ul", "table-notes"));
        columns.forEach(function (c, i) {
          if (missing.indexOf(c) >= 0) { notes.appendChild(el("li", null, columnLabel(c) + "：" + cellOf(reports[i], { table: t.key }).why)); }
        });
      }
      stage.appendChild(s);
    });
  }

  function renderIndicators(columns, reports) {
    var rows = index.indicators.map(function (ind) {
      return { label: ind.label, note: ind.formula, cells: columns.map(function (c, i) {
        var found = indicatorOf(reports[i], ind.key);
        var sub = (found.numerator !== undefined && found.numerator !== null) ||
          (found.denominator !== undefined && found.denominator !== null) ?
          part(found.numerator) + " / " + part(found.denominator) : null;
        return valueCell(found, columnLabel(c), found.value === null ? null : percent(found.value), sub);
      }) };
    });
    var s = section("h-indicators", "指标", "每个比率下面是它的分子 / 分母；分母为 0 或所需的格为空时，比率无法计算，显示“—”和原因。");
    s.appendChild(compareTable("cmp-indicators", "指标", reportHeads(columns), rows));
    stage.appendChild(s);
  }

  // ---------------------------------------------------------------- trend charts

  function niceMax(v) {
    if (v <= 0) { return 1; }
    var m = Math.pow(10, Math.floor(Math.log10(v)));
    var steps = [1, 2, 5, 10];
    for (var i = 0; i < steps.length; i++) { if (steps[i] * m >= v) { return steps[i] * m; } }
    return 10 * m;
  }
  function lineChart(id, title, years, series, rate) {
    var W = 640, H = 250, L = 52, R = 24, T = 16, B = 74;
    var step = Math.ceil(years.length / 8);  // at most eight year labels: they must not collide
    var known = [];
    series.forEach(function (s) { s.values.forEach(function (v) { if (v !== null) { known.push(v); } }); });
    var top = rate ? Math.max(0.0001, niceMax(Math.max.apply(null, known.concat([0])) * 100) / 100) :
      niceMax(Math.max.apply(null, known.concat([0])));
    if (rate && top > 1) { top = 1; }
    var pw = W - L - R, ph = H - T - B;
    function x(i) { return L + (years.length === 1 ? pw / 2 : i * pw / (years.length - 1)); }
    function y(v) { return T + ph - ph * v / top; }
    function fmt(v) { return v === null ? "无数据" : rate ? percent(v) : String(v); }
    var root = svgEl("svg", { "class": "chart line-chart", viewBox: "0 0 " + W + " " + H, role: "img",
                              "aria-labelledby": id + "-title " + id + "-desc" });
    root.appendChild(svgEl("title", { id: id + "-title" }, title));
    root.appendChild(svgEl("desc", { id: id + "-desc" }, series.map(function (s) {
      return s.label + "：" + years.map(function (yr, i) { return yr + "年 " + fmt(s.values[i]); }).join("，");
    }).join("；")));
    [0, 0.5, 1].forEach(function (f) {
      root.appendChild(svgEl("line", { "class": "grid", x1: L, x2: W - R, y1: y(top * f), y2: y(top * f) }));
      root.appendChild(svgEl("text", { "class": "axis", x: L - 6, y: y(top * f) + 4, "text-anchor": "end" },
        rate ? Math.round(top * f * 1000) / 10 + "%" : String(Math.round(top * f * 100) / 100)));
    });
    years.forEach(function (yr, i) {
      if (i % step && i !== years.length - 1) { return; }
      root.appendChild(svgEl("text", { "class": "axis", x: x(i), y: H - B + 18, "text-anchor": "middle" }, yr + "年"));
    });
    series.forEach(function (s, j) {
      var run = [];
      function flush() {
        if (run.length > 1) { root.appendChild(svgEl("polyline", { "class": "line series-" + (j + 1), points: run.join(" ") })); }
        run = [];
      }
      s.values.forEach(function (v, i) {
        if (v === null) { flush(); return; }
        run.push(x(i).toFixed(1) + "," + y(v).toFixed(1));
        var dot = svgEl("circle", { "class": "dot series-" + (j + 1), cx: x(i).toFixed(1), cy: y(v).toFixed(1), r: 4 });
        dot.appendChild(svgEl("title", {}, s.label + " " + years[i] + "年：" + fmt(v)));
        root.appendChild(dot);
      });
      flush();
      var lx = 8 + (j % 2) * (W / 2), ly = H - B + 42 + Math.floor(j / 2) * 18;
      root.appendChild(svgEl("rect", { "class": "bar series-" + (j + 1), x: lx, y: ly - 10, width: 12, height: 12 }));
      root.appendChild(svgEl("text", { "class": "legend", x: lx + 16, y: ly }, s.label));
    });
    root.appendChild(svgEl("line", { "class": "baseline", x1: L, x2: W - R, y1: y(0), y2: y(0) }));
    return root;
  }
  /** The years from the first to the last that any series has a number for (a gap inside stays). */
  function span(years, series) {
    var first = years.length, last = -1;
    series.forEach(function (s) {
      s.values.forEach(function (v, i) { if (v !== null) { first = Math.min(first, i); last = Math.max(last, i); } });
    });
    return last < 0 ? null : [first, last + 1];
  }
  function trendFigure(id, title, allYears, allSeries, rate) {
    var figure = el("figure", "chart-figure trend");
    figure.appendChild(el("h3", null, title));
    var range = span(allYears, allSeries);
    if (!range) {
      figure.appendChild(el("p", "empty", "所选机构收录的各年度都没有这个数字（原因见上表），无法作图。"));
      return figure;
    }
    var years = allYears.slice(range[0], range[1]);
    var series = allSeries.map(function (s) {
      return { label: s.label, values: s.values.slice(range[0], range[1]), why: s.why.slice(range[0], range[1]) };
    });
    figure.appendChild(lineChart(id, title, years, series, rate));
    var details = el("details", "chart-data");
    details.appendChild(el("summary", null, "图中数字"));
    var rows = series.map(function (s) {
      return { label: s.label, cells: years.map(function (yr, i) {
        var v = s.values[i];
        return valueCell(v === null ? { value: null, why: s.why[i] } : { value: v }, yr + "年", rate && v !== null ? percent(v) : v);
      }) };
    });
    var heads = years.map(function (yr) { return { text: yr + "年" }; });
    details.appendChild(compareTable(id + "-table", title, heads, rows));
    figure.appendChild(details);
    return figure;
  }

  function renderTrends(columns) {
    var agencies = [];
    columns.forEach(function (c) { if (agencies.indexOf(c.agency) < 0) { agencies.push(c.agency); } });
    var years = [];
    agencies.forEach(function (a) { a.years.forEach(function (y) { if (years.indexOf(y) < 0) { years.push(y); } }); });
    years.sort();
    if (years.length) {  // every year between, so the spacing of the x axis is honest
      var first = years[0], last = years[years.length - 1];
      years = [];
      for (var y = first; y <= last; y++) { years.push(y); }
    }
    var loads = [];
    agencies.forEach(function (a) {
      a.years.forEach(function (y) { loads.push(fetchJson(fill(index.report_url, a.slug, y) + "report.json")); });
    });
    return Promise.all(loads).then(function (all) {
      var data = {};
      all.forEach(function (d) { data[d.agency_slug + ":" + d.year] = d; });
      var s = section("h-trends", "历年趋势", "所选机构收录的各年度（从有数字的第一年到最后一年）；没有数字的年度断开，不按 0 画。");
      var grid = s.appendChild(el("div", "trend-grid"));
      var figures = index.trends.map(function (t) {
        var row = index.rows.filter(function (r) { return r.cell === t.cell; })[0];
        return { id: "trend-" + t.cell.replace(/\./g, "-"), title: t.label, rate: false,
                 read: function (d) { return cellOf(d, row); } };
      }).concat(index.indicators.map(function (ind) {
        return { id: "trend-" + ind.key, title: ind.label, rate: true, read: function (d) { return indicatorOf(d, ind.key); } };
      }));
      figures.forEach(function (f) {
        var series = agencies.map(function (a) {
          var found = years.map(function (y) {
            var d = data[a.slug + ":" + y];
            return d ? f.read(d) : { value: null, why: "本年度报告未收录" };
          });
          return { label: a.name, values: found.map(function (v) { return v.value; }),
                   why: found.map(function (v) { return v.why; }) };
        });
        grid.appendChild(trendFigure(f.id, f.title, years, series, f.rate));
      });
      stage.appendChild(s);
    });
  }

  // ---------------------------------------------------------------- the page

  function show(columns) {
    var loads = columns.map(function (c) { return fetchJson(fill(index.report_url, c.agency.slug, c.year) + "report.json"); });
    return Promise.all(loads).then(function (reports) {
      stage.textContent = "";
      var names = columns.map(columnLabel).join("、");
      var intro = el("p", "lead", "正在比较：" + names + "。");
      stage.appendChild(intro);
      if (columns.length === 1) {
        stage.appendChild(el("p", "hint", "再在上面选一个机构或年度，即可并排比较。"));
      }
      renderIndicators(columns, reports);
      renderTables(columns, reports);
      return renderTrends(columns);
    });
  }

  function start() {
    form = document.getElementById("compare-form");
    status = document.getElementById("compare-status");
    stage = document.getElementById("compare-stage");
    if (!form) { return; }
    var max = form.querySelectorAll(".slot").length;
    fetchJson(form.getAttribute("data-index")).then(function (data) {
      index = data;
      index.agencies.forEach(function (a) { bySlug[a.slug] = a; });
      var choice = resolve(parseChoice(window.location.search), max);
      buildPicker(choice.columns);
      var notes = choice.problems.slice();
      if (!choice.columns.length) {
        status.textContent = notes.concat(["请在上面选择两到四个机构（或同一机构的几个年度），再按“比较”。"]).join("；");
        stage.setAttribute("data-state", "done");
        return null;
      }
      status.textContent = (notes.length ? notes.join("；") + "。" : "") + "正在读取数据……";
      return show(choice.columns).then(function () {
        status.textContent = (notes.length ? notes.join("；") + "。" : "") + "已并排显示" + choice.columns.length + "份报告。";
        stage.setAttribute("data-state", "done");
      });
    }).catch(function (error) {
      status.textContent = "读取数据失败：" + error.message;
      stage.setAttribute("data-state", "done");
    });
  }
  document.addEventListener("DOMContentLoaded", start);
}());
