"""Reads of the catalog, one module per capability; both doors get their querysets here.

- `catalog`: movies (the filtered list, one movie, their genres, cast and crew);
- `people`: genres and actors;
- `credits`: a person's filmography (cast and crew credits, newest first);
- `reviews`: the review lists and one review;
- `similar`: the movies most like one (shared people, keywords, genres);
- `filtering`: how a selector runs a list's FilterSet.

The names below are re-exported so the doors call `selectors.<name>` on one object
(tests replace a selector there to simulate a failure).
"""

from movies.selectors.catalog import (
    actors_in_billing_order,
    attach_refs,
    crew_in_order,
    movie_actors,
    movie_crew,
    movie_genres,
    movie_get,
    movie_keywords,
    movie_list,
    movie_queryset,
    movie_rating_stats,
    movie_review_stats,
    movies_by_ids,
)
from movies.selectors.credits import person_cast_credits, person_credits, person_crew_credits
from movies.selectors.filtering import apply_filterset
from movies.selectors.people import actor_get, actor_list, genre_get, genre_list
from movies.selectors.reviews import review_get, review_list
from movies.selectors.similar import movie_similar

__all__ = [
    "actor_get",
    "actor_list",
    "actors_in_billing_order",
    "apply_filterset",
    "attach_refs",
    "crew_in_order",
    "genre_get",
    "genre_list",
    "movie_actors",
    "movie_crew",
    "movie_genres",
    "movie_get",
    "movie_keywords",
    "movie_list",
    "movie_queryset",
    "movie_rating_stats",
    "movie_review_stats",
    "movie_similar",
    "movies_by_ids",
    "person_cast_credits",
    "person_credits",
    "person_crew_credits",
    "review_get",
    "review_list",
]
