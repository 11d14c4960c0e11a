"""The movie lists in the admin: an inline on each user's page."""

from django.contrib import admin

from lists.models import MovieListEntry
from users.admin import UserAdmin
from users.models import User


class MovieListEntryInline(admin.TabularInline):
    """A user's favorites, watched and watchlist entries."""

    model = MovieListEntry
    extra = 0
    raw_id_fields = ["movie"]
    readonly_fields = ["added_at"]


class UserWithListsAdmin(UserAdmin):
    """The accounts' user admin with the user's lists below."""

    inlines = [*UserAdmin.inlines, MovieListEntryInline]


admin.site.unregister(User)
admin.site.register(User, UserWithListsAdmin)
