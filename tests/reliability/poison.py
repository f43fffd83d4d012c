"""A poison task for the tests only (the worker imports it with `-I`): every delivery kills its own pool process."""

from __future__ import annotations

import os
import signal

from celery import shared_task

from pathways.queueing import ReliableTask


@shared_task(base=ReliableTask, name="tests.reliability.poison.kill_own_process")
def kill_own_process() -> None:
    os.kill(os.getpid(), signal.SIGKILL)
