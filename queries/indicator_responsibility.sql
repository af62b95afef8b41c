-- One row per indicator of a framework: its objective, measure, and how many units answer for it
-- (by kind), for browsing the plan's structure.
-- $framework_id: integer
select
    indicators.objective_no,
    indicators.indicator_code,
    indicators.name_th,
    indicators.name_en,
    indicators.measure,
    indicators.applies_to,
    count(distinct case when units.unit_kind = 'district' then assignments.unit_code end) as num_districts,
    count(distinct case when units.unit_kind = 'department' then assignments.unit_code end) as num_departments
from indicators
left join assignments using (indicator_code)
left join units using (unit_code)
where indicators.framework_id = $framework_id
group by all
order by indicators.indicator_code
