{#-
    The one suppression engine (docs/privacy.md): complementary suppression over cells and
    the additive relations between them, used by the public marts (int_public_cells_suppressed)
    and, through the DuckDB table macro reference.k12_suppress_cells that
    k12_create_report_suppression writes into the warehouse after every run, by the
    notebooks' tables and charts (k12_inquiry.privacy).

    - k12_primary_suppression_reason(student_n, outcome_n): 'small_cell' for a cell of 1 to
      var k12:suppression_minimum_n - 1 (10) students (a cell of no students describes
      nobody and is shown as 0; the marts have none); with var
      k12:suppression_protect_numerators, 'small_numerator' when 1 to 10 students have the
      outcome or 1 to 10 do not; NULL when the cell may be shown.
    - k12_suppression_engine(cells_from, relations_from): `cells_from` has cell_id, table_id,
      student_n, outcome_n (NULL when the value does not count students) and
      primary_suppression_reason; `relations_from` has relation_id, relation_kind ('group':
      parent = children + a hidden remainder; 'school': parent = children, up to students
      counted twice), cell_id and member_role ('parent' or 'child'). Returns every cell with
      is_suppressed, suppressed_in_pass and suppression_reason (the primary reason, or
      'complementary'). How a pass chooses: see int_public_cells_suppressed.
-#}
{% macro k12_primary_suppression_reason(student_n, outcome_n) -%}
        case
            when {{ student_n }} between 1 and {{ var('k12:suppression_minimum_n') - 1 }} then 'small_cell'
            {%- if var('k12:suppression_protect_numerators') %}
            when {{ outcome_n }} between 1 and {{ var('k12:suppression_minimum_n') - 1 }} then 'small_numerator'
            when {{ student_n }} - {{ outcome_n }} between 1 and {{ var('k12:suppression_minimum_n') - 1 }} then 'small_numerator'
            {%- endif %}
        end
{%- endmacro %}

{% macro k12_suppression_engine(cells_from, relations_from) -%}
{%- set passes = var('k12:suppression_max_passes') %}
{%- set small = var('k12:suppression_minimum_n') - 1 %}

with

cells as (
    select * from {{ cells_from }}
),

relations as (
    select * from {{ relations_from }}
),

cells_pass_0 as (
    select
        cell_id,
        student_n,
        outcome_n,
        primary_suppression_reason is not null as is_suppressed,
        cast(null as integer) as suppressed_in_pass
    from cells
),

totals_pass_0 as (
    {{ k12_suppression_relation_totals('cells_pass_0', 'relations') }}
),

judged_pass_0 as (
    {{ k12_suppression_judged('totals_pass_0') }}
),

{% for pass_number in range(1, passes + 1) %}
{%- set previous = pass_number - 1 %}
candidates_pass_{{ pass_number }} as (
    -- the published cells of the violated relations, and what blanking each would reveal
    select
        relations.relation_id,
        relations.cell_id,
        relations.member_role,
        cells_pass_{{ previous }}.student_n,
        judged.has_outcome_n = 1
            and abs(judged.unknown_outcome_n) between 1 and {{ small }} as is_outcome_short,
        judged.has_outcome_n = 1
            and abs(judged.unknown_student_n - judged.unknown_outcome_n) between 1 and {{ small }} as is_non_outcome_short,
        judged.unknown_student_n + cells_pass_{{ previous }}.student_n as revealed_student_n,
        judged.unknown_outcome_n + coalesce(cells_pass_{{ previous }}.outcome_n, 0) as revealed_outcome_n,
        judged.has_outcome_n,
        coalesce(cells_pass_{{ previous }}.outcome_n, 0) as outcome_n
    from judged_pass_{{ previous }} as judged
    inner join relations
        on judged.relation_id = relations.relation_id
    inner join cells_pass_{{ previous }}
        on relations.cell_id = cells_pass_{{ previous }}.cell_id
    where judged.is_violated
        and not cells_pass_{{ previous }}.is_suppressed
),

candidate_costs_pass_{{ pass_number }} as (
    -- relations still without an unknown that blanking the candidate would open (it would be
    -- their only unknown): fewer is better, so chains of complements stay short
    select
        candidates.cell_id,
        count(*) as relations_opened
    from (select distinct cell_id from candidates_pass_{{ pass_number }}) as candidates
    inner join relations
        on candidates.cell_id = relations.cell_id
    inner join judged_pass_{{ previous }} as judged
        on relations.relation_id = judged.relation_id
    where judged.unknown_cells = 0
        and judged.parent_is_suppressed = 0
    group by candidates.cell_id
),

chosen_pass_{{ pass_number }} as (
    select distinct cell_id
    from (
        select
            candidates.cell_id,
            row_number() over (
                partition by candidates.relation_id
                order by
                    case when candidates.member_role = 'child' then 0 else 1 end,
                    -- a child whose blanking leaves no small revealed total first
                    case when candidates.member_role = 'child'
                        and not abs(candidates.revealed_student_n) between 1 and {{ small }}
                        and (candidates.has_outcome_n = 0 or not (
                            abs(candidates.revealed_outcome_n) between 1 and {{ small }}
                            or abs(candidates.revealed_student_n - candidates.revealed_outcome_n) between 1 and {{ small }}))
                        then 0 else 1 end,
                    coalesce(costs.relations_opened, 0),
                    -- otherwise the most help: students with the outcome when those are short, without it
                    -- when those are short, else the fewest students
                    case
                        when candidates.is_outcome_short then -candidates.outcome_n
                        when candidates.is_non_outcome_short then candidates.outcome_n - candidates.student_n
                        else candidates.student_n
                    end,
                    candidates.cell_id
            ) as choice_rank
        from candidates_pass_{{ pass_number }} as candidates
        left join candidate_costs_pass_{{ pass_number }} as costs
            on candidates.cell_id = costs.cell_id
    ) as ranked
    where choice_rank = 1
),

cells_pass_{{ pass_number }} as (
    select
        cells_pass_{{ previous }}.cell_id,
        cells_pass_{{ previous }}.student_n,
        cells_pass_{{ previous }}.outcome_n,
        cells_pass_{{ previous }}.is_suppressed or chosen_pass_{{ pass_number }}.cell_id is not null as is_suppressed,
        case
            when cells_pass_{{ previous }}.suppressed_in_pass is not null then cells_pass_{{ previous }}.suppressed_in_pass
            when chosen_pass_{{ pass_number }}.cell_id is not null then {{ pass_number }}
        end as suppressed_in_pass
    from cells_pass_{{ previous }}
    left join chosen_pass_{{ pass_number }}
        on cells_pass_{{ previous }}.cell_id = chosen_pass_{{ pass_number }}.cell_id
),

changes_pass_{{ pass_number }} as (
    -- what the cells blanked in this pass change in the counters of their relations
    select
        relations.relation_id,
        max(case when relations.member_role = 'parent' then 1 else 0 end) as parent_blanked,
        sum(case when relations.member_role = 'child' then 1 else 0 end) as children_blanked,
        sum(case when relations.member_role = 'child' then cells.student_n else 0 end) as student_n_blanked,
        sum(case when relations.member_role = 'child' then coalesce(cells.outcome_n, 0) else 0 end) as outcome_n_blanked
    from chosen_pass_{{ pass_number }} as chosen
    inner join relations
        on chosen.cell_id = relations.cell_id
    inner join cells
        on chosen.cell_id = cells.cell_id
    group by relations.relation_id
),

totals_pass_{{ pass_number }} as (
    select
        totals.relation_id,
        totals.relation_kind,
        case when changes.parent_blanked = 1 then 1 else totals.parent_is_suppressed end as parent_is_suppressed,
        totals.has_outcome_n,
        totals.parent_student_n,
        totals.parent_outcome_n,
        totals.children_student_n,
        totals.children_outcome_n,
        totals.suppressed_children + coalesce(changes.children_blanked, 0) as suppressed_children,
        totals.suppressed_student_n + coalesce(changes.student_n_blanked, 0) as suppressed_student_n,
        totals.suppressed_outcome_n + coalesce(changes.outcome_n_blanked, 0) as suppressed_outcome_n
    from totals_pass_{{ previous }} as totals
    left join changes_pass_{{ pass_number }} as changes
        on totals.relation_id = changes.relation_id
),

judged_pass_{{ pass_number }} as (
    {{ k12_suppression_judged('totals_pass_' ~ pass_number) }}
),
{% endfor %}

unsettled_tables as (
    -- tables with a violation left after the last pass: blanked whole
    select distinct cells.table_id
    from judged_pass_{{ passes }} as judged
    inner join relations
        on judged.relation_id = relations.relation_id
    inner join cells
        on relations.cell_id = cells.cell_id
    where judged.is_violated
),

suppressed_cells as (
    select
        cells.*,
        last_pass.is_suppressed or unsettled_tables.table_id is not null as is_suppressed,
        case
            when last_pass.suppressed_in_pass is not null then last_pass.suppressed_in_pass
            when not last_pass.is_suppressed and unsettled_tables.table_id is not null then {{ passes + 1 }}
        end as suppressed_in_pass,
        case
            when cells.primary_suppression_reason is not null then cells.primary_suppression_reason
            when last_pass.is_suppressed or unsettled_tables.table_id is not null then 'complementary'
        end as suppression_reason
    from cells
    inner join cells_pass_{{ passes }} as last_pass
        on cells.cell_id = last_pass.cell_id
    left join unsettled_tables
        on cells.table_id = unsettled_tables.table_id
)

select * from suppressed_cells
{%- endmacro %}

{#- After every run on DuckDB (on-run-end), or on its own with `dbt run-operation
    k12_create_report_suppression`: the engine as table macros in the warehouse, so Python
    applies exactly these rules to a notebook's cells (registered DataFrames):
    reference.k12_suppress_cells('cells', 'relations') over tables or views by name, with
    the primary reason computed from student_n and outcome_n (plus is_suppressed_upstream
    for a value already blanked elsewhere), and reference.k12_primary_suppression_reason.
    Other engines (Spark) skip it: the notebooks run on the DuckDB warehouse. -#}
{% macro k12_create_report_suppression() -%}
    {%- if execute and target.type == 'duckdb' -%}
    {%- set sql -%}
    create schema if not exists reference;
    create or replace macro reference.k12_primary_suppression_reason(student_n, outcome_n) as
    {{ k12_primary_suppression_reason('student_n', 'outcome_n') }};
    create or replace macro reference.k12_suppress_cells(cells_name, relations_name) as table
    {{ k12_suppression_engine(
        "(select *, case when is_suppressed_upstream then 'suppressed_upstream' else "
            ~ k12_primary_suppression_reason('student_n', 'outcome_n') ~ " end as primary_suppression_reason from query_table(cells_name))",
        "(select * from query_table(relations_name))") }};
    {%- endset -%}
    {%- do run_query(sql) -%}
    {%- endif -%}
{%- endmacro %}
