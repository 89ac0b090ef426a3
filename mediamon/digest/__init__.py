"""The digest: selection, the model, renderers, the feed, health notes, mail, templates/."""
