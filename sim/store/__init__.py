"""Writing results: outputs on disk, the run store, provenance."""
