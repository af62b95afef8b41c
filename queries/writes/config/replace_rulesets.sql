-- Writes the configuration's official rulesets (the registered relation `staged`, one row per
-- ruleset_code): new rows are added, existing ones updated in place, so results and rules that refer
-- to them keep referring to them.
insert into rulesets by name
select * from staged
on conflict (ruleset_code) do update set
    name_th = excluded.name_th,
    name_en = excluded.name_en,
    round_aggregation = excluded.round_aggregation,
    spec_json = excluded.spec_json
