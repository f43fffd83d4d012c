"""The progress of a recompute of the stored recommendations, in a terminal: a bar that redraws itself on a
terminal, plain lines (one per change) when the output goes to a file or a pipe."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pathways.models import RecomputeRun, RunProgress

BAR_WIDTH = 30


def progress_line(progress: RunProgress) -> str:
    run = progress.run
    line = (
        f"run {run.pk} {progress.state}: {progress.done}/{run.chunks_total} chunks, "
        f"{progress.students}/{run.students_total} students, {progress.elapsed_text} so far"
    )
    if progress.left_text:
        line += f", about {progress.left_text} left"
    if progress.dropped:
        line += f", {progress.dropped} dropped (see dropped_tasks)"
    return line


def progress_bar(progress: RunProgress) -> str:
    total = progress.run.chunks_total or 1
    filled = round(BAR_WIDTH * (progress.done + progress.dropped) / total)
    return f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {progress_line(progress)}"


class Command(BaseCommand):
    help = (
        "Show the latest recompute of the stored recommendations (or --run N): state, chunks and students done, time "
        "so far and left, dropped chunks. --follow keeps showing it until it ends."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--run", type=int, default=0, help="a run's number (default: the latest)")
        parser.add_argument("--follow", action="store_true", help="keep showing the progress until the run ends")
        parser.add_argument("--every", type=float, default=2.0, help="seconds between looks with --follow")

    def handle(self, *args: Any, **options: Any) -> None:
        runs = RecomputeRun.objects.order_by("-created_at", "-pk")
        run = runs.filter(pk=options["run"]).first() if options["run"] else runs.first()
        if run is None:
            raise CommandError("No such recompute." if options["run"] else "No recompute has been planned yet.")
        tty = self.stdout.isatty()
        shown = ""
        while True:
            progress = run.progress()
            if tty:
                self.stdout.write("\r" + progress_bar(progress), ending="")
                self.stdout.flush()
            else:
                line = progress_line(progress)
                if line.split(", ")[:2] != shown.split(", ")[:2]:  # a new line when the counts change, not the clock
                    self.stdout.write(line)
                    shown = line
            if progress.finished or not options["follow"]:
                break
            time.sleep(options["every"])
        if tty:
            self.stdout.write("")
