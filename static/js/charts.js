// Benchboard charts: every <canvas data-chart="..."> is drawn from the JSON of the
// element named by its data-source (written by Django's json_script). No inline
// scripts; htmx.onLoad also draws charts inside swapped fragments.
(function () {
  "use strict";

  const styles = () => getComputedStyle(document.documentElement);
  const colour = (name, fallback) => styles().getPropertyValue(name).trim() || fallback;
  const dateLabel = (time) =>
    new Date(time).toLocaleDateString(undefined, { year: "numeric", month: "short", timeZone: "UTC" });
  const time = (iso) => Date.parse(iso + "T00:00:00Z");

  function progressChart(canvas, data) {
    const point = (entry) => ({ ...entry, x: time(entry.x) });
    const series = (label, entries, colourName, fallback, shape) => ({
      type: "scatter",
      label,
      data: entries.map(point),
      backgroundColor: colour(colourName, fallback),
      borderColor: colour(colourName, fallback),
      pointStyle: shape,
      pointRadius: 4,
      pointHoverRadius: 6,
    });
    return new Chart(canvas, {
      data: {
        datasets: [
          {
            type: "line",
            label: "State-of-the-art frontier",
            data: data.frontier.map(point),
            stepped: "after",
            borderColor: colour("--chart-frontier", "#d1242f"),
            backgroundColor: colour("--chart-frontier", "#d1242f"),
            borderWidth: 2,
            pointRadius: 0,
            pointHitRadius: 0,
          },
          series("Open", data.points.filter((p) => p.open), "--chart-open", "#1a7f37", "circle"),
          series("Proprietary", data.points.filter((p) => !p.open), "--chart-proprietary", "#0b5cad", "rectRot"),
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "nearest", intersect: true },
        scales: {
          x: {
            type: "linear",
            ticks: { callback: (value) => dateLabel(value), maxTicksLimit: 8, color: colour("--muted", "#57606a") },
            grid: { color: colour("--border", "#d0d7de") },
          },
          y: {
            title: { display: true, text: data.yLabel, color: colour("--muted", "#57606a") },
            ticks: { color: colour("--muted", "#57606a") },
            grid: { color: colour("--border", "#d0d7de") },
          },
        },
        plugins: {
          legend: { labels: { color: colour("--fg", "#1b1f24") } },
          tooltip: {
            filter: (item) => item.dataset.type !== "line" || !item.raw.carried,
            callbacks: {
              title: (items) => items.map((item) => item.raw.model + " (" + item.raw.organization + ")"),
              label: (item) =>
                "Score " + item.raw.score + (item.raw.method ? ", " + item.raw.method : "") + ", " + dateLabel(item.raw.x),
            },
          },
        },
      },
    });
  }

  const builders = { progress: progressChart };

  function draw(root) {
    root.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
      const build = builders[canvas.dataset.chart];
      const source = document.getElementById(canvas.dataset.source);
      if (!build || !source || canvas.dataset.drawn) return;
      canvas.dataset.drawn = "true";
      canvas.chart = build(canvas, JSON.parse(source.textContent));
    });
  }

  if (window.htmx) {
    htmx.onLoad(draw);
  } else {
    document.addEventListener("DOMContentLoaded", () => draw(document));
  }
})();
