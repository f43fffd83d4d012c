from typing import Any

from pathways.routes.services import routes_load
from programs.management.commands._base import LoaderCommand


class Command(LoaderCommand):
    help = "Load the route kinds, the 职教高考 skills categories and each 中职 specialty's 科类. Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        self.run_loader("routes", routes_load)
