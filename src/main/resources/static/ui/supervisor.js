// The supervisor dashboard: per supervised service the live queue, KPIs, today's charts and agents,
// and actions on tasks (abort, transfer, priority, prolong), each confirmed first and recorded with who did it.
import {
  whoAmI, send, logout, live, h, showViewer, reconcile, replaceKeepingFocus, syncClock, tickTimers, status, connectionBadge, dateTime, duration,
} from '/ui/shared.js';
import { serviceCharts, groupBy } from '/ui/charts.js';

const PRIORITIES = ['Low', 'Normal', 'High', 'Strict'];
const WAITING = new Set(['InWorkflow', 'Queued', 'Offered']);
let state = null;

const dialog = document.getElementById('confirm');
const form = document.getElementById('confirm-form');
let pending = null;

/** Opens the confirmation dialog; on confirm, sends the request built from the dialog's fields. */
function confirmAction({ title, text, fields = [], okLabel, danger, request }) {
  document.getElementById('confirm-title').textContent = title;
  document.getElementById('confirm-text').textContent = text;
  document.getElementById('confirm-fields').replaceChildren(...fields);
  document.getElementById('confirm-error').textContent = '';
  const ok = document.getElementById('confirm-ok');
  ok.textContent = okLabel;
  ok.className = danger ? 'danger' : 'primary';
  pending = { request, opener: document.activeElement };
  dialog.showModal();
  (dialog.querySelector('input, select, textarea') || ok).focus();
}

function closeDialog() {
  dialog.close();
  const opener = pending?.opener;
  pending = null;
  if (opener && document.contains(opener)) opener.focus();
  else document.getElementById('main').focus();
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!pending) return;
  if (!form.reportValidity()) return;
  try {
    const { path, body, done } = pending.request();
    render(await send('POST', path, body));
    status(done);
    closeDialog();
  } catch (error) {
    document.getElementById('confirm-error').textContent = error.message;
  }
});
document.getElementById('confirm-cancel').addEventListener('click', closeDialog);
dialog.addEventListener('cancel', (event) => {
  event.preventDefault();
  closeDialog();
});

function field(label, control) {
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control);
}

function taskName(task) {
  return task.title || task.customerIdentifier || task.id.slice(0, 8);
}

function abort(task) {
  const reason = h('textarea', { id: 'abort-reason', name: 'reason', rows: 3, required: true, maxlength: 500 });
  confirmAction({
    title: 'Abort task', text: `“${taskName(task)}” ends as Cancelled${WAITING.has(task.state) ? '' : ' (Abandoned: an agent holds it)'}.`,
    fields: [field('Reason (recorded with your name)', reason)], okLabel: 'Abort task', danger: true,
    request: () => ({ path: `/ui/api/supervisor/tasks/${task.id}/abort`, body: { reason: reason.value }, done: `Aborted “${taskName(task)}”.` }),
  });
}

function transfer(task, board) {
  const targets = state.services.filter((s) => s.serviceUpn !== board.serviceUpn);
  const select = h('select', { id: 'transfer-target', name: 'serviceUpn', required: true },
    targets.map((s) => h('option', { value: s.serviceUpn }, s.displayName)));
  confirmAction({
    title: 'Transfer task', text: `“${taskName(task)}” moves into the other service's queue and keeps its age.`,
    fields: [field('To service', select)], okLabel: 'Transfer',
    request: () => ({ path: `/ui/api/supervisor/tasks/${task.id}/transfer`, body: { serviceUpn: select.value }, done: `Transferred “${taskName(task)}”.` }),
  });
}

function priority(task) {
  const select = h('select', { id: 'priority-value', name: 'distributionPriority' },
    PRIORITIES.map((p) => h('option', { value: p, selected: p === task.distributionPriority }, p)));
  confirmAction({
    title: 'Change priority', text: `“${taskName(task)}” is ${task.distributionPriority} now.`,
    fields: [field('New priority', select)], okLabel: 'Change priority',
    request: () => ({ path: `/ui/api/supervisor/tasks/${task.id}/priority`, body: { distributionPriority: select.value }, done: `Priority of “${taskName(task)}” is ${select.value}.` }),
  });
}

function prolong(task) {
  const minutes = h('input', { id: 'prolong-minutes', name: 'minutes', type: 'number', min: 1, max: 10080, value: 60, required: true });
  confirmAction({
    title: 'Prolong lifetime', text: `“${taskName(task)}” expires at ${new Date(task.expiresAt).toLocaleString()}.`,
    fields: [field('Add minutes', minutes)], okLabel: 'Prolong',
    request: () => ({ path: `/ui/api/supervisor/tasks/${task.id}/prolong`, body: { minutes: Number(minutes.value) }, done: `Prolonged “${taskName(task)}”.` }),
  });
}

function kpis(k, target, zone) {
  const tile = (label, value, key) => h('div', { class: 'kpi', 'data-kpi': key }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value));
  return h('div', { class: 'kpis' },
    tile('Waiting now', k.waitingNow, 'waitingNow'),
    tile('Longest wait', k.longestWaitSeconds == null ? '–' : duration(k.longestWaitSeconds), 'longestWait'),
    tile('In progress', k.inProgress, 'inProgress'),
    tile('Handled today', k.handledToday, 'handledToday'),
    tile('Offered / accepted', `${k.offeredToday} / ${k.acceptedToday}`, 'offeredAccepted'),
    h('div', { class: 'kpi', 'data-kpi': 'withinTarget', title: `Service level today (${zone}): accepted within ${duration(target)} of the tasks accepted or abandoned today, as in the reports` },
      h('div', { class: 'label' }, `Within ${duration(target)} target`), h('div', { class: 'value' }, k.withinTargetPercent == null ? '–' : `${k.withinTargetPercent} %`)));
}

const QUEUE_COLUMNS = ['#', 'Task', 'State', 'Priority', 'Waiting', 'Est. wait', 'Level', 'Preferred users', 'Agent', 'Expires', 'Actions'];
const AGENT_COLUMNS = ['Agent', 'Presence', 'Duty', 'Load', 'Current tasks'];

/** The same estimate as the API's estimatedWaitSeconds; "–" for a queued task its service gives no ground for. */
function estimatedWait(task) {
  if (task.state !== 'Queued') return h('td', { class: 'num', 'data-eta': '' }, '');
  if (task.estimatedWaitSeconds == null) {
    return h('td', { class: 'num', 'data-eta': '', title: 'No estimate: nobody on duty could take it, or no task completed lately' }, '–');
  }
  return h('td', { class: 'num', 'data-eta': task.estimatedWaitSeconds, title: 'Estimated wait until it is offered' }, `~${duration(task.estimatedWaitSeconds)}`);
}

function taskRow(task, board) {
  const name = taskName(task);
  const key = (action) => `${action}-${task.id}`;
  const waiting = WAITING.has(task.state);
  const holder = task.state === 'Offered' ? (task.offeredTo || []).join(', ') : task.assignedUserUpn || '';
  return h('tr', { 'data-task-id': task.id, 'data-state': task.state },
    h('td', { class: 'num' }, task.queuePosition ?? ''),
    h('th', { scope: 'row' }, name, task.customerIdentifier && task.title ? h('div', { class: 'hint' }, task.customerIdentifier) : null),
    h('td', { class: 'state' }, task.state),
    h('td', {}, h('span', { class: `prio prio-${task.distributionPriority}` }, task.distributionPriority)),
    h('td', { class: 'num', 'data-since': task.enqueuedAt || task.created }, ''),
    estimatedWait(task),
    h('td', { class: 'num' }, task.distributionLevel ?? '–'),
    h('td', { class: 'text' }, (task.preferredUsers || []).map((p) => `${p.upn} (${p.priority ?? 1})`).join(', ')),
    h('td', { class: 'text' }, holder),
    h('td', {}, dateTime(task.expiresAt)),
    h('td', {}, h('div', { class: 'row-actions' },
      h('button', { type: 'button', class: 'small', 'data-action': 'abort', 'data-focus': key('abort'), 'aria-label': `Abort ${name}`, onclick: () => abort(task) }, 'Abort'),
      waiting && state.services.length > 1
        ? h('button', { type: 'button', class: 'small', 'data-action': 'transfer', 'data-focus': key('transfer'), 'aria-label': `Transfer ${name}`, onclick: () => transfer(task, board) }, 'Transfer')
        : null,
      h('button', { type: 'button', class: 'small', 'data-action': 'priority', 'data-focus': key('priority'), 'aria-label': `Change priority of ${name}`, onclick: () => priority(task) }, 'Priority'),
      h('button', { type: 'button', class: 'small', 'data-action': 'prolong', 'data-focus': key('prolong'), 'aria-label': `Prolong ${name}`, onclick: () => prolong(task) }, 'Prolong'),
      task.cockpitUrl ? h('a', { href: task.cockpitUrl, target: '_blank', rel: 'noopener', 'aria-label': `${name} in Cockpit` }, 'Cockpit') : null)));
}

function agentRow(agent) {
  return h('tr', { 'data-agent': agent.upn },
    h('th', { scope: 'row' }, agent.displayName),
    h('td', { class: `presence-${agent.presence}` }, agent.presence,
      agent.presenceReason === 'missedOffer' ? h('span', { class: 'reason', title: 'Set Away by Cumulus after a missed offer; gets no tasks until they set their presence' }, ' (missed offer)') : null),
    h('td', {}, agent.onDuty ? 'On duty' : 'Off duty'),
    h('td', { class: 'num' }, `${agent.activeTasks}/${agent.capacity}`),
    h('td', { class: 'text' }, agent.tasks.map((t) => h('div', {}, `${t.title || t.id.slice(0, 8)} · ${t.state}`))));
}

function table(className, caption, columns) {
  return h('table', { class: `grid ${className}` },
    h('caption', { class: 'visually-hidden' }, caption),
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}));
}

/**
 * A table in a region of bounded height that scrolls on its own (the column headers stay in view), so
 * a queue of hundreds keeps the page a few screens tall. The region takes the keyboard focus, so
 * arrow keys and Page Up/Down scroll it; Tab still walks through the row buttons, which scroll into view.
 */
function scroller(labelledBy, content) {
  return h('div', { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-labelledby': labelledBy }, content);
}

/** A service's section, built once; render() updates its parts in place. */
const shells = new Map();
function shell(b) {
  let section = shells.get(b.serviceUpn);
  if (!section) {
    const id = `svc-${b.serviceUpn}`;
    section = h('section', { class: 'board', 'aria-labelledby': id, 'data-service': b.serviceUpn },
      h('h2', { id }, h('span', { class: 'name' }), h('span', { class: 'hint' })),
      h('div', { class: 'kpi-slot' }),
      h('div', { class: 'charts', 'data-charts': b.serviceUpn, role: 'group', 'aria-label': `Today's charts of ${b.displayName}` }),
      h('div', { class: 'board-columns' },
        h('div', { class: 'board-column' }, h('h3', { id: `${id}-queue` }, 'Queue and open tasks', h('span', { class: 'hint', 'data-count': 'tasks' })),
          scroller(`${id}-queue`, table('queue', `Open tasks of ${b.displayName}`, QUEUE_COLUMNS))),
        h('div', { class: 'board-column' }, h('h3', { id: `${id}-agents` }, 'Agents', h('span', { class: 'hint', 'data-count': 'agents' })),
          scroller(`${id}-agents`, table('compact agents', `Agents of ${b.displayName}`, AGENT_COLUMNS)))));
    shells.set(b.serviceUpn, section);
  }
  section.querySelector('h2 .name').textContent = b.displayName;
  section.querySelector('h2 .hint').textContent = `${b.serviceUpn} · ${b.distributionType}`;
  section.querySelector('[data-count="tasks"]').textContent = b.tasks.length ? ` · ${b.tasks.length}` : '';
  section.querySelector('[data-count="agents"]').textContent = b.agents.length ? ` · ${b.agents.length}` : '';
  section.querySelector('.kpi-slot').replaceChildren(kpis(b.kpis, b.serviceLevelSeconds, state.reportZone));
  reconcile(section.querySelector('table.queue tbody'), b.tasks, {
    key: (t) => t.id,
    build: (t) => taskRow(t, b),
    signature: (t) => JSON.stringify(t) + state.services.length,
    empty: () => h('tr', {}, h('td', { colspan: QUEUE_COLUMNS.length, class: 'empty' }, 'No open task.')),
  });
  reconcile(section.querySelector('table.agents tbody'), b.agents, {
    key: (a) => a.upn,
    build: agentRow,
    empty: () => h('tr', {}, h('td', { colspan: AGENT_COLUMNS.length, class: 'empty' }, 'No members.')),
  });
  return section;
}

function render(next) {
  if (!next) return;
  state = next;
  syncClock(state.serverTime);
  showViewer(state.viewerDisplayName, state.viewer);
  const container = document.getElementById('services');
  const boards = state.services.map(shell);
  const unchanged = boards.length === container.children.length && boards.every((b, i) => container.children[i] === b);
  if (!unchanged) {
    replaceKeepingFocus(container,
      ...(boards.length ? boards : [h('p', { class: 'empty' }, 'You supervise no service yet. An administrator sets supervisors per service.')]));
  }
  tickTimers();
  chartsOnChange();
}

/*
 * Today's charts come from the reports (/ui/api/reports/intervals, 15-minute buckets, today in the
 * reports' zone), fetched at a modest pace: every minute, and soon after the day's counts change,
 * but at most every 15 s however busy the stream is. The feed follows the events by about a second.
 */
const CHARTS_EVERY = 60_000;
const CHARTS_AT_MOST = 15_000;
const FEED_LAG = 1_500;
let chartsFetchedAt = 0;
let chartsTimer = null;
let countsSeen = null;

function chartsOnChange() {
  const counts = JSON.stringify(state.services.map((b) => [b.serviceUpn, b.kpis.offeredToday, b.kpis.acceptedToday, b.kpis.handledToday, b.kpis.waitingNow, b.kpis.inProgress]));
  if (counts === countsSeen) return;
  const first = countsSeen === null;
  countsSeen = counts;
  scheduleCharts(first ? 0 : FEED_LAG);
}

function scheduleCharts(delay) {
  if (chartsTimer) return;
  chartsTimer = setTimeout(refreshCharts, Math.max(delay, chartsFetchedAt + CHARTS_AT_MOST - Date.now()));
}

async function refreshCharts() {
  chartsFetchedAt = Date.now();
  try {
    const report = await send('GET', '/ui/api/reports/intervals?bucket=fifteenMinutes&by=service');
    const rows = groupBy(report.rows, 'serviceUpn');
    for (const b of state.services) {
      const container = document.querySelector(`[data-charts="${CSS.escape(b.serviceUpn)}"]`);
      if (!container) continue;
      serviceCharts(container, rows.get(b.serviceUpn) || [], {
        bucket: report.bucket, zone: report.zone, target: b.serviceLevelSeconds,
        volumeCaption: 'Today: arrivals and acceptances per 15 minutes', waitingCaption: 'Today: waiting time to acceptance (p50, p90, p99)',
      });
      container.dataset.loadedAt = String(chartsFetchedAt);
    }
  } catch (error) {
    status(`Charts: ${error.message}`, true);
  } finally {
    chartsTimer = null;
  }
}

async function start() {
  const me = await whoAmI();
  showViewer(null, me.upn);
  document.getElementById('logout').addEventListener('click', logout);
  live('/ui/api/supervisor/stream', render, connectionBadge);
  setInterval(() => tickTimers(), 1000);
  setInterval(() => state && scheduleCharts(0), CHARTS_EVERY);
}

start().catch((error) => status(error.message, true));
