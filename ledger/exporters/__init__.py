"""Writers of the formats people already use: Football.TXT, CSV, Wikipedia-style text.

Each is a pure function of the `Ledger` reads; `ledger export --format` picks one.
"""

from ledger.exporters.common import Reading, read
from ledger.exporters.csv import results_csv, standings_csv
from ledger.exporters.footballtxt import football_txt
from ledger.exporters.wikitext import wiki_text

__all__ = [
    "Reading",
    "football_txt",
    "read",
    "results_csv",
    "standings_csv",
    "wiki_text",
]
