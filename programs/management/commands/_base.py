"""Shared shape of the loader commands: run one service, print its counts, turn a bad row into an error."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from programs.loading import LoadCounts, RowError

R = TypeVar("R")


SAMPLE_FLAG = "--i-know-this-is-sample"


def sample_refused(options: dict[str, object]) -> str | None:
    """In production (no demo logins allowed), sample data is loaded only when the operator says so."""
    if settings.DEMO_USERS_ALLOWED or options.get("i_know_this_is_sample"):
        return None
    return (
        "This installation is in production mode: sample schools, programs and articulations would be shown to "
        f"students beside real ones (labelled 示例). Nothing was written. Pass {SAMPLE_FLAG} if you mean it."
    )


class SampleCommand:
    """Mixin for a command that writes sample data: the production guard and its flag."""

    def add_sample_flag(self, parser: object) -> None:
        parser.add_argument(SAMPLE_FLAG, action="store_true", help="load the labelled sample data in production too")  # type: ignore[attr-defined]

    def check_sample(self, options: dict[str, object]) -> None:
        problem = sample_refused(options)
        if problem:
            raise CommandError(problem)


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
