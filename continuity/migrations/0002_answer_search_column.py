"""Answers get a stored tsvector on PostgreSQL (issue 13, search).

Answers are the one large table the search reads (525,000 rows in the country). Searching a region for a common
word, PostgreSQL may prefer the region's answers by their dialogue index and test each one; with only an expression
index that means computing ``to_tsvector`` for each of 25,000 answers (135 ms in bench/continuity.py). A stored
generated column holds the vector once per row – written by the database itself whenever the text changes, never by
Django, which does not know the column – so whichever plan PostgreSQL picks is fast. The GIN index moves to the
column; the expression index of 0001 goes. Other databases (SQLite) are untouched.
"""

from django.db import migrations

ADD = [
    "ALTER TABLE dialogs_answer ADD COLUMN search_swedish tsvector "
    "GENERATED ALWAYS AS (to_tsvector('swedish'::regconfig, \"text\")) STORED",
    "CREATE INDEX IF NOT EXISTS search_answer_vector ON dialogs_answer USING gin (search_swedish)",
    "DROP INDEX IF EXISTS search_answer_text",
]
REMOVE = [
    "CREATE INDEX IF NOT EXISTS search_answer_text ON dialogs_answer USING gin ((to_tsvector('swedish'::regconfig, \"text\")))",
    "DROP INDEX IF EXISTS search_answer_vector",
    "ALTER TABLE dialogs_answer DROP COLUMN IF EXISTS search_swedish",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("continuity", "0001_search_indexes")]

    operations = [migrations.RunPython(_run(ADD), _run(REMOVE))]
