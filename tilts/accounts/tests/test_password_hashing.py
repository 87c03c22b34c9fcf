"""The test run hashes passwords with a fast hasher (conftest.py); production must not."""

import importlib

from django.conf import global_settings


def test_production_hashes_passwords_with_a_slow_key_derivation_function() -> None:
    module = importlib.import_module("tilts.settings")
    hashers = getattr(module, "PASSWORD_HASHERS", global_settings.PASSWORD_HASHERS)
    assert hashers[0] in {
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.ScryptPasswordHasher",
    }
    assert "MD5" not in hashers[0]
