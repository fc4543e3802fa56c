// Benchboard charts: every <canvas data-chart="..."> is drawn from the JSON of the
// element named by its data-source (written by Django's json_script). No inline
// scripts; htmx.onLoad also draws charts inside swapped fragments.
(function () {
  "use strict";

  const styles = () => getComputedStyle(document.documentElement);
  const colour = (name, fallback) => styles().getPropertyValue(name).trim() || fallback;
  const dateLabel = (time, withDay) =>
    new Date(time).toLocaleDateString(undefined, {
      year: "numeric", month: "short", day: withDay ? "numeric" : undefined, timeZone: "UTC",
    });
  // Ticks a few weeks apart would all read as the same month: name their days too.
  const SHORT_SPAN_DAYS = 240;

  // benchmarks/charts.py sends points and frontier steps as short arrays: the date as a
  // day number, the model and the analysis method as indexes into data.models and
  // data.methods. Make them the objects the chart uses, x in milliseconds.
  const DAY = 86400000;
  function expandProgress(data) {
    const who = (index) => ({ model: data.models[index][0], organization: data.models[index][1] });
    return {
      ...data,
      points: data.points.map(([day, y, model, method, open]) => (
        { x: day * DAY, y, ...who(model), method: data.methods[method], open: open === 1 }
      )),
      frontier: data.frontier.map(([day, y, model, carried]) => (
        { x: day * DAY, y, ...who(model), carried: carried === 1 }
      )),
    };
  }

  // A score as the page writes it (pages.formatting.format_on_scale): a percentage with
  // one decimal, or two where it has them; points of the benchmark's own scale as they are.
  const scoreText = (y, unit) => {
    if (unit !== "%") return String(y);
    const text = y.toFixed(2);
    return (text.endsWith("0") ? text.slice(0, -1) : text) + "%";
  };

  function progressChart(canvas, compact) {
    const data = expandProgress(compact);
    const series = (label, entries, colourName, fallback, shape) => ({
      type: "scatter",
      label,
      data: entries,
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
            data: data.frontier,
            // Chart.js's "before" draws each step flat at the old record, then up at the
            // date of the result that set the new one ("after" rises at the old date).
            stepped: "before",
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
            // The dates of the results, with the room benchmarks/charts.py gives them:
            // never the years around them that Chart.js would choose itself.
            min: data.xRange[0] * DAY,
            max: data.xRange[1] * DAY,
            ticks: {
              callback: (value) => dateLabel(value, data.xRange[1] - data.xRange[0] < SHORT_SPAN_DAYS),
              maxTicksLimit: 8,
              color: colour("--muted", "#57606a"),
            },
            grid: { color: colour("--border", "#d0d7de") },
          },
          y: {
            // Never below zero or above the top of the benchmark's scale.
            afterDataLimits: (scale) => {
              scale.min = Math.max(scale.min, 0);
              scale.max = Math.min(scale.max, data.yMax);
            },
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
                "Score " + scoreText(item.raw.y, data.unit) + (item.raw.method ? ", " + item.raw.method : "") + ", " + dateLabel(item.raw.x, true),
            },
          },
        },
      },
    });
  }

  // Horizontal bars, one colour per series: a model's categories, or several models
  // side by side. data: {labels, axisLabel, series: [{label, values, scores}]}, where
  // values are percentages (null when unknown) and scores the text shown in tooltips.
  function barsChart(canvas, data) {
    const palette = [1, 2, 3, 4].map((n, i) =>
      colour("--chart-series-" + n, ["#0b5cad", "#bc4c00", "#1a7f37", "#8250df"][i])
    );
    return new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map((entry, index) => ({
          label: entry.label,
          data: entry.values,
          scores: entry.scores,
          backgroundColor: palette[index % palette.length],
          borderColor: palette[index % palette.length],
          borderRadius: 3,
        })),
      },
      options: {
        indexAxis: "y",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: {
            min: 0,
            max: 100,
            title: { display: true, text: data.axisLabel, color: colour("--muted", "#57606a") },
            ticks: { color: colour("--muted", "#57606a") },
            grid: { color: colour("--border", "#d0d7de") },
          },
          y: {
            ticks: { color: colour("--fg", "#1b1f24") },
            grid: { display: false },
          },
        },
        plugins: {
          legend: {
            display: data.series.length > 1,
            labels: { color: colour("--fg", "#1b1f24") },
          },
          tooltip: {
            callbacks: {
              label: (item) => {
                const score = item.dataset.scores ? item.dataset.scores[item.dataIndex] : null;
                return item.dataset.label + ": " + (score || item.formattedValue + "%");
              },
            },
          },
        },
      },
    });
  }

  const builders = { progress: progressChart, bars: barsChart };

  function build(canvas) {
    const builder = builders[canvas.dataset.chart];
    const source = document.getElementById(canvas.dataset.source);
    if (!builder || !source) return;
    // A chart's frame is hidden until it is drawn: without JavaScript the page shows the
    // chart's caption and table instead of an empty box.
    const frame = canvas.closest(".chart-frame");
    if (frame) frame.hidden = false;
    canvas.chart = builder(canvas, JSON.parse(source.textContent));
  }

  function draw(root) {
    root.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
      if (canvas.dataset.drawn) return;
      canvas.dataset.drawn = "true";
      build(canvas);
    });
  }

  // Colours come from the CSS custom properties: when the theme switch changes them,
  // draw every chart again with the new ones.
  document.addEventListener("benchboard:themechange", () => {
    document.querySelectorAll("canvas[data-chart][data-drawn]").forEach((canvas) => {
      if (canvas.chart) canvas.chart.destroy();
      build(canvas);
    });
  });

  if (window.htmx) {
    htmx.onLoad(draw);
  } else {
    document.addEventListener("DOMContentLoaded", () => draw(document));
  }
})();
