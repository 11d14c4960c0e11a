"""factory_boy factories for the diary."""

import datetime

import factory

from diary.models import DiaryEntry, DiaryTag
from movies.tests.factories import MovieFactory
from users.tests.factories import UserFactory


class DiaryEntryFactory(factory.django.DjangoModelFactory):
    """An entry; pass tags=["a", "b"] to tag it. Written straight to the table (no
    rules run): use diary.services to test the rules."""

    class Meta:
        model = DiaryEntry
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    movie = factory.SubFactory(MovieFactory)
    watched_on = factory.Sequence(lambda n: datetime.date(2025, 1, 1) + datetime.timedelta(n))

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            DiaryTag.objects.bulk_create([DiaryTag(entry=self, name=name) for name in extracted])
