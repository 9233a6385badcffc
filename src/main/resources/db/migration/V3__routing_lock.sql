-- Matching serializes per service on this row, not on cumulus_service: changes of a task commit with
-- only task and agent row locks (and the service's counters, updated last), and the matching that
-- follows each commit takes this lock first. So no lock cycle can form between the two.
create table routing_lock (
  service_upn varchar(128) not null primary key references cumulus_service (upn) on delete cascade
);
insert into routing_lock (service_upn) select upn from cumulus_service;
