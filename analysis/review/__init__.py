"""Literature review of a drafting topic, and the definitions of a term across the corpus."""
