// The "Cumulus" tab on Cockpit's process-instance page: the live card of the instance's external task
// (state, service, priority, agent, queue position and estimated wait, offers, preferred users, the
// events and the routing trace), read from /camunda/api/cockpit/plugin/cumulus/{engine}/process-
// instance/{id}/task-card with Cockpit's own session. Plain DOM and Cockpit's CSS classes; no library.
// Text from the server is set with textContent only, never parsed as HTML.

const REFRESH_SECONDS = 5;

/** The views on screen now, so that unmount (Cockpit calls it without arguments) stops each one. */
const views = new Set();

const VERDICTS = {
  chosen: "chosen",
  outranked: "eligible, another candidate ranked higher",
  notMember: "not a member of the service",
  offDuty: "off duty",
  presence: "not available (presence)",
  atCapacity: "at capacity",
  ronaFlag: "RONA flag set",
  refusedRecently: "declined or missed this task recently",
  skills: "lacks a skill this level requires",
  notPreferredInWindow: "not preferred while the preferred-user window is open",
  betterTaskWaiting: "a task ahead in the queue waits for this agent"
};

const STATE_STYLES = {
  InWorkflow: "label-default",
  Queued: "label-info",
  Offered: "label-warning",
  Connected: "label-primary",
  AfterWork: "label-primary",
  Completed: "label-success",
  Cancelled: "label-default",
  Expired: "label-danger",
  Abandoned: "label-danger"
};

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value !== undefined && value !== null) {
      node.setAttribute(name, value);
    }
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null) {
      continue;
    }
    node.appendChild(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
  }
  return node;
}

function time(iso) {
  if (!iso) {
    return "–";
  }
  const at = new Date(iso);
  return isNaN(at) ? String(iso) : at.toLocaleString(undefined, {
    year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit"
  });
}

function wait(seconds) {
  if (seconds === null || seconds === undefined) {
    return "no estimate yet (no completed task or nobody to take it)";
  }
  if (seconds < 60) {
    return `about ${seconds} s`;
  }
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `about ${minutes} min ${seconds % 60} s` : `about ${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

function dash(value) {
  return value === null || value === undefined || value === "" ? "–" : String(value);
}

function list(values) {
  return values && values.length ? values.join(", ") : "–";
}

function detail(map) {
  if (!map) {
    return "";
  }
  return Object.entries(map).map(([key, value]) => `${key}: ${value}`).join(", ");
}

function state(card) {
  return el("span", {class: `label ${STATE_STYLES[card.state] || "label-default"}`, "data-field": "state"}, card.state);
}

function summary(card) {
  const service = card.serviceDisplayName && card.serviceDisplayName !== card.serviceUpn
    ? `${card.serviceDisplayName} (${card.serviceUpn})`
    : card.serviceUpn;
  const queued = card.state === "Queued";
  const rows = [
    ["State", "state", el("span", {}, state(card), card.outcome ? ` outcome ${card.outcome}` : "")],
    ["Service", "service", service],
    ["Priority", "priority", card.distributionPriority],
    ["Assigned agent", "assigned", dash(card.assignedUserUpn)
      + (card.lastConnectedUserUpn && card.lastConnectedUserUpn !== card.assignedUserUpn ? ` (last connected: ${card.lastConnectedUserUpn})` : "")],
    ["Queue position", "queue-position", queued ? dash(card.queuePosition) : "not queued"],
    ["Estimated wait", "eta", queued ? wait(card.estimatedWaitSeconds) : "–"],
    ["Offered to", "offered-to", list(card.offeredTo)],
    ["Preferred users", "preferred-users", list((card.preferredUsers || []).map(p => p.priority ? `${p.upn} (priority ${p.priority})` : p.upn))],
    ["Skill level", "level", dash(card.distributionLevel)],
    ["Created", "created", time(card.created)],
    ["Expires", "expires", time(card.expiresAt)],
    ["Ended", "ended", time(card.terminated)],
    ["Task id", "task-id", card.taskId]
  ];
  return el("table", {class: "cam-table cam-fixed-layout cumulus-summary"},
    el("colgroup", {}, el("col", {class: "cumulus-key"}), el("col", {})),
    el("tbody", {}, rows.map(([label, field, value]) =>
      el("tr", {}, el("th", {scope: "row"}, label), el("td", {"data-field": field}, value)))));
}

function events(card) {
  const newestFirst = [...(card.events || [])].map((event, index) => ({...event, number: index + 1})).reverse();
  return el("table", {class: "cam-table cam-fixed-layout cumulus-events"},
    el("colgroup", {}, el("col", {class: "cumulus-number"}), el("col", {class: "cumulus-time"}), el("col", {}), el("col", {}), el("col", {}), el("col", {})),
    el("thead", {}, el("tr", {}, ["#", "Time", "Event", "State after", "Actor", "Detail"].map(h => el("th", {}, h)))),
    el("tbody", {}, newestFirst.length
      ? newestFirst.map(event => el("tr", {"data-event": event.event},
          el("td", {}, event.number), el("td", {}, time(event.occurredAt)), el("td", {}, event.event),
          el("td", {}, event.state), el("td", {}, dash(event.actor)), el("td", {}, detail(event.detail))))
      : el("tr", {}, el("td", {colspan: "6"}, "No events yet."))));
}

function routing(card) {
  const decisions = [...(card.routing || [])].reverse();
  return el("table", {class: "cam-table cam-fixed-layout cumulus-routing"},
    el("colgroup", {}, el("col", {class: "cumulus-time"}), el("col", {}), el("col", {}), el("col", {class: "cumulus-candidates"})),
    el("thead", {}, el("tr", {}, ["Decided", "Trigger", "Chosen (rule, level)", "Considered"].map(h => el("th", {}, h)))),
    el("tbody", {}, decisions.length
      ? decisions.map(decision => el("tr", {},
          el("td", {}, time(decision.decidedAt)),
          el("td", {}, dash(decision.trigger)),
          el("td", {}, decision.chosen && decision.chosen.length
            ? `${decision.chosen.join(", ")} (${dash(decision.rule)}${decision.distributionLevel ? `, level ${decision.distributionLevel}` : ""})`
            : `nobody (${dash(decision.rule)})`),
          el("td", {}, (decision.candidates || []).length
            ? el("ul", {class: "list-unstyled"}, decision.candidates.map(c =>
                el("li", {}, el("strong", {}, c.upn), `: ${VERDICTS[c.verdict] || c.verdict}`,
                  c.preferredPriority ? ` (preferred, priority ${c.preferredPriority})` : "")))
            : "no candidates")))
      : el("tr", {}, el("td", {colspan: "4"}, "No routing decision yet."))));
}

function problemText(status, problem) {
  const why = problem && problem.detail ? problem.detail : `HTTP ${status}`;
  if (status === 401) {
    return `Your Cockpit session has ended; log in again. (${why})`;
  }
  if (status === 403) {
    return `No Cumulus card for you here: ${why}`;
  }
  if (status === 404) {
    return `No Cumulus task for this process instance: ${why}`;
  }
  return `The Cumulus card could not be read: ${why}`;
}

function view(node, api, processInstanceId) {
  const url = `${api.cockpitApi}/plugin/cumulus/${encodeURIComponent(api.engine)}/process-instance/`
    + `${encodeURIComponent(processInstanceId)}/task-card`;
  const body = el("div", {class: "cumulus-body"}, el("p", {}, "Loading the task…"));
  const updated = el("span", {class: "text-muted cumulus-updated"});
  const refresh = el("button", {type: "button", class: "btn btn-default btn-sm cumulus-refresh", title: "Read the task again now"},
    el("span", {class: "glyphicon glyphicon-refresh"}), " Refresh");
  const root = el("div", {class: "cumulus-card"},
    el("div", {class: "cumulus-toolbar"}, refresh, " ", updated,
      el("span", {class: "text-muted"}, ` · refreshes every ${REFRESH_SECONDS} s while shown`)),
    body);
  node.appendChild(root);

  const self = {timer: null, loading: false, stopped: false, attached: false};

  function show(card) {
    body.replaceChildren(
      el("h4", {class: "cumulus-title"}, card.title ? card.title : `Task ${card.taskId}`),
      summary(card),
      el("h4", {}, "Events ", el("small", {}, "newest first")),
      events(card),
      el("h4", {}, "Routing trace ", el("small", {}, "who was considered and why, newest first")),
      routing(card));
    updated.textContent = `Updated ${time(card.readAt)}`;
  }

  function fail(text) {
    body.replaceChildren(el("div", {class: "alert alert-warning cumulus-problem", role: "alert"}, text));
    updated.textContent = `Tried ${new Date().toLocaleTimeString()}`;
  }

  async function load() {
    if (self.loading || self.stopped) {
      return;
    }
    self.loading = true;
    const headers = {Accept: "application/json, application/problem+json"};
    if (api.CSRFToken) {
      headers["X-XSRF-TOKEN"] = api.CSRFToken;
    }
    try {
      const response = await fetch(url, {credentials: "same-origin", headers, cache: "no-store"});
      const answer = await response.json().catch(() => null);
      if (self.stopped) {
        return;
      }
      if (response.ok && answer) {
        show(answer);
      } else {
        fail(problemText(response.status, answer));
      }
    } catch (e) {
      if (!self.stopped) {
        fail(`The Cumulus card could not be read: ${e.message}`);
      }
    } finally {
      self.loading = false;
    }
  }

  function tick() {
    if (self.stopped) {
      return;
    }
    // Cockpit attaches the node to the page only after render returns: stop once it was shown and is gone
    if (node.isConnected) {
      self.attached = true;
    } else if (self.attached) {
      stop();
      return;
    }
    if (document.visibilityState === "visible") {
      load();
    }
    self.timer = setTimeout(tick, REFRESH_SECONDS * 1000);
  }

  function onVisible() {
    if (document.visibilityState === "visible") {
      load();
    }
  }

  function stop() {
    self.stopped = true;
    clearTimeout(self.timer);
    document.removeEventListener("visibilitychange", onVisible);
    views.delete(self);
  }

  self.stop = stop;
  refresh.addEventListener("click", () => load());
  document.addEventListener("visibilitychange", onVisible);
  views.add(self);
  tick();
}

export default [
  {
    id: "cumulus-task-card",
    pluginPoint: "cockpit.processInstance.runtime.tab",
    priority: 18,
    label: "Cumulus",
    properties: {label: "Cumulus"},
    render: (node, {api, processInstanceId}) => {
      view(node, api, processInstanceId);
    },
    unmount: () => {
      [...views].forEach(v => v.stop());
    }
  }
];
