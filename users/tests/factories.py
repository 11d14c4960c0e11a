"""factory_boy factories for accounts."""

import factory

from users.models import User


class UserFactory(factory.django.DjangoModelFactory):
    """An active user with a verified phone and password "pass-Word-123"."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    phone_number = factory.Sequence(lambda n: f"+1415555{n:04d}")
    is_active = True
    password = factory.django.Password("pass-Word-123")
