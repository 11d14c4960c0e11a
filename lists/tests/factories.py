"""factory_boy factories for the movie lists."""

import factory

from lists.models import MovieListEntry
from movies.tests.factories import MovieFactory
from users.tests.factories import UserFactory


class MovieListEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MovieListEntry

    user = factory.SubFactory(UserFactory)
    movie = factory.SubFactory(MovieFactory)
    kind = MovieListEntry.Kind.FAVORITE
