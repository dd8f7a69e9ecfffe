/* Prevention maps: the sector (or one address) on the region's outline, with its points.
 *
 * The data comes from <script id="prevention-map-data" type="application/json">: the GeoJSON's
 * address, the region's ISO code, the centre [lon, lat] with its label, and points
 * [{kind, name, value: [lon, lat]}]. The view opens on a box of ~3 km around the centre so the
 * sector, not the region, fills the map; the outline is schematic (no tile server).
 */
(function () {
  "use strict";
  var COLOURS = { place: "#2e7d5b", dv: "#b3261e", escalation: "#e07b00" };

  function draw() {
    var node = document.getElementById("prevention-map-data");
    var el = document.getElementById("prevention-map");
    if (!node || !el || !window.echarts) return;
    var spec = JSON.parse(node.textContent);
    fetch(spec.geojson)
      .then(function (r) { return r.json(); })
      .then(function (geo) {
        var features = geo.features.filter(function (f) { return f.properties.iso === spec.region; });
        var name = "prevention-region-" + spec.region;
        echarts.registerMap(name, { type: "FeatureCollection", features: features.length ? features : geo.features });
        var chart = echarts.init(el, null, { renderer: "svg" });
        var c = spec.centre, d = 0.03;
        function placed(p) {
          return p && p.value && isFinite(p.value[0]) && isFinite(p.value[1]);
        }
        var series = [{
          type: "scatter", coordinateSystem: "geo", symbolSize: 16, z: 2,
          itemStyle: { color: "#c8962e", borderColor: "#0b3a5b", borderWidth: 2 },
          data: [{ name: spec.centre_label, value: c }],
        }];
        Object.keys(COLOURS).forEach(function (kind) {
          var data = (spec.points || []).filter(function (p) { return p.kind === kind && placed(p); });
          if (data.length) {
            series.push({
              type: "scatter", coordinateSystem: "geo", symbolSize: 11, z: 3,
              itemStyle: { color: COLOURS[kind], borderColor: "#fff", borderWidth: 1 },
              data: data,
            });
          }
        });
        chart.setOption({
          tooltip: { trigger: "item", formatter: function (p) { return p.seriesType === "scatter" ? p.name : (p.name || ""); } },
          geo: {
            // A still picture of the place: no roaming or hovering over the outline (the points
            // keep their tooltips), so clicks around the page never reach the map's handlers.
            map: name, nameProperty: "iso", roam: false, silent: true, aspectScale: 0.62,
            boundingCoords: [[c[0] - d * 1.4, c[1] + d], [c[0] + d * 1.4, c[1] - d]],
            itemStyle: { areaColor: "#e3eef6", borderColor: "#0f4c75", borderWidth: 1 },
            emphasis: { disabled: true }, select: { disabled: true },
          },
          series: series,
        });
        el.setAttribute("data-rendered", "true");
        window.addEventListener("resize", function () { chart.resize(); });
      });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
