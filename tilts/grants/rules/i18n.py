"""Message markers for the engine. The engine stays free of Django; the web layer translates.

``gettext_noop`` returns its argument unchanged. Django's ``makemessages`` extracts every string wrapped in
it, so the messages below reach the Latvian catalogue, and the views call ``gettext(message) % params``.
"""


def gettext_noop(message: str) -> str:
    return message
