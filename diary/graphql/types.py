"""GraphQL types of the diary and the year in review, and the two fields they add to
the caller's profile: `me { diary(...) yearInReview(year:) }`."""

import graphene
from graphene.types.resolver import dict_resolver

from core.graphql.paging import connection_type, page_args, paginate
from core.graphql.selection import selection
from diary import selectors, services
from diary.services import today
from diary.stats import year_in_review
from lists.graphql.types import UserProfile
from movies.graphql.types import Movie, prime_movie_states
from movies.services.ratings import RATING_MESSAGE


class DiaryEntry(graphene.ObjectType):
    """One watch of a movie in the caller's diary (a rewatch is another entry)."""

    id = graphene.ID(required=True, description="Database id of the entry.")
    movie = graphene.Field(Movie, required=True, description="The movie watched.")
    watched_on = graphene.Date(required=True, description="The day it was watched.")
    rewatch = graphene.Boolean(required=True, description="Watched before.")
    rating = graphene.Float(description=f"The rating given to this watch. {RATING_MESSAGE}")
    liked = graphene.Boolean(required=True, description="Liked on this watch.")
    review_id = graphene.ID(description="The caller's review linked to this watch.")
    tags = graphene.List(
        graphene.NonNull(graphene.String), required=True, description="Tags, by name."
    )
    created_at = graphene.DateTime(required=True, description="When it was logged.")

    @staticmethod
    def resolve_tags(root, info):
        return root.tag_names  # prefetched by the selector


DiaryEntryConnection = connection_type(
    DiaryEntry, "DiaryEntry", "A page of the caller's diary, newest watch first."
)


class MonthCount(graphene.ObjectType):
    """The entries of one month."""

    class Meta:
        default_resolver = dict_resolver

    month = graphene.Int(required=True, description="1-12.")
    entries = graphene.Int(required=True, description="Watches logged in that month.")


class CountedRef(graphene.ObjectType):
    """A genre or a person, with the distinct movies of the year it is in."""

    class Meta:
        default_resolver = dict_resolver

    id = graphene.ID(required=True, description="Database id.")
    name = graphene.String(required=True, description="Name.")
    movies = graphene.Int(required=True, description="Distinct movies watched that year.")


class RatingBin(graphene.ObjectType):
    """The rated entries of one half star."""

    class Meta:
        default_resolver = dict_resolver

    rating = graphene.Float(required=True, description="0.5 to 5.")
    entries = graphene.Int(required=True, description="Entries of the year with this rating.")


class StatsMovie(graphene.ObjectType):
    """A movie as the year in review names it."""

    class Meta:
        default_resolver = dict_resolver

    id = graphene.ID(required=True, description="Database id of the movie.")
    title = graphene.String(required=True, description="Title.")
    year = graphene.Int(description="Release year.")


class HighestRated(graphene.ObjectType):
    """A movie given the year's highest rating, with its latest such watch."""

    class Meta:
        default_resolver = dict_resolver

    movie = graphene.Field(StatsMovie, required=True, description="The movie.")
    rating = graphene.Float(required=True, description="The rating.")
    watched_on = graphene.Date(required=True, description="The latest watch with it.")


class YearInReview(graphene.ObjectType):
    """What the caller's diary says about one year (as GET /api/users/me/stats/)."""

    class Meta:
        default_resolver = dict_resolver

    year = graphene.Int(required=True, description="The year.")
    entries = graphene.Int(required=True, description="Watches logged.")
    movies = graphene.Int(required=True, description="Distinct movies watched.")
    rewatches = graphene.Int(required=True, description="Watches marked as rewatches.")
    minutes_watched = graphene.Int(
        required=True, description="The runtimes of the watches, added up."
    )
    entries_without_runtime = graphene.Int(
        required=True, description="Watches of movies without a runtime (not in the minutes)."
    )
    by_month = graphene.List(
        graphene.NonNull(MonthCount), required=True, description="The twelve months."
    )
    top_genres = graphene.List(
        graphene.NonNull(CountedRef), required=True, description="Genres of the most movies."
    )
    top_people = graphene.List(
        graphene.NonNull(CountedRef),
        required=True,
        description="People (cast and crew) of the most movies.",
    )
    rating_histogram = graphene.List(
        graphene.NonNull(RatingBin), required=True, description="Rated entries per half star."
    )
    highest_rated = graphene.List(
        graphene.NonNull(HighestRated),
        required=True,
        description="The movies given the year's highest rating, latest watch first.",
    )


def _diary_page(root, info, first=None, after=None, **filters):
    entries = selectors.diary_entries(user=root, filters=filters)
    page = paginate(entries, first=first, after=after)
    movie_sel = selection(info).child("edges", "node", "movie")
    prime_movie_states(info, [entry.movie for entry in page.rows], movie_sel)
    return page


def _diary_entry(root, info, id):
    entry = services.diary_entry_get(user=root, entry_id=id)
    entry = selectors.diary_entry_detail(user=root, entry_id=entry.pk)
    prime_movie_states(info, [entry.movie], selection(info).child("movie"))
    return entry


def _year_in_review(root, info, year=None):
    return year_in_review(user=root, year=today().year if year is None else year)


# The caller's profile type belongs to the lists app, which does not know the diary:
# the diary adds its two fields to it here, before the schema is built
# (movie_api/schema.py imports this module through diary/graphql/schema.py).
UserProfile._meta.fields["diary"] = graphene.Field(
    DiaryEntryConnection,
    required=True,
    **page_args(),
    year=graphene.Int(description=selectors.FILTERS["year"]),
    month=graphene.Int(description=selectors.FILTERS["month"]),
    movie=graphene.ID(description=selectors.FILTERS["movie"]),
    rewatch=graphene.Boolean(description=selectors.FILTERS["rewatch"]),
    liked=graphene.Boolean(description=selectors.FILTERS["liked"]),
    tag=graphene.String(description=selectors.FILTERS["tag"]),
    resolver=_diary_page,
    description="The caller's diary, newest watch first (as GET /api/users/me/diary/).",
)
UserProfile._meta.fields["diary_entry"] = graphene.Field(
    DiaryEntry,
    required=True,
    id=graphene.ID(required=True, description="The entry."),
    resolver=_diary_entry,
    description="One of the caller's diary entries; another's is NOT_FOUND "
    "(as GET /api/users/me/diary/{id}/).",
)
UserProfile._meta.fields["year_in_review"] = graphene.Field(
    YearInReview,
    required=True,
    year=graphene.Int(description="The year (default: the current year)."),
    resolver=_year_in_review,
    description="The year in review of the caller's diary (as GET /api/users/me/stats/).",
)
