"""Every CSV and XLSX the product writes goes through `safe_cell`: a text cell that a spreadsheet would run as a
formula (it starts with =, +, -, @, a tab or a carriage return) is written with a leading apostrophe, so a name a
curator typed, such as =HYPERLINK("http://…"), opens as text. django-import-export's own escaping only drops a
leading "=" (IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT), so the admin's formats here replace it with the same rule."""

from __future__ import annotations

from typing import Any

from import_export.formats.base_formats import CSV, XLSX
from import_export.tmp_storages import TempFolderStorage

from programs.web.inputs import csv_text

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
    """CSV in and out; an uploaded file is read as UTF-8 (with or without a byte-order mark) or, failing that, as
    GB18030, which Excel writes on Chinese Windows."""

    def create_dataset(self, in_stream: Any, **kwargs: Any) -> Any:
        if isinstance(in_stream, bytes):
            in_stream = csv_text(in_stream)
        return super().create_dataset(in_stream, **kwargs)


class BytesTempStorage(TempFolderStorage):
    """The admin import's upload, kept between preview and confirm and read back as the bytes it was, so the
    format decides the encoding (django-import-export would read it as UTF-8 text)."""

    def read(self) -> Any:
        with open(self.get_full_path(), "rb") as file:
            return file.read()


class SafeXLSX(_Escaping, XLSX):
    pass
