"""The request as django-htmx's middleware leaves it, for views that answer htmx with a fragment."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails
