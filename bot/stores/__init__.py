"""What the bot keeps: knowledge snapshots and reload, question log, preferences, journal."""
