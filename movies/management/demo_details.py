"""Details of the demo catalog's movies (load_demo_data), by IMDb id: running times
and keywords."""

# Running times in minutes (the diary's year in review adds them up).
RUNTIMES = {
    "tt0133093": 136, "tt0234215": 138, "tt0242653": 129, "tt10838180": 148,
    "tt4425200": 122, "tt6146586": 131, "tt0118971": 144, "tt0111161": 142,
    "tt0114369": 127, "tt0110912": 154, "tt0378194": 137, "tt0119396": 154,
    "tt0112864": 128, "tt0217869": 106, "tt6823368": 129, "tt0068646": 175,
    "tt0071562": 202, "tt0113277": 170, "tt1302006": 209, "tt0117665": 147,
    "tt0120338": 194, "tt0959337": 119, "tt0264464": 141, "tt0120815": 169,
    "tt0407887": 151, "tt0240772": 116, "tt0349903": 125, "tt7131622": 161,
    "tt1853728": 165, "tt0372784": 140, "tt0468569": 152, "tt1345836": 164,
    "tt0114746": 129,
}  # fmt: skip

# Keywords by IMDb id (TMDB's, abridged): the similar movies and the `keyword` filter
# have something to find in the demo catalog.
MOVIE_KEYWORDS = {
    "tt0133093": ("simulation", "dystopia", "artificial intelligence", "chosen one"),
    "tt0234215": ("simulation", "dystopia", "artificial intelligence", "sequel"),
    "tt0242653": ("simulation", "dystopia", "artificial intelligence", "sequel"),
    "tt10838180": ("simulation", "artificial intelligence", "sequel"),
    "tt4425200": ("hitman", "revenge", "sequel"),
    "tt6146586": ("hitman", "sequel"),
    "tt0114369": ("serial killer", "detective"),
    "tt0110912": ("hitman", "nonlinear timeline"),
    "tt0378194": ("revenge", "sequel"),
    "tt0217869": ("superhero",),
    "tt6823368": ("superhero", "sequel"),
    "tt0068646": ("mafia", "crime family"),
    "tt0071562": ("mafia", "crime family", "sequel"),
    "tt0113277": ("heist", "detective"),
    "tt1302006": ("mafia", "hitman"),
    "tt0407887": ("mafia", "undercover", "police"),
    "tt0240772": ("heist", "casino"),
    "tt0349903": ("heist", "sequel"),
}
