"""A deterministic synthetic city (households and members) for the demo, tests and benchmarks.

Pure NumPy and Polars, no Django: ``generate`` returns the frames of ``docs/frames.md`` plus the
registry-only columns; ``ansinh seed`` writes them to the database or to Parquet.
"""

from __future__ import annotations

from ansinh.synth.population import AS_OF, generate, generate_chunks
from ansinh.synth.schema import HOUSEHOLD_FRAME, HOUSEHOLD_SCHEMA, MEMBER_FRAME, MEMBER_SCHEMA

__all__ = [
    "AS_OF",
    "HOUSEHOLD_FRAME",
    "HOUSEHOLD_SCHEMA",
    "MEMBER_FRAME",
    "MEMBER_SCHEMA",
    "generate",
    "generate_chunks",
]
