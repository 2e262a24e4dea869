"""Sessions in the database, as Django keeps them, with a renewal written as one statement.

Django's database sessions save an existing session inside `transaction.atomic()`: BEGIN, UPDATE,
COMMIT, three round trips for each renewal (IdleSessionMiddleware renews a session at most once a
minute). Outside a transaction a single UPDATE is as safe, so that is what this engine writes;
creating a session, and saving one inside a transaction, stay Django's own. A session is read, on
every request, in plain SQL (parkland/plainsql.py): the same row as Django's query, without its
compiling.
"""

import logging

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.core.exceptions import SuspiciousOperation
from django.db import connections, router
from django.utils import timezone

from .plainsql import select_instances


class SessionStore(db.SessionStore):
    def save(self, must_create=False):
        if must_create or self.session_key is None:
            return super().save(must_create=must_create)
        obj = self.create_model_instance(self._get_session())
        using = router.db_for_write(self.model, instance=obj)
        if connections[using].in_atomic_block:
            return super().save(must_create=False)
        rows = self.model._default_manager.using(using).filter(session_key=obj.session_key)
        if not rows.update(session_data=obj.session_data, expire_date=obj.expire_date):
            raise UpdateError  # the session was deleted meanwhile (signed out elsewhere), as Django says

    def _get_session_from_db(self):
        using = router.db_for_read(self.model)
        now = connections[using].ops.adapt_datetimefield_value(timezone.now())
        try:
            rows = select_instances(
                self.model,
                alias="s",
                tail="WHERE s.session_key = %s AND s.expire_date > %s",
                params=(self.session_key, now),
                using=using,
            )
            if rows:
                return rows[0][0]
        except SuspiciousOperation as error:  # as Django's engine logs a session it cannot read
            logging.getLogger(f"django.security.{error.__class__.__name__}").warning(str(error))
        self._session_key = None
        return None
