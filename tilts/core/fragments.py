"""Parts of every page rendered once and kept in process memory: the menus, the language switch.

They depend on nothing but the language, a few facts the caller names in ``key`` (which links this person may
follow, which one is current) and a few values of the request (the CSRF token, the person's address), the
*holes*: the template is rendered once with a marker in each hole, and each request gets that text with its own
values put in, escaped as the template would have escaped them. Nothing of one person's request is kept, so a
change of role or language shows on the very next page (it changes the key).
"""

import re
import threading
from collections import OrderedDict
from collections.abc import Hashable, Mapping
from typing import Any

from django.core.signals import setting_changed
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

# Enough for every role, institution link, current section and language of a consortium; the oldest goes first.
MAX_KEPT = 512
# Private-use characters: the template's escaping leaves them alone and no text of the site contains them.
_HOLE = "\ue000{}\ue001"
_HOLES = re.compile("\ue000([a-z_]+)\ue001")

_kept: "OrderedDict[Hashable, str]" = OrderedDict()
_reversed: dict[Hashable, str] = {}
_lock = threading.Lock()


def where() -> tuple[Hashable, ...]:
    """What every URL and text of a fragment depends on besides its key: the language and the URL configuration
    (anything kept is dropped when a setting changes, see :func:`forget`)."""
    return (get_language(), get_script_prefix(), get_urlconf())


def url(name: str, *args: Any, at: tuple[Hashable, ...] | None = None) -> str:
    """``reverse(name, args=args)``, worked out once per language (a page's menus reverse dozens of names);
    ``at`` is :func:`where`, when the caller asks for many."""
    key = (name, args, *(at or where()))
    found = _reversed.get(key)
    if found is None:
        found = reverse(name, args=args)
        if len(_reversed) >= MAX_KEPT * 8:
            _reversed.clear()
        _reversed[key] = found
    return found


def render(template_name: str, key: Hashable, context: Mapping[str, Any], holes: Mapping[str, object]) -> SafeString:
    """``template_name`` rendered with ``context`` (everything it shows besides the holes must be decided by
    ``key``), with each of ``holes`` (a name in the template's context) filled in with this request's value."""
    full_key = (template_name, key, *where())
    text = _kept.get(full_key)
    if text is None:
        markers = {name: _HOLE.format(name) for name in holes}
        text = get_template(template_name).render({**context, **markers})
        with _lock:
            _kept[full_key] = text
            while len(_kept) > MAX_KEPT:
                _kept.popitem(last=False)
    else:
        with _lock:
            if full_key in _kept:
                _kept.move_to_end(full_key)
    values = {name: str(conditional_escape(str(value))) for name, value in holes.items()}
    return mark_safe(_HOLES.sub(lambda match: values[match.group(1)], text))  # escaped above and in the template


def forget(**_kwargs: Any) -> None:
    """Drop everything kept (on any change of settings: tests that change the URLs, storages, languages)."""
    with _lock:
        _kept.clear()
        _reversed.clear()


setting_changed.connect(forget, dispatch_uid="core-fragments-forget")
