-- One row per objective of each framework, with its theme and number of indicators.
select
    objectives.framework_id,
    objectives.objective_no,
    objectives.theme_code,
    objectives.name_th,
    objectives.name_en,
    count(indicators.indicator_code) as num_indicators
from objectives
left join indicators using (framework_id, objective_no)
group by all
order by objectives.framework_id, objectives.objective_no
