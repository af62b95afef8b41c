-- One row per saved what-if scenario: its name, framework, who saved it, when and why, and the
-- ruleset file it holds (spec_json).
select
    scenario_id,
    name,
    framework_id,
    created_by,
    created_at,
    description,
    spec_json
from scenarios
order by name
