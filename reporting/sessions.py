"""Django's database sessions, read with a statement prepared once per process.

Every signed-in request reads its session; through the ORM that cost ~0.5-1 ms of CPU to
build the query (docs/load-test.md §L7). Only the read changes (``reporting.rows.live_session``,
the same condition: this key, not expired); writing, expiring, cycling the key and deleting at
sign-out are Django's own. Settings: ``SESSION_ENGINE = "reporting.sessions"``.
"""

from django.contrib.sessions.backends import db
from django.utils import timezone

from reporting import rows


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        found = rows.live_session(self.session_key or "", timezone.now())
        if found is None:
            # As Django's store: an unknown or expired key is forgotten (a new one is made).
            self._session_key = None
        return found
