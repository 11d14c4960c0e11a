"""Staff agents' desk: tickets with history, and a movie lookup against the movie API."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from .models import Ticket, TicketStatusChange
from .movie_api_client.client import get_movie_api_client
from .movie_api_client.errors import MovieApiException
from .services import UNSET, movie_reference_get, ticket_create, ticket_update


class TicketAdminForm(forms.ModelForm):
    """Checks the movie id over GraphQL and keeps the looked-up movie for the save."""

    class Meta:
        model = Ticket
        fields = ["subject", "description", "status", "reporter", "movie_id"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.movie_reference = UNSET
        if "movie_id" in self.fields:
            self.fields["movie_id"].help_text = format_html(
                'The movie API\'s id; its title is filled in on save. <a href="{}" '
                'target="_blank">Search movies</a>',
                reverse("admin:tickets_ticket_movie_search"),
            )

    def clean_movie_id(self):
        movie_id = self.cleaned_data.get("movie_id")
        if movie_id is None:
            self.movie_reference = None
        elif movie_id != self.instance.movie_id or self.instance.pk is None:
            try:
                self.movie_reference = movie_reference_get(movie_id=movie_id)
            except ValidationError as exc:
                raise ValidationError(exc.message_dict["movie_id"]) from exc
            except MovieApiException as exc:
                raise ValidationError(f"Cannot check this movie now: {exc}") from exc
        return movie_id


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """Tickets for staff: filter, search, change status; every write goes through services."""

    form = TicketAdminForm
    list_display = ["id", "subject", "status", "priority", "assignee", "reporter", "movie_title"]
    list_filter = ["status", "priority", "created_at"]
    search_fields = ["subject", "description", "movie_title", "reporter__username"]
    list_select_related = ["reporter", "assignee"]
    readonly_fields = ["movie_title", "created_at", "updated_at", "history"]
    raw_id_fields = ["reporter"]

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        # The reporter is who opened the ticket; the services never move it to someone else.
        return [*self.readonly_fields, "reporter"] if obj else self.readonly_fields

    @admin.display(description="History")
    def history(self, obj: Ticket) -> str:
        if obj.pk is None:
            return "—"
        return format_html_join(
            mark_safe("<br>"),
            "{} {} by {}",
            (
                (f"{c.created_at:%Y-%m-%d %H:%M}", c, c.changed_by or "—")
                for c in obj.status_changes.select_related("changed_by")
            ),
        )

    def save_model(self, request, obj: Ticket, form: TicketAdminForm, change: bool) -> None:
        data = form.cleaned_data
        if change:
            saved = ticket_update(
                ticket=obj,
                actor=request.user,
                subject=data["subject"],
                description=data["description"],
                status=data["status"],
                movie=form.movie_reference,
            )
        else:
            saved = ticket_create(
                reporter=data["reporter"],
                subject=data["subject"],
                description=data["description"],
                movie=form.movie_reference,
            )
            if data["status"] != saved.status:
                saved = ticket_update(ticket=saved, actor=request.user, status=data["status"])
        # The admin goes on to log and redirect with this object: make it the saved row.
        obj.pk = saved.pk
        obj.refresh_from_db()

    def get_urls(self):
        search = path(
            "movie-search/",
            self.admin_site.admin_view(self.movie_search_view),
            name="tickets_ticket_movie_search",
        )
        return [search, *super().get_urls()]

    def movie_search_view(self, request):
        """Search the movie API from the admin, to find the id a ticket should name."""
        query = request.GET.get("q", "").strip()[:200]
        genre = request.GET.get("genre", "").strip()[:200]
        movies = None
        if query or genre:
            try:
                movies = get_movie_api_client().all_movies(
                    search=query or None, genre=genre or None, first=50
                )
            except MovieApiException as exc:
                messages.error(request, str(exc))
        context = {
            **self.admin_site.each_context(request),
            "title": "Search the movie API",
            "opts": self.model._meta,
            "query": query,
            "genre": genre,
            "movies": movies,
        }
        return TemplateResponse(request, "admin/tickets/ticket/movie_search.html", context)


@admin.register(TicketStatusChange)
class TicketStatusChangeAdmin(admin.ModelAdmin):
    """The status history, read-only: it is written by the ticket services alone."""

    list_display = ["ticket", "from_status", "to_status", "changed_by", "created_at"]
    list_filter = ["to_status"]
    list_select_related = ["ticket", "changed_by"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
