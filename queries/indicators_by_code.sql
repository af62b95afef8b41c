-- One row per indicator: its framework, objective (and theme), wording, what it measures and the
-- official rule's max_points.
select
    indicators.indicator_code,
    indicators.framework_id,
    indicators.objective_no,
    objectives.theme_code,
    objectives.name_th as objective_name_th,
    objectives.name_en as objective_name_en,
    indicators.name_th,
    indicators.name_en,
    indicators.measure,
    indicators.applies_to,
    official_rules.max_points
from indicators
join objectives using (framework_id, objective_no)
left join official_rules using (indicator_code)
order by indicators.indicator_code
