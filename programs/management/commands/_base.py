"""Shared shape of the loader commands: run one service, print its counts, turn a bad row into an error."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.management.base import BaseCommand, CommandError

from programs.loading import LoadCounts, RowError

R = TypeVar("R")


class LoaderCommand(BaseCommand):
    def run_loader(self, label: str, load: Callable[[], dict[str, LoadCounts] | LoadCounts]) -> None:
        result = self._guarded(label, load)
        counts = result if isinstance(result, dict) else {label: result}
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count}")

    def run_report(self, label: str, load: Callable[[], R]) -> R:
        """Run a loader that returns a report, print it on one line, and hand it back for its details."""
        report = self._guarded(label, load)
        self.stdout.write(f"{label}: {report}")
        return report

    def _guarded(self, label: str, load: Callable[[], R]) -> R:
        try:
            return load()
        except RowError as exc:
            raise CommandError(f"{label}: nothing was written. {exc}") from exc
        except RuntimeError as exc:  # a prerequisite is missing, e.g. the catalog is not loaded yet
            raise CommandError(str(exc)) from exc
