/* The public portal's charts (Apache ECharts, vendored): the region map on the home page and the
   trend of each KPI on a region page. Data come from the page (json_script), so a chart shows
   exactly the figures of the table beside it; a missing year is a gap, never a zero. */
(function () {
  "use strict";
  if (!window.echarts) return;
  var NAVY = "#0b3a5b", GOLD = "#c8962e", GREY = "#9aa5b1";

  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function drawMap() {
    var spec = data("portal-map-data");
    var el = document.getElementById("portal-map");
    if (!spec || !el) return;
    fetch(spec.geojson).then(function (r) { return r.json(); }).then(function (geo) {
      echarts.registerMap("kz-regions", geo);
      var byIso = {};
      spec.regions.forEach(function (r) { byIso[r.iso] = r; });
      var values = spec.regions.map(function (r) { return r.value; }).filter(function (v) { return v !== null; });
      var chart = echarts.init(el, null, { renderer: "svg" });
      chart.setOption({
        tooltip: {
          trigger: "item",
          formatter: function (p) {
            var r = byIso[p.name];
            if (!r) return p.name;
            return "<strong>" + r.name + "</strong><br>" + spec.label + ": " +
              (r.value === null ? spec.noData : r.value.toLocaleString());
          },
        },
        // Four classes, each with its range written out: a colour alone tells a reader nothing.
        visualMap: {
          type: "piecewise", splitNumber: 4, min: values.length ? Math.min.apply(null, values) : 0,
          max: values.length ? Math.max.apply(null, values) : 1, left: 8, bottom: 8,
          precision: 0, showLabel: true, text: [spec.label, ""], itemGap: 4,
          inRange: { color: ["#e3eef6", "#8fb8d6", "#2f6f9f", NAVY] },
          textStyle: { fontSize: 10, color: "#4a5563" },
        },
        series: [{
          type: "map", map: "kz-regions", nameProperty: "iso", roam: false, aspectScale: 0.62,
          top: 8, bottom: 8, left: 110, right: 24,
          itemStyle: { borderColor: "#ffffff", borderWidth: 0.8, areaColor: "#d9dde3" },
          emphasis: { label: { show: false }, itemStyle: { areaColor: GOLD } },
          select: { disabled: true },
          data: spec.regions.map(function (r) { return { name: r.iso, value: r.value === null ? NaN : r.value }; }),
        }],
      });
      chart.on("click", function (p) {
        var r = byIso[p.name];
        if (r) window.location.assign(r.url);
      });
      el.setAttribute("data-rendered", "true");
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  function drawTrends() {
    var spec = data("portal-trends");
    if (!spec) return;
    spec.kpis.forEach(function (kpi) {
      var el = document.getElementById("trend-" + kpi.key);
      if (!el) return;
      var chart = echarts.init(el, null, { renderer: "svg" });
      var any = kpi.region.some(function (v) { return v !== null; });
      chart.setOption({
        animation: false,
        title: any ? undefined : { text: spec.labels.noData, left: "center", top: "middle", textStyle: { color: GREY, fontSize: 12, fontWeight: "normal" } },
        grid: { left: 44, right: 12, top: 24, bottom: 24 },
        legend: { top: 0, right: 0, itemWidth: 14, textStyle: { fontSize: 10 } },
        tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? spec.labels.noData : v.toLocaleString() + " " + kpi.unit; } },
        xAxis: { type: "category", data: spec.years },
        // A share starts its axis at zero, so a small change does not look like a large one.
        yAxis: { type: "value", scale: !kpi.share, min: kpi.share ? 0 : undefined, splitNumber: 3, axisLabel: { fontSize: 10 } },
        series: [
          { name: spec.labels.region, type: "line", data: kpi.region, connectNulls: false, symbolSize: 6, lineStyle: { width: 2.5, color: NAVY }, itemStyle: { color: NAVY } },
          { name: spec.labels.national, type: "line", data: kpi.national, connectNulls: false, symbolSize: 4, lineStyle: { width: 1.2, type: "dashed", color: GREY }, itemStyle: { color: GREY } },
        ],
      });
      el.setAttribute("data-rendered", "true");
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { drawMap(); drawTrends(); });
})();
