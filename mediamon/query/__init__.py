"""The topic query language: parser, nodes, stemming, text analysis. A leaf: it imports nothing
else of mediamon."""
