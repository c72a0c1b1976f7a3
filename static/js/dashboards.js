// Dashboards: charts drawn with the vendored ECharts from the data block the page carries
// (a json_script element), a print button. No inline scripts: the CSP forbids them.
(function () {
  "use strict";
  document.querySelectorAll(".js-print").forEach(function (el) {
    el.addEventListener("click", function () { window.print(); });
  });

  var source = document.getElementById("dashboard-charts");
  if (!source || typeof window.echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var charts = [];
  var narrow = window.matchMedia("(max-width: 600px)").matches;

  function pie(items) {
    return {
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: { type: "scroll", bottom: 0 },
      series: [{ type: "pie", radius: narrow ? ["30%", "60%"] : ["35%", "68%"], center: ["50%", "45%"],
                 label: { show: !narrow, formatter: "{b}\n{c}" }, data: items }]
    };
  }

  function bars(items) {
    return {
      tooltip: { trigger: "axis" },
      grid: { left: 8, right: 16, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: items.map(function (i) { return i.name; }) },
      series: [{ type: "bar", data: items.map(function (i) { return i.value; }) }]
    };
  }

  function trend(t) {
    return {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: t.months },
      yAxis: { type: "value", minInterval: 1 },
      series: t.series.map(function (s) { return { name: s.name, type: "line", data: s.data }; })
    };
  }

  var builders = {
    activities_by_type: function () { return pie(data.activities_by_type); },
    outcomes: function () { return pie(data.outcomes); },
    categories: function () { return bars(data.categories); },
    trend: function () { return trend(data.trend); }
  };

  // A chart with nothing to count says so instead of drawing equal slices or an empty frame.
  function empty(key) {
    if (key === "trend") {
      return !data.trend || !data.trend.series.some(function (s) { return s.data.some(function (v) { return v; }); });
    }
    var items = data[key] || [];
    return !items.some(function (i) { return i.value; });
  }

  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var key = el.getAttribute("data-chart");
    var build = builders[key];
    if (!build) { return; }
    if (empty(key)) {
      el.classList.add("chart-empty");
      el.textContent = el.getAttribute("data-empty-text") || "暂无数据";
      return;
    }
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(build());
    charts.push(chart);
  });

  function resizeAll() { charts.forEach(function (c) { c.resize(); }); }
  var timer = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(resizeAll, 150);
  });
  // Printing lays the page out at A4 width: redraw before and after.
  window.addEventListener("beforeprint", resizeAll);
  window.addEventListener("afterprint", resizeAll);
})();
