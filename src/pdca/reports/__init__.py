"""Read-side documents built from the projections through the application: tables, files,
the round report with its charts, the board."""
