"""Full-text search indexes for the search across dialogues (issue 13), on PostgreSQL only.

GIN indexes on the expression the search queries with (continuity/selectors/search.py): ``to_tsvector`` with the
'swedish' configuration (stemming, Swedish stop words) over the answers, agreements and their comments, the deck's
points (the team's draft and what was shared), the clinic's comments and the team's replies, and the reasons and
notes of fördjupad uppföljning. Expression indexes, not stored columns: the tables stay as they are, and SQLite
(which searches with a plain LIKE instead) needs nothing. The expressions here must stay exactly those of the
queries; a test on PostgreSQL checks that the plans use these indexes.
"""

from django.db import migrations

SWEDISH = "to_tsvector('swedish'::regconfig, {})"
INDEXES = [
    ("search_answer_text", "dialogs_answer", SWEDISH.format('"text"')),
    ("search_agreement_text", "dialogs_agreement", SWEDISH.format('"text"')),
    ("search_agreementchange_comment", "dialogs_agreementchange", SWEDISH.format('"comment"')),
    ("search_case_reason", "dialogs_case", SWEDISH.format('"reason"')),
    ("search_caseentry_text", "dialogs_caseentry", SWEDISH.format('"text"')),
    ("search_feedbacksection_items", "feedback_feedbacksection", SWEDISH.format('"items"')),
    (
        "search_sharedversion_items",
        "feedback_sharedversion",
        SWEDISH.format("jsonb_path_query_array(\"snapshot\", '$.sections[*].items[*]')"),
    ),
    ("search_cliniccomment_text", "feedback_cliniccomment", SWEDISH.format('"text"')),
    ("search_teamreply_text", "feedback_teamreply", SWEDISH.format('"text"')),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, expression in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (({expression}))")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _expression in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("dialogs", "0006_agreements_cases"),
        ("feedback", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
