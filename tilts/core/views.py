from django.http import HttpRequest, HttpResponse


def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and uptime checks: answers without touching the database."""
    return HttpResponse("ok", content_type="text/plain")
