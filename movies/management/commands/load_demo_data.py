"""`python manage.py load_demo_data`: a small, real-looking catalog for local use.

Every movie has its director (and a few their writers and composers), people with
their birth dates and places. Idempotent: genres, people and movies are matched by
name / IMDb id, users by username, reviews by (user, movie), the parts other apps add as
they say (movies/demo_parts.py); a rerun creates and changes nothing. Writes go
through movies.services, so the demo data obeys the same rules as API writes. Plots
are short summaries written for this project.
"""

import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from movies.demo_parts import demo_parts
from movies.management.demo_crew import CREW, CREW_PEOPLE
from movies.management.demo_details import MOVIE_KEYWORDS, RUNTIMES
from movies.models import Actor, CrewCredit, Genre, Movie, Review
from movies.services.actors import actor_create
from movies.services.catalog import SITE_OPERATOR, CastEntry, movie_create, movie_update
from movies.services.crew import CrewEntry
from movies.services.genres import genre_create
from movies.services.reviews import review_create
from oauth.demo import help_desk_register

GENRES = (
    "Action", "Adventure", "Animation", "Comedy", "Crime", "Drama", "Fantasy", "History",
    "Mystery", "Romance", "Science Fiction", "Thriller", "War",
)  # fmt: skip

ACTORS = {
    "Keanu Reeves": "1964-09-02",
    "Carrie-Anne Moss": "1967-08-21",
    "Laurence Fishburne": "1961-07-30",
    "Tom Hanks": "1956-07-09",
    "Morgan Freeman": "1937-06-01",
    "Tim Robbins": "1958-10-16",
    "Brad Pitt": "1963-12-18",
    "Leonardo DiCaprio": "1974-11-11",
    "Kate Winslet": "1975-10-05",
    "Matt Damon": "1970-10-08",
    "Al Pacino": "1940-04-25",
    "Robert De Niro": "1943-08-17",
    "Marlon Brando": "1924-04-03",
    "Samuel L. Jackson": "1948-12-21",
    "John Travolta": "1954-02-18",
    "Uma Thurman": "1970-04-29",
    "Bruce Willis": "1955-03-19",
    "Christian Bale": "1974-01-30",
}

# (title, imdb_id, release date, genres, [(actor, character)], plot)
MOVIES = (
    ("The Matrix", "tt0133093", "1999-03-31", ["Science Fiction", "Action"],
     [("Keanu Reeves", "Neo"), ("Carrie-Anne Moss", "Trinity"),
      ("Laurence Fishburne", "Morpheus")],
     "A programmer who hacks at night is told his world is a simulation and joins "
     "the few who fight the machines behind it."),
    ("The Matrix Reloaded", "tt0234215", "2003-05-15", ["Science Fiction", "Action"],
     [("Keanu Reeves", "Neo"), ("Carrie-Anne Moss", "Trinity"),
      ("Laurence Fishburne", "Morpheus")],
     "With the machines digging toward the last human city, Neo looks for the "
     "source of the system and learns what his role in it was meant to be."),
    ("The Matrix Revolutions", "tt0242653", "2003-11-05", ["Science Fiction", "Action"],
     [("Keanu Reeves", "Neo"), ("Carrie-Anne Moss", "Trinity"),
      ("Laurence Fishburne", "Morpheus")],
     "Zion prepares for its last stand while Neo travels to the machine city to "
     "bargain for an end to the war."),
    ("The Matrix Resurrections", "tt10838180", "2021-12-22", ["Science Fiction", "Action"],
     [("Keanu Reeves", "Thomas Anderson / Neo"), ("Carrie-Anne Moss", "Tiffany / Trinity")],
     "A famous game designer starts to doubt the world around him and meets a "
     "woman he feels he has known before."),
    ("John Wick: Chapter 2", "tt4425200", "2017-02-10", ["Action", "Crime", "Thriller"],
     [("Keanu Reeves", "John Wick"), ("Laurence Fishburne", "The Bowery King")],
     "An old debt pulls a retired hitman back into service, and the job turns "
     "every killer in Rome and New York against him."),
    ("John Wick: Chapter 3 - Parabellum", "tt6146586", "2019-05-17", ["Action", "Thriller"],
     [("Keanu Reeves", "John Wick"), ("Laurence Fishburne", "The Bowery King")],
     "Declared excommunicado with a bounty on his head, John Wick has one hour "
     "to start running."),
    ("The Devil's Advocate", "tt0118971", "1997-10-17", ["Drama", "Mystery", "Thriller"],
     [("Keanu Reeves", "Kevin Lomax"), ("Al Pacino", "John Milton")],
     "A small-town lawyer who never loses a case joins a Manhattan firm whose "
     "charming boss asks a heavy price for success."),
    ("The Shawshank Redemption", "tt0111161", "1994-09-23", ["Drama"],
     [("Tim Robbins", "Andy Dufresne"), ("Morgan Freeman", "Ellis Boyd 'Red' Redding")],
     "A banker serving two life sentences befriends a prison fixer and keeps "
     "hope alive over two decades behind bars."),
    ("Se7en", "tt0114369", "1995-09-22", ["Crime", "Mystery", "Thriller"],
     [("Brad Pitt", "Detective David Mills"), ("Morgan Freeman", "Detective William Somerset")],
     "A detective days from retirement and his impatient new partner hunt a "
     "killer who stages each murder as one of the seven deadly sins."),
    ("Pulp Fiction", "tt0110912", "1994-10-14", ["Crime", "Drama"],
     [("John Travolta", "Vincent Vega"), ("Samuel L. Jackson", "Jules Winnfield"),
      ("Uma Thurman", "Mia Wallace"), ("Bruce Willis", "Butch Coolidge")],
     "Two hitmen, a boxer, a gangster's wife and a pair of diner robbers cross "
     "paths in interlocking Los Angeles stories."),
    ("Kill Bill: Vol. 2", "tt0378194", "2004-04-16", ["Action", "Crime", "Thriller"],
     [("Uma Thurman", "Beatrix Kiddo"), ("Samuel L. Jackson", "Rufus")],
     "The Bride works through the rest of her list on the way to the man who "
     "ordered her wedding-day massacre."),
    ("Jackie Brown", "tt0119396", "1997-12-25", ["Crime", "Thriller"],
     [("Samuel L. Jackson", "Ordell Robbie"), ("Robert De Niro", "Louis Gara")],
     "A flight attendant caught smuggling cash plays an arms dealer and the "
     "federal agents against each other."),
    ("Die Hard with a Vengeance", "tt0112864", "1995-05-19", ["Action", "Thriller"],
     [("Bruce Willis", "John McClane"), ("Samuel L. Jackson", "Zeus Carver")],
     "A bomber sends a hungover cop and a reluctant shopkeeper racing across "
     "New York to solve his riddles."),
    ("Unbreakable", "tt0217869", "2000-11-22", ["Drama", "Mystery", "Science Fiction"],
     [("Bruce Willis", "David Dunn"), ("Samuel L. Jackson", "Elijah Price")],
     "The only survivor of a train crash is approached by a comic-book dealer "
     "with a strange theory about why he walked away unhurt."),
    ("Glass", "tt6823368", "2019-01-18", ["Drama", "Science Fiction", "Thriller"],
     [("Bruce Willis", "David Dunn"), ("Samuel L. Jackson", "Elijah Price / Mr. Glass")],
     "A psychiatrist tries to convince three men held in the same hospital that "
     "their extraordinary gifts are delusions."),
    ("The Godfather", "tt0068646", "1972-03-24", ["Crime", "Drama"],
     [("Marlon Brando", "Vito Corleone"), ("Al Pacino", "Michael Corleone")],
     "The head of a New York crime family is shot, and his youngest son, who "
     "wanted no part of the business, steps in."),
    ("The Godfather Part II", "tt0071562", "1974-12-20", ["Crime", "Drama"],
     [("Al Pacino", "Michael Corleone"), ("Robert De Niro", "Vito Corleone")],
     "Michael tightens his grip on the family while the story of his father's "
     "rise in 1920s New York unfolds alongside."),
    ("Heat", "tt0113277", "1995-12-15", ["Crime", "Action", "Thriller"],
     [("Al Pacino", "Lt. Vincent Hanna"), ("Robert De Niro", "Neil McCauley")],
     "A driven LAPD detective closes in on a disciplined crew of professional "
     "thieves planning one last score."),
    ("The Irishman", "tt1302006", "2019-11-01", ["Crime", "Drama", "History"],
     [("Robert De Niro", "Frank Sheeran"), ("Al Pacino", "Jimmy Hoffa")],
     "An aging hitman looks back on his years with the mob and his friendship "
     "with a powerful union boss."),
    ("Sleepers", "tt0117665", "1996-10-18", ["Crime", "Drama"],
     [("Brad Pitt", "Michael Sullivan"), ("Robert De Niro", "Father Bobby Carillo")],
     "Childhood friends abused in a reform school get a chance, years later, to "
     "settle accounts with the guards."),
    ("Titanic", "tt0120338", "1997-12-19", ["Romance", "Drama"],
     [("Leonardo DiCaprio", "Jack Dawson"), ("Kate Winslet", "Rose DeWitt Bukater")],
     "A penniless artist and an engaged young woman fall in love aboard the "
     "ship's doomed maiden voyage."),
    ("Revolutionary Road", "tt0959337", "2008-12-26", ["Drama", "Romance"],
     [("Leonardo DiCaprio", "Frank Wheeler"), ("Kate Winslet", "April Wheeler")],
     "A suburban couple in the 1950s plan an escape to Paris as their marriage "
     "comes apart."),
    ("Catch Me If You Can", "tt0264464", "2002-12-25", ["Crime", "Drama"],
     [("Leonardo DiCaprio", "Frank Abagnale Jr."), ("Tom Hanks", "Carl Hanratty")],
     "A teenage con artist poses as a pilot, a doctor and a lawyer while an FBI "
     "agent follows his trail of forged checks."),
    ("Saving Private Ryan", "tt0120815", "1998-07-24", ["War", "Drama"],
     [("Tom Hanks", "Captain John H. Miller"), ("Matt Damon", "Private James Francis Ryan")],
     "After D-Day, a squad of soldiers goes behind enemy lines to bring home a "
     "private whose brothers were all killed."),
    ("The Departed", "tt0407887", "2006-10-06", ["Crime", "Thriller"],
     [("Leonardo DiCaprio", "Billy Costigan"), ("Matt Damon", "Colin Sullivan")],
     "An undercover cop inside a Boston gang and a gang mole inside the police "
     "each race to expose the other."),
    ("Ocean's Eleven", "tt0240772", "2001-12-07", ["Crime", "Comedy", "Thriller"],
     [("Brad Pitt", "Rusty Ryan"), ("Matt Damon", "Linus Caldwell")],
     "A freshly paroled thief gathers a crew to rob three Las Vegas casinos on "
     "the same night."),
    ("Ocean's Twelve", "tt0349903", "2004-12-10", ["Crime", "Comedy"],
     [("Brad Pitt", "Rusty Ryan"), ("Matt Damon", "Linus Caldwell")],
     "The crew must repay the casino owner they robbed and heads to Europe for "
     "a string of jobs against a rival thief."),
    ("Once Upon a Time in Hollywood", "tt7131622", "2019-07-26", ["Comedy", "Drama"],
     [("Leonardo DiCaprio", "Rick Dalton"), ("Brad Pitt", "Cliff Booth")],
     "A fading TV actor and his stunt double drift through Los Angeles in the "
     "summer of 1969."),
    ("Django Unchained", "tt1853728", "2012-12-25", ["Drama", "Action"],
     [("Leonardo DiCaprio", "Calvin Candie"), ("Samuel L. Jackson", "Stephen")],
     "A freed slave and a bounty hunter ride to a Mississippi plantation to free "
     "his wife from its owner."),
    ("Batman Begins", "tt0372784", "2005-06-15", ["Action", "Adventure", "Crime"],
     [("Christian Bale", "Bruce Wayne / Batman"), ("Morgan Freeman", "Lucius Fox")],
     "A grieving heir trains abroad and returns to Gotham to fight the crime "
     "that took his parents."),
    ("The Dark Knight", "tt0468569", "2008-07-18", ["Action", "Crime", "Drama"],
     [("Christian Bale", "Bruce Wayne / Batman"), ("Morgan Freeman", "Lucius Fox")],
     "Batman, a police lieutenant and a new district attorney face a criminal "
     "who wants to watch Gotham turn on itself."),
    ("The Dark Knight Rises", "tt1345836", "2012-07-20", ["Action", "Adventure"],
     [("Christian Bale", "Bruce Wayne / Batman"), ("Morgan Freeman", "Lucius Fox")],
     "Eight years after vanishing, Batman returns when a masked revolutionary "
     "takes Gotham hostage."),
    ("12 Monkeys", "tt0114746", "1995-12-29", ["Science Fiction", "Mystery", "Thriller"],
     [("Bruce Willis", "James Cole"), ("Brad Pitt", "Jeffrey Goines")],
     "A prisoner from a ruined future is sent back in time to learn where the "
     "virus that ended the world came from."),
)  # fmt: skip

MOVIE_TMDB_IDS = {"tt0133093": 603}


# (username, imdb_id, rating, text)
REVIEWS = (
    ("demo", "tt0133093", 5, "Still the best action film about philosophy."),
    ("demo", "tt0111161", 5, "Patient, warm and earned."),
    ("demo", "tt0110912", 4, "Loved the dialogue, lost track of time twice."),
    ("demo", "tt0468569", 5, "The interrogation scene alone."),
    ("demo", "tt1345836", 3, "Big and loud, the middle drags."),
    ("critic_ana", "tt0133093", 4, "Dated effects, timeless ideas."),
    ("critic_ana", "tt0068646", 5, "Every frame deliberate."),
    ("critic_ana", "tt6823368", 2, "A clever setup that runs out of road."),
    ("critic_ben", "tt0133093", 5, "Rewatched it for the tenth time."),
    ("critic_ben", "tt0113277", 4, "The coffee-shop scene is worth the ticket."),
)

DEMO_PHONE = "+14155550100"


class Command(BaseCommand):
    help = (
        "Load a small demo catalog (genres, actors, movies, users, reviews), the parts "
        "other apps add (the demo user's diary) and the help desk's OAuth client. "
        "Idempotent."
    )

    def handle(self, *args, **options):
        admin_password = os.environ.get("DEMO_ADMIN_PASSWORD", "admin-Pass-123")
        demo_password = os.environ.get("DEMO_USER_PASSWORD", "demo-Pass-123")
        with transaction.atomic():
            created = {
                "genres": self._genres(),
                "actors": self._actors(),
                "crew members": self._crew_people(),
                "movies": self._movies(),
            }
            self._runtimes()
            users = self._users(admin_password, demo_password)
            created["users"] = users.pop("_created")
            created["reviews"] = self._reviews(users)
            # The apps above the catalog add theirs (the demo user's diary: diary/demo.py).
            for name, loader in demo_parts():
                created[name] = loader(users=users)
            # The help desk signs its staff in with Sign in with Movie API (oauth/demo.py).
            registration = help_desk_register()
            created["OAuth clients"] = int(registration is not None and registration.created)
        summary = ", ".join(f"{count} {name}" for name, count in created.items())
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded; created {summary}."))
        self.stdout.write(
            f"Staff login: admin / {admin_password}   Demo user: demo / {demo_password}"
        )
        self.stdout.write(
            self.style.WARNING(
                "These demo credentials are for local use only. Never load demo data "
                "on a server others can reach."
            )
        )

    def _genres(self) -> int:
        created = 0
        for name in GENRES:
            if not Genre.objects.filter(name__iexact=name).exists():
                genre_create(user=SITE_OPERATOR, name=name)
                created += 1
        return created

    def _actors(self) -> int:
        created = 0
        for name, birth_date in ACTORS.items():
            if not Actor.objects.filter(name=name).exists():
                actor_create(user=SITE_OPERATOR, name=name, birth_date=birth_date)
                created += 1
        return created

    def _crew_people(self) -> int:
        created = 0
        for name, (birth, place, department, death) in CREW_PEOPLE.items():
            if not Actor.objects.filter(name=name).exists():
                actor_create(
                    user=SITE_OPERATOR,
                    name=name,
                    birth_date=birth,
                    death_date=death,
                    place_of_birth=place,
                    known_for_department=department,
                )
                created += 1
        return created

    def _movies(self) -> int:
        genre_ids = {g.name: g.pk for g in Genre.objects.filter(name__in=GENRES)}
        names = [*ACTORS, *CREW_PEOPLE]
        actor_ids = {a.name: a.pk for a in Actor.objects.filter(name__in=names)}

        def crew_of(imdb_id: str) -> list[CrewEntry]:
            return [
                CrewEntry(person_id=actor_ids[name], job=job, department=department)
                for name, job, department in CREW.get(imdb_id, ())
            ]

        existing = {
            movie.imdb_id: movie
            for movie in Movie.objects.filter(imdb_id__in=[m[1] for m in MOVIES])
        }
        with_crew = set(
            CrewCredit.objects.filter(movie__in=existing.values()).values_list(
                "movie__imdb_id", flat=True
            )
        )
        created = 0
        for title, imdb_id, released, genres, cast, plot in MOVIES:
            if imdb_id in existing:
                # A catalog loaded before the demo had crews gets them, once.
                if imdb_id not in with_crew and imdb_id in CREW:
                    movie_update(user=SITE_OPERATOR, movie=existing[imdb_id], crew=crew_of(imdb_id))
                continue
            movie_create(
                user=SITE_OPERATOR,
                title=title,
                plot=plot,
                release_date=released,
                genre_ids=[genre_ids[name] for name in genres],
                cast=[
                    CastEntry(actor_id=actor_ids[actor], character=character)
                    for actor, character in cast
                ],
                crew=crew_of(imdb_id),
                imdb_id=imdb_id,
                tmdb_id=MOVIE_TMDB_IDS.get(imdb_id),
                runtime=RUNTIMES.get(imdb_id),
                keywords=MOVIE_KEYWORDS.get(imdb_id, ()),
            )
            created += 1
        return created

    def _runtimes(self) -> None:
        # Demo movies loaded before runtimes were known gain theirs; a rerun finds none.
        for movie in Movie.objects.filter(imdb_id__in=list(RUNTIMES), runtime__isnull=True):
            movie_update(user=SITE_OPERATOR, movie=movie, runtime=RUNTIMES[movie.imdb_id])

    def _users(self, admin_password: str, demo_password: str) -> dict:
        User = get_user_model()
        created = 0
        admin, was_created = User.objects.get_or_create(
            username="admin",
            defaults={"email": "admin@example.com", "is_staff": True, "is_superuser": True},
        )
        if was_created:
            admin.set_password(admin_password)
            admin.save(update_fields=["password"])
            created += 1
        demo, was_created = User.objects.get_or_create(
            username="demo",
            defaults={
                "email": "demo@example.com",
                "phone_number": DEMO_PHONE,
                "phone_verified_at": timezone.now(),
                "is_active": True,
            },
        )
        if was_created:
            demo.set_password(demo_password)
            demo.save(update_fields=["password"])
            created += 1
        users = {"demo": demo, "_created": created}
        for username in ("critic_ana", "critic_ben"):
            critic, was_created = User.objects.get_or_create(
                username=username, defaults={"email": f"{username}@example.com"}
            )
            if was_created:
                # Reviewers only: they cannot sign in.
                critic.set_unusable_password()
                critic.save(update_fields=["password"])
                users["_created"] += 1
            users[username] = critic
        return users

    def _reviews(self, users: dict) -> int:
        movie_ids = dict(
            Movie.objects.filter(imdb_id__in=[r[1] for r in REVIEWS]).values_list("imdb_id", "pk")
        )
        created = 0
        for username, imdb_id, rating, text in REVIEWS:
            user, movie_id = users[username], movie_ids.get(imdb_id)
            if movie_id is None or Review.objects.filter(user=user, movie_id=movie_id).exists():
                continue
            review_create(user=user, movie_id=movie_id, rating=rating, text=text)
            created += 1
        return created
