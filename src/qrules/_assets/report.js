/* qrules report: builds the page from the JSON in #qrules-data.
 * Text goes in with textContent only. Charts are Apache ECharts (SVG renderer), created
 * when their box first has a size (a ResizeObserver), so hidden rows cost nothing. */
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("qrules-data").textContent);
  var L = DATA.labels;
  var VERDICTS = ["met", "not_met", "unknown"];
  var COLOR = { met: "#1a7f37", not_met: "#cf222e", unknown: "#656d76" };
  var ICON = { met: "\u2713", not_met: "\u2717", unknown: "?" };
  var PASS_AREA = "rgba(26,127,55,0.12)";
  var state = {
    district: DATA.districts.length ? DATA.districts[0].key : "",
    section: "", verdict: "", trend: "", search: "", body: ""
  };

  // -- small helpers ------------------------------------------------------------

  function el(tag, attrs) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (key) {
        var value = attrs[key];
        if (value === null || value === undefined || value === false) return;
        if (key === "text") node.textContent = value;
        else if (key === "class") node.className = value;
        else node.setAttribute(key, value === true ? "" : String(value));
      });
    }
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined || child === false) continue;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return String(values[key]); });
  }
  function badge(verdict, text, small) {
    return el("span", { "class": "badge " + verdict + (small ? " small" : ""),
                        text: ICON[verdict] + " " + text });
  }
  function withUnit(text, unit) {
    if (text === null || text === undefined) return L.no_value;
    if (!unit) return text;
    return unit === "%" ? text + "%" : text + " " + unit;
  }
  function fmt(value) {
    if (value === null || value === undefined || !isFinite(value)) return "";
    var abs = Math.abs(value);
    var digits = abs >= 1000 ? 0 : abs >= 100 ? 1 : abs >= 10 ? 2 : 3;
    return String(Number(value.toFixed(digits)));
  }
  function lastOf(list) { return list[list.length - 1]; }
  /* Axis bounds on round numbers, about three steps apart: [low, high, step]. */
  function niceBounds(lo, hi) {
    if (!(hi > lo)) hi = lo + 1;
    var raw = (hi - lo) / 3, power = Math.pow(10, Math.floor(Math.log10(raw)));
    var step = [1, 2, 2.5, 5, 10].map(function (m) { return m * power; })
      .filter(function (s) { return s >= raw; })[0];
    var low = Math.floor(lo / step + 1e-9) * step, high = Math.ceil(hi / step - 1e-9) * step;
    return [Number(low.toPrecision(12)), Number(high.toPrecision(12)), step];
  }

  // -- charts -------------------------------------------------------------------

  var charts = [];
  var observer = new ResizeObserver(function (entries) {
    entries.forEach(function (entry) {
      var box = entry.target;
      if (entry.contentRect.width <= 0 || entry.contentRect.height <= 0) return;
      if (!box._chart) {
        box._chart = echarts.init(box, null, { renderer: "svg" });
        box._chart.setOption(box._option);
        if (box._onClick) box._chart.on("click", box._onClick);
        charts.push(box);
        box.setAttribute("data-rendered", "true");
      } else {
        box._chart.resize();
      }
    });
  });
  function chart(option, label, onClick) {
    var box = el("div", { "class": "chart", role: "img", "aria-label": label });
    box._option = option;
    box._onClick = onClick;
    observer.observe(box);
    return box;
  }
  function disposeCharts(root) {
    charts = charts.filter(function (box) {
      if (!root.contains(box)) return true;
      observer.unobserve(box);
      box._chart.dispose();
      return false;
    });
    root.querySelectorAll(".chart").forEach(function (box) { observer.unobserve(box); });
  }

  /* Observed against the threshold: the side that meets the rule shaded, the threshold a
   * line, the observed value a bar from 0 (a count's progress) or a dot when the axis does
   * not start at 0 (a rate near its target, where a bar's length would mislead). */
  function bulletOption(rule, result) {
    var t = rule.target, o = result.observed;
    var lowest = o === null ? t : Math.min(t, o), highest = o === null ? t : Math.max(t, o);
    var span = Math.max(highest - lowest, Math.abs(highest) * 0.04, 1e-9);
    // Counts start at 0: how far along is the point. Rates near their target zoom in.
    var fromZero = o === null || rule.integer || lowest - span * 0.6 <= 0 || lowest < highest * 0.6;
    var bounds = niceBounds(fromZero ? 0 : lowest - span * 0.6, highest + span * 0.6);
    var lo = bounds[0], hi = bounds[1];
    if (rule.unit === "%" && highest <= 100) hi = Math.min(hi, 100);
    var color = COLOR[result.verdict];
    // Labels go where they are not clipped by the chart's edge nor cross the threshold.
    var at = o === null ? 0 : (o - lo) / (hi - lo);
    var dotLabel = o !== null && o < t ? (at < 0.15 ? "bottom" : "left") : (at > 0.85 ? "bottom" : "right");
    var meets = rule.op === ">=" || rule.op === ">" ? [t, hi] : rule.op === "<=" || rule.op === "<" ? [lo, t] : null;
    var marks = {
      silent: true,
      markLine: {
        symbol: "none", animation: false,
        lineStyle: { color: "#1f2328", width: 2, type: "solid" },
        label: { formatter: rule.targetText, position: "end", fontSize: 10, color: "#1f2328", distance: 2 },
        data: [{ xAxis: t }]
      },
      markArea: meets ? { itemStyle: { color: PASS_AREA }, data: [[{ xAxis: meets[0] }, { xAxis: meets[1] }]] } : undefined
    };
    var series;
    if (o === null) {
      series = [Object.assign({ type: "scatter", data: [] }, marks)];
    } else if (fromZero) {
      series = [Object.assign({
        type: "bar", data: [o], barWidth: 12, itemStyle: { color: color },
        label: at < 0.25
          ? { show: true, position: "right", formatter: fmt(o), color: color, fontSize: 10, fontWeight: 600 }
          : { show: true, position: "insideLeft", formatter: fmt(o), color: "#fff", fontSize: 10, fontWeight: 600 }
      }, marks)];
    } else {
      series = [Object.assign({
        type: "scatter", data: [[o, 0]], symbol: result.verdict === "met" ? "circle" : "diamond",
        symbolSize: 14, itemStyle: { color: color, borderColor: "#fff", borderWidth: 1 },
        label: { show: true, position: dotLabel, formatter: fmt(o), fontSize: 10,
                 color: color, distance: 4, fontWeight: 600 }
      }, marks)];
    }
    return {
      animation: false,
      grid: { left: 6, right: 14, top: 16, bottom: 18 },
      xAxis: { type: "value", min: lo, max: hi, interval: bounds[2], scale: !fromZero,
               axisLabel: { fontSize: 9, color: "#59636e", formatter: fmt, hideOverlap: true },
               splitLine: { show: false }, axisLine: { show: true, lineStyle: { color: "#d1d9e0" } } },
      yAxis: { type: "category", data: [""], show: false },
      graphic: o === null ? [{ type: "text", left: "center", top: "middle",
                               style: { text: L.no_value, fill: "#59636e", fontSize: 11 } }] : [],
      series: series
    };
  }
  function bulletLabel(rule, result) {
    return L.observed + " " + withUnit(result.observedText, rule.unit) + ", " + L.target + " " +
      rule.targetText + ": " + L[result.verdict];
  }

  /* The measure's path, and the projection at its recent pace, against the target. */
  function trendOption(rule, trend) {
    var years = [];
    var first = trend.path.length ? trend.path[0][0] : trend.year;
    var last = Math.max(trend.year, trend.path.length ? lastOf(trend.path)[0] : trend.year);
    for (var y = first; y <= last; y++) years.push(String(y));
    function at(points) {
      var byYear = {};
      points.forEach(function (p) { byYear[p[0]] = p[1]; });
      return years.map(function (y) { return y in byYear ? byYear[y] : null; });
    }
    var projection = trend.projection.length ? [lastOf(trend.path)].concat(trend.projection) : [];
    var color = COLOR[trend.verdict];
    var values = trend.path.map(function (p) { return p[1]; })
      .concat(trend.projection.map(function (p) { return p[1]; }));
    if (rule.target !== null) values.push(rule.target);
    var lo = Math.min.apply(null, values), hi = Math.max.apply(null, values);
    var pad = Math.max((hi - lo) * 0.1, Math.abs(hi) * 0.01, 1e-9);
    var bounds = niceBounds(Math.max(0, lo - pad), hi + pad);
    return {
      animation: false,
      grid: { left: 6, right: 10, top: 12, bottom: 4, containLabel: true },
      tooltip: { trigger: "axis", confine: true, valueFormatter: fmt },
      xAxis: { type: "category", data: years, boundaryGap: false,
               axisLabel: { fontSize: 9, color: "#59636e" }, axisTick: { show: false } },
      yAxis: { type: "value", min: bounds[0], max: bounds[1], interval: bounds[2],
               axisLabel: { fontSize: 9, color: "#59636e", formatter: fmt, hideOverlap: true },
               splitLine: { lineStyle: { color: "#eaeef2" } } },
      series: [
        { name: L.path, type: "line", data: at(trend.path), symbolSize: 6, connectNulls: true,
          lineStyle: { color: "#0969da", width: 2 }, itemStyle: { color: "#0969da" },
          markLine: rule.target === null ? undefined : {
            symbol: "none", silent: true, animation: false,
            lineStyle: { color: "#1f2328", type: "dashed", width: 1 },
            label: { formatter: rule.targetText, position: "insideEndTop", fontSize: 9, color: "#1f2328" },
            data: [{ yAxis: rule.target }] } },
        { name: L.projection, type: "line", data: at(projection), symbol: "emptyCircle", symbolSize: 6,
          connectNulls: true, lineStyle: { color: color, width: 2, type: "dashed" }, itemStyle: { color: color } }
      ]
    };
  }
  function trendLabel(rule, trend) {
    var points = trend.path.map(function (p) { return p[0] + ": " + fmt(p[1]); }).join(", ");
    return fill(L.trend_chart, { measure: rule.measure }) + ": " + points + ". " + trend.reason;
  }

  function stackedOption(names, counts, horizontal) {
    var category = { type: "category", data: names, inverse: horizontal,
                     axisLabel: { fontSize: 11, color: "#1f2328", width: horizontal ? 150 : 60,
                                  overflow: "truncate", interval: 0, rotate: horizontal ? 0 : 40 },
                     axisTick: { show: false } };
    var value = { type: "value", minInterval: 1, axisLabel: { fontSize: 10, color: "#59636e" },
                  splitLine: { lineStyle: { color: "#eaeef2" } } };
    return {
      animation: false,
      aria: { enabled: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true },
      legend: { top: 0, itemWidth: 12, itemHeight: 10, textStyle: { fontSize: 11 } },
      grid: { left: 8, right: 16, top: 26, bottom: 4, containLabel: true },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: VERDICTS.map(function (v) {
        return { name: ICON[v] + " " + L[v], type: "bar", stack: "all", barMaxWidth: 18,
                 itemStyle: { color: COLOR[v] },
                 data: counts.map(function (c) { return c[v]; }) };
      })
    };
  }

  // -- filtering ------------------------------------------------------------------

  function rowOf(rule, district) { return rule.rows[district === undefined ? state.district : district]; }
  function sectionKey(rule) { return rule.top + (rule.sub ? " / " + rule.sub : ""); }
  function trendState(row) {
    if (!row.trend || row.trend.verdict === "unknown") return "unknown";
    return row.trend.verdict === "met" ? "on" : "off";
  }
  function visible(rule) {
    var row = rowOf(rule);
    if (!row) return false;
    if (state.section) {
      var key = sectionKey(rule);
      if (key !== state.section && rule.top !== state.section) return false;
    }
    if (state.verdict && row.verdict !== state.verdict) return false;
    if (state.body && rule.bodies.indexOf(state.body) < 0) return false;
    if (state.trend && trendState(row) !== state.trend) return false;
    if (state.search) {
      var hay = (rule.id + " " + rule.title + " " + rule.measure).toLowerCase();
      if (hay.indexOf(state.search.toLowerCase()) < 0) return false;
    }
    return true;
  }
  function countsFor(rules, district) {
    var counts = { met: 0, not_met: 0, unknown: 0 };
    rules.forEach(function (rule) {
      var row = rowOf(rule, district);
      if (row) counts[row.verdict] += 1;
    });
    return counts;
  }

  // -- the page -------------------------------------------------------------------

  function header() {
    document.getElementById("title").textContent = DATA.rulebook.title;
    var meta = document.getElementById("meta");
    meta.textContent = "";
    meta.appendChild(document.createTextNode(
      L.report + " \u00b7 " + L.rulebook + " " + DATA.rulebook.id + " " + DATA.rulebook.version +
      (DATA.rulebook.origin ? " (" + DATA.rulebook.origin + ")" : "") +
      " \u00b7 " + L.fingerprint + " "));
    meta.appendChild(el("code", { text: DATA.rulebook.fingerprint.slice(0, 12),
                                  title: DATA.rulebook.fingerprint }));
    if (DATA.dataset) meta.appendChild(document.createTextNode(" \u00b7 " + L.dataset + " " + DATA.dataset));
  }

  function summary() {
    var box = document.getElementById("summary");
    box.textContent = "";
    var counts = countsFor(DATA.rules);
    if (DATA.districts.length > 1) {
      var current = DATA.districts.filter(function (d) { return d.key === state.district; })[0];
      box.appendChild(el("span", { "class": "summary-for", text: current.name + L.colon }));
    }
    VERDICTS.forEach(function (v) {
      var tile = el("button", { "class": "tile " + v, type: "button", "data-verdict": v,
                                "aria-pressed": state.verdict === v ? "true" : "false" },
                    el("b", { text: String(counts[v]) }), el("span", { text: ICON[v] + " " + L[v] }));
      tile.addEventListener("click", function () {
        state.verdict = state.verdict === v ? "" : v;
        document.getElementById("f-verdict").value = state.verdict;
        apply();
      });
      box.appendChild(tile);
    });
    var on = 0, off = 0, year = null;
    DATA.rules.forEach(function (rule) {
      var row = rowOf(rule);
      if (!row || !row.trend || !row.trend.projected) return;
      year = row.trend.year;
      if (row.trend.verdict === "met") on += 1; else if (row.trend.verdict === "not_met") off += 1;
    });
    if (on + off > 0) {
      box.appendChild(el("div", { "class": "tile trend-tile" },
        el("span", { text: L.trend + L.colon }),
        el("b", { text: String(on) }), el("span", { text: L.on_track }),
        el("b", { text: String(off) }), el("span", { text: L.off_track })));
    }
  }

  function overview() {
    var box = document.getElementById("overview");
    disposeCharts(box);
    box.textContent = "";
    var tops = DATA.sections.map(function (s) { return s.name; });
    var bySection = tops.map(function (top) {
      return countsFor(DATA.rules.filter(function (r) { return r.top === top; }));
    });
    var sectionChart = chart(stackedOption(tops, bySection, true), L.by_section, function (event) {
      state.section = tops[event.dataIndex];
      document.getElementById("f-section").value = state.section;
      apply();
    });
    sectionChart.style.height = Math.max(120, tops.length * 24 + 40) + "px";
    box.appendChild(el("figure", null, el("figcaption", { text: L.by_section }), sectionChart));
    if (DATA.districts.length > 1) {
      var names = DATA.districts.map(function (d) { return d.name; });
      var byDistrict = DATA.districts.map(function (d) { return countsFor(DATA.rules, d.key); });
      var option = stackedOption(names, byDistrict, true);
      // The district shown below is marked on its axis label.
      option.yAxis.axisLabel.formatter = function (value, index) {
        return DATA.districts[index].key === state.district ? "{current|\u25b6 " + value + "}" : value;
      };
      option.yAxis.axisLabel.rich = { current: { fontWeight: "bold", color: "#0969da", fontSize: 11 } };
      var districtChart = chart(option, L.by_district, function (event) {
        setDistrict(DATA.districts[event.dataIndex].key);
      });
      districtChart.style.height = Math.max(120, names.length * 22 + 40) + "px";
      box.appendChild(el("figure", null, el("figcaption", { text: L.by_district }), districtChart));
    }
  }

  function select(id, label, options, value, onChange) {
    var node = el("select", { id: id });
    options.forEach(function (o) {
      node.appendChild(el("option", { value: o[0], text: o[1], selected: o[0] === value }));
    });
    node.addEventListener("change", function () { onChange(node.value); });
    return el("label", { "for": id }, label, node);
  }

  function controls() {
    var box = document.getElementById("controls");
    box.setAttribute("aria-label", L.section + ", " + L.district + ", " + L.verdict);
    var sections = [["", L.all]];
    DATA.sections.forEach(function (s) {
      sections.push([s.name, s.name]);
      s.subs.forEach(function (sub) { sections.push([s.name + " / " + sub, "\u00a0\u00a0\u2014 " + sub]); });
    });
    box.appendChild(select("f-section", L.section, sections, state.section,
                           function (v) { state.section = v; apply(); }));
    if (DATA.districts.length > 1) {
      box.appendChild(select("f-district", L.district,
                             DATA.districts.map(function (d) { return [d.key, d.name]; }),
                             state.district, setDistrict));
    }
    if (DATA.bodies.length) {
      box.appendChild(select("f-body", L.responsible,
                             [["", L.all]].concat(DATA.bodies.map(function (b) { return [b.id, b.name]; })),
                             state.body, function (v) { state.body = v; apply(); }));
    }
    box.appendChild(select("f-verdict", L.verdict,
                           [["", L.all]].concat(VERDICTS.map(function (v) { return [v, ICON[v] + " " + L[v]]; })),
                           state.verdict, function (v) { state.verdict = v; apply(); }));
    var hasTrends = DATA.rules.some(function (rule) {
      return Object.keys(rule.rows).some(function (k) { return rule.rows[k].trend; });
    });
    if (hasTrends) {
      box.appendChild(select("f-trend", L.trend,
                             [["", L.all], ["on", L.on_track], ["off", L.off_track], ["unknown", L.no_trend]],
                             state.trend, function (v) { state.trend = v; apply(); }));
    }
    var search = el("input", { id: "f-search", type: "search", placeholder: L.search_hint });
    search.addEventListener("input", function () { state.search = search.value.trim(); apply(); });
    box.appendChild(el("label", { "for": "f-search" }, L.search, search));
    var expand = el("button", { type: "button", id: "expand-all", text: L.expand });
    var collapse = el("button", { type: "button", id: "collapse-all", text: L.collapse });
    expand.addEventListener("click", function () {
      document.querySelectorAll(".group > details").forEach(function (d) { d.open = true; });
    });
    collapse.addEventListener("click", function () {
      document.querySelectorAll(".group > details").forEach(function (d) { d.open = false; });
    });
    box.appendChild(expand);
    box.appendChild(collapse);
    box.appendChild(el("span", { "class": "shown", id: "shown", "aria-live": "polite" }));
  }

  function setDistrict(key) {
    state.district = key;
    var node = document.getElementById("f-district");
    if (node) node.value = key;
    render();
  }

  function figures(rule, result) {
    var list = el("dl", { "class": "figures" });
    function add(term, value) { list.appendChild(el("div", null, el("dt", { text: term }), el("dd", { text: value }))); }
    add(L.observed, withUnit(result.observedText, rule.unit));
    add(L.target, rule.targetText);
    if (result.gapText) add(L.gap, withUnit(result.gapText, rule.unit));
    return list;
  }

  function ruleRow(rule, row) {
    // A district judged against a target of its own shows that target.
    if (row.own) rule = Object.assign({}, rule, row.own);
    // The chart and figures show the latest year that has a value.
    var withValue = row.results.filter(function (r) { return r.observed !== null; });
    var main = lastOf(withValue.length ? withValue : row.results);
    var article = el("article", { "class": "rule", id: "rule-" + rule.id, "data-id": rule.id,
                                  "data-verdict": row.verdict, "data-trend": trendState(row) });
    var when = row.results.length > 1 ? row.results[0].when + "\u2013" + lastOf(row.results).when : main.when;
    article.appendChild(el("div", { "class": "verdict-cell" }, badge(row.verdict, L[row.verdict]),
                           el("span", { "class": "when", text: when })));

    var words = el("div", { "class": "words" });
    words.appendChild(el("h4", { text: rule.title }));
    words.appendChild(el("div", { "class": "id", text: [rule.id, rule.aggregation, L.due + " " + rule.due,
                                                         L.scope + " " + rule.scope]
      .concat(rule.aspirational ? [L.aspirational] : []).join(" \u00b7 ") }));
    words.appendChild(figures(rule, main));
    // Figures and records may both judge a rule: each result then says which it is.
    var mixed = row.results.some(function (r) { return r.source !== row.results[0].source; });
    function prefixOf(result) {
      var parts = (row.results.length > 1 ? [result.when] : []).concat(mixed ? [result.sourceText] : []);
      return parts.length ? parts.join(" \u00b7 ") + ": " : "";
    }
    row.results.forEach(function (result) {
      var prefix = prefixOf(result);
      if (result.changes.length) {
        words.appendChild(el("p", { "class": "note" }, el("span", { "class": "k", text: L.change + L.colon }),
                             prefix + result.changes.join("; ")));
      } else if (result.verdict !== "met") {
        words.appendChild(el("p", { "class": "note" }, el("span", { "class": "k", text: L.reason + L.colon }),
                             prefix + result.reason));
      }
      if (result.derived && result.derived.length) {
        words.appendChild(el("p", { "class": "note" }, el("span", { "class": "k", text: L.derived + L.colon }),
                             prefix + result.derived.join("; ")));
      }
      if (result.population !== null && result.population !== undefined) {
        words.appendChild(el("p", { "class": "note", text: prefix + fill(L.meeting, {
          meeting: result.meeting === null ? "?" : result.meeting, population: result.population }) }));
      }
      if (result.disagreement) {
        words.appendChild(el("p", { "class": "note disagreement" },
                             el("span", { "class": "k", text: L.disagreement + L.colon }),
                             prefix + result.disagreement));
      }
      if (result.rejected && result.rejected.length) words.appendChild(rejectedLinks(result, prefix));
    });
    if (row.results.length > 1) {
      var chips = el("div", { "class": "chips" }, el("span", { "class": "k", text: L.years + L.colon }));
      row.results.forEach(function (r) {
        chips.appendChild(badge(r.verdict, r.when + (mixed ? " " + r.sourceText : ""), true));
      });
      words.appendChild(chips);
    }
    if (inDistricts(rule)) words.appendChild(districtStrip(rule));
    words.appendChild(el("details", { "class": "more quote" }, el("summary", { text: L.quote }),
                         el("blockquote", { text: rule.quote }),
                         rule.responsible ? el("p", { "class": "note" },
                           el("span", { "class": "k", text: L.responsible + L.colon }), rule.responsible) : null,
                         rule.interpretation ? el("p", { "class": "note" },
                           el("span", { "class": "k", text: L.interpretation + L.colon }), rule.interpretation) : null));
    row.results.forEach(function (result) {
      if (result.failing.length) words.appendChild(failingUnits(result, row.results.length > 1));
    });
    article.appendChild(words);

    var bullet = el("figure", { "class": "plot bullet" });
    if (rule.target !== null) {
      bullet.appendChild(chart(bulletOption(rule, main), bulletLabel(rule, main)));
      if (row.results.length > 1) bullet.appendChild(el("figcaption", { text: main.when }));
    }
    article.appendChild(bullet);

    var trendBox = el("figure", { "class": "plot trend" });
    var trend = row.trend;
    if (trend && trend.path.length >= 2) {
      trendBox.appendChild(chart(trendOption(rule, trend), trendLabel(rule, trend)));
    }
    if (trend && (trend.path.length >= 2 || trend.projected)) {
      trendBox.appendChild(el("figcaption", null, badge(trend.verdict, trend.label, true), trend.reason));
    }
    article.appendChild(trendBox);
    return article;
  }

  // Whether a rule was judged in any district (not only for the whole city).
  function inDistricts(rule) {
    return DATA.districts.some(function (d) { return d.key !== "" && rule.rows[d.key]; });
  }

  function districtStrip(rule) {
    var strip = el("div", { "class": "strip" }, el("span", { "class": "k", text: L.districts + L.colon }));
    var met = 0, total = 0;
    DATA.districts.forEach(function (d) {
      var row = rule.rows[d.key];
      if (!row) return;
      // The city is shown beside its districts, but is not one of them.
      if (d.key !== "") {
        total += 1;
        if (row.verdict === "met") met += 1;
      }
      var button = el("button", { type: "button", "class": row.verdict + (d.key === state.district ? " current" : ""),
                                  title: d.name + ": " + L[row.verdict], "aria-label": d.name + ": " + L[row.verdict],
                                  text: ICON[row.verdict] });
      button.addEventListener("click", function () { setDistrict(d.key); });
      strip.appendChild(button);
    });
    strip.appendChild(el("span", { "class": "count", text: fill(L.districts_met, { met: met, total: total }) }));
    return strip;
  }

  // The rejected rows a result bears, each a link to its reason in the footer.
  function rejectedLinks(result, prefix) {
    var note = el("p", { "class": "note rejected-links" },
                  el("span", { "class": "k", text: prefix + L.bearing + L.colon }));
    result.rejected.forEach(function (ref, index) {
      var kind = L[ref.kind] || ref.kind;
      var link = el("a", { href: "#rejected-" + ref.kind + "-" + ref.row,
                           text: fill(L.row_ref, { kind: kind, row: ref.row }) });
      link.addEventListener("click", function () { revealRejected(ref.kind + "-" + ref.row); });
      if (index) note.appendChild(document.createTextNode(", "));
      note.appendChild(link);
    });
    return note;
  }

  function revealRejected(key) {
    var item = document.getElementById("rejected-" + key);
    if (!item) return;
    var details = item.closest("details");
    if (details) details.open = true;
    item.scrollIntoView();
  }

  function failingUnits(result, withYear) {
    var table = el("table", { "class": "units" });
    var head = el("tr", null);
    [L.unit, L.unit_name, L.unit_district, L.needs].forEach(function (h) { head.appendChild(el("th", { scope: "col", text: h })); });
    table.appendChild(el("thead", null, head));
    var body = el("tbody", null);
    result.failing.forEach(function (u) {
      body.appendChild(el("tr", null, el("td", { text: u.unit }), el("td", { text: u.name }),
                          el("td", { text: u.district || "" }), el("td", { text: u.needs })));
    });
    table.appendChild(body);
    var title = fill(L.units, { count: result.failing.length }) + (withYear ? " \u00b7 " + result.when : "");
    return el("details", { "class": "more units" }, el("summary", { text: title }),
              el("div", { "class": "units-wrap" }, table));
  }

  function render() {
    var main = document.getElementById("rules");
    disposeCharts(main);
    main.textContent = "";
    var groups = {};
    DATA.sections.forEach(function (s) {
      var details = el("details", { open: true });
      var counts = el("span", { "class": "counts" });
      details.appendChild(el("summary", null, el("h2", { text: s.name }), counts));
      var group = el("section", { "class": "group", "data-top": s.name }, details);
      groups[s.name] = { node: group, details: details, counts: counts, subs: {} };
      main.appendChild(group);
    });
    DATA.rules.forEach(function (rule) {
      var row = rowOf(rule);
      if (!row) return;
      var group = groups[rule.top];
      if (rule.sub && !group.subs[rule.sub]) {
        group.subs[rule.sub] = el("h3", { "class": "sub", "data-section": rule.top + " / " + rule.sub, text: rule.sub });
        group.details.appendChild(group.subs[rule.sub]);
      }
      var article = ruleRow(rule, row);
      article._rule = rule;
      group.details.appendChild(article);
    });
    main.appendChild(el("p", { "class": "empty", id: "empty", hidden: true, text: L.none_shown }));
    summary();
    overview();
    apply();
  }

  function apply() {
    var shown = 0, total = 0;
    document.querySelectorAll("#rules .group").forEach(function (group) {
      var counts = { met: 0, not_met: 0, unknown: 0 };
      var any = false;
      var lastSub = null, subAny = false;
      function closeSub() { if (lastSub) lastSub.hidden = !subAny; }
      Array.prototype.forEach.call(group.querySelector("details").children, function (child) {
        if (child.tagName === "H3") { closeSub(); lastSub = child; subAny = false; return; }
        if (child.tagName !== "ARTICLE") return;
        total += 1;
        var show = visible(child._rule);
        child.hidden = !show;
        if (show) { shown += 1; any = true; subAny = true; counts[child.getAttribute("data-verdict")] += 1; }
      });
      closeSub();
      group.hidden = !any;
      var box = group.querySelector(".counts");
      box.textContent = "";
      VERDICTS.forEach(function (v) {
        if (counts[v]) box.appendChild(el("span", { text: ICON[v] + " " + counts[v] + " " + L[v] }));
      });
    });
    document.getElementById("shown").textContent = fill(L.shown, { shown: shown, total: total });
    document.getElementById("empty").hidden = shown > 0;
    document.querySelectorAll(".tile[data-verdict]").forEach(function (tile) {
      tile.setAttribute("aria-pressed", tile.getAttribute("data-verdict") === state.verdict ? "true" : "false");
    });
  }

  function footer() {
    var box = document.getElementById("footer");
    var lines = [];
    if (DATA.dataset) lines.push(L.dataset + " " + DATA.dataset + ": " + fill(L.rows, DATA.rows));
    (DATA.notes || []).forEach(function (note) { lines.push(note); });
    DATA.records.forEach(function (t) { lines.push(fill(L.records, t)); });
    var list = el("ul", null);
    lines.forEach(function (line) { list.appendChild(el("li", { text: line })); });
    box.appendChild(list);
    DATA.records.forEach(function (t) {
      if (!t.problems.length) return;
      var rows = el("ul", { "class": "rejected" });
      var named = {};
      t.problems.forEach(function (p) {
        var attrs = { text: p.text };
        if (p.row !== null && !named[p.row]) {
          named[p.row] = true;
          attrs.id = "rejected-" + t.key + "-" + p.row;
        }
        rows.appendChild(el("li", attrs));
      });
      box.appendChild(el("details", { "class": "more rejected" }, el("summary", {
        text: fill(L.rejected_rows, { kind: t.kind, name: t.name, count: t.rejected }) }), rows));
    });
    if (DATA.unused.length) {
      var unused = el("ul", null);
      DATA.unused.forEach(function (origin) { unused.appendChild(el("li", { text: origin })); });
      box.appendChild(el("details", { "class": "more" },
                         el("summary", { text: L.unused + " (" + DATA.unused.length + ")" }), unused));
    }
    box.appendChild(el("p", { text: fill(L.generated, { version: DATA.echarts }) }));
  }

  header();
  controls();
  render();
  footer();
  document.documentElement.setAttribute("data-ready", "true");
})();
