import time

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse

from tilts.core.heartbeat import last_heartbeat


def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and uptime checks: the database answers and the worker has shown a sign of life.

    200 when both are well; otherwise 503, with a line per check saying which failed.
    """
    lines, healthy = [], True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        lines.append("database: ok")
    except Exception as error:  # any failure to reach the database is the answer, not a 500
        healthy = False
        lines.append(f"database: failed ({error.__class__.__name__})")
    if healthy:
        beat = last_heartbeat()
        if beat is None:
            healthy = False
            lines.append(
                "worker: failed (no heartbeat yet; is manage.py db_worker running and schedule_housekeeping run?)"
            )
        elif (age := time.time() - beat) > settings.WORKER_HEARTBEAT_MAX_AGE_MINUTES * 60:
            healthy = False
            lines.append(f"worker: failed (last heartbeat {int(age // 60)} minutes ago)")
        else:
            lines.append("worker: ok")
    else:
        lines.append("worker: unknown (the database is needed to check)")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain", status=200 if healthy else 503)


def server_error(request: HttpRequest) -> HttpResponse:
    """Our own 500 page, with the consortium's contact when the database still answers (no context processors:
    whatever failed may fail again while rendering)."""
    from django.template import loader

    from tilts.core.context_processors import site_context

    try:
        consortium = site_context().get("consortium")
    except Exception:  # the error page must render whatever broke
        consortium = None
    return HttpResponse(loader.get_template("500.html").render({"consortium": consortium}), status=500)
