"""Shared core: settings, the error tree, the data model, runs, the ledger and the queue."""
