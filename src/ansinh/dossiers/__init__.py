"""Public-service dossiers: procedures as dated data, statutory clocks on the working-day calendar, an append-only
event log per dossier from which timeliness is derived, and the period report (issue 16)."""
