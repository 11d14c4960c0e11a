# MovieListEntry moved to the `lists` app. Only Django's model state changes here: the
# table users_movielistentry and its rows stay where they are, and lists/migrations/0001
# takes the model over with that same table name.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('users', '0004_phone_address_state_sign_in_codes'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='MovieListEntry')],
            database_operations=[],
        ),
    ]
