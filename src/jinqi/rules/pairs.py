"""The eligible (rule, row) pairs of a pack as Parquet: `rule` dictionary-encoded (the pack's
ids), `row` the 0-based row index in the data file; rule in pack order, then row ascending.
Every executor writes them through `PairsWriter`, so their files compare byte for byte in
content."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq


class PairsWriter:
    """Streams the pairs to Parquet in large batches, in the order they are added."""

    BATCH = 1 << 22  # pairs buffered before a write: bounded memory, large row groups

    def __init__(self, path: Path, rule_ids: list[str]) -> None:
        self.ids = pa.array(rule_ids, type=pa.string())
        self.schema = pa.schema(
            [("rule", pa.dictionary(pa.int32(), pa.string())), ("row", pa.int32())]
        )
        # Dictionary encoding where it pays only: tried on `row` too, it would be given up
        # after building a dictionary page per row group.
        self.writer = pq.ParquetWriter(str(path), self.schema, use_dictionary=["rule"])
        self.codes = np.empty(self.BATCH, dtype=np.int32)
        self.rows = np.empty(self.BATCH, dtype=np.int32)
        self.buffered = 0

    def add(self, rule: int, true: Any) -> None:
        """The rows where the boolean mask `true` holds, for the rule at pack position `rule`."""
        rows = np.flatnonzero(true)
        self.add_pairs(np.full(rows.size, rule, dtype=np.int32), rows)

    def add_pairs(self, codes: np.ndarray, rows: np.ndarray) -> None:
        """Pairs given as pack positions and row indexes, already in file order."""
        if codes.size > self.rows.size - self.buffered:
            self.flush()
            if codes.size > self.rows.size:
                self.codes = np.empty(codes.size, dtype=np.int32)
                self.rows = np.empty(codes.size, dtype=np.int32)
        end = self.buffered + codes.size
        self.codes[self.buffered : end] = codes
        self.rows[self.buffered : end] = rows
        self.buffered = end
        if self.buffered >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.buffered:
            return
        # Views, written before the buffers are reused.
        rule = pa.DictionaryArray.from_arrays(pa.array(self.codes[: self.buffered]), self.ids)
        rows = pa.array(self.rows[: self.buffered])
        self.writer.write_table(pa.Table.from_arrays([rule, rows], schema=self.schema))
        self.buffered = 0

    def close(self) -> None:
        self.flush()
        self.writer.close()
