"""Shared shape of the loader commands: run one service, print its counts, turn a bad row into an error."""

from __future__ import annotations

from collections.abc import Callable

from django.core.management.base import BaseCommand, CommandError

from programs.loading import LoadCounts, RowError


class LoaderCommand(BaseCommand):
    def run_loader(self, label: str, load: Callable[[], dict[str, LoadCounts] | LoadCounts]) -> None:
        try:
            result = load()
        except RowError as exc:
            raise CommandError(f"{label}: nothing was written. {exc}") from exc
        except RuntimeError as exc:  # a prerequisite is missing, e.g. the catalog is not loaded yet
            raise CommandError(str(exc)) from exc
        counts = result if isinstance(result, dict) else {label: result}
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count}")
