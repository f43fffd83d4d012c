"""The rules an articulation must keep, each with a message an admin can act on.

`articulation_check` is called from `Articulation.clean()`, so the admin form, the CSV/XLSX import and
the services all enforce the same rules. The rules that need other rows (loops) read the database.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import networkx as nx
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _

from programs.models import DEFAULT_YEARS, LEVELS_BY_KIND, Level, Program, ProgramStatus

LEVEL_RANK: dict[str, int] = {Level.SECONDARY: 1, Level.ASSOCIATE: 2, Level.BACHELOR: 3}

Errors = dict[str, list[str]]


def level_label(level: str) -> str:
    return str(Level(level).label) if level in Level.values else level


def articulation_check(*, articulation: Any) -> None:
    """Raise one ValidationError listing every broken rule, keyed by field."""
    errors: Errors = defaultdict(list)
    _check_sources(articulation, errors)
    _check_levels(articulation, errors)
    _check_institution_kinds(articulation, errors)
    _check_years(articulation, errors)
    _check_academic_year(articulation, errors)
    _check_self_and_loops(articulation, errors)
    _check_not_archived(articulation, errors)
    if errors:
        raise ValidationError(dict(errors))


def _check_sources(a: Any, errors: Errors) -> None:
    admission, name = a.route.admission, a.route.display_name
    named = {
        "from_program": a.from_program_id,
        "from_skill_category": a.from_skill_category_id,
        "from_class": a.from_class_id,
    }
    wanted = {"partnership": "from_program", "skills_exam": "from_skill_category", "upgrade_exam": "from_class"}
    field = wanted.get(admission)
    if field and not named[field]:
        errors[field].append(
            {
                "from_program": _("A %(route)s route joins two named programs: choose the earlier program."),
                "from_skill_category": _("%(route)s admits by skills category (科类): choose the 科类."),
                "from_class": _("%(route)s admits by 专业类: choose the earlier 专业类."),
            }[field]
            % {"route": name}
        )
    for other, value in named.items():
        if value and other != field:
            errors[other].append(_("A %(route)s route does not use this field: leave it empty.") % {"route": name})
    if a.from_class_id and a.route.from_level and a.from_class.level != a.route.from_level:
        errors["from_class"].append(
            _("The 专业类 %(klass)s is not at the %(level)s level.")
            % {"klass": a.from_class, "level": level_label(a.route.from_level)}
        )


def _earlier_level(a: Any) -> str:
    return a.from_program.specialty.level if a.from_program_id else a.route.from_level


def _check_levels(a: Any, errors: Errors) -> None:
    route, later = a.route, a.to_program.specialty.level
    if a.from_program_id and a.from_program.specialty.level != route.from_level:
        errors["from_program"].append(
            _("A %(route)s route starts at %(expected)s, but %(program)s is %(actual)s.")
            % {
                "route": route.display_name,
                "expected": level_label(route.from_level),
                "program": a.from_program,
                "actual": level_label(a.from_program.specialty.level),
            }
        )
    if later not in route.to_level_list:
        expected = " / ".join(level_label(level) for level in route.to_level_list)
        errors["to_program"].append(
            _("A %(route)s route leads to %(expected)s, but %(program)s is %(actual)s.")
            % {"route": route.display_name, "expected": expected, "program": a.to_program, "actual": level_label(later)}
        )
    earlier = _earlier_level(a)
    if earlier and LEVEL_RANK.get(earlier, 0) >= LEVEL_RANK.get(later, 0):
        errors["to_program"].append(
            _("Stage levels must rise (中职 → 高职专科 → 本科): %(earlier)s → %(later)s does not.")
            % {"earlier": level_label(earlier), "later": level_label(later)}
        )


def _check_institution_kinds(a: Any, errors: Errors) -> None:
    for field, program in (("from_program", a.from_program), ("to_program", a.to_program)):
        if program is None:
            continue
        institution, level = program.institution, program.specialty.level
        if level not in LEVELS_BY_KIND.get(institution.kind, set()):
            errors[field].append(
                _("%(institution)s (%(kind)s) cannot run a %(level)s stage.")
                % {
                    "institution": institution.name,
                    "kind": institution.get_kind_display(),
                    "level": level_label(level),
                }
            )


def _expected_years(a: Any) -> tuple[int, int]:
    route = a.route
    first = route.first_years or (
        a.from_program.specialty.years if a.from_program_id else DEFAULT_YEARS.get(route.from_level, 3)
    )
    second = route.second_years or a.to_program.specialty.years
    return first, second


def _check_years(a: Any, errors: Errors) -> None:
    if a.first_years is None or a.second_years is None:
        return
    route = a.route
    first, second = _expected_years(a)
    if a.first_years != first:
        errors["first_years"].append(
            _("A %(route)s route spends %(expected)s years in the earlier stage, not %(actual)s.")
            % {"route": route.display_name, "expected": first, "actual": a.first_years}
        )
    if a.second_years != second:
        errors["second_years"].append(
            _("A %(route)s route spends %(expected)s years in the later stage, not %(actual)s.")
            % {"route": route.display_name, "expected": second, "actual": a.second_years}
        )
    actual = a.first_years + a.second_years
    if route.total_years and actual != route.total_years:
        errors[NON_FIELD_ERRORS].append(
            _("A %(route)s route adds up to %(total)s years; this one adds up to %(actual)s (%(first)s + %(second)s).")
            % {
                "route": route.display_name,
                "total": route.total_years,
                "actual": actual,
                "first": a.first_years,
                "second": a.second_years,
            }
        )


def _check_academic_year(a: Any, errors: Errors) -> None:
    if a.academic_year is None:
        return
    for field, program in (("from_program", a.from_program), ("to_program", a.to_program)):
        if program is not None and program.academic_year != a.academic_year:
            errors[field].append(
                _("%(program)s is offered in %(year)s, not in this articulation's year %(expected)s.")
                % {"program": program, "year": program.academic_year, "expected": a.academic_year}
            )


def _check_self_and_loops(a: Any, errors: Errors) -> None:
    if not a.from_program_id:
        return
    if a.from_program_id == a.to_program_id:
        errors["to_program"].append(_("A route cannot link a program to itself."))
        return
    links = type(a).objects.filter(from_program__isnull=False).exclude(pk=a.pk)
    graph = nx.DiGraph(list(links.values_list("from_program_id", "to_program_id")))
    both = graph.has_node(a.to_program_id) and graph.has_node(a.from_program_id)
    if not both or not nx.has_path(graph, a.to_program_id, a.from_program_id):
        return
    path = nx.shortest_path(graph, a.to_program_id, a.from_program_id)
    programs = Program.objects.filter(pk__in=path).select_related("institution", "specialty")
    names = {p.pk: str(p) for p in programs}
    errors["to_program"].append(
        _("This link would close a loop: %(path)s → %(first)s.")
        % {"path": " → ".join(names[pk] for pk in path), "first": names[path[0]]}
    )


def _check_not_archived(a: Any, errors: Errors) -> None:
    """A new link to an archived program is refused; an existing one is flagged (see `flagged()`)."""
    if not a._state.adding:
        return
    for field, program in (("from_program", a.from_program), ("to_program", a.to_program)):
        if program is not None and program.status == ProgramStatus.ARCHIVED:
            errors[field].append(_("%(program)s is archived: link a current program instead.") % {"program": program})
