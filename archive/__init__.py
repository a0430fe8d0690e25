"""The append-only, content-addressed store of every document, and what checks it."""
