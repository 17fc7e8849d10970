"""The Telegram face: the application, its handlers, rendering to HTML, callback data."""
