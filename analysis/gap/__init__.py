"""Gap analysis (协调性分析) of a draft standard against the knowledge base."""
