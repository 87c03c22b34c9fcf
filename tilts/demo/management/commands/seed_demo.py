from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tilts.accounts.models import User
from tilts.consortium.models import Consortium
from tilts.demo.large import SIZES, seed_large
from tilts.demo.seed import DEMO_PASSWORD, USERS, seed_demo


class Command(BaseCommand):
    help = "Load the demo consortium (idempotent: run it as often as you like)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--size",
            choices=["demo", *SIZES],
            default="demo",
            help="medium, large or huge add a synthetic consortium for measuring (large: 60 members, 3,000 people, "
            "12,000 mobilities, 6,000 reports, 6,000 follow-ups; huge: 500 members, 25,000 people, 100,000 "
            "mobilities, 50,000 reports, 50,000 follow-ups), in bulk.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = seed_demo()
        if options["size"] != "demo":
            consortium = Consortium.objects.get()
            added = seed_large(consortium, SIZES[options["size"]])
            if added["mobilities"]:
                self.stdout.write(
                    "Added {members} members, {people} people, {mobilities} mobilities, "
                    "{reports} reports, {followups} follow-ups.".format(**added)
                )
            else:
                self.stdout.write("The synthetic consortium is already there.")
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
