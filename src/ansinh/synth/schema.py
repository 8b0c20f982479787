"""Column names and dtypes of the synthetic frames: ``docs/frames.md`` plus the registry-only columns, derived
from the schema of record (``ansinh.registry_schema``) and the bookkeeping columns the seed writes."""

from __future__ import annotations

import polars as pl

from ansinh import registry_schema

# docs/frames.md, "households".
HOUSEHOLD_FRAME: dict[str, pl.DataType] = registry_schema.household_frame_dtypes()
# Registry columns the engine does not read: the attributes outside the frames, then the seed's bookkeeping.
HOUSEHOLD_REGISTRY: dict[str, pl.DataType] = {
    **{a.name: a.dtype for a in registry_schema.HOUSEHOLD if a.frame is None},
    "address_folded": pl.String(),
    "status": pl.String(),
    "registered_on": pl.Date(),
}
HOUSEHOLD_SCHEMA: dict[str, pl.DataType] = {**HOUSEHOLD_FRAME, **HOUSEHOLD_REGISTRY}

# docs/frames.md, "members".
MEMBER_FRAME: dict[str, pl.DataType] = registry_schema.member_frame_dtypes()
MEMBER_REGISTRY: dict[str, pl.DataType] = {
    **{a.name: a.dtype for a in registry_schema.MEMBER if a.frame is None},
    "name_folded": pl.String(),
    "status": pl.String(),
}
MEMBER_SCHEMA: dict[str, pl.DataType] = {**MEMBER_FRAME, **MEMBER_REGISTRY}
