"""What every command shares: its settings, the knowledge base they describe, JSON on stdout."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from api.settings import Settings, load_settings


def settings_of(args: argparse.Namespace) -> Settings:
    overrides = {}
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = Path(args.data_dir)
    return load_settings(**overrides)


def open_index(settings: Settings):
    return settings.open_index()


def print_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def with_index(func):
    """A command that needs the settings and an open knowledge base, closed afterwards."""
    def run(args: argparse.Namespace) -> int:
        settings = settings_of(args)
        index = open_index(settings)
        try:
            return func(args, settings, index)
        finally:
            index.close()
    run.__doc__ = func.__doc__
    return run
