-- Audit: one entry for a change, written in the change's own transaction (the next audit_id).
-- $acted_at: timestamp
-- $actor: text, who acted (an e-mail address, the OS user on the CLI, 'system')
-- $role: text, the role they acted in
-- $source: text, 'page:<url path>', 'cli' or 'system'
-- $action: text, the action's name in saisaat/auth.py
-- $fiscal_year: integer or null
-- $inspection_round: integer or null
-- $batch_id: integer or null
-- $scenario_id: integer or null
-- $configuration_version: integer or null
-- $subject: text or null
-- $detail: text (JSON) or null
-- $reason: text or null
insert into audit_log
select
    coalesce(max(audit_id), 0) + 1,
    $acted_at,
    $actor,
    $role,
    $source,
    $action,
    $fiscal_year,
    $inspection_round,
    $batch_id,
    $scenario_id,
    $configuration_version,
    $subject,
    $detail,
    $reason
from audit_log
