-- Issue 9: an agent who lets a Direct offer time out is set Away with a reason (missedOffer) until they
-- set their presence again; a per-service setting keeps the old behaviour (README, "Distribution").
alter table agent add column presence_reason varchar(32);
alter table cumulus_service add column away_on_missed_offer boolean default true not null;
