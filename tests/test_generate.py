"""The synthetic district: determinism, the extract contract, the fault manifest,
distributions and the planted effects (issue: foundation)."""

from __future__ import annotations

import csv
import hashlib
import math
from pathlib import Path

import duckdb
import pytest
import yaml

from k12_inquiry import contract
from k12_inquiry.generate import generate_district
from k12_inquiry.generate.scenario import ScenarioError, load_scenario
from tests.raw_scan import read_lines, scan

EFFECT_STUDENTS = 40_000


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def test_same_seed_gives_byte_identical_files(tmp_path):
    first = generate_district(tmp_path / "a", students=600, years=2, seed=3)
    second = generate_district(tmp_path / "b", students=600, years=2, seed=3)
    assert first.faults > 0
    assert _digests(tmp_path / "a") == _digests(tmp_path / "b")
    other = generate_district(tmp_path / "c", students=600, years=2, seed=4)
    assert other.total_rows > 0
    changed = [n for n, d in _digests(tmp_path / "c").items() if _digests(tmp_path / "a").get(n) != d]
    assert len(changed) > 20, "another seed must give another district"


def test_files_follow_the_contract(faulty_district):
    specs = contract.load_contract()
    scenario = yaml.safe_load((faulty_district / "_scenario.yml").read_text(encoding="utf-8"))
    names = sorted(p.name for p in faulty_district.iterdir() if contract.parse_file_name(p.name))
    years = {contract.parse_file_name(n).school_year for n in names}
    assert years == {2025, 2026}
    for code in specs:
        for year in years:
            assert contract.file_name(code, year) in names, f"{code} {year} missing"
    malformed = {(r["file"], int(r["line"])) for r in csv.DictReader((faulty_district / "_faults.csv").open())
                 if r["fault_kind"] == "malformed_line"}
    for name in names:
        code = contract.parse_file_name(name).extract_code
        raw = (faulty_district / name).read_bytes()
        expected = {**scenario["files"]["default"], **scenario["files"]["overrides"].get(code, {})}
        if expected["encoding"] == "cp1252":
            with pytest.raises(UnicodeDecodeError):
                raw.decode("utf-8")           # the SINF files really are Windows-1252 (accented names)
        assert (b"\r\n" in raw) == (expected["line_ending"] == "\r\n"), name
        delimiter, header, rows = read_lines(faulty_district / name)
        assert delimiter == expected["delimiter"], name
        assert header == [c.column_name for c in specs[code].columns], name
        for number, fields in enumerate(rows, start=2):
            if len(fields) != len(header):
                assert (name, number) in malformed, f"{name}:{number} has {len(fields)} fields"


def test_manifest_lists_exactly_the_injected_faults(faulty_district):
    manifest = list(csv.DictReader((faulty_district / "_faults.csv").open()))
    listed = {(r["file"], int(r["line"]), r["fault_kind"]) for r in manifest}
    found, _ = scan(faulty_district)
    kinds = {k for _, _, k in listed}
    assert kinds == {"duplicate_row", "invalid_code", "orphan_student", "invalid_date", "date_outside_school_year",
                     "exit_before_start", "scale_score_out_of_range", "negative_day_count",
                     "attendance_days_exceed_expected", "blank_required_value", "malformed_line"}
    missing = listed - found
    assert not missing, f"listed but not in the files: {sorted(missing)[:5]}"
    extra = {f for f in found - listed if f[2] != "orphan_student"}
    assert not extra, f"in the files but not listed: {sorted(extra)[:5]}"
    # a SENR line whose SSID was blanked takes that student's enrolment away: their other
    # rows that year become orphans too (a documented cascade), and nothing else may
    cascade = {f for f in found - listed if f[2] == "orphan_student"}
    blanked_ssids = [r for r in manifest if r["file"].startswith("SENR") and r["column"] == "SSID"]
    if cascade:
        assert blanked_ssids, f"orphans not explained by a blanked SENR SSID: {sorted(cascade)[:5]}"


def test_clean_district_has_no_anomalies(clean_district):
    found, _ = scan(clean_district)
    assert found == set()
    assert (clean_district / "_faults.csv").read_text().strip() == "file,line,column,fault_kind,detail"


def test_another_seed_and_scenario_give_a_valid_district(tmp_path):
    scenario = tmp_path / "scenario.yml"
    scenario.write_text(yaml.safe_dump({
        "district": {"lea_code": "0161234", "name": "Test Valley Unified", "last_school_year": 2025},
        "effects": {"grading_bias": {"group": "EL", "grade_points": 0.5}},
        "faults": {"enabled": False},
        "files": {"overrides": {"CAASPP": {"delimiter": "^"}, "SINF": {"encoding": "utf-8", "line_ending": "\n"}}},
    }))
    out = tmp_path / "district"
    report = generate_district(out, students=700, years=2, seed=99, scenario_path=scenario)
    assert report.years == [2024, 2025]
    assert report.faults == 0
    found, _ = scan(out)
    assert found == set()
    _, header, rows = read_lines(out / "SENR_2024-25.txt")
    lea = {r[header.index("Reporting LEA")] for r in rows}
    assert lea == {"0161234"}                # a leading zero survives


def test_scenario_errors_name_the_key(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("effects:\n  grading_bias:\n    groop: HI\n")
    with pytest.raises(ScenarioError, match="effects.grading_bias.groop"):
        load_scenario(bad)
    bad.write_text("district:\n  lea_code: '12'\n")
    with pytest.raises(ScenarioError, match="lea_code"):
        load_scenario(bad)


# --- distributions and planted effects, on one larger year -------------------------------

@pytest.fixture(scope="module")
def effect_district(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("effects")
    generate_district(out, students=EFFECT_STUDENTS, years=1, seed=6, faults=False, daily_attendance_years=0)
    return out


@pytest.fixture(scope="module")
def control_district(tmp_path_factory) -> Path:
    """The same district with the chronic-absence and section effects switched off."""
    out = tmp_path_factory.mktemp("control")
    scenario = out.parent / "control.yml"
    scenario.write_text("effects:\n  section_grading_sd: 0.0\n  chronic_absence: {multiplier: 1.0}\n"
                        "  grading_bias: {grade_points: 0.0}\n  discipline_disproportionality: {risk_ratio: 1.0}\n")
    generate_district(out, students=EFFECT_STUDENTS, years=1, seed=6, faults=False, daily_attendance_years=0,
                      scenario_path=scenario)
    return out


def _connect(folder: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for code in ("SENR", "STAS", "SCSC", "CRSC", "SOFF", "SPRG", "SPED", "SELA"):
        con.execute(f"create view {code.lower()} as select * from read_csv('{folder}/{code}_*.txt', delim='^', "
                    f"header = true, all_varchar = true)")
    con.execute(f"create view caaspp as select * from read_csv('{folder}/CAASPP_*.txt', delim=',', header = true, all_varchar = true)")
    # SINF is Windows-1252 in the default scenario; latin-1 reads its accented letters alike
    con.execute(f"create view sinf as select * from read_csv('{folder}/SINF_*.txt', delim='^', header = true, "
                f"all_varchar = true, encoding = 'latin-1')")
    con.execute("create view courses as select * from read_csv('seeds/codes/state_course_codes.csv', all_varchar = true)")
    return con


def grading_gap(con) -> tuple[float, float]:
    """Mean grade-point gap, HI minus others, within CAASPP level and subject; and its SE."""
    return con.sql("""
        with marks as (
            select m.SSID, k.content_area_code as subject,
                   avg(case m."Student Course Final Grade" when 'A' then 4 when 'B' then 3 when 'C' then 2
                       when 'D' then 1 else 0 end) as points
            from scsc m
            join crsc c using ("School of Attendance", "Course Section ID", "Academic Term Code")
            join courses k on c."State Course Code" = k.state_course_code
            where k.content_area_code in ('ELA', 'MATH')
            group by all
        ),
        levels as (
            select SSID, case "Record Type" when '01' then 'ELA' else 'MATH' end as subject,
                   "Achievement Level"::int as level
            from caaspp where "Record Type" in ('01', '02') and "Include Indicator" = 'Y'
        ),
        hispanic as (select SSID, bool_or("Hispanic Ethnicity Indicator" = 'Y') as is_hispanic from sinf group by all),
        joined as (
            select marks.*, levels.level, coalesce(hispanic.is_hispanic, false) as is_hispanic
            from marks join levels using (SSID, subject) left join hispanic using (SSID)
        ),
        by_level as (
            select subject, level,
                   avg(points) filter (where is_hispanic) as m1, avg(points) filter (where not is_hispanic) as m0,
                   var_samp(points) filter (where is_hispanic) as v1, var_samp(points) filter (where not is_hispanic) as v0,
                   count(*) filter (where is_hispanic) as n1, count(*) filter (where not is_hispanic) as n0
            from joined group by all
        )
        select sum((m1 - m0) * n1) / sum(n1), sqrt(sum(n1 * n1 * (v1 / n1 + v0 / n0))) / sum(n1) from by_level
    """).fetchone()


def defiance_risk_ratio(con) -> tuple[float, float]:
    """Risk of at least one defiance (511) referral, AA vs all other students; SE of its log."""
    a, n1, b, n0 = con.sql("""
        with students as (select distinct SSID from senr where "Enrollment Status Code" in ('10', '30')),
        black as (
            select SSID, bool_or("Hispanic Ethnicity Indicator" = 'N' and "Race 1 Code" = '600'
                                 and coalesce("Race 2 Code", '') = '') as is_black
            from sinf group by all
        ),
        referred as (select distinct SSID from soff where "Student Offense Code" = '511'),
        joined as (
            select students.SSID, coalesce(black.is_black, false) as is_black, referred.SSID is not null as was_referred
            from students left join black using (SSID) left join referred using (SSID)
        )
        select count(*) filter (where is_black and was_referred), count(*) filter (where is_black),
               count(*) filter (where not is_black and was_referred), count(*) filter (where not is_black)
        from joined
    """).fetchone()
    ratio = (a / n1) / (b / n0)
    return ratio, math.sqrt(1 / a - 1 / n1 + 1 / b - 1 / n0)


def chronic_absence_ratio(con) -> float:
    """Mean absence rate in the planted school-grade cells over the same grades elsewhere."""
    scenario = load_scenario()
    schools = scenario["effects"]["chronic_absence"]["schools"]          # e.g. ES-2 -> 6000002
    codes = [f"6{'EMH'.index(s.split('-')[0][0])}{int(s.split('-')[1]):05d}" for s in schools]
    grades = scenario["effects"]["chronic_absence"]["grades"]
    return con.sql(f"""
        with grades as (
            select distinct "School of Attendance" as school, SSID, "Grade Level Code" as grade
            from senr where "Enrollment Status Code" in ('10', '30')
        ),
        rates as (
            select "School of Attendance" as school, SSID,
                   ("Days Absent Out-of-School Suspension"::double + "Days Absent Excused Non-Suspension"::double
                    + "Days Absent Unexcused Non-Suspension"::double + "Non-ADA Generating Independent Study Days"::double)
                   / "Expected Attendance Days"::double as rate
            from stas where "Expected Attendance Days"::double >= 31
        )
        select avg(rate) filter (where school in {tuple(codes)}) / avg(rate) filter (where school not in {tuple(codes)})
        from rates join grades using (school, SSID)
        where grade in {tuple(grades)}
    """).fetchone()[0]


def between_section_sd(con) -> float:
    """SD of section mean grade points beyond sampling noise, within subject and test level."""
    return con.sql("""
        with marks as (
            select m.SSID, m."School of Attendance" as school, m."Course Section ID" as section, k.content_area_code as subject,
                   case m."Student Course Final Grade" when 'A' then 4 when 'B' then 3 when 'C' then 2 when 'D' then 1 else 0 end as points
            from scsc m
            join crsc c using ("School of Attendance", "Course Section ID", "Academic Term Code")
            join courses k on c."State Course Code" = k.state_course_code
            where k.content_area_code in ('ELA', 'MATH')
        ),
        levels as (
            select SSID, case "Record Type" when '01' then 'ELA' else 'MATH' end as subject, "Achievement Level"::int as level
            from caaspp where "Record Type" in ('01', '02') and "Include Indicator" = 'Y'
        ),
        residuals as (
            select marks.*, points - avg(points) over (partition by subject, level) as residual
            from marks join levels using (SSID, subject)
        ),
        sections as (
            select school, section, avg(residual) as mean_residual, var_samp(residual) as variance, count(*) as n
            from residuals group by all having count(*) >= 20
        )
        select sqrt(greatest(var_samp(mean_residual) - avg(variance / n), 0)) from sections
    """).fetchone()[0]


def test_distributions_are_california_like(effect_district):
    """Bounds documented in docs/synthetic-district.md."""
    con = _connect(effect_district)
    students = con.sql("select count(distinct SSID) from senr where \"Enrollment Status Code\" in ('10','30')").fetchone()[0]
    assert 0.95 * EFFECT_STUDENTS <= students <= 1.05 * EFFECT_STUDENTS

    def share(sql: str) -> float:
        return con.sql(sql).fetchone()[0] / students

    assert 0.50 <= share("select count(distinct SSID) from sinf where \"Hispanic Ethnicity Indicator\" = 'Y'") <= 0.60
    assert 0.50 <= share("select count(distinct SSID) from sprg where \"Education Program Code\" in ('181','182')") <= 0.62
    assert 0.09 <= share("select count(distinct SSID) from sped") <= 0.14
    assert 0.14 <= share("select count(distinct SSID) from sela where \"English Language Acquisition Status Code\" = 'EL'") <= 0.26
    chronic = con.sql("""
        select avg(case when ("Days Absent Out-of-School Suspension"::double + "Days Absent Excused Non-Suspension"::double
                   + "Days Absent Unexcused Non-Suspension"::double + "Non-ADA Generating Independent Study Days"::double)
                   / "Expected Attendance Days"::double >= 0.10 then 1 else 0 end)
        from stas where "Expected Attendance Days"::double >= 31
    """).fetchone()[0]
    assert 0.15 <= chronic <= 0.35
    failing = con.sql("select avg(case when \"Student Course Final Grade\" = 'F' then 1 else 0 end) from scsc").fetchone()[0]
    assert 0.02 <= failing <= 0.15
    graduates = con.sql("select count(*) from senr where \"Student School Completion Status\" = '100'").fetchone()[0]
    seniors = con.sql("select count(distinct SSID) from senr where \"Grade Level Code\" = '12'").fetchone()[0]
    assert 0.75 <= graduates / seniors <= 0.92


def test_planted_grading_bias_is_in_the_files(effect_district, control_district):
    scenario = load_scenario()
    gap, se = grading_gap(_connect(effect_district))
    assert abs(-gap - scenario["effects"]["grading_bias"]["grade_points"]) <= 3.5 * se, (gap, se)
    control_gap, control_se = grading_gap(_connect(control_district))
    assert abs(control_gap) <= 3.5 * control_se, (control_gap, control_se)


def test_planted_discipline_disproportionality_is_in_the_files(effect_district, control_district):
    planted = load_scenario()["effects"]["discipline_disproportionality"]["risk_ratio"]
    ratio, se_log = defiance_risk_ratio(_connect(effect_district))
    assert abs(math.log(ratio) - math.log(planted)) <= 3.5 * se_log, (ratio, se_log)
    control, control_se = defiance_risk_ratio(_connect(control_district))
    assert abs(math.log(control)) <= 3.5 * control_se, (control, control_se)


def test_planted_chronic_absence_concentration_is_in_the_files(effect_district, control_district):
    planted = load_scenario()["effects"]["chronic_absence"]["multiplier"]
    ratio = chronic_absence_ratio(_connect(effect_district))
    # daily propensities are capped at 0.95, so the mean rate ratio sits a little under the multiplier
    assert 0.85 * planted <= ratio <= 1.05 * planted, ratio
    assert 0.85 <= chronic_absence_ratio(_connect(control_district)) <= 1.15


def test_planted_section_grading_variation_is_in_the_files(effect_district, control_district):
    planted = load_scenario()["effects"]["section_grading_sd"]
    assert 0.7 * planted <= between_section_sd(_connect(effect_district)) <= 1.3 * planted
    assert between_section_sd(_connect(control_district)) <= 0.3 * planted
