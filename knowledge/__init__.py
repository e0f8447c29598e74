"""The owner's knowledge base: documents a workspace uploads (brand guide, product sheets, FAQ) turned into
searchable passages that employees quote when they draft posts.

    extract.py  file bytes -> plain text (txt/md/docx/pdf), or a field-level ``KnowledgeError``
    chunk.py    text -> passages of ~300-500 characters on sentence boundaries
    search.py   Chinese tokenization (jieba) and BM25 over one workspace's passages
    store.py    add / list / delete documents (the only module that writes)
    models.py   the ``kb_docs`` and ``kb_chunks`` tables
"""
