/* Register pages. Lists: the filter form sends only the filters in use, so the address htmx
 * pushes stays short and shareable. Record pages: the record's region outlined on a small map
 * with its point (ECharts).
 *
 * The data comes from <script id="record-map-data" type="application/json">: the GeoJSON's
 * address, the region's ISO code and the point [lon, lat] (or null). Only the record's region
 * is drawn, so the map zooms to it; the coordinates are also written in the text below the map.
 */
(function () {
  "use strict";

  function draw() {
    var node = document.getElementById("record-map-data");
    var el = document.getElementById("record-map");
    if (!node || !el || !window.echarts) return;
    var spec = JSON.parse(node.textContent);
    fetch(spec.geojson)
      .then(function (r) { return r.json(); })
      .then(function (geo) {
        var features = geo.features.filter(function (f) { return f.properties.iso === spec.region; });
        var name = "record-region-" + spec.region;
        echarts.registerMap(name, { type: "FeatureCollection", features: features.length ? features : geo.features });
        var old = echarts.getInstanceByDom(el);
        if (old) old.dispose();
        var chart = echarts.init(el, null, { renderer: "svg" });
        var series = [];
        if (spec.point) {
          series.push({
            type: "scatter", coordinateSystem: "geo", symbolSize: 14, z: 3,
            itemStyle: { color: "#c8962e", borderColor: "#0b3a5b", borderWidth: 2 },
            data: [{ name: spec.label, value: spec.point }],
          });
        }
        chart.setOption({
          tooltip: {
            trigger: "item",
            formatter: function (p) {
              if (p.seriesType !== "scatter") return p.name || "";
              return p.name + "<br>" + p.value[1].toFixed(5) + ", " + p.value[0].toFixed(5);
            },
          },
          geo: {
            map: name, nameProperty: "iso", roam: true, aspectScale: 0.62,
            top: 12, bottom: 12, left: 12, right: 12,
            itemStyle: { areaColor: "#e3eef6", borderColor: "#0f4c75", borderWidth: 1 },
            emphasis: { disabled: true }, select: { disabled: true },
          },
          series: series,
        });
        el.setAttribute("data-rendered", "true");
      });
  }

  function resize() {
    var el = document.getElementById("record-map");
    var chart = el && window.echarts && echarts.getInstanceByDom(el);
    if (chart) chart.resize();
  }

  // Empty inputs are "no filter": leave them out of the request and of the pushed address.
  document.addEventListener("htmx:configRequest", function (e) {
    var params = e.detail.parameters;
    Object.keys(params).forEach(function (name) {
      var value = params[name];
      if (typeof value === "string" && value.trim() === "") delete params[name];
    });
  });

  // A district belongs to a region and a sector to a district: changing the wider choice
  // clears the narrower one, so the form never asks for a sector of another district.
  document.addEventListener("change", function (e) {
    var t = e.target;
    if (!t || !t.form || !t.form.classList.contains("filters")) return;
    var narrower = { region: ["district", "sector"], district: ["sector"] }[t.name] || [];
    narrower.forEach(function (name) {
      var field = t.form.querySelector("[name=" + name + "]");
      if (field) field.value = "";
    });
  });

  document.addEventListener("DOMContentLoaded", draw);
  window.addEventListener("resize", resize);
})();
