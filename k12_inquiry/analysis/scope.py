"""The scope of a notebook run: which warehouse, school year, school and student group.

Every notebook's parameters cell holds the same four values; `Scope.from_parameters`
checks them against the warehouse (with messages that say what is available) and carries
the labels the charts and the narrative print.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from k12_inquiry.warehouse import Warehouse


@dataclass
class Scope:
    """A resolved set of notebook parameters.

    `school_key` is None for the whole LEA. `student_group` is a Dashboard group code
    (the focus group of the notebook: highlighted in charts, compared with the others).
    """

    warehouse: Warehouse
    school_year: int
    school_year_label: str
    school_key: str | None
    school_label: str
    student_group: str
    student_group_label: str

    @classmethod
    def from_parameters(cls, warehouse: str | Path | Warehouse | None = None, school_year: int | str | None = None,
                        school: str | None = None, student_group: str | None = None,
                        default_group: str = "ALL") -> "Scope":
        """Resolve the parameters: None means the default warehouse, the latest school year,
        every school (the LEA) and `default_group`."""
        wh = warehouse if isinstance(warehouse, Warehouse) else Warehouse(warehouse)
        year = wh.resolve_school_year(school_year)
        labels = wh.school_years().set_index("school_year").school_year_label
        school_key = wh.resolve_school(school)
        group = wh.resolve_student_group(student_group, default=default_group)
        return cls(warehouse=wh, school_year=year, school_year_label=str(labels.get(year, year)),
                   school_key=school_key, school_label=wh.school_name(school_key),
                   student_group=group, student_group_label=wh.student_group_name(group))

    def grade_order(self) -> list[str]:
        """The grade codes TK-12 in grade order (seed grade_levels: is_tk_to_12, grade_sort_order)."""
        return self.warehouse.query(
            "select grade_level_code from reference.grade_levels where is_tk_to_12 order by grade_sort_order"
        )["grade_level_code"].tolist()

    def grade_names(self) -> dict[str, str]:
        """Grade code -> name (seed grade_levels), e.g. 'TK' -> 'Transitional kindergarten'."""
        table = self.warehouse.query("select grade_level_code, grade_level_name from reference.grade_levels")
        return dict(zip(table["grade_level_code"], table["grade_level_name"]))

    @property
    def prior_school_year(self) -> int | None:
        """Last year, when it is in the warehouse."""
        years = set(self.warehouse.school_years().school_year.astype(int))
        return self.school_year - 1 if self.school_year - 1 in years else None

    def school_year_label_of(self, school_year: int) -> str:
        labels = self.warehouse.school_years().set_index("school_year").school_year_label
        return str(labels.get(school_year, f"{school_year - 1}-{school_year % 100:02d}"))

    @property
    def where(self) -> str:
        """"<school> , <year>" for titles."""
        return f"{self.school_label}, {self.school_year_label}"

    def describe(self) -> str:
        """One Markdown line naming the scope of the report."""
        return (f"**Scope:** {self.school_label} · school year {self.school_year_label} · focus group: "
                f"{self.student_group_label} ({self.student_group}) · warehouse `{self.warehouse.path.name}`")
