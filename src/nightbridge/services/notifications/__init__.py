"""Notifications (issue 14 item 4): the clinic's on-call address is emailed when an
emergency, crisis or urgent alert is raised for a person who shares with it, and
optionally once a day with counts. No health data is ever in an email
(docs/notifications.md).

``outbox``: the notices, added in the transaction that raised the alert.
``messages``: what an email says (a count and a link). ``mailer``: SMTP (stdlib).
``worker``: claims due notices and sends them (``run_once``; a thread in ``serve``,
``nightbridge notify send`` for cron).
"""
