-- The scoring arithmetic: pure macros that read no table, created in every database before
-- saisaat/schema.sql (store.create_schema) and in the in-memory database where a what-if scores the year's
-- values (db.Database.in_memory). The warehouse's tables, views and the macros over them are in schema.sql.

-- The points one measured value earns under one rule. `step_points` is the points of the highest
-- step whose min_value the value reaches (0 when none), found by points_under() below.
-- Proportional points are rounded half up to 0.01 in exact integer arithmetic (hundredths):
-- 100 × max × value / target = A / B with A = (100 max)(100 value), B = 100 target; round = (2A + B) // 2B.
create macro hundredths(x) as cast(x * 100 as hugeint);

-- part / whole × 100, rounded half up to 0.01 exactly (the score_pct every page shows).
create macro percent_of(part, whole) as
    cast((20000 * hundredths(part) + hundredths(whole)) // (2 * hundredths(whole)) as decimal(18, 0)) * 0.01;

-- total / n rounded half up to 0.01 exactly (the mean of the rounds' percents in sum_values).
create macro mean_of(total, n) as
    cast((2 * hundredths(total) + n) // (2 * n) as decimal(18, 0)) * 0.01;

-- pool × weight / total_weight in satang, rounded half up once (weights scaled to millionths).
create macro share_of(pool, weight, total_weight) as
    cast(
        (2 * hundredths(pool) * cast(round(weight * 1000000) as hugeint)
            + cast(round(total_weight * 1000000) as hugeint))
        // (2 * cast(round(total_weight * 1000000) as hugeint))
        as decimal(18, 0)
    ) * 0.01;

create macro indicator_points(rule_type, max_points, target_value, step_points, value) as
    cast(
        case rule_type
            when 'binary' then case when value >= 1 then max_points else 0 end
            when 'steps' then least(step_points, max_points)
            when 'proportional' then least(
                max_points,
                cast(
                    (2 * hundredths(max_points) * hundredths(value) + hundredths(target_value))
                    // (2 * hundredths(target_value))
                    as decimal(18, 0)
                ) * 0.01
            )
        end
        as decimal(6, 2)
    );

-- The one rule application: each row of the relation named `values_name` (framework_id,
-- indicator_code, value, and any other columns, passed through) with the max_points and the points
-- its value earns under the rules of `rules_name` (shaped like official_rules: framework_id,
-- ruleset_code, indicator_code, rule_type, max_points, target_value; at most one rule per indicator)
-- and the steps of `steps_name` (shaped like rule_steps: ruleset_code, indicator_code, min_value,
-- points; only the steps of those rules count). The names are tables, views, CTEs or relations
-- registered on the query's cursor (query_table), so a what-if's rules are read from its own cursor
-- and nothing is written. A row whose indicator has no rule of the row's framework keeps null points
-- and max_points (an insert refuses it). The big joins use the indicator code alone (the framework
-- is compared after the join, the other rulesets' steps are left out before it): a second join key
-- cost about a fifth more over millions of results. Steps are joined as the range of values each
-- covers, [min_value, the next step's min_value): a plain join, several times faster than an asof
-- join (thresholds are distinct per rule: the ruleset checks make them rise strictly).
create macro points_under(values_name, rules_name, steps_name) as table
with step_ranges as (
    select
        steps.indicator_code,
        steps.min_value,
        lead(steps.min_value) over (partition by steps.indicator_code order by steps.min_value) as next_min_value,
        steps.points as step_points
    from query_table(steps_name) as steps
    semi join query_table(rules_name) as rules
        on rules.ruleset_code = steps.ruleset_code
        and rules.indicator_code = steps.indicator_code
),

ruled as (
    select
        v.*,
        r.framework_id = v.framework_id as has_rule,
        r.rule_type,
        r.max_points as rule_max_points,
        r.target_value
    from query_table(values_name) as v
    left join query_table(rules_name) as r
        on r.indicator_code = v.indicator_code
),

stepped as (
    select
        ruled.*,
        coalesce(step_ranges.step_points, 0) as step_points
    from ruled
    left join step_ranges
        on step_ranges.indicator_code = ruled.indicator_code
        and ruled.value >= step_ranges.min_value
        and (step_ranges.next_min_value is null or ruled.value < step_ranges.next_min_value)
)

select
    * exclude (has_rule, rule_type, rule_max_points, target_value, step_points),
    case when has_rule then rule_max_points end as max_points,
    case when has_rule then indicator_points(rule_type, rule_max_points, target_value, step_points, value) end
        as points
from stepped;
