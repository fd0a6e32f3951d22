"""Command-line help in the user's language: command docstrings and `help=` texts are catalogue messages."""

from __future__ import annotations

import ast
import inspect
from collections.abc import Iterator
from typing import IO, Any

import click
from babel.messages.extract import extract_python

from i18n import _

MSGID = "_i18n_msgid"
CLICK_OWN = {"version", "help"}  # options whose help click writes (and translates) itself
COMMAND_DECORATORS = {"command", "group"}
MARKERS = {"_", "N_"}


def extract(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict[str, Any]
) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """Babel extractor: what `_()`/`N_()` mark, plus click commands' docstrings and options' `help=` texts.

    The syntax tree also finds `_()` inside f-strings, which Babel's tokenizer does not see on Python 3.11.
    """
    yield from extract_python(fileobj, keywords, comment_tags, options)
    fileobj.seek(0)
    tree = ast.parse(fileobj.read())
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _marked(node):
            yield node.lineno, "_", node.args[0].value, []
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                value = keyword.value
                if keyword.arg == "help" and isinstance(value, ast.Constant) and isinstance(value.value, str):
                    yield value.lineno, "_", value.value, []
        elif isinstance(node, ast.FunctionDef) and any(_is_command(d) for d in node.decorator_list):
            docstring = ast.get_docstring(node, clean=True)
            if docstring:
                yield node.lineno, "_", docstring, []


def _marked(call: ast.Call) -> bool:
    """Whether a call is `_("text")` or `N_("text")`."""
    return (
        isinstance(call.func, ast.Name)
        and call.func.id in MARKERS
        and bool(call.args)
        and isinstance(call.args[0], ast.Constant)
        and isinstance(call.args[0].value, str)
    )


def _is_command(decorator: ast.expr) -> bool:
    """Whether a decorator makes a click command or group (`@main.command()`, `@click.group(...)`)."""
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(target, ast.Attribute) and target.attr in COMMAND_DECORATORS


def translate_help(command: click.Command) -> None:
    """Put the help of a command, its options and its subcommands in the current language."""
    if getattr(command, "_help_option", None) is not None:
        command._help_option = None  # click builds --help once, with the language of that moment
    if command.help:
        original = getattr(command, MSGID, None) or inspect.cleandoc(command.help)
        setattr(command, MSGID, original)
        command.help = _(original)
    for param in command.params:
        if isinstance(param, click.Option) and param.help and param.name not in CLICK_OWN:
            original = getattr(param, MSGID, None) or param.help
            setattr(param, MSGID, original)
            param.help = _(original)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            translate_help(sub)


def help_messages(command: click.Command) -> Iterator[str]:
    """Every help text of a command tree as its message id (what the catalogue must translate)."""
    if command.help:
        yield getattr(command, MSGID, None) or inspect.cleandoc(command.help)
    for param in command.params:
        if isinstance(param, click.Option) and param.help and param.name not in CLICK_OWN:
            yield getattr(param, MSGID, None) or param.help
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            yield from help_messages(sub)
