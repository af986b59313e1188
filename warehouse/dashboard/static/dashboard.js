/*
 * Parley's dashboard: every chart is drawn here, in the browser, from the aggregates the build wrote
 * (data/*.js), so the filters apply at once and the page needs no server. Evidence sentences come one
 * actor × topic at a time from evidence/<n>.js, loaded when a chart asks for them.
 */
(function () {
  "use strict";

  var META = window.PARLEY, P = window.PARLEY_POSITIONS, COV = window.PARLEY_COVERAGE, RUNS = window.PARLEY_RUNS;
  var DAY_MS = 86400000;
  var ZERO = META.day_zero ? Date.parse(META.day_zero + "T00:00:00Z") : Date.now();
  var PRO = "#2a7ab0", PRO_LIGHT = "#8fc1e3", CONTRA = "#c0392b", CONTRA_LIGHT = "#eb9b92";
  var PLOT = { displaylogo: false, responsive: true };
  var state = { from: 0, to: Math.max(META.days - 1, 0), source: -1, band: 0, attr: "all", actor: -1, topic: -1, weeks: 8 };
  var evidence = {}, waiting = {};
  var pairIndex = {};
  (META.pairs || []).forEach(function (p, i) { pairIndex[p[0] + "|" + p[1]] = i; });

  function $(id) { return document.getElementById(id); }
  function isoDay(d) { return new Date(ZERO + d * DAY_MS).toISOString().slice(0, 10); }
  function dayOf(iso) { return Math.round((Date.parse(iso + "T00:00:00Z") - ZERO) / DAY_MS); }
  function weekStart(d) { var dow = new Date(ZERO + d * DAY_MS).getUTCDay(); return d - ((dow + 6) % 7); }
  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function sqlText(s) { return "'" + String(s).replace(/'/g, "''") + "'"; }
  // An empty chart still draws its frame, with the reason in place of the data.
  function empty(el, text) {
    Plotly.react(el, [], {
      margin: { t: 10, r: 10, b: 10, l: 10 }, xaxis: { visible: false }, yaxis: { visible: false },
      annotations: [{ text: esc(text), showarrow: false, xref: "paper", yref: "paper", x: 0.5, y: 0.5, font: { color: "#888", size: 14 } }]
    }, PLOT);
  }
  function actorName(i) { return META.actors[i][1]; }
  function sourceName(i) { return i >= 0 && META.sources[i] ? META.sources[i][1] : "?"; }

  // The rows of data/positions.js that pass the filters (date range, outlet, confidence, kind).
  function passing(from, to) {
    var out = [], n = P.day.length;
    for (var i = 0; i < n; i++) {
      var d = P.day[i];
      if (d < from || d > to) continue;
      if (state.source >= 0 && P.src[i] !== state.source) continue;
      if (P.band[i] < state.band) continue;
      if (state.attr !== "all" && P.attr[i] !== +state.attr) continue;
      out.push(i);
    }
    return out;
  }

  function keepsRow(row) { // an evidence row: [day, pol, attr, conf, src, sentence, title, url]
    return row[0] >= state.from && row[0] <= state.to && (state.source < 0 || row[4] === state.source) &&
      row[3] >= state.band / 10 && (state.attr === "all" || row[2] === +state.attr);
  }

  function loadEvidence(actor, topic, done) {
    var n = pairIndex[actor + "|" + topic];
    if (n === undefined) { done([]); return; }
    if (evidence[n]) { done(evidence[n]); return; }
    (waiting[n] = waiting[n] || []).push(done);
    if (waiting[n].length > 1) return;
    var script = document.createElement("script");
    script.src = "evidence/" + n + ".js";
    script.onerror = function () { evidence[n] = []; flush(n); };
    document.head.appendChild(script);
  }
  function flush(n) { var cbs = waiting[n] || []; delete waiting[n]; cbs.forEach(function (cb) { cb(evidence[n]); }); }
  window.PARLEY_EVIDENCE_LOADED = function (n, rows) { evidence[n] = rows; flush(n); };

  // ---- filters -------------------------------------------------------------------------------------
  function setupFilters() {
    $("built").textContent = "Built " + META.built_at.replace("T", " ").replace("+00:00", " UTC") + ".";
    META.sources.forEach(function (s, i) { $("f-source").add(new Option(s[1], i)); });
    for (var b = 0; b < 10; b++) $("f-conf").add(new Option(b ? "≥ " + (b / 10).toFixed(1) : "any", b));
    var bounds = META.days ? [isoDay(0), isoDay(META.days - 1)] : ["", ""];
    ["f-from", "f-to"].forEach(function (id) { $(id).min = bounds[0]; $(id).max = bounds[1]; });
    function read() {
      state.from = $("f-from").value ? dayOf($("f-from").value) : 0;
      state.to = $("f-to").value ? dayOf($("f-to").value) : Math.max(META.days - 1, 0);
      state.source = +$("f-source").value;
      state.band = +$("f-conf").value;
      state.attr = $("f-attr").value;
      drawAll();
    }
    ["f-from", "f-to", "f-source", "f-conf", "f-attr"].forEach(function (id) { $(id).addEventListener("change", read); });
    $("f-reset").addEventListener("click", function () {
      $("f-from").value = bounds[0]; $("f-to").value = bounds[1];
      $("f-source").value = "-1"; $("f-conf").value = "0"; $("f-attr").value = "all";
      read();
    });
    $("f-from").value = bounds[0]; $("f-to").value = bounds[1];
    $("m-weeks").addEventListener("change", function () { state.weeks = +this.value; drawMatrix(); drawShifts(); });
    // The pair shown first: the actor and topic with the most positions.
    var totals = {};
    P.actor.forEach(function (a, i) { var k = a + "|" + P.topic[i]; totals[k] = (totals[k] || 0) + P.n[i]; });
    var best = Object.keys(totals).sort(function (x, y) { return totals[y] - totals[x]; })[0];
    if (best) { state.actor = +best.split("|")[0]; state.topic = +best.split("|")[1]; }
    META.actors.map(function (a, i) { return [a[1], i]; }).sort().forEach(function (a) { $("t-actor").add(new Option(a[0], a[1])); });
    META.topics.forEach(function (t, i) { $("t-topic").add(new Option(t.replace(/_/g, " "), i)); });
    $("t-actor").value = state.actor; $("t-topic").value = state.topic;
    $("t-actor").addEventListener("change", function () { state.actor = +this.value; drawTimeline(); });
    $("t-topic").addEventListener("change", function () { state.topic = +this.value; drawTimeline(); });
  }

  // ---- positions over time -------------------------------------------------------------------------
  function drawTimeline() {
    var el = $("timeline");
    $("evidence").innerHTML = "";
    if (state.actor < 0) { empty(el, "No positions in the warehouse yet."); return; }
    var daily = state.to - state.from <= 62;
    var bucket = daily ? function (d) { return d; } : weekStart;
    var series = {}; // key "bucket|pol|attr" -> {n, art, src:{}}
    var buckets = {};
    passing(state.from, state.to).forEach(function (i) {
      if (P.actor[i] !== state.actor || P.topic[i] !== state.topic) return;
      var b = bucket(P.day[i]), k = b + "|" + P.pol[i] + "|" + P.attr[i];
      var s = series[k] = series[k] || { n: 0, art: 0 };
      s.n += P.n[i]; s.art += P.art[i];
      var all = buckets[b] = buckets[b] || { art: 0, src: {} };
      all.art += P.art[i]; all.src[P.src[i]] = 1;
    });
    var keys = Object.keys(buckets).map(Number).sort(function (a, b) { return a - b; });
    if (!keys.length) { empty(el, "No positions of " + actorName(state.actor) + " on " + META.topics[state.topic] + " pass the filters."); return; }
    var traces = [[0, 0, "pro, stated", PRO], [0, 1, "pro, analysis", PRO_LIGHT], [1, 0, "contra, stated", CONTRA], [1, 1, "contra, analysis", CONTRA_LIGHT]]
      .map(function (t) {
        return {
          type: "bar", name: t[2], marker: { color: t[3] },
          x: keys.map(isoDay),
          y: keys.map(function (b) { var s = series[b + "|" + t[0] + "|" + t[1]]; return s ? (t[0] ? -s.n : s.n) : 0; }),
          customdata: keys,
          text: keys.map(function (b) {
            var a = buckets[b];
            return a.art + " article(s), " + Object.keys(a.src).length + " outlet(s)";
          }),
          textposition: "none", hovertemplate: "%{x}: %{y} " + t[2] + "<br>%{text}<extra></extra>"
        };
      });
    Plotly.react(el, traces, {
      barmode: "relative", margin: { t: 10, r: 10, b: 40, l: 50 }, legend: { orientation: "h", y: -0.18 },
      xaxis: { type: "date", title: { text: daily ? "day" : "week (from Monday)" } },
      yaxis: { title: { text: "positions (contra below 0)" }, zeroline: true }
    }, PLOT);
    el.removeAllListeners && el.removeAllListeners("plotly_click");
    el.on("plotly_click", function (ev) {
      var b = ev.points[0].customdata;
      showEvidence(state.actor, state.topic, b, daily ? b : b + 6);
    });
  }

  function showEvidence(actor, topic, first, last) {
    var box = $("evidence");
    box.innerHTML = "<p class='hint'>Loading the sentences…</p>";
    loadEvidence(actor, topic, function (rows) {
      var shown = rows.filter(function (r) { return r[0] >= first && r[0] <= last && keepsRow(r); })
        .sort(function (a, b) { return b[3] - a[3]; });
      var title = actorName(actor) + " on " + META.topics[topic].replace(/_/g, " ") + ", " + isoDay(first) +
        (last > first ? " to " + isoDay(last) : "");
      var items = shown.map(function (r) {
        var link = r[7] ? "<a href='" + esc(r[7]) + "'>" + esc(r[6] || r[7]) + "</a>" : esc(r[6] || "seed document");
        return "<li><span class='tag " + (r[1] ? "contra'>contra" : "pro'>pro") + "</span><span class='tag kind'>" +
          (r[2] ? "analysis" : "stated") + "</span><q>" + esc(r[5]) + "</q><br><span class='meta'>" + link + " — " +
          esc(sourceName(r[4])) + ", " + isoDay(r[0]) + ", confidence " + r[3].toFixed(2) + "</span></li>";
      });
      var sql = "select article_date, polarity, attribution, confidence, evidence, title, url, source_name\n" +
        "from positions_enriched\nwhere actor_id = " + sqlText(META.actors[actor][0]) + " and topic = " +
        sqlText(META.topics[topic]) + "\n  and article_date >= date " + sqlText(isoDay(first)) +
        " and article_date < date " + sqlText(isoDay(last + 1)) + "\norder by confidence desc;";
      box.innerHTML = "<h3>" + esc(title) + "</h3>" +
        (items.length ? "<ol class='evidence-list'>" + items.join("") + "</ol>" : "<p class='hint'>No sentence passes the filters.</p>") +
        "<p class='hint'>The dashboard carries the " + META.evidence_per_group + " strongest sentence(s) per week and side; " +
        "every one of them: <code>parley sql</code></p><pre class='sql'>" + esc(sql) + "</pre>";
    });
  }

  // ---- who stands where now ------------------------------------------------------------------------
  function windowTotals(from, to) {
    var cells = {};
    passing(from, to).forEach(function (i) {
      var k = P.actor[i] + "|" + P.topic[i];
      var c = cells[k] = cells[k] || { pro: 0, contra: 0, art: 0 };
      if (P.pol[i]) c.contra += P.n[i]; else c.pro += P.n[i];
      c.art += P.art[i];
    });
    return cells;
  }

  function drawMatrix() {
    var el = $("matrix");
    var to = state.to, from = Math.max(state.from, to - state.weeks * 7 + 1);
    var cells = windowTotals(from, to);
    var byActor = {};
    Object.keys(cells).forEach(function (k) { var a = k.split("|")[0]; byActor[a] = (byActor[a] || 0) + cells[k].art; });
    var actors = Object.keys(byActor).sort(function (x, y) { return byActor[y] - byActor[x]; }).slice(0, 25).map(Number);
    if (!actors.length) { empty(el, "No positions in the last " + state.weeks + " weeks that pass the filters."); return; }
    var keep = {}; actors.forEach(function (a) { keep[a] = 1; });
    var ks = Object.keys(cells).filter(function (k) { return keep[k.split("|")[0]]; });
    var most = Math.max.apply(null, ks.map(function (k) { return cells[k].art; }));
    // The biggest square fills most of its row and column, whatever the number of actors and topics.
    var cell = Math.max(6, Math.min(30, 0.85 * (el.clientHeight - 120) / actors.length,
      0.85 * (el.clientWidth - 170) / Math.max(META.topics.length, 1)));
    Plotly.react(el, [{
      type: "scatter", mode: "markers",
      x: ks.map(function (k) { return META.topics[+k.split("|")[1]].replace(/_/g, " "); }),
      y: ks.map(function (k) { return actorName(+k.split("|")[0]); }),
      customdata: ks,
      text: ks.map(function (k) { var c = cells[k]; return c.pro + " pro, " + c.contra + " contra, " + c.art + " article(s)"; }),
      hovertemplate: "%{y} on %{x}<br>%{text}<extra></extra>",
      marker: {
        symbol: "square", line: { width: 0 },
        size: ks.map(function (k) { return cell * (0.3 + 0.7 * Math.sqrt(cells[k].art / most)); }),
        color: ks.map(function (k) { var c = cells[k]; return (c.pro - c.contra) / (c.pro + c.contra); }),
        cmin: -1, cmax: 1, colorscale: [[0, CONTRA], [0.5, "#e9e9e9"], [1, PRO]],
        colorbar: { title: { text: "net" }, tickvals: [-1, 0, 1], ticktext: ["contra", "mixed", "pro"] }
      }
    }], {
      margin: { t: 10, r: 10, b: 110, l: 160 },
      xaxis: { type: "category", tickangle: -35, categoryorder: "array", categoryarray: META.topics.map(function (t) { return t.replace(/_/g, " "); }) },
      yaxis: { type: "category", categoryorder: "array", categoryarray: actors.map(actorName).reverse() }
    }, PLOT);
    el.removeAllListeners && el.removeAllListeners("plotly_click");
    el.on("plotly_click", function (ev) {
      var k = ev.points[0].customdata.split("|");
      state.actor = +k[0]; state.topic = +k[1];
      $("t-actor").value = state.actor; $("t-topic").value = state.topic;
      drawTimeline();
      $("s-timeline").scrollIntoView();
    });
  }

  // ---- shifts --------------------------------------------------------------------------------------
  function drawShifts() {
    var el = $("shifts"), list = $("shift-list");
    var span = state.weeks * 7, to = state.to, mid = to - span, start = mid - span;
    $("shift-periods").textContent = "Net stance in " + isoDay(mid + 1) + " to " + isoDay(to) + " against the " +
      state.weeks + " weeks before (" + isoDay(Math.max(start + 1, 0)) + " to " + isoDay(mid) +
      "); pairs with at least 3 positions in each period.";
    var before = windowTotals(Math.max(start + 1, state.from), mid), after = windowTotals(Math.max(mid + 1, state.from), to);
    var moved = Object.keys(after).filter(function (k) {
      var a = before[k], b = after[k];
      return a && a.pro + a.contra >= 3 && b.pro + b.contra >= 3;
    }).map(function (k) {
      var a = before[k], b = after[k];
      var x = (a.pro - a.contra) / (a.pro + a.contra), y = (b.pro - b.contra) / (b.pro + b.contra);
      return { key: k, before: x, after: y, change: y - x };
    }).filter(function (s) { return Math.abs(s.change) > 0.001; })
      .sort(function (p, q) { return Math.abs(q.change) - Math.abs(p.change); }).slice(0, 10);
    list.innerHTML = "";
    if (!moved.length) { empty(el, "No actor–topic pair changed its stance between the two periods."); return; }
    var labels = moved.map(function (s) { var k = s.key.split("|"); return actorName(+k[0]) + " · " + META.topics[+k[1]].replace(/_/g, " "); });
    Plotly.react(el, [{
      type: "bar", orientation: "h", y: labels.slice().reverse(), x: moved.map(function (s) { return s.change; }).reverse(),
      marker: { color: moved.map(function (s) { return s.change > 0 ? PRO : CONTRA; }).reverse() },
      customdata: moved.map(function (s) { return s.key; }).reverse(),
      text: moved.map(function (s) { return s.before.toFixed(2) + " → " + s.after.toFixed(2); }).reverse(),
      textposition: "none", hovertemplate: "%{y}: %{text}<extra></extra>"
    }], { margin: { t: 10, r: 10, b: 40, l: 260 }, xaxis: { title: { text: "change of net stance (−2 … +2)" }, range: [-2, 2] } }, PLOT);
    moved.forEach(function (s) {
      var k = s.key.split("|"), actor = +k[0], topic = +k[1];
      var div = document.createElement("div");
      div.className = "shift";
      list.appendChild(div);
      loadEvidence(actor, topic, function (rows) {
        function strongest(from, to) {
          return rows.filter(function (r) { return r[0] >= from && r[0] <= to && keepsRow(r); })
            .sort(function (a, b) { return b[3] - a[3] || b[0] - a[0]; })[0];
        }
        function line(r) {
          return r ? "<q>" + esc(r[5]) + "</q> <span class='meta'>(" + esc(sourceName(r[4])) + ", " + isoDay(r[0]) + ")</span>" : "<span class='hint'>no sentence shipped</span>";
        }
        div.innerHTML = "<strong>" + esc(actorName(actor)) + " on " + esc(META.topics[topic].replace(/_/g, " ")) + "</strong>: " +
          s.before.toFixed(2) + " → " + s.after.toFixed(2) + "<br>before: " + line(strongest(start + 1, mid)) +
          "<br>after: " + line(strongest(mid + 1, to));
      });
    });
  }

  // ---- coverage ------------------------------------------------------------------------------------
  function drawCoverage() {
    var el = $("coverage");
    var from = isoDay(weekStart(state.from)), to = isoDay(state.to);
    var rows = COV.weeks.filter(function (w) { return w[0] >= from && w[0] <= to && (state.source < 0 || w[1] === state.source); });
    if (!rows.length) { empty(el, "No articles in this range."); }
    else {
        var bySource = {}, weeks = {}, share = {};
      rows.forEach(function (w) {
        (bySource[w[1]] = bySource[w[1]] || {})[w[0]] = w[2];
        var s = share[w[0]] = share[w[0]] || [0, 0];
        s[0] += w[2]; s[1] += w[3]; weeks[w[0]] = 1;
      });
      var xs = Object.keys(weeks).sort();
      var traces = Object.keys(bySource).map(function (s) {
        return { type: "bar", name: sourceName(+s), x: xs, y: xs.map(function (w) { return bySource[s][w] || 0; }) };
      });
      traces.push({
        type: "scatter", mode: "lines+markers", name: "share with a position", yaxis: "y2", x: xs,
        y: xs.map(function (w) { return share[w][1] / share[w][0]; }), line: { color: "#222" }
      });
      Plotly.react(el, traces, {
        barmode: "stack", margin: { t: 10, r: 60, b: 40, l: 50 }, legend: { orientation: "h", y: -0.2 },
        xaxis: { type: "date" }, yaxis: { title: { text: "articles per week" } },
        yaxis2: { overlaying: "y", side: "right", range: [0, 1], tickformat: ".0%", title: { text: "with a position" } }
      }, PLOT);
    }
    var head = "<tr><th>outlet</th><th>kind</th><th>last successful poll</th><th>failures in a row</th><th>hours since a new article</th><th>articles</th><th>state</th></tr>";
    $("health").innerHTML = head + RUNS.health.map(function (h) {
      var silent = h[1] === "feed" && (h[6] || h[3] > 0 || h[4] === null || h[4] > 72);
      var why = h[6] ? "paused" : h[3] > 0 ? "failing: " + (h[7] || "") : h[4] === null ? "no article yet" : h[4] > 72 ? "silent" : "ok";
      return "<tr class='" + (silent ? "silent" : "") + "'><td>" + esc(h[0]) + "</td><td>" + esc(h[1]) + "</td><td>" +
        esc(h[2] || "never") + "</td><td>" + h[3] + "</td><td>" + (h[4] === null ? "–" : h[4]) + "</td><td>" + h[5] +
        "</td><td>" + esc(h[1] === "feed" ? why : "seed") + "</td></tr>";
    }).join("");
  }

  // ---- quality trend -------------------------------------------------------------------------------
  function drawQuality() {
    var el = $("quality");
    if (RUNS.docs_index) $("docs-index").href = RUNS.docs_index;
    var runs = RUNS.runs; // the last 200 validated runs, whatever the articles' dates
    if (!runs.length) { empty(el, "No validated run yet."); return; }
    var x = runs.map(function (r) { return r[0]; });
    var traces = [[3, "critical failed", CONTRA], [4, "warnings", "#e69f00"], [5, "rows quarantined", "#777"]].map(function (t) {
      return {
        type: "bar", name: t[1], x: x, y: runs.map(function (r) { return r[t[0]]; }), marker: { color: t[2] },
        customdata: runs.map(function (r) { return r[6] || ""; }),
        text: runs.map(function (r) { return r[1].replace("T", " "); }),
        textposition: "none", hovertemplate: "%{x}<br>%{text}: %{y} " + t[1] + "<extra></extra>"
      };
    });
    Plotly.react(el, traces, {
      barmode: "group", margin: { t: 10, r: 10, b: 120, l: 50 }, legend: { orientation: "h", y: 1.1 },
      xaxis: { type: "category", tickangle: -35, automargin: true }, yaxis: { title: { text: "count" }, rangemode: "tozero" }
    }, PLOT);
    el.removeAllListeners && el.removeAllListeners("plotly_click");
    el.on("plotly_click", function (ev) { var link = ev.points[0].customdata; if (link) window.location.href = link; });
  }

  function drawAll() { drawTimeline(); drawMatrix(); drawShifts(); drawCoverage(); drawQuality(); }

  setupFilters();
  drawAll();
  window.PARLEY_DASHBOARD = { state: state, showEvidence: showEvidence, drawAll: drawAll };
})();
