"""The office's clock: 'now' and 'today' in the office's time zone, settable for training."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from registry.jalali import office_today, parse_jalali_date


@dataclass(frozen=True)
class Clock:
    """Now and today for the office.

    ``today_override`` (setting ``RESIDEGI_TODAY``) moves the date for training and trials
    while the time of day keeps running; ``fixed_now`` freezes the whole clock (tests).
    """

    timezone: str = "Asia/Tehran"
    today_override: dt.date | None = None
    fixed_now: dt.datetime | None = None

    @classmethod
    def for_office(cls, timezone: str, today: str | None) -> Clock:
        """The clock the settings describe (``today`` is a Jalali date or None)."""
        return cls(timezone=timezone, today_override=parse_jalali_date(today) if today else None)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def now(self) -> dt.datetime:
        """An aware datetime in the office's zone."""
        current = (self.fixed_now or dt.datetime.now(dt.UTC)).astimezone(self.zone)
        if self.today_override is not None:
            current = dt.datetime.combine(self.today_override, current.timetz())
        return current

    def today(self) -> dt.date:
        """Today's date in the office's zone (the training date when one is set)."""
        return office_today(self.timezone, now=self.now())
