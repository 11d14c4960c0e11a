"""Django admin for the catalog: staff curate genres, actors, movies and reviews here.

The admin writes the catalog directly (Django's ModelAdmin); the derived rating
columns are read-only. Reviews are read-only here and deleted through the reviews
service, so a movie's rating always matches its reviews.
"""

from django.contrib import admin

from movies.models import Actor, Casting, Genre, Movie, Review
from movies.services.reviews import review_delete


@admin.register(Genre)
class GenreAdmin(admin.ModelAdmin):
    """Genres, searchable by name."""

    list_display = ("name", "created_at")
    search_fields = ("name",)


@admin.register(Actor)
class ActorAdmin(admin.ModelAdmin):
    """Actors, searchable by name."""

    list_display = ("name", "birth_date", "created_at")
    search_fields = ("name",)
    list_filter = ("birth_date",)
    date_hierarchy = "birth_date"


class CastingInline(admin.TabularInline):
    """A movie's cast: actor, character and billing order."""

    model = Casting
    extra = 1
    autocomplete_fields = ("actor",)
    ordering = ("order", "id")


@admin.register(Movie)
class MovieAdmin(admin.ModelAdmin):
    """Movies with their cast inline; ratings are derived, so read-only."""

    list_display = (
        "title",
        "release_date",
        "average_rating",
        "review_count",
        "imdb_id",
        "tmdb_id",
        "created_at",
    )
    list_filter = ("genres", "release_date", "created_at")
    search_fields = ("title", "plot", "imdb_id")
    filter_horizontal = ("genres",)
    inlines = (CastingInline,)
    readonly_fields = ("average_rating", "review_count", "created_at", "updated_at")
    date_hierarchy = "release_date"


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """Reviews, filterable by rating; moderators may delete abusive ones."""

    list_display = ("movie", "user", "rating", "is_edited", "created_at")
    list_filter = ("rating", "is_edited", "created_at")
    search_fields = ("movie__title", "user__username", "text")
    list_select_related = ("movie", "user")
    fields = ("movie", "user", "rating", "text", "is_edited", "created_at", "updated_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        # Reviews are a user's own words: staff moderate (delete), they do not write them.
        return False

    def delete_model(self, request, obj):
        review_delete(review=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for review in queryset:
            review_delete(review=review, user=request.user)
