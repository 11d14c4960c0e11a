from django.contrib import admin

from diary.models import DiaryEntry, DiaryTag


class DiaryTagInline(admin.TabularInline):
    model = DiaryTag
    extra = 0


@admin.register(DiaryEntry)
class DiaryEntryAdmin(admin.ModelAdmin):
    """Diary entries, newest first, with their tags."""

    list_display = ("user", "movie", "watched_on", "rewatch", "rating", "liked")
    list_select_related = ("user", "movie")
    raw_id_fields = ("user", "movie", "review")
    inlines = [DiaryTagInline]
    ordering = ("-watched_on", "-id")
