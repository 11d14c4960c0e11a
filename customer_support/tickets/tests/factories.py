"""Factories for our own users and tickets."""

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from ..models import Ticket, TicketStatusChange


class UserFactory(factory.django.DjangoModelFactory):
    """A customer: a plain signed-in user."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"customer{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("correct horse battery staple")


class StaffFactory(UserFactory):
    """A support agent."""

    username = factory.Sequence(lambda n: f"agent{n}")
    is_staff = True


class TicketFactory(factory.django.DjangoModelFactory):
    """A ticket with its opening history entry, as ticket_create leaves it."""

    class Meta:
        model = Ticket
        skip_postgeneration_save = True

    subject = factory.Sequence(lambda n: f"Subject {n}")
    description = "Something is wrong."
    reporter = factory.SubFactory(UserFactory)
    first_response_due = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=24))

    @factory.post_generation
    def opened(self, create, extracted, **kwargs):
        if create:
            TicketStatusChange.objects.create(
                ticket=self, from_status="", to_status=self.status, changed_by=self.reporter
            )
