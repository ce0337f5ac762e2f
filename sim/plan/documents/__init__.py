"""Machine-readable documents of the use cases: what ``--json`` prints and the run store keeps.

Ids, not display names; numbers rounded to the places each document promises; the few sentences
(a flag's detail, a post's rule) are the English of the text catalogue, made from typed fields.
"""
