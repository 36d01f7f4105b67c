{#-
    Discipline results with their incident and the student's offenses. A student's main
    offense in an incident is the most severe (offense_codes.severity_rank, then the
    lowest code); offense_count says how many they had. A student with offenses but no
    result record keeps one row with has_result_record false, so every referral counts.
-#}

with

results as (
    select * from {{ ref('stg_calpads__incident_results') }}
),

offenses as (
    select * from {{ ref('stg_calpads__incident_offenses') }}
),

incidents as (
    select * from {{ ref('stg_calpads__discipline_incidents') }}
),

student_ids as (
    select * from {{ ref('int_student_ids_assigned') }}
),

offense_codes as (
    select * from {{ ref('offense_codes') }}
),

result_codes as (
    select * from {{ ref('incident_result_codes') }}
),

ranked_offenses as (
    select
        offenses.lea_code,
        offenses.school_code,
        offenses.school_year,
        offenses.incident_id,
        offenses.ssid,
        offenses.offense_code,
        offenses.referral_reason,
        count(*) over (
            partition by offenses.lea_code, offenses.school_code, offenses.school_year, offenses.incident_id, offenses.ssid
        ) as offense_count,
        row_number() over (
            partition by offenses.lea_code, offenses.school_code, offenses.school_year, offenses.incident_id, offenses.ssid
            order by coalesce(offense_codes.severity_rank, 99), offenses.offense_code
        ) as severity_order
    from offenses
    left join offense_codes
        on offenses.offense_code = offense_codes.offense_code
),

main_offenses as (
    select * from ranked_offenses where severity_order = 1
),

student_incidents as (
    select lea_code, school_code, school_year, incident_id, ssid from results
    union
    select lea_code, school_code, school_year, incident_id, ssid from main_offenses
),

joined as (
    select
        student_incidents.*,
        results.incident_result_code,
        results.incident_result_duration_days,
        results.ssid is not null as has_result_record,
        main_offenses.offense_code as main_offense_code,
        coalesce(main_offenses.offense_count, 0) as offense_count,
        main_offenses.referral_reason
    from student_incidents
    left join results
        on {{ k12_same_incident('student_incidents', 'results') }}
        and student_incidents.ssid = results.ssid
    left join main_offenses
        on {{ k12_same_incident('student_incidents', 'main_offenses') }}
        and student_incidents.ssid = main_offenses.ssid
),

final as (
    select
        {{ k12_surrogate_key(['joined.lea_code', 'joined.school_code', 'joined.school_year', 'joined.incident_id', 'joined.ssid', 'joined.incident_result_code']) }} as discipline_result_id,
        {{ k12_fact_keys('student_ids.student_id', 'joined') }},
        joined.incident_id,
        incidents.incident_date,
        incidents.incident_location,
        joined.has_result_record,
        joined.incident_result_code,
        result_codes.incident_result_name,
        joined.incident_result_duration_days,
        coalesce(result_codes.is_suspension, false) as is_suspension,
        coalesce(result_codes.is_out_of_school_suspension, false) as is_out_of_school_suspension,
        coalesce(result_codes.is_in_school_suspension, false) as is_in_school_suspension,
        coalesce(result_codes.is_expulsion, false) as is_expulsion,
        joined.main_offense_code,
        offense_codes.offense_name as main_offense_name,
        offense_codes.pbis_category as main_offense_pbis_category,
        offense_codes.federal_category as main_offense_federal_category,
        coalesce(offense_codes.is_defiance, false) as is_defiance,
        joined.offense_count,
        joined.referral_reason
    from joined
    inner join student_ids
        on {{ k12_same_student('joined', 'student_ids', student='ssid') }}
    left join incidents
        on {{ k12_same_incident('joined', 'incidents') }}
    left join offense_codes
        on joined.main_offense_code = offense_codes.offense_code
    left join result_codes
        on joined.incident_result_code = result_codes.incident_result_code
)

select * from final
