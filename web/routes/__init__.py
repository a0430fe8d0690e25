"""The desk's pages, one router per part of the office's work."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter

from web.routes import (
    admin,
    answering,
    archive,
    batches,
    cases,
    chasing,
    complaints,
    deadlines,
    dispatch,
    drafts,
    public,
    replies,
    session,
    stats,
    work_queue,
)

WEB_ROOT = Path(__file__).resolve().parents[1]

ROUTERS: tuple[APIRouter, ...] = (
    session.router,
    work_queue.router,
    complaints.router,  # before cases: /complaints/new is not a tracking code
    cases.router,
    dispatch.router,
    archive.router,
    public.router,
    admin.router,
    replies.router,
    deadlines.router,
    chasing.router,
    stats.router,
    drafts.router,
    answering.router,
    batches.router,
)
