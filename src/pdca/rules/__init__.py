"""Pure: a scheme and what follows from it — the scheme format, the stage machine, the
rectification flow, the one scoring function and ranking. No I/O, no storage."""
