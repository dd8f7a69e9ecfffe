/* Analytics centre charts (Apache ECharts, vendored): hot-spot and forecast maps of grid cells,
 * the hour × weekday heatmap and the profiles, and the forecast's weekly back-test.
 *
 * Each page renders its figures into a <script type="application/json"> block next to the
 * tables, so the charts always show what the tables show. Maps have no tile server: cells are
 * rectangles on longitude / latitude axes, scaled so a cell is square on the screen. After an
 * htmx swap (a filter change) everything is drawn again from the new block. A drawn chart gets
 * data-rendered="true" (the browser tests wait for it).
 */
(function () {
  "use strict";

  var NAVY = "#0b4f7c", GOLD = "#c8962e", HOT = "#c0392b", COLD = "#1f6f9f", GREY = "#8a94a3";
  var DENSITY = ["#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b"];

  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function chart(el, renderer) {
    var old = echarts.getInstanceByDom(el);
    if (old) old.dispose();
    var c = echarts.init(el, null, { renderer: renderer || "svg" });
    c.on("finished", function () { el.setAttribute("data-rendered", "true"); });
    return c;
  }

  // --- maps of cells ------------------------------------------------------------------------

  // Size the plot so that metres east and metres north have the same length on screen.
  function layout(el, extent) {
    var midLat = (extent[1] + extent[3]) / 2;
    var ratio = (extent[3] - extent[1]) / ((extent[2] - extent[0]) * Math.cos(midLat * Math.PI / 180));
    var pad = { left: 64, right: 96, top: 16, bottom: 36 };
    var width = Math.max(el.clientWidth - pad.left - pad.right, 200);
    var height = width * ratio;
    if (height > 680) { width = 680 / ratio; height = 680; }
    el.style.height = Math.round(height + pad.top + pad.bottom) + "px";
    return { left: pad.left, top: pad.top, width: Math.round(width), height: Math.round(height) };
  }

  // [col, row, value] → [lon, lat, value] of the cell's centre.
  function placed(d, cells) {
    return cells.map(function (c) {
      return [d.origin[0] + (c[0] + 0.5) * d.cell[0], d.origin[1] + (c[1] + 0.5) * d.cell[1], c[2]];
    });
  }

  function cellSeries(name, cells, size, style, extra) {
    return Object.assign({
      name: name, type: "custom", data: cells, encode: { x: 0, y: 1 },
      renderItem: function (params, api) {
        var corner = api.coord([api.value(0) - size[0] / 2, api.value(1) + size[1] / 2]);
        var span = api.size([size[0], size[1]]);
        return {
          type: "rect",
          shape: { x: corner[0], y: corner[1], width: span[0] + 0.3, height: span[1] + 0.3 },
          style: style(api),
        };
      },
    }, extra || {});
  }

  // Significant and flagged cells: a translucent fill, so the density still shows through.
  function tint(colour) {
    return function () { return { fill: colour, opacity: 0.6 }; };
  }

  function shaded(api) { return { fill: api.visual("color") }; }

  function axes(extent) {
    function label(v) { return v.toFixed(3) + "°"; }
    return {
      xAxis: { type: "value", min: extent[0], max: extent[2], axisLabel: { formatter: label, fontSize: 10, hideOverlap: true }, splitLine: { show: false } },
      yAxis: { type: "value", min: extent[1], max: extent[3], axisLabel: { formatter: label, fontSize: 10 }, splitLine: { show: false } },
    };
  }

  function cellMap(el, d, layers) {
    var c = chart(el, "canvas");
    var grid = layout(el, d.extent);
    c.resize();
    var option = Object.assign({
      animation: false,
      grid: grid,
      legend: { top: 0, right: 0, orient: "vertical", textStyle: { fontSize: 11 } },
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          return p.seriesName + "<br>" + p.value[1].toFixed(4) + ", " + p.value[0].toFixed(4) + "<br><strong>" + p.value[2] + "</strong>";
        },
      },
      visualMap: {
        type: "continuous", seriesIndex: 0, dimension: 2, min: 0, max: d.max || 1,
        right: 0, bottom: 36, itemHeight: 120, calculable: false, precision: 2,
        inRange: { color: DENSITY }, textStyle: { fontSize: 10 },
      },
      series: layers,
    }, axes(d.extent));
    c.setOption(option);
  }

  function hotspotMap() {
    var el = document.getElementById("hotspot-map");
    var d = data("hotspot-data");
    if (!el || !d) return;
    var L = d.labels;
    cellMap(el, d, [
      cellSeries(L.density, placed(d, d.density), d.cell, shaded, { itemStyle: { color: DENSITY[3] } }),
      cellSeries(L.hot, placed(d, d.hot), d.cell, tint(HOT), { z: 3, itemStyle: { color: HOT } }),
      cellSeries(L.cold, placed(d, d.cold), d.cell, tint(COLD), { z: 3, itemStyle: { color: COLD } }),
      {
        name: L.spot, type: "scatter", data: d.spots, symbolSize: 1, z: 4, encode: { x: 0, y: 1 },
        itemStyle: { color: "#1d2733" },
        label: { show: true, formatter: function (p) { return "№" + p.value[2]; }, fontSize: 11, fontWeight: "bold", color: "#1d2733", textBorderColor: "#fff", textBorderWidth: 2 },
      },
    ]);
  }

  function forecastMap() {
    var el = document.getElementById("forecast-map");
    var d = data("forecast-data");
    if (!el || !d) return;
    var L = d.labels;
    cellMap(el, d, [
      cellSeries(L.risk, placed(d, d.risk), d.cell, shaded, { itemStyle: { color: DENSITY[3] } }),
      cellSeries(L.top, placed(d, d.top), d.cell, tint(GOLD), { z: 3, itemStyle: { color: GOLD } }),
    ]);
    var bt = document.getElementById("chart-backtest");
    if (!bt) return;
    function pct(v) { return v === null ? null : Math.round(v * 1000) / 10; }
    var c = chart(bt);
    c.setOption({
      color: [NAVY, GREY, GOLD],
      grid: { left: 8, right: 8, top: 28, bottom: 8, containLabel: true },
      legend: { top: 0, textStyle: { fontSize: 10 } },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null ? "—" : v + " %"; } },
      xAxis: { type: "category", data: d.weeks.map(function (w) { return w.slice(5); }), axisLabel: { fontSize: 9 } },
      yAxis: { type: "value", min: 0, max: 100, name: L.hitRate + ", %", nameTextStyle: { fontSize: 10 }, axisLabel: { fontSize: 9 } },
      series: [
        { name: L.chosen, type: "line", data: d.chosen.map(pct), symbolSize: 5 },
        { name: L.baseline, type: "line", data: d.baseline.map(pct), symbolSize: 4, lineStyle: { type: "dashed" } },
        { name: L.hindsight, type: "line", data: d.hindsight.map(pct), symbolSize: 3, lineStyle: { type: "dotted" } },
      ],
    });
  }

  // --- peak times ---------------------------------------------------------------------------

  function profile(id, s, L) {
    var el = document.getElementById(id);
    if (!el) return;
    var c = chart(el);
    c.setOption({
      grid: { left: 8, right: 8, top: 24, bottom: 8, containLabel: true },
      legend: { top: 0, textStyle: { fontSize: 10 } },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: s.labels, axisLabel: { fontSize: 9 } },
      yAxis: { type: "value", axisLabel: { fontSize: 9 } },
      series: [
        {
          name: L.count, type: "bar", barMaxWidth: 16, itemStyle: { color: NAVY },
          data: s.counts.map(function (v, i) { return { value: v, itemStyle: { color: s.peak[i] ? GOLD : NAVY } }; }),
        },
        { name: L.expected, type: "line", data: s.expected, symbol: "none", itemStyle: { color: GREY }, lineStyle: { color: GREY, type: "dashed" } },
      ],
    });
  }

  function peaks() {
    var d = data("peaks-data");
    var el = document.getElementById("chart-hour-weekday");
    if (!d || !el) return;
    var L = d.labels;
    var max = Math.max.apply(null, d.matrix.map(function (m) { return m[2]; }).concat([1]));
    var c = chart(el);
    c.setOption({
      grid: { left: 8, right: 8, top: 8, bottom: 56, containLabel: true },
      tooltip: {
        formatter: function (p) {
          var m = p.data;
          return d.weekdays[m[1]] + " " + d.hours[m[0]] + ":00<br>" + L.count + ": <strong>" + m[2] + "</strong><br>" + L.expected + ": " + m[3] + (m[5] ? "<br>" + L.peak : "");
        },
      },
      xAxis: { type: "category", data: d.hours, splitArea: { show: true } },
      yAxis: { type: "category", data: d.weekdays, inverse: true, splitArea: { show: true } },
      visualMap: { min: 0, max: max, dimension: 2, calculable: false, orient: "horizontal", left: "center", bottom: 0, itemWidth: 12, inRange: { color: DENSITY } },
      series: [{
        type: "heatmap",
        data: d.matrix.map(function (m) {
          return { value: m, itemStyle: m[5] ? { borderColor: GOLD, borderWidth: 2 } : undefined };
        }),
        label: { show: false },
      }],
    });
    profile("chart-hour", d.hour, L);
    profile("chart-weekday", d.weekday, L);
    profile("chart-month", d.month, L);
  }

  function draw() {
    if (!window.echarts) return;
    hotspotMap();
    forecastMap();
    peaks();
  }

  // Maps are laid out for their width, so a resize draws everything again (once it settles).
  var pending = null;
  function resize() {
    clearTimeout(pending);
    pending = setTimeout(draw, 200);
  }

  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", draw);
  window.addEventListener("resize", resize);
})();
