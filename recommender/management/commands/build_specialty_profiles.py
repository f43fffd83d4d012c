from typing import Any

from programs.management.commands._base import LoaderCommand
from recommender.profiles import specialty_profiles_build


class Command(LoaderCommand):
    help = "Derive every specialty's RIASEC profile from O*NET through the crosswalk. Admin-set profiles are kept."

    def handle(self, *args: Any, **options: Any) -> None:
        self.run_loader("specialty profiles", specialty_profiles_build)
