"""Sessions read from the cache and kept in the database (Django's cached_db), rewritten when they change or once a
minute, not on every request.

Production ends a session after two idle hours (`SESSION_SAVE_EVERY_REQUEST`, `SESSION_COOKIE_AGE`): each save moves
its expiry two hours on. Saving an unchanged session on every request cost a database transaction (BEGIN, UPDATE,
COMMIT), a cache write and the signing of its data, about a tenth of a small request's CPU. This store skips the save
of an unchanged session written less than `REFRESH_SECONDS` ago, so the idle clock still counts from the last
request, to the minute: a session ends between 1 h 59 min and 2 h after it was last used. A changed session (signing
in, a flash message) is written at once, as before.
"""

from __future__ import annotations

import time

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

REFRESH_SECONDS = 60
WRITTEN = "_zhitu_written"  # when the session was last written, in whole seconds since the epoch


class SessionStore(CachedDBStore):
    def save(self, must_create: bool = False) -> None:
        if not must_create and not self.modified and self.session_key is not None and self._written_lately():
            return
        # Not a change of the session's own data (`modified` stays as it is); a new session is not looked up first.
        self._get_session(no_load=must_create)[WRITTEN] = int(time.time())  # type: ignore[attr-defined]
        super().save(must_create)

    def _written_lately(self) -> bool:
        return time.time() - self.get(WRITTEN, 0) < REFRESH_SECONDS
