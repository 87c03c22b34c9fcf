from typing import Any

from django.core.management.base import BaseCommand

from tilts.accounts.models import User
from tilts.consortium.demo import DEMO_PASSWORD, USERS, seed_demo


class Command(BaseCommand):
    help = "Load the demo consortium (idempotent: run it as often as you like)."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = seed_demo()
        self.stdout.write(
            self.style.SUCCESS(
                "Demo data ready: {organisations} institutions, {members} active members, {users} users.".format(
                    **counts
                )
            )
        )
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for email, *_rest in USERS:
            user = User.objects.get(email=email)
            self.stdout.write(f"  {user.get_role_display():<16} {email}")
