-- One row per ruleset kept in the database: its framework, names, whether it is the official one,
-- and the whole ruleset file (spec_json) the scoring engine reads.
select
    ruleset_code,
    framework_id,
    name_th,
    name_en,
    round_aggregation,
    is_official,
    spec_json
from rulesets
order by framework_id, is_official desc, ruleset_code
