import os
import threading

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tilts.settings")
application = get_wsgi_application()


def _warm_gazetteer() -> None:
    """Open the place index in the background (building it first, in another process, if the deploy did not), so
    the first person searching does not wait."""
    from tilts.grants.rules import gazetteer

    gazetteer.search_places("Riga")


if os.environ.get("TILTS_WARM_GAZETTEER", "1") == "1":
    threading.Thread(target=_warm_gazetteer, name="warm-gazetteer", daemon=True).start()
