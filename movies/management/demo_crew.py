"""The demo catalog's crews (load_demo_data): directors for every movie, and some
writers and composers, with the people's birth dates and places."""

# The people behind the camera: name -> (birth date, place of birth, TMDB department,
# death date or None).
CREW_PEOPLE = {
    "Lana Wachowski": ("1965-06-21", "Chicago, Illinois, USA", "Directing", None),
    "Lilly Wachowski": ("1967-12-29", "Chicago, Illinois, USA", "Directing", None),
    "Chad Stahelski": ("1968-09-20", "Massachusetts, USA", "Directing", None),
    "Taylor Hackford": ("1944-12-31", "Santa Barbara, California, USA", "Directing", None),
    "Frank Darabont": ("1959-01-28", "Montbéliard, France", "Directing", None),
    "David Fincher": ("1962-08-28", "Denver, Colorado, USA", "Directing", None),
    "Quentin Tarantino": ("1963-03-27", "Knoxville, Tennessee, USA", "Directing", None),
    "John McTiernan": ("1951-01-08", "Albany, New York, USA", "Directing", None),
    "M. Night Shyamalan": ("1970-08-06", "Mahé, Puducherry, India", "Directing", None),
    "Francis Ford Coppola": ("1939-04-07", "Detroit, Michigan, USA", "Directing", None),
    "Michael Mann": ("1943-02-05", "Chicago, Illinois, USA", "Directing", None),
    "Martin Scorsese": ("1942-11-17", "Queens, New York, USA", "Directing", None),
    "Barry Levinson": ("1942-04-06", "Baltimore, Maryland, USA", "Directing", None),
    "James Cameron": ("1954-08-16", "Kapuskasing, Ontario, Canada", "Directing", None),
    "Sam Mendes": ("1965-08-01", "Reading, Berkshire, England, UK", "Directing", None),
    "Steven Spielberg": ("1946-12-18", "Cincinnati, Ohio, USA", "Directing", None),
    "Steven Soderbergh": ("1963-01-14", "Atlanta, Georgia, USA", "Directing", None),
    "Christopher Nolan": ("1970-07-30", "London, England, UK", "Directing", None),
    "Terry Gilliam": ("1940-11-22", "Minneapolis, Minnesota, USA", "Directing", None),
    "Nino Rota": ("1911-12-03", "Milan, Italy", "Sound", "1979-04-10"),
    "John Williams": ("1932-02-08", "Floral Park, New York, USA", "Sound", None),
    "Hans Zimmer": ("1957-09-12", "Frankfurt am Main, Germany", "Sound", None),
    "James Horner": ("1953-08-14", "Los Angeles, California, USA", "Sound", "2015-06-22"),
}
DIRECTOR, SCREENPLAY, MUSIC = (
    ("Director", "Directing"),
    ("Screenplay", "Writing"),
    ("Original Music Composer", "Sound"),
)
_WACHOWSKIS = [
    ("Lana Wachowski", *DIRECTOR),
    ("Lilly Wachowski", *DIRECTOR),
    ("Lana Wachowski", *SCREENPLAY),
    ("Lilly Wachowski", *SCREENPLAY),
]
_TARANTINO = [("Quentin Tarantino", *DIRECTOR), ("Quentin Tarantino", *SCREENPLAY)]
_NOLAN = [("Christopher Nolan", *DIRECTOR), ("Hans Zimmer", *MUSIC)]
# imdb_id -> [(person, job, department)] in the order the crew reads.
CREW = {
    "tt0133093": _WACHOWSKIS,
    "tt0234215": _WACHOWSKIS,
    "tt0242653": _WACHOWSKIS,
    "tt10838180": [("Lana Wachowski", *DIRECTOR), ("Lana Wachowski", *SCREENPLAY)],
    "tt4425200": [("Chad Stahelski", *DIRECTOR)],
    "tt6146586": [("Chad Stahelski", *DIRECTOR)],
    "tt0118971": [("Taylor Hackford", *DIRECTOR)],
    "tt0111161": [("Frank Darabont", *DIRECTOR), ("Frank Darabont", *SCREENPLAY)],
    "tt0114369": [("David Fincher", *DIRECTOR)],
    "tt0110912": _TARANTINO,
    "tt0378194": _TARANTINO,
    "tt0119396": _TARANTINO,
    "tt0112864": [("John McTiernan", *DIRECTOR)],
    "tt0217869": [("M. Night Shyamalan", *DIRECTOR), ("M. Night Shyamalan", *SCREENPLAY)],
    "tt6823368": [("M. Night Shyamalan", *DIRECTOR), ("M. Night Shyamalan", *SCREENPLAY)],
    "tt0068646": [
        ("Francis Ford Coppola", *DIRECTOR),
        ("Francis Ford Coppola", *SCREENPLAY),
        ("Nino Rota", *MUSIC),
    ],
    "tt0071562": [("Francis Ford Coppola", *DIRECTOR), ("Nino Rota", *MUSIC)],
    "tt0113277": [("Michael Mann", *DIRECTOR), ("Michael Mann", *SCREENPLAY)],
    "tt1302006": [("Martin Scorsese", *DIRECTOR)],
    "tt0117665": [("Barry Levinson", *DIRECTOR), ("Barry Levinson", *SCREENPLAY)],
    "tt0120338": [
        ("James Cameron", *DIRECTOR),
        ("James Cameron", *SCREENPLAY),
        ("James Horner", *MUSIC),
    ],
    "tt0959337": [("Sam Mendes", *DIRECTOR)],
    "tt0264464": [("Steven Spielberg", *DIRECTOR), ("John Williams", *MUSIC)],
    "tt0120815": [("Steven Spielberg", *DIRECTOR), ("John Williams", *MUSIC)],
    "tt0407887": [("Martin Scorsese", *DIRECTOR)],
    "tt0240772": [("Steven Soderbergh", *DIRECTOR)],
    "tt0349903": [("Steven Soderbergh", *DIRECTOR)],
    "tt7131622": _TARANTINO,
    "tt1853728": _TARANTINO,
    "tt0372784": _NOLAN,
    "tt0468569": _NOLAN,
    "tt1345836": _NOLAN,
    "tt0114746": [("Terry Gilliam", *DIRECTOR)],
}
