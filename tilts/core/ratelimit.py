"""A simple per-address brake for public forms, in the shared cache (set a shared cache for several workers)."""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address; behind ``NUM_PROXIES`` trusted proxies, the one they saw (from X-Forwarded-For)."""
    proxies = int(getattr(settings, "NUM_PROXIES", 0))
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return str(forwarded[-proxies])
    return str(request.META.get("REMOTE_ADDR", ""))


def too_many(request: HttpRequest, scope: str, limit: int, window: int = 3600) -> bool:
    """Count one attempt from this address in ``scope``; True once more than ``limit`` were made in ``window`` s."""
    key = f"ratelimit:{scope}:{client_ip(request)}"
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key) > limit
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return False
