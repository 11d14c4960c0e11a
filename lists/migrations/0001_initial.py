# MovieListEntry, moved here from `users` (users/migrations/0005). The table already
# exists (users/migrations/0001 created it, also on a fresh database), so only Django's
# model state is created; the table keeps its name, rows, index and constraint. The
# content type is renamed too, so admin permissions and history follow the model.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor, old="users", new="lists"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label=new, model="movielistentry").exists():
        ContentType.objects.using(db).filter(app_label=old, model="movielistentry").update(
            app_label=new
        )


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, old="lists", new="users")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('movies', '0001_initial'),
        ('users', '0005_move_movie_list_entry_to_lists'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='MovieListEntry',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('favorite', 'Favorite'), ('watched', 'Watched'), ('watchlist', 'Watchlist')], max_length=10)),
                        ('added_at', models.DateTimeField(auto_now_add=True)),
                        ('movie', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='list_entries', to='movies.movie')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='movie_list_entries', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'users_movielistentry',
                        'indexes': [models.Index(fields=['user', 'kind', '-added_at'], name='users_movie_user_id_f9fc69_idx')],
                        'constraints': [models.UniqueConstraint(fields=('user', 'kind', 'movie'), name='movie_list_entry_unique')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back, elidable=True),
    ]
