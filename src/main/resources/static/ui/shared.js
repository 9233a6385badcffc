// Shared by the pages: requests with the session's CSRF token, problem+json errors, the live
// connection (Server-Sent Events with reconnect), DOM building and time formatting.

let csrf = null;

/** Who is logged in, and the CSRF token for this session. Sends to the login page when logged out. */
export async function whoAmI() {
  const response = await fetch('/ui/api/me', { headers: { Accept: 'application/json' } });
  if (response.status === 401) {
    location.assign('/ui/login.html');
    throw new Error('not logged in');
  }
  const me = await response.json();
  csrf = me.csrf;
  return me;
}

/** A JSON request to the page API. Resolves with the answer body; rejects with the problem's text. */
export async function send(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (csrf) headers[csrf.headerName] = csrf.token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 401) {
    location.assign('/ui/login.html');
    throw new Error('Your session ended. Please log in again.');
  }
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) {
    throw new Error(problemText(json, response.status));
  }
  return json;
}

function problemText(problem, status) {
  if (!problem) return `Request failed (${status})`;
  const fields = (problem.errors || []).map((e) => `${e.field}: ${e.message}`);
  return fields.length ? fields.join('; ') : problem.detail || problem.title || `Request failed (${status})`;
}

export async function logout() {
  await send('POST', '/ui/logout').catch(() => {});
  location.assign('/ui/login.html?logout');
}

/**
 * Follows a page's live stream. Each "state" event is the page's whole state; after an error the
 * browser reconnects and the server sends the whole state again, so nothing is missed.
 */
export function live(path, onState, onStatus) {
  let source;
  let retry;
  const connect = () => {
    source = new EventSource(path);
    source.addEventListener('open', () => onStatus('live'));
    source.addEventListener('state', (event) => onState(JSON.parse(event.data)));
    source.addEventListener('error', () => {
      onStatus('reconnecting');
      if (source.readyState === EventSource.CLOSED) {
        // the server refused (for example the session ended): check the login, then try again
        clearTimeout(retry);
        retry = setTimeout(async () => {
          const me = await fetch('/ui/api/me');
          if (me.status === 401) location.assign('/ui/login.html');
          else connect();
        }, 2000);
      }
    });
  };
  connect();
  return () => source.close();
}

/** Builds an element: h('button', {class: 'primary', onclick: f}, 'Accept'). Text is never parsed as HTML. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else element.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** Replaces a container's content, keeping keyboard focus on the element with the same data-focus key. */
/** The header names the signed-in person by their display name, with the UPN beside it where it differs. */
export function showViewer(displayName, upn) {
  const user = document.getElementById('user');
  const name = displayName || upn;
  user.replaceChildren(h('span', { class: 'user-name' }, name), name !== upn ? h('span', { class: 'user-upn' }, upn) : null);
  user.title = upn;
}

export function replaceKeepingFocus(container, ...children) {
  const key = document.activeElement && container.contains(document.activeElement) ? document.activeElement.dataset.focus : null;
  container.replaceChildren(...children);
  if (key) {
    const again = container.querySelector(`[data-focus="${CSS.escape(key)}"]`);
    if (again) again.focus();
  }
}

const signatures = new WeakMap();

/**
 * Updates a list in place: an item whose data did not change keeps its element, so a click or the
 * keyboard focus is never lost to a live update. key(item) names an item; build(item) makes its element.
 */
export function reconcile(container, items, { key, build, empty, signature = (item) => JSON.stringify(item) }) {
  const existing = new Map();
  for (const element of container.children) {
    if (element.dataset.key) existing.set(element.dataset.key, element);
  }
  const next = items.map((item) => {
    const k = String(key(item));
    const sig = signature(item);
    const old = existing.get(k);
    if (old && signatures.get(old) === sig) return old;
    const element = build(item);
    element.dataset.key = k;
    signatures.set(element, sig);
    return element;
  });
  if (!next.length && empty) next.push(empty());
  const unchanged = next.length === container.children.length && next.every((element, i) => container.children[i] === element);
  if (!unchanged) replaceKeepingFocus(container, ...next);
}

/** The server's clock, as seen from this browser: countdowns do not depend on the PC's clock. */
let clockSkew = 0;
export function syncClock(serverTime) {
  if (serverTime) clockSkew = Date.parse(serverTime) - Date.now();
}
export function serverNow() {
  return Date.now() + clockSkew;
}

/** The date ("2026-12-02") of a moment (default now) in a time zone: the reports' days are their zone's. */
export function dateIn(zone, at = Date.now()) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(at));
}

/** A date ("2026-12-02") some days later (or earlier). */
export function addDays(date, days) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** "1:05" or "1:02:03" for a number of seconds. */
export function duration(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return hh > 0 ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

export function secondsSince(time) {
  return time ? (serverNow() - Date.parse(time)) / 1000 : 0;
}

export function secondsUntil(time) {
  return time ? (Date.parse(time) - serverNow()) / 1000 : 0;
}

export function clockTime(time) {
  return time ? new Date(time).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : '';
}

/** The time alone today, with the date on other days. */
export function dateTime(time) {
  if (!time) return '';
  const date = new Date(time);
  return date.toDateString() === new Date(serverNow()).toDateString()
    ? clockTime(time)
    : date.toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/**
 * Elements with data-since (counts up) or data-until (counts down) show their time, refreshed every
 * second by the page.
 */
export function tickTimers(root = document) {
  for (const element of root.querySelectorAll('[data-since]')) {
    element.textContent = duration(secondsSince(element.dataset.since));
  }
  for (const element of root.querySelectorAll('[data-until]')) {
    const left = secondsUntil(element.dataset.until);
    element.textContent = duration(left);
    element.classList.toggle('urgent', left <= 10);
  }
}

/** Says something to screen-reader users through the page's live region. */
export function announce(text) {
  const region = document.getElementById('announcer');
  if (region) {
    region.textContent = '';
    setTimeout(() => (region.textContent = text), 50);
  }
}

/** Shows a short status or error line (also announced). */
export function status(text, isError = false) {
  const line = document.getElementById('status');
  if (line) {
    line.textContent = text;
    line.classList.toggle('error', isError);
  }
}

export function connectionBadge(state) {
  const badge = document.getElementById('connection');
  if (!badge) return;
  badge.textContent = state === 'live' ? 'Live' : 'Reconnecting…';
  badge.className = `badge ${state === 'live' ? 'ok' : 'warn'}`;
}

export function customerName(customer) {
  if (!customer) return null;
  return customer.displayName || [customer.firstName, customer.lastName].filter(Boolean).join(' ') || null;
}
