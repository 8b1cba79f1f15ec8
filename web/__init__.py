"""Web pages (Chinese UI) served by the API app."""
