"""Bulk import of a department's file into the registry: enterprises, facts with history and the
materialised profile, committed in resumable chunks that are each all-or-nothing.

The file (CSV in UTF-8 or GBK, XLSX or Parquet, recognised by its content) is refused as a whole
when it cannot be read or its columns are wrong (`reading`, `rows.parse_header`). Otherwise every
row is validated (`rows.RowValidator`); rejected rows go to an error report (row number as the
file shows it, the header being row 1) and the valid ones are imported (`batch`). Each chunk of
rows is one transaction that also advances the batch's `rows_done`, so a process killed part-way
leaves whole chunks only, and running the same file again continues after the last committed
chunk. The audit trail gets a row per chunk, not per row.

Facts follow `services.facts_record` in bulk (`bulk`): each row's facts are one delivery, whose
values are current unless a delivery as of a later date has the same key and year.
An empty cell says nothing: it records no fact and leaves registration fields as they were.
"""

from jinqi.registry.importing.batch import (
    DEFAULT_CHUNK,
    REPORT_PURPOSE,
    REPORT_UPLOAD,
    ImportResult,
    can_download_report,
    registry_import,
)
from jinqi.registry.importing.bulk import deliveries_write, profiles_rebuild
from jinqi.registry.importing.reading import (
    IMPORT_FILE_PURPOSE,
    MAX_CELL,
    ImportFileError,
    scan_file,
)
from jinqi.registry.importing.rows import Column, Rejection, RowValidator, parse_header

__all__ = [
    "DEFAULT_CHUNK",
    "IMPORT_FILE_PURPOSE",
    "MAX_CELL",
    "REPORT_PURPOSE",
    "REPORT_UPLOAD",
    "Column",
    "ImportFileError",
    "ImportResult",
    "Rejection",
    "RowValidator",
    "can_download_report",
    "deliveries_write",
    "parse_header",
    "profiles_rebuild",
    "registry_import",
    "scan_file",
]
