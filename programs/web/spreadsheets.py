"""Every CSV and XLSX the product writes goes through `safe_cell`: a text cell that a spreadsheet would run as a
formula (it starts with =, +, -, @, a tab or a carriage return) is written with a leading apostrophe, so a name a
curator typed, such as =HYPERLINK("http://…"), opens as text. django-import-export's own escaping only drops a
leading "=" (IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT), so the admin's formats here replace it with the same rule."""

from __future__ import annotations

from typing import Any

from import_export.formats.base_formats import CSV, XLSX

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Escaping:
    def _escape_formulae(self, dataset: Any) -> None:
        for n, row in enumerate(list(dataset)):
            dataset[n] = [safe_cell(cell) for cell in row]


class SafeCSV(_Escaping, CSV):
    pass


class SafeXLSX(_Escaping, XLSX):
    pass
