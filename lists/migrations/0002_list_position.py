# Each entry's place on its list. Entries already stored are numbered in the order the
# lists read until now (the order added), so no list changes its order.

from django.db import migrations, models


def number_existing(apps, schema_editor):
    MovieListEntry = apps.get_model("lists", "MovieListEntry")
    db = schema_editor.connection.alias
    place = {}
    changed = []
    rows = MovieListEntry.objects.using(db).order_by("user_id", "kind", "added_at", "id")
    for entry in rows.only("id", "user_id", "kind").iterator(chunk_size=2000):
        key = (entry.user_id, entry.kind)
        entry.position = place.get(key, 0)
        place[key] = entry.position + 1
        if entry.position:
            changed.append(entry)
        if len(changed) >= 2000:
            MovieListEntry.objects.using(db).bulk_update(changed, ["position"])
            changed = []
    MovieListEntry.objects.using(db).bulk_update(changed, ["position"])


class Migration(migrations.Migration):

    dependencies = [
        ('lists', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='movielistentry',
            name='position',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(number_existing, migrations.RunPython.noop, elidable=True),
    ]
