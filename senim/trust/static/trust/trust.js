/* The trust index chart: one line per region (and the country), with the 95 % interval shown
   in the tooltip. Data come from the page (json_script "trust-data"); ECharts is vendored. */
(function () {
  "use strict";
  var holder = document.getElementById("trust-chart");
  var source = document.getElementById("trust-data");
  if (!holder || !source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var chart = window.echarts.init(holder, null, { renderer: "svg" });
  var series = data.series.map(function (s) {
    return {
      name: s.name, type: "line", symbolSize: 6, data: s.values,
      lows: s.lows, highs: s.highs, connectNulls: true,
      lineStyle: { width: 1.2, opacity: 0.75 },
    };
  });
  if (data.national) {
    series.unshift({
      name: data.national.name, type: "line", data: data.national.values,
      lineStyle: { width: 4, color: "#0b3a5b" }, itemStyle: { color: "#0b3a5b" }, z: 10,
    });
  }
  chart.setOption({
    animation: false,
    grid: { left: 48, right: 200, top: 20, bottom: 30 },
    tooltip: {
      trigger: "item",
      formatter: function (p) {
        var s = series[p.seriesIndex];
        var ci = s.lows ? " (" + s.lows[p.dataIndex] + "–" + s.highs[p.dataIndex] + ")" : "";
        return p.seriesName + ", " + p.name + ": <b>" + p.value + "</b>" + ci;
      },
    },
    legend: { type: "scroll", orient: "vertical", right: 0, top: 10, bottom: 10 },
    xAxis: { type: "category", data: data.years },
    yAxis: { type: "value", name: data.labels.index, min: function (v) { return Math.floor(v.min - 5); }, max: 100 },
    series: series,
  });
  holder.setAttribute("data-rendered", "true");
  window.addEventListener("resize", function () { chart.resize(); });
})();
