/* Progress charts on the staff record (issue 13; the portal's progress.js with
   staff labels). Data from json_script elements; each chart has a text summary. */
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
  function line(canvas, labels, datasets, yOptions) {
    return new Chart(canvas, {
      type: "line",
      data: { labels: labels.map(nice), datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { y: yOptions || {} },
        plugins: { legend: { display: datasets.length > 1 } },
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
      { label: "Check-in pain", data: align(pain.checkins), borderColor: BLUE, backgroundColor: BLUE, spanGaps: true },
      { label: "Average pain during exercise (week)", data: align(pain.exercise), borderColor: ORANGE, backgroundColor: ORANGE, borderDash: [6, 4], spanGaps: true },
    ], { min: 0, max: 10, title: { display: true, text: "Pain (0-10)" } });
  }

  var trends = read("trend-data") || [];
  document.querySelectorAll("canvas.trend-chart").forEach(function (canvas) {
    var t = trends[Number(canvas.dataset.index)];
    if (!t) { return; }
    var n = t.labels.length, sets = [];
    if (t.mcid !== null) {
      // The MCID band around the baseline: the area between the two lines.
      sets.push({ label: "Real-change band", data: Array(n).fill(t.baseline + t.mcid), borderColor: "rgba(30,123,52,.4)", pointRadius: 0, fill: false });
      sets.push({ label: "Real-change band (lower)", data: Array(n).fill(t.baseline - t.mcid), borderColor: "rgba(30,123,52,.4)", backgroundColor: "rgba(30,123,52,.15)", pointRadius: 0, fill: "-1" });
    }
    sets.push({ label: "First score", data: Array(n).fill(t.baseline), borderColor: "#555", borderDash: [4, 4], pointRadius: 0 });
    sets.push({ label: t.name, data: t.values, borderColor: BLUE, backgroundColor: BLUE });
    line(canvas, t.labels, sets, { title: { display: true, text: t.name + " score" } });
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
