"""`stdkb eval`: questions with gold clauses scored against stdkb and two naive baselines."""
