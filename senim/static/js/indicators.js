/* Crime indicators page: structure charts and the region map (Apache ECharts, vendored).
 *
 * The data comes from the <script id="indicators-data" type="application/json"> block the
 * server renders next to the table, so the charts always show the same figures as the table.
 * After htmx swaps #results (a filter change) the charts are drawn again from the new block.
 */
(function () {
  "use strict";

  var PALETTE = ["#0b4f7c", "#1f8a8a", "#c8962e", "#6b7f99", "#8c4f6b", "#4f8c4f", "#b5653a", "#3f5f9f", "#9aa5b1"];
  var geoLoaded = null; // a promise: the GeoJSON is fetched once per page

  function data() {
    var node = document.getElementById("indicators-data");
    return node ? JSON.parse(node.textContent) : null;
  }

  function chart(id) {
    var el = document.getElementById(id);
    if (!el || !window.echarts) return null;
    var old = echarts.getInstanceByDom(el);
    if (old) old.dispose();
    return echarts.init(el, null, { renderer: "svg" });
  }

  function empty(c, labels) {
    c.setOption({
      title: { text: labels.noData, left: "center", top: "middle", textStyle: { color: "#8a94a3", fontSize: 13, fontWeight: "normal" } },
    });
  }

  function donut(id, slices, labels) {
    var c = chart(id);
    if (!c) return;
    if (!slices.length) return empty(c, labels);
    var shareOf = {};
    slices.forEach(function (s) { shareOf[s.name] = s.share; });
    c.setOption({
      color: PALETTE,
      tooltip: { trigger: "item", formatter: function (p) { return p.name + "<br>" + p.value.toLocaleString() + " (" + p.data.share + "%)"; } },
      // Names live in the legend with their share: outside labels get cut off in a narrow card.
      legend: {
        bottom: 0, left: "center", orient: "vertical", itemGap: 6, textStyle: { fontSize: 11 },
        formatter: function (name) { return name + " — " + shareOf[name] + "%"; },
      },
      series: [{
        type: "pie", radius: ["40%", "66%"], center: ["50%", "36%"],
        label: { show: false }, emphasis: { scale: true, scaleSize: 4 },
        data: slices,
      }],
    });
  }

  function bars(id, slices, labels, labelWidth) {
    var c = chart(id);
    if (!c) return;
    if (!slices.length) return empty(c, labels);
    var rows = slices.slice().reverse(); // largest on top
    c.setOption({
      color: [PALETTE[0]],
      grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: "item", formatter: function (p) { return p.name + "<br>" + p.value.toLocaleString() + " (" + rows[p.dataIndex].share + "%)"; } },
      xAxis: { type: "value", splitNumber: 3, axisLabel: { fontSize: 10, hideOverlap: true }, splitLine: { lineStyle: { color: "#e6e9ee" } } },
      yAxis: {
        type: "category", data: rows.map(function (s) { return s.name; }),
        axisLabel: { fontSize: 11, width: labelWidth || 150, overflow: "truncate" },
      },
      series: [{
        type: "bar", barMaxWidth: 18, data: rows.map(function (s) { return s.value; }),
        label: { show: true, position: "right", fontSize: 10, formatter: function (p) { return rows[p.dataIndex].share + "%"; } },
      }],
    });
  }

  function map(spec, labels) {
    var el = document.getElementById("map");
    if (!el || !spec) return;
    if (!geoLoaded) {
      geoLoaded = fetch(spec.geojson).then(function (r) { return r.json(); }).then(function (geo) {
        echarts.registerMap("kz-regions", geo);
      });
    }
    geoLoaded.then(function () {
      var c = chart("map");
      var values = spec.regions.map(function (r) { return r.value; }).filter(function (v) { return v !== null; });
      var byIso = {};
      spec.regions.forEach(function (r) { byIso[r.name] = r; });
      c.setOption({
        tooltip: {
          trigger: "item",
          formatter: function (p) {
            var r = byIso[p.name];
            if (!r) return p.name;
            var rate = r.value === null ? "—" : r.value.toLocaleString();
            return "<strong>" + r.title + "</strong><br>" + labels.rate + ": " + rate + "<br>" + labels.volume + ": " + r.volume.toLocaleString();
          },
        },
        // Four classes, each with its range written out: a colour alone tells a reader nothing.
        visualMap: {
          type: "piecewise", splitNumber: 4, min: values.length ? Math.min.apply(null, values) : 0,
          max: values.length ? Math.max.apply(null, values) : 1,
          left: 8, bottom: 8, precision: 0, showLabel: true, itemGap: 4,
          inRange: { color: ["#e3eef6", "#8fb8d6", "#2f6f9f", "#0b3a5b"] },
          text: [labels.rate, ""], textStyle: { fontSize: 10, color: "#4a5563" },
        },
        series: [{
          type: "map", map: "kz-regions", nameProperty: "iso", roam: false,
          aspectScale: 0.62, top: 8, bottom: 8, left: 110, right: 24,
          itemStyle: { borderColor: "#ffffff", borderWidth: 0.8, areaColor: "#d9dde3" },
          emphasis: { label: { show: false }, itemStyle: { areaColor: "#c8962e" } },
          select: { disabled: true },
          data: spec.regions.map(function (r) { return { name: r.name, value: r.value === null ? NaN : r.value }; }),
        }],
      });
      c.on("click", function (p) {
        var r = byIso[p.name];
        if (r && r.url) window.location.assign(r.url);
      });
      el.setAttribute("data-rendered", "true");
    });
  }

  function draw() {
    var d = data();
    if (!d || !window.echarts) return;
    donut("chart-kind", d.kind, d.labels);
    bars("chart-severity", d.severity, d.labels);
    bars("chart-chapter", d.chapter, d.labels, 300);
    map(d.map, d.labels);
  }

  function resize() {
    document.querySelectorAll(".chart").forEach(function (el) {
      var c = window.echarts && echarts.getInstanceByDom(el);
      if (c) c.resize();
    });
  }

  // Picking a year or a date selects the matching period mode, so "Apply" does what was meant.
  document.addEventListener("change", function (e) {
    var t = e.target;
    if (!t || !t.form || !t.form.classList.contains("filters")) return;
    var mode = t.name === "year" ? "year" : (t.name === "from" || t.name === "to") ? "range" : null;
    var radio = mode && t.form.querySelector("input[name=period][value=" + mode + "]");
    if (radio) radio.checked = true;
  });

  document.addEventListener("DOMContentLoaded", draw);
  // With outerHTML swaps the event's target may be the old or the new node: redraw either way.
  document.addEventListener("htmx:afterSettle", draw);
  window.addEventListener("resize", resize);
})();
