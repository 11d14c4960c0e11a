"""The desk's admin grants its own agent role to movie API users who are not staff there."""

from django.contrib import admin

from .models import MovieApiIdentity
from .services import account_agent_role_set


@admin.register(MovieApiIdentity)
class MovieApiIdentityAdmin(admin.ModelAdmin):
    """Who signs in through the movie API; only the desk-local agent role is editable."""

    list_display = ["user", "movie_api_user_id", "movie_api_staff", "desk_agent", "last_sign_in"]
    list_filter = ["movie_api_staff", "desk_agent"]
    search_fields = ["user__username", "user__email"]
    fields = ["user", "movie_api_user_id", "movie_api_staff", "desk_agent", "last_sign_in"]
    readonly_fields = ["user", "movie_api_user_id", "movie_api_staff", "last_sign_in"]

    def has_add_permission(self, request) -> bool:
        return False  # identities are made by signing in

    def save_model(self, request, obj: MovieApiIdentity, form, change: bool) -> None:
        account_agent_role_set(identity=obj, granted=form.cleaned_data["desk_agent"])
