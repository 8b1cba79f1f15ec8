"""The Chinese web pages, server-rendered over the same KnowledgeBase as the JSON API."""
