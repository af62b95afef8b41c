-- Deletes the official rulesets that the new configuration (the registered relation `staged`) no longer has.
delete from rulesets
where is_official
  and ruleset_code not in (select ruleset_code from staged)
