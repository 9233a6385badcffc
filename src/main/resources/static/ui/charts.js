// The reports' pictures, shared by the dashboard, the reports page and My Sessions: Chart.js (its
// WebJar, loaded by the page before this module as window.Chart) drawing rows of
// /ui/api/reports/intervals. Each chart is made once and updated in place; each canvas carries a
// text summary (aria-label) for screen readers and data-* totals that say what it shows.
import { h, duration } from '/ui/shared.js';

const Chart = window.Chart;
const INK = '#1f2937';
const GRID = '#e5e7eb';
export const COLOURS = {
  created: '#1d4ed8', accepted: '#15803d', level: '#b45309', p50: '#0f766e', p90: '#7c3aed', p99: '#b91c1c', target: '#4b5563', available: '#15803d',
};

if (Chart) {
  Chart.defaults.color = INK;
  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  Chart.defaults.maintainAspectRatio = false;
  // figures, not a show: a refresh redraws at once (and nothing moves for those who prefer reduced motion)
  Chart.defaults.animation = false;
}

const BUCKET_NAMES = { fifteenMinutes: '15 minutes', hour: 'hour', day: 'day', week: 'week', month: 'month' };
export function bucketName(bucket) {
  return BUCKET_NAMES[bucket] || bucket;
}

/** A bucket's start as its axis label, in the reports' zone (several days: with the weekday or date). */
export function bucketLabel(start, bucket, zone, severalDays) {
  const date = new Date(start);
  const format = (options) => new Intl.DateTimeFormat(undefined, { timeZone: zone, ...options }).format(date);
  switch (bucket) {
    case 'fifteenMinutes':
    case 'hour':
      return severalDays ? format({ weekday: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }) : format({ hour: '2-digit', minute: '2-digit' });
    case 'day':
      return format({ weekday: 'short', day: 'numeric', month: 'short' });
    case 'week':
      return `Week of ${format({ day: 'numeric', month: 'short' })}`;
    default:
      return format({ month: 'short', year: 'numeric' });
  }
}

/** A figure: `<figure>` with its caption and a canvas in a box of fixed height (Chart.js fills it). */
export function figure(caption, key) {
  const canvas = h('canvas', { role: 'img', 'data-chart': key, 'aria-label': `${caption}: loading` });
  return h('figure', { class: 'chart', 'data-chart-figure': key },
    h('figcaption', {}, caption),
    h('div', { class: 'chart-box' }, canvas));
}

/** Draws the config on the canvas: the first time a new chart, afterwards the same chart with new data. */
function draw(canvas, config, summary, totals) {
  const existing = Chart.getChart(canvas);
  if (existing) {
    existing.data = config.data;
    existing.options = config.options;
    existing.update();
  } else {
    new Chart(canvas, config);
  }
  canvas.setAttribute('aria-label', summary);
  for (const [name, value] of Object.entries(totals)) canvas.dataset[name] = value;
}

const sum = (rows, pick) => rows.reduce((total, row) => total + (pick(row) || 0), 0);
const percent = (share) => (share == null ? null : Math.round(share * 1000) / 10);

/** The service level of several buckets together: acceptedWithinTarget / (accepted + abandoned), as the reports define it. */
export function serviceLevelOf(rows) {
  const base = sum(rows, (r) => r.accepted) + sum(rows, (r) => r.abandoned);
  return base === 0 ? null : sum(rows, (r) => r.acceptedWithinTarget) / base;
}

/** The mean of a duration over several buckets: each bucket's exact mean weighted by its count. */
export function meanOf(rows, measure) {
  const count = sum(rows, (r) => r[measure]?.count);
  return count === 0 ? null : sum(rows, (r) => (r[measure]?.mean ?? 0) * (r[measure]?.count ?? 0)) / count;
}

function axes(rightTitle) {
  const scales = {
    x: { grid: { display: false }, ticks: { autoSkip: true, maxRotation: 0, autoSkipPadding: 12 } },
    y: { beginAtZero: true, grid: { color: GRID }, ticks: { precision: 0 } },
  };
  if (rightTitle) {
    scales.y1 = { position: 'right', min: 0, max: 100, grid: { display: false }, title: { display: true, text: rightTitle }, ticks: { callback: (v) => `${v} %` } };
  }
  return scales;
}

/**
 * Arrivals (created) and acceptances per bucket as bars, the service level as a line against the
 * right axis (share accepted within the service's target). Rows: one service's, in bucket order.
 */
export function drawVolume(canvas, rows, { bucket, zone, target, severalDays }) {
  const labels = rows.map((r) => bucketLabel(r.start, bucket, zone, severalDays));
  const created = sum(rows, (r) => r.created);
  const accepted = sum(rows, (r) => r.accepted);
  const level = serviceLevelOf(rows);
  const targetText = target ? `within ${duration(target)}` : 'within target';
  draw(canvas, {
    type: 'bar',
    data: {
      labels,
      datasets: [
        { type: 'bar', label: 'Arrived', data: rows.map((r) => r.created), backgroundColor: COLOURS.created, yAxisID: 'y', order: 2 },
        { type: 'bar', label: 'Accepted', data: rows.map((r) => r.accepted), backgroundColor: COLOURS.accepted, yAxisID: 'y', order: 2 },
        { type: 'line', label: `Service level (${targetText})`, data: rows.map((r) => percent(r.serviceLevel)), borderColor: COLOURS.level,
          backgroundColor: COLOURS.level, yAxisID: 'y1', spanGaps: false, pointRadius: 2, borderWidth: 2, order: 1 },
      ],
    },
    options: { interaction: { mode: 'index', intersect: false }, scales: axes('Service level'), plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } } },
  },
  `${created} arrived, ${accepted} accepted; service level ${level == null ? 'none yet' : `${percent(level)} %`} (accepted ${targetText})`,
  { created, accepted, serviceLevel: level == null ? '' : percent(level), buckets: rows.length });
}

/** Waiting time to acceptance per bucket (p50, p90, p99, seconds) with the service's target as a dashed line. */
export function drawWaiting(canvas, rows, { bucket, zone, target, severalDays }) {
  const labels = rows.map((r) => bucketLabel(r.start, bucket, zone, severalDays));
  const series = (key, colour) => ({ type: 'line', label: key, data: rows.map((r) => r.waiting?.[key] ?? null), borderColor: colour,
    backgroundColor: colour, spanGaps: false, pointRadius: 2, borderWidth: 2 });
  const datasets = [series('p50', COLOURS.p50), series('p90', COLOURS.p90), series('p99', COLOURS.p99)];
  if (target) {
    datasets.push({ type: 'line', label: `Target ${duration(target)}`, data: rows.map(() => target), borderColor: COLOURS.target,
      borderDash: [6, 4], pointRadius: 0, borderWidth: 1.5 });
  }
  const measured = sum(rows, (r) => r.waiting?.count);
  const worstP90 = rows.reduce((worst, r) => Math.max(worst, r.waiting?.p90 ?? 0), 0);
  const mean = meanOf(rows, 'waiting');
  draw(canvas, {
    type: 'line',
    data: { labels, datasets },
    options: {
      interaction: { mode: 'index', intersect: false },
      scales: { ...axes(), y: { beginAtZero: true, grid: { color: GRID }, title: { display: true, text: 'seconds' } } },
      plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
    },
  },
  measured
    ? `Waiting time of ${measured} accepted tasks: mean ${duration(mean)}, highest p90 of a ${bucketName(bucket)} ${duration(worstP90)}${target ? `, target ${duration(target)}` : ''}`
    : 'Waiting time: no task accepted in this period',
  { measured, worstP90 });
}

/**
 * A service's two pictures side by side: made once per container, then redrawn with new rows. An
 * empty period still draws its axes, and says so.
 */
export function serviceCharts(container, rows, options) {
  let volume = container.querySelector('canvas[data-chart="volume"]');
  if (!volume) {
    container.replaceChildren(
      figure(options.volumeCaption || `Arrivals and acceptances per ${bucketName(options.bucket)}`, 'volume'),
      figure(options.waitingCaption || `Waiting time to acceptance per ${bucketName(options.bucket)}`, 'waiting'));
    volume = container.querySelector('canvas[data-chart="volume"]');
  } else {
    container.querySelector('[data-chart-figure="volume"] figcaption').textContent = options.volumeCaption || `Arrivals and acceptances per ${bucketName(options.bucket)}`;
    container.querySelector('[data-chart-figure="waiting"] figcaption').textContent = options.waitingCaption || `Waiting time to acceptance per ${bucketName(options.bucket)}`;
  }
  drawVolume(volume, rows, options);
  drawWaiting(container.querySelector('canvas[data-chart="waiting"]'), rows, options);
}

/** Rows grouped by a key (serviceUpn or agentUpn), each group in bucket order as the API sends them. */
export function groupBy(rows, key) {
  const groups = new Map();
  for (const row of rows) {
    if (!groups.has(row[key])) groups.set(row[key], []);
    groups.get(row[key]).push(row);
  }
  return groups;
}

/** Simple bars for a few buckets (My Sessions' week). */
export function drawBars(canvas, labels, datasets, summary, totals) {
  draw(canvas, {
    type: 'bar',
    data: { labels, datasets },
    options: { scales: axes(), plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } } },
  }, summary, totals);
}
