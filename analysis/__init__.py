"""What drafters do with what the knowledge base finds, one folder per task:

  answer/  a trainee's question → the sentence that answers it, with the clauses as evidence
  review/  a drafting topic → 文献综述 grouped by level; a term → its definitions side by side
  gap/     a draft standard → 协调性分析 (basis, duplicates, conflicts, missing duties, references)

Shared: cite.py (citations, GB/T 7714), docx.py (DOCX helpers), exports.py (reports as files).
Everything here talks to the knowledge base through `index.kb.KnowledgeBase` only.
"""
