-- One row per audit entry, newest first: when, who (and the role they acted in), from where (a page,
-- the CLI or the system), the action, what it touched (period, batch, scenario, configuration
-- version, subject), its details (JSON) and the reason given.
select
    audit_id,
    acted_at,
    actor,
    role,
    source,
    action,
    fiscal_year,
    inspection_round,
    batch_id,
    scenario_id,
    configuration_version,
    subject,
    detail,
    reason
from audit_log
order by audit_id desc
