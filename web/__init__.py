"""The staff desk and the public pages (FastAPI, server-rendered Jinja + HTMX)."""
