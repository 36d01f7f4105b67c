{#-
    Rule scale_score_in_range (k12 check --marts): a Smarter Balanced scale score lies
    between the lowest and highest obtainable score of its test and grade (dim_assessment,
    from seed caaspp_scale_score_ranges). Returns the offending rows.
-#}
{{ config(tags=['marts_check'], severity='error', meta={
    'rule': 'scale_score_in_range',
    'what': 'fct_assessment_results (Smarter Balanced tests): the scale score lies between the lowest and highest obtainable score of its test and grade (dim_assessment, from seed caaspp_scale_score_ranges)',
    'how_to_resolve': 'Run k12 check (it quarantines such CAASPP lines) and build again; check the file against TOMS.'}) }}

with

results as (
    select * from {{ ref('fct_assessment_results') }}
),

assessments as (
    select * from {{ ref('dim_assessment') }}
)

select
    results.*,
    assessments.lowest_obtainable_scale_score,
    assessments.highest_obtainable_scale_score
from results
inner join assessments
    on results.assessment_key = assessments.assessment_key
where assessments.is_smarter_balanced
    and (results.scale_score < assessments.lowest_obtainable_scale_score
        or results.scale_score > assessments.highest_obtainable_scale_score)
