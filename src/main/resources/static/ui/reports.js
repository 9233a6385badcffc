// The reports page: figures of a period (presets or custom dates) in buckets (chosen by the length of
// the period, or by hand), for the services the viewer may see; each service's charts, tables per
// service and per agent, and CSV downloads of the same figures and of the task history. Everything
// comes from /ui/api/reports (docs/reports.md); the choices stay in the address, so a link reopens them.
import { whoAmI, send, logout, h, showViewer, status, duration, dateIn, addDays } from '/ui/shared.js';
import { serviceCharts, groupBy, serviceLevelOf, meanOf, bucketName } from '/ui/charts.js';

const form = document.getElementById('filters');
const range = document.getElementById('range');
const fromInput = document.getElementById('from');
const toInput = document.getElementById('to');
const bucketSelect = document.getElementById('bucket');
let zone = 'UTC';
let services = [];
/** Agents' display names by UPN, from the dashboard's state (the viewer's services' members). */
let agentNames = new Map();

function daysBetween(from, to) {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

/** The dates of a preset, both inclusive, in the reports' zone. */
function presetDates(preset) {
  const today = dateIn(zone);
  switch (preset) {
    case 'yesterday': return [addDays(today, -1), addDays(today, -1)];
    case 'last7': return [addDays(today, -6), today];
    case 'last30': return [addDays(today, -29), today];
    case 'month': return [`${today.slice(0, 8)}01`, today];
    default: return [today, today];
  }
}

/** Buckets that keep a chart readable: 15 minutes for a day, hours for a few days, then days, weeks, months. */
function autoBucket(days) {
  if (days <= 1) return 'fifteenMinutes';
  if (days <= 3) return 'hour';
  if (days <= 62) return 'day';
  if (days <= 366) return 'week';
  return 'month';
}

function chosenServices() {
  return [...document.querySelectorAll('#services input[type=checkbox]:checked')].map((c) => c.value);
}

/** The query of the current choices; the service filter is left out when every service is chosen. */
function query(by) {
  const days = daysBetween(fromInput.value, toInput.value);
  const bucket = bucketSelect.value === 'auto' ? autoBucket(days) : bucketSelect.value;
  const params = new URLSearchParams({ from: fromInput.value, to: addDays(toInput.value, 1), bucket });
  if (by) params.set('by', by);
  const chosen = chosenServices();
  if (chosen.length < services.length) params.set('service', chosen.join(','));
  return { params, bucket, days };
}

function csvLink(id, path, params) {
  const link = document.getElementById(id);
  const p = new URLSearchParams(params);
  p.set('format', 'csv');
  link.href = `${path}?${p}`;
}

let applying = 0;
async function apply() {
  if (!fromInput.value || !toInput.value) return;
  if (toInput.value < fromInput.value) {
    status('“To” is before “From”: choose a later end date.', true);
    return;
  }
  if (!chosenServices().length) {
    status('Choose at least one service.', true);
    return;
  }
  const { params, bucket, days } = query('service');
  const agentParams = new URLSearchParams(params);
  agentParams.set('by', 'agent');
  const taskParams = new URLSearchParams({ from: params.get('from'), to: params.get('to') });
  if (params.has('service')) taskParams.set('service', params.get('service'));
  csvLink('csv-services', '/ui/api/reports/intervals', params);
  csvLink('csv-agents', '/ui/api/reports/intervals', agentParams);
  csvLink('csv-tasks', '/ui/api/reports/tasks', taskParams);
  history.replaceState(null, '', `?${new URLSearchParams({ range: range.value, from: fromInput.value, to: toInput.value, bucket: bucketSelect.value,
    ...(params.has('service') ? { service: params.get('service') } : {}) })}`);
  const ticket = ++applying;
  document.getElementById('main').setAttribute('aria-busy', 'true');
  try {
    const [byService, byAgent] = await Promise.all([
      send('GET', `/ui/api/reports/intervals?${params}`),
      send('GET', `/ui/api/reports/intervals?${agentParams}`),
    ]);
    if (ticket !== applying) return; // a later choice is on its way
    status('');
    const chosen = chosenServices();
    document.getElementById('period').textContent =
      `${label(fromInput.value)} – ${label(toInput.value)} · per ${bucketName(bucket)} · ${chosen.length} service${chosen.length === 1 ? '' : 's'} · days in ${byService.zone}`;
    renderCharts(byService, chosen, days > 1);
    renderServiceTable(byService.rows, chosen);
    renderAgentTable(byAgent.rows);
    document.getElementById('main').dataset.loaded = `${params}`;
  } catch (error) {
    status(error.message, true);
  } finally {
    if (ticket === applying) document.getElementById('main').removeAttribute('aria-busy');
  }
}

function label(date) {
  return new Date(`${date}T12:00:00Z`).toLocaleDateString(undefined, { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });
}

function serviceName(upn) {
  return services.find((s) => s.serviceUpn === upn)?.displayName || upn;
}

/** One section per chosen service, kept between choices so the charts update in place. */
const chartSections = new Map();
function renderCharts(report, chosen, severalDays) {
  const rows = groupBy(report.rows, 'serviceUpn');
  const sections = chosen.map((upn) => {
    let section = chartSections.get(upn);
    const service = services.find((s) => s.serviceUpn === upn);
    if (!section) {
      const id = `charts-${chartSections.size}`;
      section = h('section', { class: 'board', 'aria-labelledby': id, 'data-service': upn },
        h('h2', { id }, h('span', { class: 'name' }, serviceName(upn)), h('span', { class: 'hint' }, `${upn} · target ${duration(service?.serviceLevelSeconds ?? 60)}`)),
        h('p', { class: 'hint', 'data-empty': '' }),
        h('div', { class: 'charts', 'data-charts': upn, role: 'group', 'aria-label': `Charts of ${serviceName(upn)}` }));
      chartSections.set(upn, section);
    }
    const own = rows.get(upn) || [];
    section.querySelector('[data-empty]').textContent = own.length ? '' : 'No figures in this period.';
    serviceCharts(section.querySelector('.charts'), own, { bucket: report.bucket, zone: report.zone, target: service?.serviceLevelSeconds, severalDays });
    return section;
  });
  document.getElementById('service-charts').replaceChildren(...sections);
}

const sum = (rows, pick) => rows.reduce((total, row) => total + (pick(row) || 0), 0);
const share = (value) => (value == null ? '–' : `${Math.round(value * 1000) / 10} %`);
const time = (seconds) => (seconds == null ? '–' : duration(Math.round(seconds)));
const num = (value, attributes = {}) => h('td', { class: 'num', ...attributes }, value);

function serviceRow(name, rows, attributes) {
  const longest = rows.reduce((worst, r) => (r.waiting?.max == null ? worst : Math.max(worst ?? 0, r.waiting.max)), null);
  const level = serviceLevelOf(rows);
  return h('tr', attributes,
    h('th', { scope: 'row' }, name),
    num(sum(rows, (r) => r.created), { 'data-figure': 'created' }),
    num(sum(rows, (r) => r.offered)),
    num(sum(rows, (r) => r.accepted), { 'data-figure': 'accepted' }),
    num(sum(rows, (r) => r.acceptedWithinTarget)),
    num(share(level), { 'data-figure': 'serviceLevel' }),
    num(sum(rows, (r) => r.abandoned)),
    num(sum(rows, (r) => r.completed), { 'data-figure': 'completed' }),
    num(time(meanOf(rows, 'waiting'))),
    num(time(longest)),
    num(time(meanOf(rows, 'handling'))));
}

function renderServiceTable(rows, chosen) {
  const groups = groupBy(rows, 'serviceUpn');
  const body = chosen.map((upn) => serviceRow(serviceName(upn), groups.get(upn) || [], { 'data-service': upn }));
  if (chosen.length > 1) {
    body.push(serviceRow('All chosen services', rows, { class: 'total', 'data-service': '' }));
  }
  document.querySelector('#service-table tbody').replaceChildren(...body);
}

function renderAgentTable(rows) {
  const groups = [...groupBy(rows, 'agentUpn')].sort(([a], [b]) => a.localeCompare(b));
  const body = groups.map(([agent, own]) => {
    const offered = sum(own, (r) => r.offered);
    const accepted = sum(own, (r) => r.accepted);
    return h('tr', { 'data-agent': agent },
      h('th', { scope: 'row', title: agent }, agentNames.get(agent) || agent),
      num(offered),
      num(accepted, { 'data-figure': 'accepted' }),
      num(share(offered ? accepted / offered : null)),
      num(sum(own, (r) => r.declined)),
      num(sum(own, (r) => r.rona)),
      num(sum(own, (r) => r.completed), { 'data-figure': 'completed' }),
      num(time(meanOf(own, 'handling'))),
      num(time(sum(own, (r) => r.availableSeconds))),
      num(time(sum(own, (r) => r.busySeconds))),
      num(time(sum(own, (r) => r.awaySeconds))));
  });
  document.querySelector('#agent-table tbody').replaceChildren(
    ...(body.length ? body : [h('tr', {}, h('td', { colspan: 11, class: 'empty' }, 'No agent figures in this period.'))]));
}

function renderServiceChoices(chosen) {
  const container = document.getElementById('services');
  if (!services.length) {
    container.replaceChildren(h('p', { class: 'empty' }, 'You may read no service’s figures yet. An administrator sets supervisors per service.'));
    return;
  }
  container.replaceChildren(...services.map((s, i) => h('div', { class: 'check' },
    h('input', { type: 'checkbox', id: `service-${i}`, value: s.serviceUpn, checked: !chosen || chosen.includes(s.serviceUpn) }),
    h('label', { for: `service-${i}`, title: s.serviceUpn }, s.displayName))));
}

let pendingApply = null;
function applySoon() {
  clearTimeout(pendingApply);
  pendingApply = setTimeout(apply, 250);
}

function usePreset() {
  if (range.value === 'custom') return;
  [fromInput.value, toInput.value] = presetDates(range.value);
}

async function start() {
  const me = await whoAmI();
  zone = me.reportZone || 'UTC';
  showViewer(null, me.upn);
  document.getElementById('logout').addEventListener('click', logout);
  services = await send('GET', '/ui/api/supervisor/services');
  try {
    const board = await send('GET', '/ui/api/supervisor/state');
    agentNames = new Map(board.services.flatMap((s) => s.agents.map((a) => [a.upn, a.displayName])));
    showViewer(board.viewerDisplayName, me.upn);
  } catch (e) {
    // names are a nicety: the table shows UPNs
  }
  const asked = new URLSearchParams(location.search);
  range.value = [...range.options].some((o) => o.value === asked.get('range')) ? asked.get('range') : 'today';
  bucketSelect.value = [...bucketSelect.options].some((o) => o.value === asked.get('bucket')) ? asked.get('bucket') : 'auto';
  if (range.value === 'custom' && asked.get('from') && asked.get('to')) {
    fromInput.value = asked.get('from');
    toInput.value = asked.get('to');
  } else {
    usePreset();
  }
  renderServiceChoices(asked.get('service')?.split(','));
  range.addEventListener('change', () => {
    usePreset();
    applySoon();
  });
  for (const input of [fromInput, toInput]) {
    input.addEventListener('change', () => {
      range.value = 'custom';
      applySoon();
    });
  }
  bucketSelect.addEventListener('change', applySoon);
  document.getElementById('services').addEventListener('change', applySoon);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearTimeout(pendingApply);
    apply();
  });
  if (services.length) await apply();
}

start().catch((error) => status(error.message, true));
