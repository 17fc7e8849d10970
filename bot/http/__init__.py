"""HTTP: the Bot API transport and its retries, and the webhook server."""
