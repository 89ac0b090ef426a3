"""Alerts on developments (issue 18): subscriptions' stories and topics watched as the store and
stories stages commit; each development recorded once, merged per story, delivered with retries."""
