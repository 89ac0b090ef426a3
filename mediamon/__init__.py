"""mediamon: follow how an event is covered across many outlets."""

__version__ = "0.1.0"
