"""The app each ``residegi serve`` worker builds: settings read once, from the environment
and the data folder's file, as every entry point does."""

from __future__ import annotations

from fastapi import FastAPI

from registry.settings import load_settings
from web.app import create_app


def app() -> FastAPI:
    """The desk for the data folder named by RESIDEGI_HOME (uvicorn's factory)."""
    return create_app(load_settings())
