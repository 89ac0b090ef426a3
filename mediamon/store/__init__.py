"""Saving articles: addresses within an outlet, exact and near duplicates, versions, search, re-
extraction and re-tagging."""
