"""Session health: every account's saved login is looked at before it is needed (docs/session-health.md).

- ``models``: one row per account, what the last check found and when the next is due.
- ``schedule``: which accounts are due for a check (called by the scheduler on every tick).
- ``check``: the check job itself (a worker opens a cheap logged-in page, read-only, holding the account lock).
- ``notices``: the re-login request pushed to the owner's phone, once per expiry.
"""
