-- Issue 12: reports from Cumulus's own history (docs/reports.md). The report feed reads task_event
-- and agent_change behind a cursor and keeps figures per 15 minutes in report_interval; reports add
-- those up for any range and bucket. Raw events may be pruned; the figures stay.

-- each event says which service it happened in (a transfer's event: the new one) and whom it concerns
alter table task_event add column service_upn varchar(128);
alter table task_event add column user_upn varchar(128);
update task_event set service_upn = (select t.service_upn from external_task t where t.id = task_event.task_id);

-- a presence change says which presence the agent went to
alter table agent_change add column presence varchar(16);

-- the share of tasks accepted within this many seconds is the service's service level
alter table cumulus_service add column service_level_seconds integer default 60 not null;

-- The feed's cursor: one row, taken FOR UPDATE SKIP LOCKED by one node at a time. Ids below the
-- cursor that were not there yet (a transaction that took its id earlier commits later) are kept in
-- the gap lists ("id:firstMissedMillis,...") and looked for again for a while.
create table report_feed (
  id               integer     not null primary key,
  last_event_id    bigint      not null,
  event_gaps       varchar(65536) not null,
  last_change_id   bigint      not null,
  change_gaps      varchar(65536) not null,
  fed_at           timestamp with time zone
);
insert into report_feed (id, last_event_id, event_gaps, last_change_id, change_gaps) values (1, 0, '', 0, '');

-- Figures per 15 minutes (UTC). Three kinds of rows: a service's (agent_upn = ''), an agent's in a
-- service (both set), and an agent's presence time (service_upn = ''). Durations in milliseconds; the
-- *_hist columns hold histograms ("bin:count;..." with bins at three significant digits of ms).
create table report_interval (
  bucket_start          timestamp with time zone not null,
  service_upn           varchar(128) not null,
  agent_upn             varchar(128) not null,
  created               integer not null default 0,
  offered               integer not null default 0,
  accepted              integer not null default 0,
  accepted_in_target    integer not null default 0,
  declined              integer not null default 0,
  rona                  integer not null default 0,
  broadcast_rounds      integer not null default 0,
  broadcast_unanswered  integer not null default 0,
  completed             integer not null default 0,
  cancelled_flow        integer not null default 0,
  cancelled_supervisor  integer not null default 0,
  cancelled_workflow    integer not null default 0,
  cancelled_system      integer not null default 0,
  expired               integer not null default 0,
  abandoned             integer not null default 0,
  transferred_in        integer not null default 0,
  transferred_out       integer not null default 0,
  wait_count            integer not null default 0,
  wait_sum_ms           bigint  not null default 0,
  wait_max_ms           bigint  not null default 0,
  wait_hist             varchar(65536) not null default '',
  handle_count          integer not null default 0,
  handle_sum_ms         bigint  not null default 0,
  handle_max_ms         bigint  not null default 0,
  handle_hist           varchar(65536) not null default '',
  acw_count             integer not null default 0,
  acw_sum_ms            bigint  not null default 0,
  acw_max_ms            bigint  not null default 0,
  acw_hist              varchar(65536) not null default '',
  available_ms          bigint  not null default 0,
  busy_ms               bigint  not null default 0,
  away_ms               bigint  not null default 0,
  primary key (service_upn, agent_upn, bucket_start)
);
create index report_interval_time on report_interval (bucket_start);
create index report_interval_agent on report_interval (agent_upn, bucket_start);

-- each agent's presence as the feed last saw it: the span it started is counted when it ends (and by
-- reports up to now while it lasts)
create table report_presence (
  agent_upn varchar(128) not null primary key,
  presence  varchar(16)  not null,
  since     timestamp with time zone not null
);

-- The task history: one row per task, kept as long as the figures. Each field comes from the task's
-- events (docs/reports.md); state, outcome and service are those of its latest event.
create table report_task (
  task_id             varchar(36)  not null primary key,
  service_upn         varchar(128) not null,
  agent_upn           varchar(128),
  customer_identifier varchar(128),
  state               varchar(16)  not null,
  outcome             varchar(16),
  cancelled_by        varchar(16),
  created_at          timestamp with time zone,
  first_queued_at     timestamp with time zone,
  first_offered_at    timestamp with time zone,
  accepted_at         timestamp with time zone,
  handled_at          timestamp with time zone,
  ended_at            timestamp with time zone,
  offers              integer not null default 0,
  declines            integer not null default 0,
  ronas               integer not null default 0,
  transfers           integer not null default 0,
  wait_ms             bigint,
  handle_ms           bigint,
  acw_ms              bigint,
  last_event_id       bigint  not null
);
create index report_task_created on report_task (created_at);
create index report_task_service_created on report_task (service_upn, created_at);
