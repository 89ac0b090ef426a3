"""The workspace's HTML pages, one module per group of pages, each with its own router."""
