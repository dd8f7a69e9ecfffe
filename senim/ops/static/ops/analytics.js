/* Centre analytics: today's calls per hour against the expected and its usual range. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("load-chart"), node = document.getElementById("load-data");
    if (!el || !node || !window.echarts) return;
    var d = JSON.parse(node.textContent);
    var chart = echarts.init(el, null, { renderer: "svg" });
    var band = d.high.map(function (h, i) { return Math.max(h - d.low[i], 0); });
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { data: [d.labels.observed, d.labels.expected, d.labels.band], bottom: 0 },
      grid: { left: 40, right: 16, top: 16, bottom: 48 },
      xAxis: { type: "category", data: d.hours },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: "low", type: "line", data: d.low, stack: "band", lineStyle: { opacity: 0 }, symbol: "none", tooltip: { show: false } },
        { name: d.labels.band, type: "line", data: band, stack: "band", lineStyle: { opacity: 0 }, symbol: "none", areaStyle: { color: "#dbe7f1" } },
        { name: d.labels.expected, type: "line", data: d.expected, lineStyle: { type: "dashed", color: "#6b7f99" }, symbol: "none" },
        { name: d.labels.observed, type: "bar", data: d.observed, itemStyle: { color: "#0b4f7c" } },
      ],
    });
    el.dataset.rendered = "true";
  });
})();
