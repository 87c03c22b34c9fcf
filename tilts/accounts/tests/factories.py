import factory

from tilts.accounts.models import Role, User

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Iterator(["Anna", "Jānis", "Līga", "Pēteris", "Ēriks"])
    last_name = factory.Iterator(["Bērziņa", "Ozoliņš", "Kalniņa", "Liepiņš", "Čakste"])
    role = Role.PARTICIPANT
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()
