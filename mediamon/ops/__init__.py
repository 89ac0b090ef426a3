"""Unattended operation: the scheduler, its jobs, supervision of child processes, reload, status,
health and alerts, the demo."""
