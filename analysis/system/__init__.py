"""The standards system (标准体系) of 机关事务: a framework of areas, every document placed in it,
and what each area holds and lacks."""
