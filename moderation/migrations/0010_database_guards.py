"""Guarantees in the database itself (PostgreSQL): what the models refuse, the database refuses too, so a
stray SQL statement, a bad migration or another program cannot do it either.

- A comment's content (article, author name and email, body, submission time, account) is never
  UPDATEd (deleting the reader's account may empty the link), except on the personal-data erasure path: `Comment.objects.erase_personal_data()` runs its
  UPDATE with the transaction-local setting `newsroom.erasure` naming an open erasure audit row that
  the same transaction inserted (privacy/), and then only the personal columns may change, and the
  body only of a rejected comment. Status, check results and connection data (IP address, user agent:
  cleared by the retention purge) are not content.
- A moderation decision is never UPDATEd or DELETEd, except that deleting a moderator's account may
  empty the link to it on rows that keep the username (moderation.models.keep_username_set_null).

SQLite (the embedded default) keeps the models' own guards only; nothing is installed there.
"""

from django.db import migrations

GUARDS = r"""
CREATE OR REPLACE FUNCTION newsroom_refuse_comment_content_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  erasure text := current_setting('newsroom.erasure', true);
BEGIN
  -- Deleting a reader's account empties the link (SET NULL): the comment stays as written.
  IF NEW.article_id IS DISTINCT FROM OLD.article_id OR NEW.submitted_at IS DISTINCT FROM OLD.submitted_at
     OR (NEW.user_id IS NOT NULL AND NEW.user_id IS DISTINCT FROM OLD.user_id) THEN
    RAISE EXCEPTION 'comment content is never changed (comment %)', OLD.id USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF NEW.author_name IS DISTINCT FROM OLD.author_name OR NEW.author_email IS DISTINCT FROM OLD.author_email
     OR NEW.body IS DISTINCT FROM OLD.body THEN
    IF erasure IS NULL OR erasure = '' OR NOT EXISTS (
      SELECT 1 FROM privacy_personaldataerasure e
      WHERE e.id::text = erasure AND e.completed_at IS NULL
        AND txid_status((txid_current() >> 32 << 32) + e.xmin::text::bigint) = 'in progress'
    ) THEN
      RAISE EXCEPTION 'comment content is never changed (comment %)', OLD.id USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.body IS DISTINCT FROM OLD.body AND OLD.status <> 'rejected' THEN
      RAISE EXCEPTION 'only a rejected comment''s text may be erased (comment %)', OLD.id USING ERRCODE = 'integrity_constraint_violation';
    END IF;
  END IF;
  RETURN NEW;
END $$;

DROP TRIGGER IF EXISTS comment_content_guard ON comments_comment;
CREATE TRIGGER comment_content_guard BEFORE UPDATE ON comments_comment
  FOR EACH ROW EXECUTE FUNCTION newsroom_refuse_comment_content_change();

CREATE OR REPLACE FUNCTION newsroom_refuse_decision_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.moderator_id IS NULL AND OLD.moderator_id IS NOT NULL
     AND OLD.moderator_username <> '' AND NEW.moderator_username = OLD.moderator_username
     AND (NEW.comment_id, NEW.verdict, NEW.reasons, NEW.note, NEW.previous_status, NEW.decided_at)
         IS NOT DISTINCT FROM (OLD.comment_id, OLD.verdict, OLD.reasons, OLD.note, OLD.previous_status, OLD.decided_at)
  THEN
    RETURN NEW;  -- the moderator's account was deleted; the row keeps the name
  END IF;
  RAISE EXCEPTION 'moderation decisions are never % (decision %)',
    CASE TG_OP WHEN 'DELETE' THEN 'deleted' ELSE 'rewritten' END, OLD.id
    USING ERRCODE = 'integrity_constraint_violation';
END $$;

DROP TRIGGER IF EXISTS decision_append_only ON moderation_moderationdecision;
CREATE TRIGGER decision_append_only BEFORE UPDATE OR DELETE ON moderation_moderationdecision
  FOR EACH ROW EXECUTE FUNCTION newsroom_refuse_decision_change();
"""

REMOVE = """
DROP TRIGGER IF EXISTS comment_content_guard ON comments_comment;
DROP FUNCTION IF EXISTS newsroom_refuse_comment_content_change();
DROP TRIGGER IF EXISTS decision_append_only ON moderation_moderationdecision;
DROP FUNCTION IF EXISTS newsroom_refuse_decision_change();
"""


def _run(schema_editor, sql: str) -> None:
    if schema_editor.connection.vendor == "postgresql":
        # A plain cursor, no parameters: the function bodies hold "%" (RAISE's placeholders).
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(sql)


def install(apps, schema_editor):
    _run(schema_editor, GUARDS)


def remove(apps, schema_editor):
    _run(schema_editor, REMOVE)


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0009_decision_stats_index_with_username"),
        ("comments", "0009_approved_counts"),
        ("privacy", "0001_initial"),
    ]

    operations = [migrations.RunPython(install, remove)]
