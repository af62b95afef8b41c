-- Deletes the steps of every official ruleset's rules, before the new configuration's rules are written.
delete from rule_steps
where ruleset_code in (
    select ruleset_code
    from rulesets
    where is_official
)
