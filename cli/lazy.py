"""A Typer group whose commands are imported and built only when they are used.

Typer turns every command of an app into a Click command (signature, type hints, options)
before it parses the arguments, so every command module had to be imported first, with the
registry modules each one uses.  ``residegi complaint list`` needs one group of one module.
The group here knows its commands by name and by where they live (``"module:attribute"``),
and imports a module the first time one of its commands is asked for: to run it, to print
help, or to suggest a name.  Each command is then built exactly as ``Typer.add_typer`` or
``Typer.command`` on the root app would have registered it, so options, help and messages
do not change.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from typing import TYPE_CHECKING, Any, ClassVar

import typer
from typer.core import TyperGroup
from typer.main import get_command_from_info, get_group_from_info
from typer.models import TyperInfo

if TYPE_CHECKING:
    from typer._click import Command, Context


class LazyCommands(MutableMapping[str, "Command"]):
    """Commands by name, in the order given; each one built by ``build`` on first access.

    Listing the names (help, "Did you mean …?") imports nothing; reading one command
    imports its module only.
    """

    def __init__(self, specs: Mapping[str, str], build: Callable[[str, str], Command]) -> None:
        self._specs = dict(specs)
        self._build = build
        self._built: dict[str, Command] = {}

    def __getitem__(self, name: str) -> Command:
        if name not in self._built:
            if name not in self._specs:
                raise KeyError(name)
            self._built[name] = self._build(name, self._specs[name])
        return self._built[name]

    def __setitem__(self, name: str, command: Command) -> None:
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        if name not in self:
            raise KeyError(name)
        self._specs.pop(name, None)
        self._built.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        yield from self._specs
        yield from (name for name in self._built if name not in self._specs)

    def __len__(self) -> int:
        return len(self._specs) + sum(name not in self._specs for name in self._built)

    def __contains__(self, name: object) -> bool:
        return name in self._specs or name in self._built


class LazyGroup(TyperGroup):
    """The root group: subclasses set ``lazy_commands``, name → ``"module:attribute"``.

    The attribute is a ``typer.Typer`` (a command group, as ``app.add_typer(it, name=…)``)
    or a function (one command, as ``app.command(name)(it)``).  Commands registered on the
    Typer app itself come after the lazy ones.
    """

    lazy_commands: ClassVar[Mapping[str, str]] = {}
    # What the root ``typer.Typer`` passes to the commands it builds (Typer's default).
    pretty_exceptions_short: ClassVar[bool] = True

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        eager = dict(self.commands)
        lazy = LazyCommands(self.lazy_commands, self._build)
        for name, command in eager.items():
            lazy[name] = command
        self.commands = lazy

    def list_commands(self, ctx: Context) -> list[str]:
        """Every command's name in help order, without importing any of them."""
        return list(self.commands)

    def _build(self, name: str, spec: str) -> Command:
        module_name, _, attribute = spec.partition(":")
        target = getattr(importlib.import_module(module_name), attribute)
        if isinstance(target, typer.Typer):
            return get_group_from_info(
                TyperInfo(target, name=name),
                pretty_exceptions_short=self.pretty_exceptions_short,
                rich_markup_mode=self.rich_markup_mode,
                suggest_commands=self.suggest_commands,
            )
        # A throwaway app registers the function with Typer.command's own defaults.
        scratch = typer.Typer()
        scratch.command(name)(target)
        return get_command_from_info(
            scratch.registered_commands[0],
            pretty_exceptions_short=self.pretty_exceptions_short,
            rich_markup_mode=self.rich_markup_mode,
        )
