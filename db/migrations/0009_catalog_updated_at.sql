ALTER TABLE `apps` ADD `listed_at` integer;
--> statement-breakpoint
-- Issue 16 item 8: "Recently updated" follows the last change that made an app visible (publishing or
-- another visibility change, a tag added or removed), not only its import. apps.listed_at records that
-- change (null: none since the import); the catalog heads carry coalesce(listed_at, created_at) as
-- updated_at. The triggers that keep catalog_heads are recreated with it.
DROP TRIGGER apps_catalog_ai;
--> statement-breakpoint
DROP TRIGGER apps_catalog_heads_au;
--> statement-breakpoint
DROP TRIGGER apps_catalog_ad;
--> statement-breakpoint
DROP INDEX catalog_heads_recent_idx;
--> statement-breakpoint
ALTER TABLE catalog_heads RENAME COLUMN imported_at TO updated_at;
--> statement-breakpoint
CREATE INDEX catalog_heads_recent_idx ON catalog_heads (audience, updated_at DESC, name);
--> statement-breakpoint
CREATE TRIGGER apps_catalog_ai AFTER INSERT ON apps BEGIN
  INSERT INTO app_search_docs (app_id) VALUES (NEW.id);
  DELETE FROM app_search WHERE rowid = (SELECT doc_id FROM app_search_docs WHERE app_id = NEW.id);
  INSERT INTO app_search(rowid, name, title, description, long_description, tags)
    SELECT d.doc_id, a.name, a.title, a.description, a.long_description,
      coalesce((SELECT group_concat(t.name || ' ' || t.title, ' ') FROM app_tags at JOIN tags t ON t.id = at.tag_id WHERE at.app_id = a.id), '')
    FROM apps a JOIN app_search_docs d ON d.app_id = a.id WHERE a.id = NEW.id;
  DELETE FROM catalog_heads WHERE name = NEW.name;
  INSERT INTO catalog_heads (audience, name, app_id, doc_id, owner_id, visibility, sort_title, updated_at)
    SELECT 'shared', a.name, a.id, d.doc_id, a.owner_id, a.visibility, lower(coalesce(nullif(trim(a.title), ''), a.name)), coalesce(a.listed_at, a.created_at)
    FROM apps a JOIN app_search_docs d ON d.app_id = a.id
    WHERE a.name = NEW.name AND a.visibility IN ('ALL_USERS', 'PUBLIC') ORDER BY a.version_key DESC LIMIT 1;
  INSERT INTO catalog_heads (audience, name, app_id, doc_id, owner_id, visibility, sort_title, updated_at)
    SELECT 'public', a.name, a.id, d.doc_id, a.owner_id, a.visibility, lower(coalesce(nullif(trim(a.title), ''), a.name)), coalesce(a.listed_at, a.created_at)
    FROM apps a JOIN app_search_docs d ON d.app_id = a.id
    WHERE a.name = NEW.name AND a.visibility = 'PUBLIC' ORDER BY a.version_key DESC LIMIT 1;
  UPDATE catalog_state SET generation = generation + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER apps_catalog_heads_au AFTER UPDATE OF name, title, visibility, version_key, created_at, owner_id ON apps BEGIN
  DELETE FROM catalog_heads WHERE name = OLD.name;
  INSERT INTO catalog_heads (audience, name, app_id, doc_id, owner_id, visibility, sort_title, updated_at)
    SELECT 'shared', a.name, a.id, d.doc_id, a.owner_id, a.visibility, lower(coalesce(nullif(trim(a.title), ''), a.name)), coalesce(a.listed_at, a.created_at)
    FROM apps a JOIN app_search_docs d ON d.app_id = a.id
    WHERE a.name = OLD.name AND a.visibility IN ('ALL_USERS', 'PUBLIC') ORDER BY a.version_key DESC LIMIT 1;
  INSERT INTO catalog_heads (audience, name, app_id, doc_id, owner_id, visibility, sort_title, updated_at)
    SELECT 'public', a.name, a.id, d.doc_id, a.owner_id, a.visibility, lower(coalesce(nullif(trim(a.title), ''), a.name)), coalesce(a.listed_at, a.created_at)
    FROM apps a JOIN app_search_docs d ON d.app_id = a.id
    WHERE a.name = OLD.name AND a.visibility = 'PUBLIC' ORDER BY a.version_key DESC LIMIT 1;
  DELETE FROM catalog_heads WHERE name = NEW.name;
  INSERT INTO catalog_heads (audience, name, app_id, doc_id, owner_id, visibility, sort_title, updated_at)
    SELECT 'shared', a.name, a.id, d.doc_id, a.owner_id, a.visibility, lower(coalesce(nullif(trim(a.title), ''), a.name)), coalesce(a.listed_at, a.created_at)
    FROM apps a JOIN app_search_docs d ON d.app_id = a.id
    WHERE a.name = NEW.name AND a.visibility IN ('ALL_USERS', 'PUBLIC') ORDER BY a.version_key DESC LIMIT 1;
  INSERT INTO catalog_heads (audience, name, app_id, doc_id, owner_id, visibility, sort_title, updated_at)
    SELECT 'public', a.name, a.id, d.doc_id, a.owner_id, a.visibility, lower(coalesce(nullif(trim(a.title), ''), a.name)), coalesce(a.listed_at, a.created_at)
    FROM apps a JOIN app_search_docs d ON d.app_id = a.id
    WHERE a.name = NEW.name AND a.visibility = 'PUBLIC' ORDER BY a.version_key DESC LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER apps_catalog_ad AFTER DELETE ON apps BEGIN
  DELETE FROM app_search WHERE rowid = (SELECT doc_id FROM app_search_docs WHERE app_id = OLD.id);
  DELETE FROM app_search_docs WHERE app_id = OLD.id;
  DELETE FROM catalog_heads WHERE name = OLD.name;
  INSERT INTO catalog_heads (audience, name, app_id, doc_id, owner_id, visibility, sort_title, updated_at)
    SELECT 'shared', a.name, a.id, d.doc_id, a.owner_id, a.visibility, lower(coalesce(nullif(trim(a.title), ''), a.name)), coalesce(a.listed_at, a.created_at)
    FROM apps a JOIN app_search_docs d ON d.app_id = a.id
    WHERE a.name = OLD.name AND a.visibility IN ('ALL_USERS', 'PUBLIC') ORDER BY a.version_key DESC LIMIT 1;
  INSERT INTO catalog_heads (audience, name, app_id, doc_id, owner_id, visibility, sort_title, updated_at)
    SELECT 'public', a.name, a.id, d.doc_id, a.owner_id, a.visibility, lower(coalesce(nullif(trim(a.title), ''), a.name)), coalesce(a.listed_at, a.created_at)
    FROM apps a JOIN app_search_docs d ON d.app_id = a.id
    WHERE a.name = OLD.name AND a.visibility = 'PUBLIC' ORDER BY a.version_key DESC LIMIT 1;
  UPDATE catalog_state SET generation = generation + 1 WHERE id = 1;
END;
--> statement-breakpoint
-- Publishing (any change to a visibility other than PRIVATE) and tag changes stamp listed_at, which
-- moves the Name's card when the version is a head (one indexed update: which versions are heads does
-- not change with listed_at).
CREATE TRIGGER apps_listed_heads_au AFTER UPDATE OF listed_at ON apps BEGIN
  UPDATE catalog_heads SET updated_at = coalesce(NEW.listed_at, NEW.created_at) WHERE app_id = NEW.id;
END;
--> statement-breakpoint
CREATE TRIGGER apps_listed_visibility_au AFTER UPDATE OF visibility ON apps
WHEN NEW.visibility <> OLD.visibility AND NEW.visibility <> 'PRIVATE' BEGIN
  UPDATE apps SET listed_at = CAST(unixepoch('subsec') * 1000 AS INTEGER) WHERE id = NEW.id;
END;
--> statement-breakpoint
CREATE TRIGGER app_tags_listed_ai AFTER INSERT ON app_tags BEGIN
  UPDATE apps SET listed_at = CAST(unixepoch('subsec') * 1000 AS INTEGER) WHERE id = NEW.app_id;
END;
--> statement-breakpoint
CREATE TRIGGER app_tags_listed_ad AFTER DELETE ON app_tags BEGIN
  UPDATE apps SET listed_at = CAST(unixepoch('subsec') * 1000 AS INTEGER) WHERE id = OLD.app_id;
END;
--> statement-breakpoint
UPDATE catalog_state SET generation = generation + 1 WHERE id = 1;
