"""The same development grouped across outlets and languages: grouping, story storage, entity
keys."""
