from django.apps import AppConfig


class DiaryConfig(AppConfig):
    """Each user's diary of watches and the year in review built from it.

    Depends on `movies`, `users` and `lists` (the first watch puts the movie on
    `watched`); none of them imports it. It adds, through their hooks, `watch_count`
    and `last_watched_on` to `my_state` (movies/viewer_state.py), `diary` to the
    account export (lists/export.py) and the demo user's diary to the demo data
    (movies/demo_parts.py).
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "diary"

    def ready(self):
        from core.caching.invalidation import watch
        from diary.demo import demo_diary_load
        from diary.models import DiaryEntry, DiaryTag
        from diary.selectors import diary_export, watch_states_for
        from lists.export import register_export_section
        from movies.demo_parts import register_demo_part
        from movies.viewer_state import register_movie_state_part

        # my_state and the diary pages read these: their writes bump their generations.
        watch(DiaryEntry, DiaryTag)
        register_movie_state_part({"watch_count": 0, "last_watched_on": None}, watch_states_for)
        register_export_section(
            "diary", lambda user: diary_export(user=user), document=_export_document
        )
        register_demo_part("diary entries", demo_diary_load)


def _export_document():
    from diary.api.serializers import ExportDiaryEntrySerializer

    return ExportDiaryEntrySerializer(many=True)
