"""HTML -> clean article: trafilatura, page metadata and dates, appeals, learned template lines,
language, the extraction pool."""
