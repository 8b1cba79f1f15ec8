"""标准实施: putting standards to work — self-assessment checklists (自查表) from a document's own
requirement sentences."""
