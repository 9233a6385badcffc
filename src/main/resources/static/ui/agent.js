// My Sessions: the agent's offers, connected tasks, after-work and today's results, live; and their
// own figures of this week from the reports.
import {
  whoAmI, send, logout, live, h, reconcile, syncClock, tickTimers, announce, status, connectionBadge,
  customerName, clockTime, duration, serverNow, dateIn, addDays,
} from '/ui/shared.js';
import { drawBars, meanOf, COLOURS } from '/ui/charts.js';

const presence = document.getElementById('presence');
/** The presence the server last reported. */
let knownPresence = null;
let knownOffers = null;

async function act(path, body, done, undo) {
  try {
    render(await send(body === undefined ? 'POST' : 'PUT', path, body));
    if (done) status(done);
  } catch (error) {
    if (undo) undo();
    status(error.message, true);
  }
}

function detailsOf(task) {
  const customer = task.customer || {};
  const rows = [
    ['Service', task.serviceDisplayName || task.serviceUpn],
    ['Priority', task.distributionPriority],
    ['Customer', [customerName(customer), task.customerIdentifier].filter(Boolean).join(' · ') || null],
    ['Phone', customer.primaryTelNumber],
    ['E-mail', customer.email],
    ['Company', customer.company],
  ];
  for (const parameter of task.customContextParameters || []) rows.push([parameter.name, parameter.value]);
  return h('dl', { class: 'details' }, rows.filter(([, value]) => value).map(([name, value]) => [h('dt', {}, name), h('dd', {}, value)]));
}

function card(session, kind) {
  const title = session.title || session.customerIdentifier || 'External task';
  const id = session.id;
  const heading = h('h3', { id: `t-${id}`, tabindex: '-1', 'data-focus': `h-${id}` }, title);
  const priority = h('span', { class: `prio prio-${session.distributionPriority}` }, session.distributionPriority);
  const facts = [];
  const buttons = [];
  if (kind === 'offer') {
    facts.push(h('span', {}, 'Waited ', h('strong', { 'data-since': session.enqueuedAt || session.created }, '')));
    facts.push(h('span', {}, 'Offer ends in ', h('strong', { class: 'countdown', 'data-until': session.offerEndsAt }, '')));
    buttons.push(h('button', { type: 'button', class: 'primary', 'data-action': 'accept', 'data-focus': `accept-${id}`,
      'aria-describedby': `t-${id}`, onclick: () => act(`/ui/api/agent/tasks/${id}/accept`, undefined, `Accepted “${title}”.`) }, 'Accept'));
    buttons.push(h('button', { type: 'button', 'data-action': 'decline', 'data-focus': `decline-${id}`, 'aria-describedby': `t-${id}`,
      onclick: () => act(`/ui/api/agent/tasks/${id}/decline`, undefined, `Declined “${title}”.`) }, 'Decline'));
  } else if (kind === 'connected') {
    facts.push(h('span', {}, 'State ', h('strong', {}, session.state)));
    buttons.push(h('button', { type: 'button', class: 'primary', 'data-action': 'complete', 'data-focus': `complete-${id}`,
      'aria-describedby': `t-${id}`, onclick: () => act(`/ui/api/agent/tasks/${id}/complete`, undefined, `Completed “${title}”; after-work runs.`) }, 'Complete'));
  } else {
    facts.push(h('span', {}, 'After-work ends in ', h('strong', { class: 'countdown', 'data-until': session.afterWorkEndsAt }, '')));
    if (session.canEndAfterWorkEarly) {
      buttons.push(h('button', { type: 'button', class: 'primary', 'data-action': 'end-after-work', 'data-focus': `end-${id}`,
        'aria-describedby': `t-${id}`, onclick: () => act(`/ui/api/agent/tasks/${id}/complete`, undefined, `Closed “${title}”.`) }, 'End after-work'));
    }
    if (session.canExtendAfterWork) {
      buttons.push(h('button', { type: 'button', 'data-action': 'extend-after-work', 'data-focus': `extend-${id}`, 'aria-describedby': `t-${id}`,
        onclick: () => act(`/ui/api/agent/tasks/${id}/after-work/extend`, undefined, 'After-work extended.') }, 'Extend after-work'));
    }
  }
  return h('article', { class: `card ${kind}`, 'data-task-id': id, 'aria-labelledby': `t-${id}` },
    h('header', {}, heading, priority),
    session.description ? h('p', { class: 'description' }, session.description) : null,
    h('p', { class: 'facts' }, facts),
    detailsOf(session),
    h('div', { class: 'actions' }, buttons));
}

function cards(container, sessions, kind, emptyText) {
  reconcile(container, sessions, { key: (s) => s.id, build: (s) => card(s, kind), empty: () => h('p', { class: 'empty' }, emptyText) });
}

function alertNewOffers(offers) {
  const ids = new Set(offers.map((o) => o.id));
  if (knownOffers !== null) {
    const fresh = offers.filter((o) => !knownOffers.has(o.id));
    if (fresh.length) {
      const names = fresh.map((o) => o.title || o.customerIdentifier || 'External task').join(', ');
      const alert = document.getElementById('alert');
      alert.textContent = `New offer: ${names}`;
      alert.hidden = false;
      announce(`New offer: ${names}. Accept or decline in the Offers list.`);
      chime();
      // an agent who is not typing somewhere else lands on the new offer's Accept button
      const active = document.activeElement;
      if (!active || active === document.body || active.id === 'main') {
        document.querySelector(`[data-focus="accept-${CSS.escape(fresh[0].id)}"]`)?.focus();
      }
    }
  }
  if (!offers.length) document.getElementById('alert').hidden = true;
  knownOffers = ids;
  document.title = offers.length ? `(${offers.length}) My Sessions · Cumulus` : 'My Sessions · Cumulus';
}

let audio;
function chime() {
  try {
    audio = audio || new AudioContext();
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.frequency.value = 880;
    gain.gain.setValueAtTime(0.15, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.6);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start();
    oscillator.stop(audio.currentTime + 0.6);
  } catch {
    // no sound available: the banner and the announcement remain
  }
}

function renderDuty(state) {
  reconcile(document.getElementById('duty'), state.services, {
    key: (service) => service.serviceUpn,
    build: dutyBox,
    empty: () => h('p', { class: 'empty' }, 'You are in no service yet.'),
  });
  document.getElementById('load').textContent =
    `${state.me.activeTasks} of ${state.me.capacity} task${state.me.capacity === 1 ? '' : 's'} at once.`;
}

function dutyBox(service) {
  const id = `duty-${service.serviceUpn}`;
  return h('div', { class: 'check' },
    h('input', { type: 'checkbox', id, 'data-focus': id, checked: service.onDuty, 'data-service': service.serviceUpn,
      onchange: (event) => act('/ui/api/agent/duty', { serviceUpn: service.serviceUpn, onDuty: event.target.checked },
        `${event.target.checked ? 'On' : 'Off'} duty in ${service.displayName}.`, () => (event.target.checked = !event.target.checked)) }),
    h('label', { for: id }, `On duty in ${service.displayName}`),
    service.ronaUntil ? h('span', { class: 'badge warn' }, `RONA until ${clockTime(service.ronaUntil)}`) : null);
}

function renderToday(results) {
  const rows = results.map((r) => h('tr', { 'data-task-id': r.taskId },
    h('td', {}, clockTime(r.at)),
    h('td', {}, r.title || r.customerIdentifier || r.taskId.slice(0, 8)),
    h('td', {}, h('span', { class: `result result-${r.result}` }, r.result))));
  document.getElementById('today').replaceChildren(...(rows.length ? rows : [h('tr', {}, h('td', { colspan: 3, class: 'empty' }, 'Nothing yet today.'))]));
}

function render(state) {
  if (!state) return;
  syncClock(state.serverTime);
  // a change made elsewhere (Cumulus after a missed offer, a supervisor, another tab) always shows;
  // otherwise the select is left alone while it has the focus
  if (state.me.presence !== knownPresence || document.activeElement !== presence) presence.value = state.me.presence;
  knownPresence = state.me.presence;
  presence.disabled = false;
  const missedOffer = document.getElementById('missed-offer');
  const setAway = state.me.presenceReason === 'missedOffer';
  if (setAway && missedOffer.hidden) status(''); // an earlier "You are Available." no longer holds
  missedOffer.hidden = !setAway;
  document.getElementById('user').textContent = state.me.displayName;
  document.getElementById('offer-count').textContent = state.offers.length;
  cards(document.getElementById('offers'), state.offers, 'offer', 'No offer right now.');
  cards(document.getElementById('connected'), state.connected, 'connected', 'No connected task.');
  cards(document.getElementById('afterwork'), state.afterWork, 'afterwork', 'No after-work.');
  alertNewOffers(state.offers);
  renderDuty(state);
  renderToday(state.today);
  tickTimers();
  const results = `${state.today.length} ${state.today[0]?.taskId} ${state.today[0]?.at}`;
  if (results !== resultsSeen) {
    const first = resultsSeen === null;
    resultsSeen = results;
    scheduleWeek(first ? 0 : FEED_LAG);
  }
}

/*
 * My week: the agent's own figures (by=agent&agent=me, day buckets, Monday to Sunday in the reports'
 * zone). Fetched on opening, every five minutes, and shortly after a result of today is added (the
 * report feed follows the events by about a second), at most every 15 s.
 */
const WEEK_EVERY = 300_000;
const WEEK_AT_MOST = 15_000;
const FEED_LAG = 1_500;
let reportZone = 'UTC';
let resultsSeen = null;
let weekFetchedAt = 0;
let weekTimer = null;

function scheduleWeek(delay) {
  if (weekTimer) return;
  weekTimer = setTimeout(refreshWeek, Math.max(delay, weekFetchedAt + WEEK_AT_MOST - Date.now()));
}

/** Monday of this week in the reports' zone, as "2026-11-30". */
function mondayInZone() {
  const today = dateIn(reportZone, serverNow());
  return addDays(today, -((new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7));
}

async function refreshWeek() {
  weekFetchedAt = Date.now();
  try {
    const monday = mondayInZone();
    const report = await send('GET', `/ui/api/reports/intervals?by=agent&agent=me&bucket=day&from=${monday}&to=${addDays(monday, 7)}`);
    renderWeek(monday, report.rows);
  } catch (error) {
    document.getElementById('week-period').textContent = `My week: ${error.message}`;
  } finally {
    weekTimer = null;
  }
}

function renderWeek(monday, rows) {
  const days = [...Array(7)].map((_, i) => addDays(monday, i));
  const byDay = new Map(rows.map((r) => [r.start.slice(0, 10), r]));
  const day = (date) => byDay.get(date) || {};
  const labels = days.map((date) => new Date(`${date}T12:00:00Z`).toLocaleDateString(undefined, { timeZone: 'UTC', weekday: 'short' }));
  const total = (pick) => rows.reduce((sum, r) => sum + (pick(r) || 0), 0);
  const offers = total((r) => r.offered);
  const accepted = total((r) => r.accepted);
  const handled = total((r) => r.completed);
  const meanHandle = meanOf(rows, 'handling');
  const available = total((r) => r.availableSeconds);
  const rate = offers ? `${Math.round((accepted / offers) * 1000) / 10} %` : '–';
  document.getElementById('week-period').textContent =
    `${new Date(`${monday}T12:00:00Z`).toLocaleDateString(undefined, { timeZone: 'UTC', day: 'numeric', month: 'short' })} – ${new Date(`${days[6]}T12:00:00Z`).toLocaleDateString(undefined, { timeZone: 'UTC', day: 'numeric', month: 'short' })}`;
  drawBars(document.getElementById('week-chart'), labels, [
    { label: 'Offers', data: days.map((d) => day(d).offered ?? 0), backgroundColor: COLOURS.created },
    { label: 'Accepted', data: days.map((d) => day(d).accepted ?? 0), backgroundColor: COLOURS.accepted },
  ], `My week: ${offers} offers, ${accepted} accepted, ${handled} handled`, { offers, accepted, handled });
  const figures = [
    ['Offers', offers, 'offered'],
    ['Accepted', accepted, 'accepted'],
    ['Acceptance rate', rate, 'acceptanceRate'],
    ['Handled', handled, 'completed'],
    ['Mean handle time', meanHandle == null ? '–' : duration(Math.round(meanHandle)), 'meanHandle'],
    ['Time Available', duration(Math.round(available)), 'availableSeconds'],
  ];
  document.getElementById('week-figures').replaceChildren(...figures.map(([name, value, key]) =>
    h('tr', { 'data-figure': key }, h('th', { scope: 'row' }, name), h('td', { class: 'num' }, value))));
}

async function start() {
  const me = await whoAmI();
  reportZone = me.reportZone || 'UTC';
  document.getElementById('dashboard-link').hidden = !me.roles.some((r) => r === 'SUPERVISOR' || r === 'ADMIN');
  document.getElementById('logout').addEventListener('click', logout);
  presence.addEventListener('change', () => act('/ui/api/agent/presence', { presence: presence.value }, `You are ${presence.value}.`));
  document.getElementById('back-available').addEventListener('click', () => act('/ui/api/agent/presence', { presence: 'Available' }, 'You are Available.'));
  live('/ui/api/agent/stream', render, connectionBadge);
  setInterval(() => tickTimers(), 1000);
  setInterval(() => scheduleWeek(0), WEEK_EVERY);
}

start().catch((error) => status(error.message, true));
