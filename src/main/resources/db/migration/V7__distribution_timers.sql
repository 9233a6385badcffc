-- Issue 11: distribution is Cumulus's own state machine; its timers are due times in its own rows,
-- taken by one node at a time (DistributionTimers, FOR UPDATE SKIP LOCKED on the task row). The
-- process instance only waits while the agents work on the task.

-- when an unanswered offer times out (RONA; for a Broadcast round: when the round ends)
alter table offer add column due_at timestamp with time zone;
update offer set due_at = offered_at + interval '30' second where due_at is null;
alter table offer alter column due_at set not null;
create index offer_due on offer (due_at);

-- a task in after-work: when its after-work time is over
create table after_work (
  task_id  varchar(36)  not null primary key references external_task (id),
  user_upn varchar(128) not null,
  due_at   timestamp with time zone not null
);
create index after_work_due on after_work (due_at);
