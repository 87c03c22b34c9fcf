from django.http import HttpRequest, HttpResponse


def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and uptime checks: answers without touching the database."""
    return HttpResponse("ok", content_type="text/plain")


def server_error(request: HttpRequest) -> HttpResponse:
    """Our own 500 page, with the consortium's contact when the database still answers (no context processors:
    whatever failed may fail again while rendering)."""
    from django.template import loader

    from tilts.consortium.selectors import get_consortium

    try:
        consortium = get_consortium()
    except Exception:  # the error page must render whatever broke
        consortium = None
    return HttpResponse(loader.get_template("500.html").render({"consortium": consortium}), status=500)
