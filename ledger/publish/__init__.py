"""The ledger as a static site people can open from disk or host anywhere."""

from ledger.publish.site import build, qualifier_words, slugify

__all__ = ["build", "qualifier_words", "slugify"]
