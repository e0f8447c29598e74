"""运营管家's work: reminders in plain Chinese, the owner's daily brief, and the workspace's group bots.

    models.py    Reminder, Bulletin (what the owner reads in the app), Channel (a group-bot webhook)
    wording.py   the owner's sentence -> a reminder (once, recurring, or a deadline reminded ahead)
    brief.py     the daily brief's sections, read from the database (metrics through ``metrics.query``)
    channels.py  企业微信 / 钉钉 / 飞书 message bodies, signing, sending; URLs and secrets sealed in the vault
    deliver.py   a bulletin recorded once (its key is the claim), then pushed once to the workspace's bots
    due.py       what the scheduler calls every tick: due reminders, due briefs, pushes not yet made
"""
