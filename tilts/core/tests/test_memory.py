"""A gunicorn worker's memory: heavy libraries stay out of a fresh worker, and a worker that grew is cleaned up."""

import gc
import json
import os
import runpy
import subprocess
import sys
import weakref
from pathlib import Path

import pytest

from tilts.core import memory

ROOT = Path(__file__).resolve().parents[3]
# Imported by the few requests that write or read a file of their kind, never by a worker starting.
HEAVY = ["openpyxl", "weasyprint", "pypdf", "icalendar", "qrcode", "boto3", "redis", "lxml", "PIL"]


def test_a_fresh_worker_does_not_import_the_file_libraries() -> None:
    code = (
        "import json, sys, django; django.setup();"
        "from django.urls import get_resolver; get_resolver().url_patterns; import tilts.wsgi;"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tilts.settings", "TILTS_WARM_GAZETTEER": "0"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=120
    )
    assert json.loads(result.stdout.splitlines()[-1]) == []


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


def test_release_frees_unreachable_cycles() -> None:
    a, b = Node(), Node()
    a.other, b.other = b, a
    alive = weakref.ref(a)
    gc.disable()
    try:
        del a, b
        assert alive() is not None  # a cycle outlives its last reference until the collector runs
        memory.release()
        assert alive() is None
    finally:
        gc.enable()


def test_only_a_worker_that_grew_is_cleaned_up(monkeypatch: pytest.MonkeyPatch) -> None:
    sizes = iter([100.0, 104.0, 109.5, 101.0, 108.0, 110.0, 99.0])
    releases: list[int] = []
    monkeypatch.setattr(memory, "rss_mb", lambda: next(sizes))
    monkeypatch.setattr(memory, "release", lambda: releases.append(1))
    monkeypatch.setattr(memory, "_baseline", None)
    assert memory.after_request(8) is False  # the first request sets the baseline (100)
    assert memory.after_request(8) is False  # 104: grew by 4
    assert memory.after_request(8) is True  # 109.5: grew by 9.5; released, the new baseline is 101
    assert memory.after_request(8) is False  # 108: 7 above 101
    assert memory.after_request(8) is True  # 110: 9 above 101; the new baseline is 99
    assert releases == [1, 1]


def test_after_boot_freezes_what_the_app_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory, "_baseline", None)
    try:
        memory.after_boot()
        assert gc.get_freeze_count() > 0
        if sys.platform == "linux":
            assert memory._baseline == pytest.approx(memory.rss_mb(), abs=5)
    finally:
        gc.unfreeze()


def test_gunicorn_config_recycles_workers_and_calls_the_hooks(monkeypatch: pytest.MonkeyPatch) -> None:
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["max_requests"] == 1000 and config["max_requests_jitter"] == 100
    called: list[str] = []
    monkeypatch.setattr(memory, "after_boot", lambda: called.append("boot"))
    monkeypatch.setattr(memory, "after_request", lambda: called.append("request") or False)
    config["post_worker_init"](None)
    config["post_request"](None, None, {}, None)
    assert called == ["boot", "request"]
