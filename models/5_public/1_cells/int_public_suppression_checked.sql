{{ config(materialized='view') }}
{#-
    The relations of public suppression judged on the final suppression: a relation with
    is_violated still lets a blanked cell or a small total be recovered (a test fails on any).
-#}

with

cells as (
    select * from {{ ref('int_public_cells_suppressed') }}
),

relations as (
    select * from {{ ref('int_public_relations_listed') }}
),

totals as (
    {{ k12_suppression_relation_totals('cells', 'relations') }}
),

judged as (
    {{ k12_suppression_judged('totals') }}
),

final as (
    select
        relation_id,
        relation_kind,
        parent_is_suppressed = 1 as is_parent_suppressed,
        suppressed_children,
        unknown_cells,
        unknown_student_n,
        unknown_outcome_n,
        is_violated
    from judged
)

select * from final
