"""The analyst's workspace: ``mediamon serve``, server-rendered pages and a JSON API (issue 17)."""
