/* Progress charts (Chart.js from our static files), one script for the staff
   record's "At home" panel and the portal's progress page. The data comes from
   json_script elements (pain-data, trend-data, walking-data); each chart has a
   text summary next to it, which is what the page says in words. */
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  var BLUE = "#0b5394", ORANGE = "#b45309", GREEN = "#1e7b34";

  function read(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  function nice(iso) {
    var d = new Date(iso + "T00:00:00");
    return d.toLocaleDateString(undefined, { day: "numeric", month: "short" });
  }
  // Issue 18: the real-change (MCID) band as a shaded box across the plot,
  // visible with a single score too (a line needs two points).
  var bandBox = {
    id: "bandBox",
    beforeDatasetsDraw: function (chart, args, opts) {
      if (!opts || opts.low === undefined || opts.low === null) { return; }
      var y = chart.scales.y, area = chart.chartArea, ctx = chart.ctx;
      var top = Math.max(y.getPixelForValue(opts.high), area.top);
      var bottom = Math.min(y.getPixelForValue(opts.low), area.bottom);
      ctx.save();
      ctx.fillStyle = "rgba(30,123,52,.18)";
      ctx.fillRect(area.left, top, area.right - area.left, bottom - top);
      ctx.strokeStyle = "rgba(30,123,52,.7)";
      ctx.setLineDash([5, 4]);
      ctx.strokeRect(area.left, top, area.right - area.left, bottom - top);
      ctx.restore();
    },
  };
  function line(canvas, labels, datasets, yOptions, band) {
    return new Chart(canvas, {
      type: "line",
      data: { labels: labels.map(nice), datasets: datasets },
      plugins: [bandBox],
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        // offset: a single point sits mid-chart, not on the axis.
        scales: { x: { offset: true }, y: yOptions || {} },
        plugins: { legend: { display: datasets.length > 1 }, bandBox: band || {} },
      },
    });
  }

  var pain = read("pain-data");
  var painCanvas = document.getElementById("pain-chart");
  if (pain && painCanvas) {
    // Two series on one date axis: check-in pain and weekly exercise pain.
    var dates = Array.from(new Set(pain.checkins.labels.concat(pain.exercise.labels))).sort();
    function align(series) {
      var byDate = {};
      series.labels.forEach(function (d, i) { byDate[d] = series.values[i]; });
      return dates.map(function (d) { return d in byDate ? byDate[d] : null; });
    }
    line(painCanvas, dates, [
      { label: "Pain at check-in", data: align(pain.checkins), borderColor: BLUE, backgroundColor: BLUE, spanGaps: true },
      { label: "Average pain during exercise (week)", data: align(pain.exercise), borderColor: ORANGE, backgroundColor: ORANGE, borderDash: [6, 4], spanGaps: true },
    ], { min: 0, max: 10, title: { display: true, text: "Pain (0-10)" } });
  }

  var trends = read("trend-data") || [];
  document.querySelectorAll("canvas.trend-chart").forEach(function (canvas) {
    var t = trends[Number(canvas.dataset.index)];
    if (!t) { return; }
    var n = t.labels.length, sets = [], y = { title: { display: true, text: t.name + " score" } };
    var band = null;
    if (t.mcid !== null) {
      band = { low: t.baseline - t.mcid, high: t.baseline + t.mcid };
      // Room for the whole band even when every score sits inside it.
      y.suggestedMin = t.baseline - 1.5 * t.mcid;
      y.suggestedMax = t.baseline + 1.5 * t.mcid;
    }
    sets.push({ label: "First score", data: Array(n).fill(t.baseline), borderColor: "#555", borderDash: [4, 4], pointRadius: 0 });
    sets.push({ label: t.name, data: t.values, borderColor: BLUE, backgroundColor: BLUE, pointRadius: 5 });
    var chart = line(canvas, t.labels, sets, y, band);
    canvas.dataset.band = band ? "drawn" : "none";
    canvas.chart = chart;
  });

  var walking = read("walking-data");
  var walkingCanvas = document.getElementById("walking-chart");
  if (walking && walkingCanvas) {
    new Chart(walkingCanvas, {
      type: "bar",
      data: { labels: walking.labels.map(nice), datasets: [{ label: "Minutes walked (week)", data: walking.values, backgroundColor: GREEN }] },
      options: { responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, title: { display: true, text: "Minutes" } } } },
    });
  }
})();
