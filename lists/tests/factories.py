"""factory_boy factories for the movie lists."""

import factory

from lists.models import MovieListEntry, UserList, UserListItem
from movies.tests.factories import MovieFactory
from users.tests.factories import UserFactory


class MovieListEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MovieListEntry

    user = factory.SubFactory(UserFactory)
    movie = factory.SubFactory(MovieFactory)
    kind = MovieListEntry.Kind.FAVORITE


class UserListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UserList

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"List {n}")
    is_public = True


def fill_list(user_list, movies) -> None:
    """Put `movies` on `user_list` at positions 1..n (as the services would)."""
    UserListItem.objects.bulk_create(
        [
            UserListItem(list=user_list, movie=movie, position=place)
            for place, movie in enumerate(movies, start=1)
        ]
    )
    user_list.item_count = len(movies)
    user_list.save(update_fields=["item_count"])
