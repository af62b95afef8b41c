-- Deletes the rules of every official ruleset, before the new configuration's rules are written.
delete from rules
where ruleset_code in (
    select ruleset_code
    from rulesets
    where is_official
)
