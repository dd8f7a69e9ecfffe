/* Live queue: clocks that tick every second, and the map of open calls and units.
 *
 * The server renders each clock's deadline (data-due), warning time (data-warn) and, once the
 * target is met or missed, the time the clock stopped (data-stopped); this script only counts
 * down between polls. The queue itself is refreshed by htmx (hx-trigger="every 5s"); after each
 * swap the map is drawn again from the <script type="application/json" id="queue-points"> block.
 */
(function () {
  "use strict";

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function fmt(ms) {
    var s = Math.floor(Math.abs(ms) / 1000);
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    return (h ? h + ":" + pad(m) : m) + ":" + pad(sec);
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll("time.clock[data-due]").forEach(function (el) {
      if (el.dataset.stopped) return;
      var due = Date.parse(el.dataset.due), warn = el.dataset.warn ? Date.parse(el.dataset.warn) : due;
      var left = due - now;
      var state = left <= 0 ? "breached" : now >= warn ? "warning" : (el.dataset.state === "new" ? "new" : "ok");
      el.textContent = left <= 0 ? "+" + fmt(left) + " " + el.dataset.labelOver : fmt(left) + " " + el.dataset.labelLeft;
      el.className = "clock clock--" + state;
      el.dataset.state = state;
      var row = el.closest("tr");
      if (row && row.dataset.call) row.className = "row--" + state;
    });
  }

  var geo = null;
  function drawMap() {
    var el = document.getElementById("ops-map"), node = document.getElementById("queue-points");
    if (!el || !node || !window.echarts) return;
    var data = JSON.parse(node.textContent);
    var load = geo || (geo = fetch(el.dataset.geo).then(function (r) { return r.json(); }));
    load.then(function (json) {
      if (!echarts.getMap("kz")) echarts.registerMap("kz", json);
      var chart = echarts.getInstanceByDom(el) || echarts.init(el, null, { renderer: "svg" });
      var pts = data.calls.concat(data.units);
      var option = {
        tooltip: { trigger: "item", formatter: function (p) { return p.data.label || ""; } },
        legend: { bottom: 0, data: [el.dataset.labelCalls, el.dataset.labelUnits] },
        geo: { map: "kz", roam: true, itemStyle: { areaColor: "#f4f6f8", borderColor: "#9aa5b1" }, emphasis: { disabled: true } },
        series: [
          { name: el.dataset.labelCalls, type: "scatter", coordinateSystem: "geo", symbolSize: 9,
            data: data.calls.map(function (c) { return { value: [c.lon, c.lat], label: c.label, itemStyle: { color: c.state === "breached" ? "#b3261e" : c.state === "warning" ? "#c8962e" : "#0b4f7c" } }; }) },
          { name: el.dataset.labelUnits, type: "scatter", coordinateSystem: "geo", symbol: "diamond", symbolSize: 10,
            data: data.units.map(function (u) { return { value: [u.lon, u.lat], label: u.label, itemStyle: { color: u.status === "available" ? "#1d5b32" : "#6b7f99" } }; }) },
        ],
      };
      if (pts.length) {
        var lons = pts.map(function (p) { return p.lon; }), lats = pts.map(function (p) { return p.lat; });
        var pad = 0.05;
        option.geo.boundingCoords = [[Math.min.apply(null, lons) - pad, Math.max.apply(null, lats) + pad], [Math.max.apply(null, lons) + pad, Math.min.apply(null, lats) - pad]];
      }
      chart.setOption(option, true);
      el.dataset.rendered = "true";
    });
  }

  document.addEventListener("DOMContentLoaded", function () { tick(); drawMap(); });
  document.addEventListener("htmx:afterSwap", function () { tick(); drawMap(); });
  setInterval(tick, 1000);
})();
