-- The warehouse of transparency-indicator results (DuckDB).
-- Applied once by saisaat.store.create_schema(); every table and rule is explained in README.md.

-- The organisation running the centre: its names and those of its secretariat, as every page and
-- document shows them (one row per item: org_name, org_short, centre_name, secretariat, …).
create table organisation (
    item      varchar primary key check (length(item) between 1 and 64),
    value_th  varchar not null,
    value_en  varchar not null
);

-- The kinds of unit the organisation has (the BMA: district offices, departments); units are compared
-- with peers of their kind. `grouped`: units of this kind belong to a peer group.
create table unit_kinds (
    unit_kind   varchar primary key check (length(unit_kind) between 1 and 32),
    name_th     varchar not null check (length(name_th) > 0),
    name_en     varchar not null check (length(name_en) > 0),
    sort_order  integer not null,
    grouped     boolean not null default false
);

-- Peer groups within a kind (the BMA's six district zones, a province's amphoe groups).
create table peer_groups (
    peer_group_code  varchar primary key check (length(peer_group_code) between 1 and 16),
    name_th          varchar not null,
    name_en          varchar not null
);

create table units (
    unit_code       varchar primary key check (length(unit_code) between 1 and 16),
    name_th         varchar not null check (length(name_th) > 0),
    name_en         varchar not null check (length(name_en) > 0),
    -- unit_kind and peer_group_code are checked by the configuration's checks, not foreign keys: DuckDB
    -- cannot update a foreign-key column of a row that results refer to, and a unit may change zone
    unit_kind       varchar not null,
    peer_group_code varchar,
    abbrev_th       varchar,
    missions        varchar not null default '',   -- ';'-separated tags that decide assignments
    active_from_fy  integer not null check (active_from_fy between 2400 and 2700),
    active_to_fy    integer check (active_to_fy between 2400 and 2700),
    check (active_to_fy is null or active_to_fy >= active_from_fy)
);

create table frameworks (
    framework_id  integer primary key,
    name_th       varchar not null,
    name_en       varchar not null,
    first_fy      integer not null check (first_fy between 2400 and 2700),
    last_fy       integer check (last_fy between 2400 and 2700),
    check (last_fy is null or last_fy >= first_fy)
);

create table fiscal_years (
    fiscal_year   integer primary key check (fiscal_year between 2400 and 2700),
    framework_id  integer not null references frameworks (framework_id),
    starts_on     date not null,
    ends_on       date not null,
    check (ends_on > starts_on)
);

create table objectives (
    framework_id  integer not null references frameworks (framework_id),
    objective_no  integer not null check (objective_no between 1 and 20),
    theme_code    varchar not null,   -- the same theme across frameworks, for trends
    name_th       varchar not null,
    name_en       varchar not null,
    primary key (framework_id, objective_no)
);

create table indicators (
    indicator_code  varchar primary key,
    framework_id    integer not null,
    objective_no    integer not null,
    name_th         varchar not null,
    name_en         varchar not null,
    measure         varchar not null check (measure in ('binary', 'count', 'percent')),
    applies_to      varchar not null    -- mission tag: core, service, procurement, personnel
    -- (framework_id, objective_no) names an objective: checked by the configuration's checks rather than a
    -- foreign key, so that an indicator with results can move to another objective of its framework
);

-- The configuration's own references (assignments to units and indicators, rules to rulesets and
-- indicators, steps to rules) are kept by the configuration's checks, not foreign keys: DuckDB refuses
-- to delete a row whose referring rows were deleted earlier in the same transaction, and a new
-- configuration is written in one transaction. Results keep their foreign keys.
create table assignments (
    unit_code       varchar not null,
    indicator_code  varchar not null,
    primary key (unit_code, indicator_code)
);

create table rulesets (
    ruleset_code       varchar primary key,
    framework_id       integer not null references frameworks (framework_id),
    name_th            varchar not null,
    name_en            varchar not null,
    round_aggregation  varchar not null check (round_aggregation in ('score_each_round', 'sum_values')),
    is_official        boolean not null default false,
    -- the framework this ruleset is the official one of: unique, so a framework has at most one
    official_for       integer unique references frameworks (framework_id),
    check (is_official = (official_for is not null)),
    check (official_for is null or official_for = framework_id),
    spec_json          varchar not null   -- the whole ruleset file: rules, weights, reward levels, tiers
);

create table rules (
    ruleset_code    varchar not null,
    indicator_code  varchar not null,
    rule_type       varchar not null check (rule_type in ('binary', 'steps', 'proportional')),
    max_points      decimal(6, 2) not null check (max_points > 0),
    target_value    decimal(12, 2) check (target_value > 0),
    check ((rule_type = 'proportional') = (target_value is not null)),
    primary key (ruleset_code, indicator_code)
);

create table rule_steps (
    ruleset_code    varchar not null,
    indicator_code  varchar not null,
    min_value       decimal(12, 2) not null check (min_value >= 0),
    points          decimal(6, 2) not null check (points >= 0),
    primary key (ruleset_code, indicator_code, min_value)
);

-- The yearly inspection cycle (saisaat.fiscal.CYCLE_STEPS, named by the string catalogue): each step's
-- window with its dates relative to the fiscal year, so one row serves every year. A date is a day, a
-- month and a year offset: the date's Buddhist-era year minus the fiscal year (-1: October–December
-- before the fiscal year's end, 0: its own year, 1: after it ends). The configuration's checks keep the
-- dates real, rising and the rounds inside their fiscal year.
create table inspection_calendar (
    step         varchar primary key check (length(step) between 1 and 32),
    start_day    integer not null check (start_day between 1 and 31),
    start_month  integer not null check (start_month between 1 and 12),
    start_year   integer not null check (start_year between -1 and 1),
    end_day      integer not null check (end_day between 1 and 31),
    end_month    integer not null check (end_month between 1 and 12),
    end_year     integer not null check (end_year between -1 and 1)
);

-- The deadline of each OCSC plan step, relative to the plan's first fiscal year as the calendar's dates
-- are (the BMA default: every step due in the months around the fiscal year's start, year -1).
create table plan_deadlines (
    plan_kind  varchar not null check (plan_kind in ('strategic', 'action')),
    step       varchar not null check (step in ('drafted', 'approved', 'submitted', 'published', 'in_progress')),
    due_day    integer not null check (due_day between 1 and 31),
    due_month  integer not null check (due_month between 1 and 12),
    due_year   integer not null check (due_year between -1 and 1),
    primary key (plan_kind, step)
);

-- The other components of each unit's yearly performance evaluation (1–5 scale), which the
-- transparency score is weighted into for the annual reward money. Synthetic in the demo.
create table evaluation_components (
    fiscal_year     integer not null references fiscal_years (fiscal_year),
    unit_code       varchar not null references units (unit_code),
    component_code  varchar not null check (length(component_code) between 1 and 32),
    score           decimal(6, 4) not null check (score between 1 and 5),
    primary key (fiscal_year, unit_code, component_code)
);

-- Where each unit's plans stand: the 4-year strategic plan (plan_year = its first fiscal year) and
-- the annual action plan (plan_year = its fiscal year) move through the OCSC steps in order.
create table plan_steps (
    unit_code    varchar not null references units (unit_code),
    plan_kind    varchar not null check (plan_kind in ('strategic', 'action')),
    plan_year    integer not null check (plan_year between 2400 and 2700),
    step         varchar not null check (step in ('drafted', 'approved', 'submitted', 'published', 'in_progress')),
    done_on      date not null,
    recorded_by  varchar not null check (length(trim(recorded_by)) > 0),
    recorded_at  timestamp not null,
    primary key (unit_code, plan_kind, plan_year, step)
);

-- What-if scenarios saved by the secretariat: a ruleset file with who, when and why. Never applied
-- to stored results.
create table scenarios (
    scenario_id   integer primary key,
    name          varchar not null unique check (length(trim(name)) > 0),
    description   varchar,
    created_by    varchar not null check (length(trim(created_by)) > 0),
    created_at    timestamp not null,
    framework_id  integer not null references frameworks (framework_id),
    spec_json     varchar not null
);

create table import_batches (
    batch_id        integer primary key,
    source          varchar not null check (source in ('demo', 'import', 'restore', 'rescore')),
    file_name       varchar not null,
    sha256          varchar not null check (length(sha256) = 64),
    imported_at     timestamp not null,
    imported_by     varchar not null,
    row_count       integer not null check (row_count >= 0),
    note            varchar,
    num_added       integer not null default 0 check (num_added >= 0),
    num_replaced    integer not null default 0 check (num_replaced >= 0),
    num_unchanged   integer not null default 0 check (num_unchanged >= 0),
    replace_reason  varchar,
    undone_at       timestamp,
    undone_by       varchar
);

-- Every configuration the organisation has applied (units, frameworks, indicators, rules, …): who, when,
-- why, and the whole configuration as applied (JSON, the workbook's parts), so any version can be
-- looked at and an apply undone exactly. Version 1 is the configuration the database was made with.
create table configuration_versions (
    version_id  integer primary key,
    applied_at  timestamp not null,
    applied_by  varchar not null check (length(trim(applied_by)) > 0),
    reason      varchar,
    file_name   varchar,
    sha256      varchar,
    undoes      integer references configuration_versions (version_id),
    rescore_batch integer references import_batches (batch_id),
    snapshot    varchar not null
);

-- One result per fiscal year, round, unit and indicator, naming a fiscal year, unit, indicator and import
-- batch that exist. Those rules are kept by the one writer rather than by a primary key and foreign keys:
-- saisaat/store.py runs queries/result_integrity_problems.sql inside every transaction that adds results
-- and refuses the whole write on any problem. DuckDB keeps a key or a foreign key as an index beside the
-- rows (an adaptive radix tree); over the national demo's 9.4 M results the key's index alone took 540 MB
-- beside 64 MB of rows, and the key and the foreign keys together made the build 4 times slower. The rows
-- are stored in fiscal-year order (insert_scored_results), so one year's queries and checks read only
-- that year's row groups.
create table results (
    fiscal_year       integer not null,
    inspection_round  integer not null check (inspection_round in (1, 2)),
    unit_code         varchar not null,
    indicator_code    varchar not null,
    value             decimal(12, 2) not null check (value >= 0),
    points            decimal(6, 2) not null check (points >= 0),
    inspected_on      date,
    inspector         varchar,
    note              varchar,
    batch_id          integer not null
);

-- Results as they were before an import replaced them: nothing stored is ever lost. Undoing the
-- replacing batch puts them back exactly.
create table results_history (
    fiscal_year        integer not null,
    inspection_round   integer not null,
    unit_code          varchar not null,
    indicator_code     varchar not null,
    value              decimal(12, 2) not null,
    points             decimal(6, 2) not null,
    inspected_on       date,
    inspector          varchar,
    note               varchar,
    batch_id           integer not null references import_batches (batch_id),
    replaced_by_batch  integer not null references import_batches (batch_id),
    primary key (fiscal_year, inspection_round, unit_code, indicator_code, replaced_by_batch)
);

-- The scoring macros (hundredths, percent_of, mean_of, share_of, indicator_points, points_under) are
-- in saisaat/macros.sql, created before this file.

-- The official rule of each indicator (one official ruleset per framework; store.py keeps it so).
create view official_rules as
select
    rulesets.framework_id,
    rules.*
from rules
join rulesets using (ruleset_code)
where rulesets.is_official;

-- Every (fiscal year, unit, indicator) a unit answers for: its framework's assigned indicators,
-- in the years the unit was active. Missing results are found against this, never counted as 0.
create view assigned_indicators as
select
    fiscal_years.fiscal_year,
    assignments.unit_code,
    assignments.indicator_code,
    indicators.framework_id,
    indicators.objective_no,
    objectives.theme_code,
    official_rules.max_points
from fiscal_years
join indicators using (framework_id)
join objectives using (framework_id, objective_no)
join assignments using (indicator_code)
join units using (unit_code)
join official_rules using (indicator_code)
where fiscal_years.fiscal_year >= units.active_from_fy
  and (units.active_to_fy is null or fiscal_years.fiscal_year <= units.active_to_fy);

-- Every stored result with what it is worth: the official max_points, its objective and theme.
create view scored_results as
select
    results.fiscal_year,
    results.inspection_round,
    results.unit_code,
    results.indicator_code,
    indicators.framework_id,
    indicators.objective_no,
    objectives.theme_code,
    results.value,
    results.points,
    official_rules.max_points
from results
join indicators using (indicator_code)
join objectives using (framework_id, objective_no)
join official_rules using (indicator_code);

-- Who may sign in, and as what (saisaat/auth.py says what each role may do). `email` is the address
-- the identity provider gives, in lower case. A unit user sees its own unit's drafts only when
-- `own_drafts` is set by the secretariat.
create table users (
    email       varchar primary key check (email = lower(trim(email)) and email like '_%@_%'),
    role        varchar not null check (role in ('secretariat', 'executive', 'unit', 'inspector')),
    own_drafts  boolean not null default false,
    added_at    timestamp not null,
    added_by    varchar not null check (length(trim(added_by)) > 0),
    check (own_drafts = false or role = 'unit')
);

-- The units a user answers for: a unit user's one unit, the units given to an inspector.
create table user_units (
    email      varchar not null,
    unit_code  varchar not null references units (unit_code),
    primary key (email, unit_code)
);

-- The periods (fiscal year × inspection round) the secretariat has published: their results are
-- shown to everyone. A period with no row here is a draft. Unpublishing deletes the row; the audit
-- trail keeps who did it, when and why.
create table publications (
    fiscal_year       integer not null references fiscal_years (fiscal_year),
    inspection_round  integer not null check (inspection_round in (1, 2)),
    published_at      timestamp not null,
    published_by      varchar not null check (length(trim(published_by)) > 0),
    primary key (fiscal_year, inspection_round)
);

-- Every change anyone made, written in the same transaction as the change: who (`actor`, with the
-- role they acted in), when, from where (`source`: 'page:<url path>', 'cli' or 'system'), what
-- (`action`, a name from saisaat/auth.py's ACTIONS), what it touched and the reason when one was given.
create table audit_log (
    audit_id               integer primary key,
    acted_at               timestamp not null,
    actor                  varchar not null check (length(trim(actor)) > 0),
    role                   varchar not null,
    source                 varchar not null check (source = 'cli' or source = 'system' or source like 'page:%'),
    action                 varchar not null,
    fiscal_year            integer,
    inspection_round       integer,
    batch_id               integer,
    scenario_id            integer,
    configuration_version  integer,
    subject                varchar,   -- a user's address, a file name: what else was touched
    detail                 varchar,   -- counts and choices, as JSON
    reason                 varchar
);

-- The results one viewer may see: every published period's, and drafts only where the viewer's
-- scope allows (`drafts_all`: the secretariat and executives; `draft_units`: a unit user allowed its
-- own drafts, an inspector's units). `is_draft` marks a result whose period is not published.
create macro visible_results(drafts_all, draft_units) as table
select
    results.*,
    publications.published_at is null as is_draft
from results
left join publications using (fiscal_year, inspection_round)
where publications.published_at is not null
   or drafts_all
   or list_contains(draft_units, results.unit_code);

-- scored_results as one viewer may see them (the results visible_results lets through).
create macro visible_scored_results(drafts_all, draft_units) as table
select scored_results.*
from scored_results
semi join visible_results(drafts_all, draft_units)
    using (fiscal_year, inspection_round, unit_code, indicator_code);

-- The scored results of one fiscal year, one round (1 or 2) or both (null), as the pages choose,
-- that one viewer may see.
create macro scored_in_period(fy, rnd, drafts_all, draft_units) as table
select *
from visible_scored_results(drafts_all, draft_units)
where fiscal_year = fy
  and (rnd is null or inspection_round = rnd);
