"""Fixtures for payrolls: the programme fixtures (program officers, an enrolled severely disabled adult)."""

from tests.programs.conftest import disabled_adult, enrolled, program_officer, second_officer

__all__ = ["disabled_adult", "enrolled", "program_officer", "second_officer"]
