"""Count the events already in the database into trending's table (movies/activity.py),
so that an upgraded database ranks as it did before."""

from django.db import migrations


def fill(apps, schema_editor):
    from movies.activity import rebuild

    rebuild(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("discovery", "0001_neighbours"),
        ("movies", "0008_movie_activity"),
        ("lists", "0003_user_lists"),
        ("diary", "0001_initial"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
