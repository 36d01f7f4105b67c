{#-
    Rule percent_in_range (k12 check --marts): the rates of the percentage indicators
    (indicator_catalog.rate_unit = percent; not distance from standard or grade points) lie
    between 0 and 100 (a definition: a percentage's scale). Returns the offending rows.
-#}
{{ config(tags=['marts_check'], severity='error', meta={
    'rule': 'percent_in_range',
    'what': 'indicator_results: rate, rate_displayed, prior_rate and prior_rate_displayed of the percentage indicators (indicator_catalog.rate_unit = percent) lie between 0 and 100',
    'how_to_resolve': 'A bug in the indicator models (students counted in a numerator outside their population). Report it with the indicator and cell of the rows; do not share the results.'}) }}

with

results as (
    select * from {{ ref('indicator_results') }}
),

catalog as (
    select * from {{ ref('indicator_catalog') }}
)

select results.*
from results
inner join catalog
    on results.indicator_code = catalog.indicator_code
where catalog.rate_unit = 'percent'
    and (results.rate not between 0 and 100
        or results.rate_displayed not between 0 and 100
        or results.prior_rate not between 0 and 100
        or results.prior_rate_displayed not between 0 and 100)
