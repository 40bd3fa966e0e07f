"""How events are kept and read back raw: database URLs, plaintext reads, the digest
chain and its inspection, the database's marker, and the codecs of stored values."""
