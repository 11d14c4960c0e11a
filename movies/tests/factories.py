"""factory_boy factories for the catalog."""

import datetime

import factory

from movies.models import Actor, Casting, CrewCredit, Genre, Keyword, Movie, Rating, Review
from users.tests.factories import UserFactory


class GenreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Genre

    name = factory.Sequence(lambda n: f"Genre {n}")


class ActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Actor

    name = factory.Sequence(lambda n: f"Actor {n}")


class KeywordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Keyword

    name = factory.Sequence(lambda n: f"keyword {n}")


class MovieFactory(factory.django.DjangoModelFactory):
    """A movie; pass genres=[...] / actors=[...] to link them."""

    class Meta:
        model = Movie
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Movie {n}")
    plot = "A story."
    release_date = factory.Sequence(lambda n: datetime.date(1990 + n % 30, 1 + n % 12, 1))

    @factory.post_generation
    def genres(self, create, extracted, **kwargs):
        if create and extracted:
            self.genres.set(extracted)

    @factory.post_generation
    def actors(self, create, extracted, **kwargs):
        if create and extracted:
            for order, actor in enumerate(extracted):
                Casting.objects.create(movie=self, actor=actor, order=order)

    @factory.post_generation
    def keywords(self, create, extracted, **kwargs):
        if create and extracted:
            self.keywords.set(extracted)


class CrewCreditFactory(factory.django.DjangoModelFactory):
    """A person's job on a movie's crew (TMDB's department and job names)."""

    class Meta:
        model = CrewCredit

    movie = factory.SubFactory(MovieFactory)
    person = factory.SubFactory(ActorFactory)
    department = "Directing"
    job = "Director"


class ReviewFactory(factory.django.DjangoModelFactory):
    """A review row as stored; use movies.services to exercise the rating rules."""

    class Meta:
        model = Review
        # rating_row writes another table; the review itself needs no second save.
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    movie = factory.SubFactory(MovieFactory)
    rating = 4
    text = "Good."

    @factory.post_generation
    def rating_row(obj, create, extracted, **kwargs):
        """A review's rating is its author's Rating row: store that row too."""
        if create:
            Rating.objects.update_or_create(
                user=obj.user, movie=obj.movie, defaults={"value": obj.rating}
            )
