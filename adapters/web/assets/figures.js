// Draws the figures' charts with Chart.js (served from the installed package). Each chart has
// the table below it as its text alternative; colours come from the page's CSS so that the
// light and dark themes both meet contrast, and redraw when the theme changes.
(() => {
  const data = document.getElementById('figures-data');
  if (!data || !window.Chart) return;
  const figures = JSON.parse(data.textContent || '{}');
  const css = () => getComputedStyle(document.documentElement);
  const reduceMotion = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  const charts = [];

  const draw = () => {
    const style = css();
    const colour = (name) => style.getPropertyValue(name).trim();
    const palette = ['--chart-1', '--chart-2', '--chart-3', '--chart-4'].map(colour);
    window.Chart.defaults.color = colour('--text');
    window.Chart.defaults.borderColor = colour('--grid');
    window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    while (charts.length) charts.pop().destroy();
    for (const canvas of document.querySelectorAll('canvas[data-section]')) {
      const figure = figures[canvas.dataset.section];
      if (!figure) continue;
      const horizontal = figure.kind === 'horizontal';
      const stacked = figure.kind === 'stacked';
      charts.push(
        new window.Chart(canvas, {
          type: 'bar',
          data: {
            labels: figure.labels,
            datasets: figure.series.map((series, i) => ({
              label: series.name,
              data: series.values,
              backgroundColor: palette[i % palette.length],
              borderColor: palette[i % palette.length],
              borderWidth: 1,
            })),
          },
          options: {
            indexAxis: horizontal ? 'y' : 'x',
            responsive: true,
            maintainAspectRatio: false,
            animation: reduceMotion ? false : { duration: 300 },
            plugins: { legend: { display: figure.series.length > 1 } },
            scales: {
              x: { stacked, ticks: { precision: 0 }, beginAtZero: true },
              y: { stacked, ticks: { precision: 0 }, beginAtZero: true },
            },
          },
        }),
      );
    }
  };

  draw();
  window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', draw);
})();
