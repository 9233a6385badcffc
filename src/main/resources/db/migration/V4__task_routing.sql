-- A workflow's Queue Task may choose the distribution type and the offer timeout for one task,
-- instead of its service's settings (README, "Queue Task"). One row per task that has such a choice;
-- a transfer to another service drops it (the new service's settings apply).
create table task_routing (
  task_id               varchar(36) not null primary key references external_task (id) on delete cascade,
  distribution_type     varchar(16),
  offer_timeout_seconds integer
);
