"""A school's own programs from a spreadsheet: the school administrator's (or a curator's) file of specialty code,
year, places, tuition and campus district, checked whole before anything is written.

`programs_parse` reads a CSV (UTF-8, or GB18030 as Excel saves it on Chinese Windows) or an XLSX sheet, checks every
row and reports every bad row in one pass, with the line of the file it is on. `programs_write` then writes the
checked rows in one transaction: a new program is published at once (it is the school's own record, not sample data);
an existing one of the same specialty and year gets the new figures, with its history.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, field

import openpyxl
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from programs.districts import DISTRICTS
from programs.models import LEVELS_BY_KIND, Institution, Program, ProgramStatus, Specialty
from programs.web.inputs import csv_text

# The template's columns: Chinese headers for the school's staff; the English names are accepted too.
COLUMNS = [
    ("specialty_code", "专业代码"),
    ("academic_year", "学年"),
    ("quota", "招生名额"),
    ("tuition", "学费（元/年）"),
    ("campus_district", "校区所在区县"),
]
REQUIRED = {"specialty_code", "academic_year"}
MAX_ROWS = 2000
MAX_BYTES = 2 * 1024 * 1024


class ImportFileError(ValueError):
    """The file as a whole cannot be read (format, encoding, header, size)."""


@dataclass
class ProgramRow:
    line: int
    specialty_code: str
    academic_year: int
    quota: int | None
    tuition: int | None
    campus_district: str
    specialty_name: str = ""
    action: str = ""  # "new", "changed" or "unchanged", set by the preview


@dataclass
class ImportPreview:
    rows: list[ProgramRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    def payload(self) -> list[dict[str, object]]:
        return [asdict(row) for row in self.rows]


def example_rows(institution: Institution) -> list[list[str]]:
    """Two rows the school could really import: specialties of a level it may run, in its own district."""
    levels = LEVELS_BY_KIND.get(institution.kind, set())
    specialties = Specialty.objects.filter(level__in=levels, is_addition=False).order_by("code")[:2]
    year = str(timezone.localdate().year)
    rows = [[s.code, year, "", "", institution.district or ""] for s in specialties]
    if rows:
        rows[0][2:4] = ["50", "3200"]
    return rows


def template_csv(institution: Institution) -> bytes:
    """The template as Excel opens it: UTF-8 with a byte-order mark, Chinese headers, two example rows."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([chinese for _name, chinese in COLUMNS])
    writer.writerows(example_rows(institution))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx(institution: Institution) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "programs"
    sheet.append([chinese for _name, chinese in COLUMNS])
    for row in example_rows(institution):
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _decode(data: bytes) -> str:
    try:
        return csv_text(data)
    except UnicodeDecodeError:
        raise ImportFileError(
            _("The file is neither UTF-8 nor GB18030 text. Save it as CSV or XLSX and try again.")
        ) from None


def _records(data: bytes, filename: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and (file line, cells) of every row that is not blank."""
    if len(data) > MAX_BYTES:
        raise ImportFileError(_("The file is larger than 2 MB."))
    if filename.lower().endswith(".xlsx"):
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for a file that is not a workbook
            raise ImportFileError(_("The file is not an XLSX workbook.")) from None
        try:
            rows = list(workbook.worksheets[0].iter_rows(values_only=True)) if workbook.worksheets else []
        finally:
            workbook.close()
        table = [(n, [_cell(v) for v in values]) for n, values in enumerate(rows, start=1)]
    else:
        reader = csv.reader(io.StringIO(_decode(data), newline=""))
        table, last = [], 0
        try:
            for cells in reader:
                table.append((last + 1, [c.strip() for c in cells]))  # a quoted value may span lines
                last = reader.line_num
        except csv.Error as exc:
            raise ImportFileError(
                _("Line %(line)s: the CSV cannot be read (%(error)s).") % {"line": last + 1, "error": exc}
            ) from None
    table = [(n, cells) for n, cells in table if any(cells)]
    if not table:
        raise ImportFileError(_("The file is empty."))
    (_line, header), body = table[0], table[1:]
    if len(body) > MAX_ROWS:
        raise ImportFileError(_("The file has more than %(n)s rows; split it.") % {"n": MAX_ROWS})
    return header, body


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _columns(header: list[str]) -> dict[str, int]:
    names = {chinese: name for name, chinese in COLUMNS} | {name: name for name, _chinese in COLUMNS}
    found = {names[h.strip()]: n for n, h in enumerate(header) if h.strip() in names}
    missing = [chinese for name, chinese in COLUMNS if name in REQUIRED and name not in found]
    if missing:
        raise ImportFileError(
            _("Line 1: the columns %(missing)s are missing. Download the template to see the headers.")
            % {"missing": "、".join(missing)}
        )
    return found


def _whole(raw: str, line: int, label: str, errors: list[str], *, least: int = 0, most: int = 10**7) -> int | None:
    if raw == "":
        return None
    text = raw.replace(",", "").replace("，", "")
    if not text.isdigit() or not least <= int(text) <= most:
        errors.append(
            _("Line %(line)s: %(label)s must be a whole number from %(least)s to %(most)s (“%(raw)s”).")
            % {"line": line, "label": label, "least": least, "most": most, "raw": raw[:40]}
        )
        return None
    return int(text)


def programs_parse(*, data: bytes, filename: str, institution: Institution) -> ImportPreview:
    """Every row checked; every problem reported, each with its file line; and what writing would do to each row."""
    header, body = _records(data, filename)
    at = _columns(header)
    preview = ImportPreview()
    specialties = {s.code: s for s in Specialty.objects.only("code", "name", "level")}
    allowed = LEVELS_BY_KIND.get(institution.kind, set())
    seen: dict[tuple[str, int], int] = {}
    for line, cells in body:
        value = {name: (cells[n] if n < len(cells) else "").strip() for name, n in at.items()}
        errors: list[str] = []
        code = value.get("specialty_code", "").upper()
        specialty = specialties.get(code)
        if specialty is None:
            errors.append(_("Line %(line)s: no specialty has the code “%(code)s”.") % {"line": line, "code": code[:20]})
        elif specialty.level not in allowed:
            errors.append(
                _("Line %(line)s: %(school)s (%(kind)s) cannot run %(name)s, a %(level)s specialty.")
                % {
                    "line": line,
                    "school": institution.name,
                    "kind": institution.get_kind_display(),
                    "name": specialty.name,
                    "level": specialty.get_level_display(),
                }
            )
        year = _whole(value.get("academic_year", ""), line, _("the academic year"), errors, least=2000, most=2100)
        if year is None and value.get("academic_year", "") == "":
            errors.append(_("Line %(line)s: the academic year is missing.") % {"line": line})
        quota = _whole(value.get("quota", ""), line, _("the quota"), errors, most=100_000)
        tuition = _whole(value.get("tuition", ""), line, _("the tuition"), errors, most=1_000_000)
        district = value.get("campus_district", "")
        if district and district not in DISTRICTS:
            errors.append(
                _("Line %(line)s: “%(district)s” is not a district or county of Chongqing.")
                % {"line": line, "district": district[:20]}
            )
        if specialty is not None and year is not None:
            if (code, year) in seen:
                errors.append(
                    _("Line %(line)s: %(code)s in %(year)s is already on line %(first)s.")
                    % {"line": line, "code": code, "year": year, "first": seen[(code, year)]}
                )
            seen.setdefault((code, year), line)
        if errors:
            preview.errors.extend(errors)
            continue
        assert specialty is not None and year is not None
        preview.rows.append(ProgramRow(line, code, year, quota, tuition, district, specialty.name))
    _mark_actions(preview, institution)
    return preview


def _mark_actions(preview: ImportPreview, institution: Institution) -> None:
    existing = {
        (p.specialty.code, p.academic_year): p
        for p in Program.objects.filter(institution=institution).select_related("specialty")
    }
    for row in preview.rows:
        program = existing.get((row.specialty_code, row.academic_year))
        if program is None:
            row.action = "new"
        elif (program.quota, program.tuition, program.campus_district, program.status) == (
            row.quota,
            row.tuition,
            row.campus_district,
            ProgramStatus.PUBLISHED,
        ):
            row.action = "unchanged"
        else:
            row.action = "changed"


@transaction.atomic
def programs_write(*, institution: Institution, rows: list[ProgramRow], by: str) -> dict[str, int]:
    """Write checked rows: all of them, or none if any fails on the way."""
    source = _("Imported by the school (%(by)s, %(date)s)") % {"by": by, "date": timezone.localdate().isoformat()}
    counts = {"new": 0, "changed": 0, "unchanged": 0}
    specialties = {s.code: s for s in Specialty.objects.filter(code__in={r.specialty_code for r in rows})}
    for row in rows:
        program = Program.objects.filter(
            institution=institution, specialty__code=row.specialty_code, academic_year=row.academic_year
        ).first()
        figures = (row.quota, row.tuition, row.campus_district, ProgramStatus.PUBLISHED)
        if program is not None and (program.quota, program.tuition, program.campus_district, program.status) == figures:
            counts["unchanged"] += 1
            continue
        counts["new" if program is None else "changed"] += 1
        program = program or Program(
            institution=institution, specialty=specialties[row.specialty_code], academic_year=row.academic_year
        )
        program.quota, program.tuition, program.campus_district, program.status = figures
        program.quota_source = source if row.quota is not None else program.quota_source
        program.tuition_source = source if row.tuition is not None else program.tuition_source
        program.is_sample = False
        program.full_clean()
        program.save()
    return counts
