"""What a run needs, built once from the settings: engine, sessions, clock, archive store."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from registry import migrate
from registry.clock import Clock
from registry.db import make_engine, registry_exists, session_factory
from registry.errors import InvalidInput, Refused, SystemFailure
from registry.settings import Settings

if TYPE_CHECKING:
    from archive.store import ArchiveStore


def check_home(settings: Settings) -> None:
    """SystemFailure ``home_not_a_folder`` when the data folder's name is taken by a file.
    (Here, not in office/failures.py: every command checks it, and simple commands import
    nothing they do not need.)"""
    home = settings.home
    if home.exists() and not home.is_dir():
        raise SystemFailure("home_not_a_folder", path=str(home))


@dataclass
class Runtime:
    """The settings of this run and the resources made from them, each created on first use."""

    settings: Settings
    # A clock the caller controls (tests, simulations); otherwise the settings' clock.
    fixed_clock: Clock | None = None
    _checked: bool = field(default=False, init=False)

    @cached_property
    def engine(self) -> Engine:
        return make_engine(self.settings.resolved_database_url)

    @property
    def clock(self) -> Clock:
        if self.fixed_clock is not None:
            return self.fixed_clock
        return self._settings_clock

    @cached_property
    def _settings_clock(self) -> Clock:
        return Clock.for_office(self.settings.timezone, self.settings.today)

    @cached_property
    def store(self) -> ArchiveStore:
        from archive.store import ArchiveStore  # fsspec is not needed by simple commands

        return ArchiveStore(self.settings.resolved_archive_url)

    def initialise(self) -> None:
        """Create the registry's schema, or bring it up to this version's (``init``,
        ``upgrade``): the only place the schema changes."""
        self.settings.home.mkdir(parents=True, exist_ok=True)
        migrate.upgrade(self.engine)
        self._checked = True

    def close(self) -> None:
        """Close the registry's pooled connections, if any were opened."""
        if "engine" in self.__dict__:
            self.engine.dispose()

    @property
    def sessions(self) -> sessionmaker[Session]:
        """Sessions on a registry whose schema is this version's.

        A registry that is behind is refused with a message naming ``residegi upgrade``,
        never upgraded here: several web workers starting at once would race on it.
        """
        if not self._checked:
            check_home(self.settings)
            home = str(self.settings.home)
            # A command that only reads must not leave an empty registry (or data folder)
            # behind where none was: it would look initialised to the next one.
            if not registry_exists(self.settings.resolved_database_url):
                raise InvalidInput("database_not_initialized", home=home)
            revision = migrate.current_revision(self.engine)
            if revision is None:
                raise InvalidInput("database_not_initialized", home=home)
            if revision != migrate.HEAD:
                code = "database_behind" if revision in migrate.REVISIONS else "database_ahead"
                raise Refused(code, home=home, current=revision, head=migrate.HEAD)
            self._checked = True
        return session_factory(self.engine)
