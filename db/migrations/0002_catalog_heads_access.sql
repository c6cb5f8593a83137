-- catalog_heads gains what the catalog filters and joins on (the FTS doc id, owner, visibility), so the
-- visibility condition is applied to the card rows themselves and a page never has to read every
-- `apps` row. Rebuilt from apps; the triggers that maintain it are recreated with the new columns.
DROP TRIGGER apps_catalog_ai;
--> statement-breakpoint
DROP TRIGGER apps_catalog_heads_au;
--> statement-breakpoint
DROP TRIGGER apps_catalog_ad;
--> statement-breakpoint
DROP TABLE catalog_heads;
--> statement-breakpoint
CREATE TABLE catalog_heads (
  audience TEXT NOT NULL,
  name TEXT NOT NULL,
  app_id TEXT NOT NULL,
  doc_id INTEGER NOT NULL,
  owner_id TEXT NOT NULL,
  visibility TEXT NOT NULL,
  sort_title TEXT NOT NULL,
  imported_at INTEGER NOT NULL,
  PRIMARY KEY (audience, name)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX catalog_heads_title_idx ON catalog_heads (audience, sort_title, name);
--> statement-breakpoint
CREATE INDEX catalog_heads_recent_idx ON catalog_heads (audience, imported_at DESC, name);
--> statement-breakpoint
CREATE UNIQUE INDEX catalog_heads_app_idx ON catalog_heads (app_id, audience);
--> statement-breakpoint
CREATE UNIQUE INDEX catalog_heads_doc_idx ON catalog_heads (doc_id, audience);
--> statement-breakpoint
CREATE TRIGGER apps_catalog_ai AFTER INSERT ON apps BEGIN
  INSERT INTO app_search_docs (app_id) VALUES (NEW.id);
  DELETE FROM app_search WHERE rowid = (SELECT doc_id FROM app_search_docs WHERE app_id = NEW.id);
  INSERT INTO app_search(rowid, name, title, description, long_description, tags)
    SELECT d.doc_id, a.name, a.title, a.description, a.long_description,
      coalesce((SELECT group_concat(t.name || ' ' || t.title, ' ') FROM app_tags at JOIN tags t ON t.id = at.tag_id WHERE at.app_id = a.id), '')
    FROM apps a JOIN app_search_docs d ON d.app_id = a.id WHERE a.id = NEW.id;
  DELETE FROM catalog_heads WHERE name = NEW.name;
  INSERT INTO catalog_heads (audience, name, app_id, doc_id, owner_id, visibility, sort_title, imported_at)
    SELECT 'shared', a.name, a.id, d.doc_id, a.owner_id, a.visibility, lower(coalesce(nullif(trim(a.title), ''), a.name)), a.created_at
    FROM apps a JOIN app_search_docs d ON d.app_id = a.id
    WHERE a.name = NEW.name AND a.visibility IN ('ALL_USERS', 'PUBLIC') ORDER BY a.version_key DESC LIMIT 1;
  INSERT INTO catalog_heads (audience, name, app_id, doc_id, owner_id, visibility, sort_title, imported_at)
    SELECT 'public', a.name, a.id, d.doc_id, a.owner_id, a.visibility, lower(coalesce(nullif(trim(a.title), ''), a.name)), a.created_at
    FROM apps a JOIN app_search_docs d ON d.app_id = a.id
    WHERE a.name = NEW.name AND a.visibility = 'PUBLIC' ORDER BY a.version_key DESC LIMIT 1;
  UPDATE catalog_state SET generation = generation + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER apps_catalog_heads_au AFTER UPDATE OF name, title, visibility, version_key, created_at, owner_id ON apps BEGIN
  DELETE FROM catalog_heads WHERE name = OLD.name;
  INSERT INTO catalog_heads (audience, name, app_id, doc_id, owner_id, visibility, sort_title, imported_at)
    SELECT 'shared', a.name, a.id, d.doc_id, a.owner_id, a.visibility, lower(coalesce(nullif(trim(a.title), ''), a.name)), a.created_at
    FROM apps a JOIN app_search_docs d ON d.app_id = a.id
    WHERE a.name = OLD.name AND a.visibility IN ('ALL_USERS', 'PUBLIC') ORDER BY a.version_key DESC LIMIT 1;
  INSERT INTO catalog_heads (audience, name, app_id, doc_id, owner_id, visibility, sort_title, imported_at)
    SELECT 'public', a.name, a.id, d.doc_id, a.owner_id, a.visibility, lower(coalesce(nullif(trim(a.title), ''), a.name)), a.created_at
    FROM apps a JOIN app_search_docs d ON d.app_id = a.id
    WHERE a.name = OLD.name AND a.visibility = 'PUBLIC' ORDER BY a.version_key DESC LIMIT 1;
  DELETE FROM catalog_heads WHERE name = NEW.name;
  INSERT INTO catalog_heads (audience, name, app_id, doc_id, owner_id, visibility, sort_title, imported_at)
    SELECT 'shared', a.name, a.id, d.doc_id, a.owner_id, a.visibility, lower(coalesce(nullif(trim(a.title), ''), a.name)), a.created_at
    FROM apps a JOIN app_search_docs d ON d.app_id = a.id
    WHERE a.name = NEW.name AND a.visibility IN ('ALL_USERS', 'PUBLIC') ORDER BY a.version_key DESC LIMIT 1;
  INSERT INTO catalog_heads (audience, name, app_id, doc_id, owner_id, visibility, sort_title, imported_at)
    SELECT 'public', a.name, a.id, d.doc_id, a.owner_id, a.visibility, lower(coalesce(nullif(trim(a.title), ''), a.name)), a.created_at
    FROM apps a JOIN app_search_docs d ON d.app_id = a.id
    WHERE a.name = NEW.name AND a.visibility = 'PUBLIC' ORDER BY a.version_key DESC LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER apps_catalog_ad AFTER DELETE ON apps BEGIN
  DELETE FROM app_search WHERE rowid = (SELECT doc_id FROM app_search_docs WHERE app_id = OLD.id);
  DELETE FROM app_search_docs WHERE app_id = OLD.id;
  DELETE FROM catalog_heads WHERE name = OLD.name;
  INSERT INTO catalog_heads (audience, name, app_id, doc_id, owner_id, visibility, sort_title, imported_at)
    SELECT 'shared', a.name, a.id, d.doc_id, a.owner_id, a.visibility, lower(coalesce(nullif(trim(a.title), ''), a.name)), a.created_at
    FROM apps a JOIN app_search_docs d ON d.app_id = a.id
    WHERE a.name = OLD.name AND a.visibility IN ('ALL_USERS', 'PUBLIC') ORDER BY a.version_key DESC LIMIT 1;
  INSERT INTO catalog_heads (audience, name, app_id, doc_id, owner_id, visibility, sort_title, imported_at)
    SELECT 'public', a.name, a.id, d.doc_id, a.owner_id, a.visibility, lower(coalesce(nullif(trim(a.title), ''), a.name)), a.created_at
    FROM apps a JOIN app_search_docs d ON d.app_id = a.id
    WHERE a.name = OLD.name AND a.visibility = 'PUBLIC' ORDER BY a.version_key DESC LIMIT 1;
  UPDATE catalog_state SET generation = generation + 1 WHERE id = 1;
END;
--> statement-breakpoint
INSERT INTO catalog_heads (audience, name, app_id, doc_id, owner_id, visibility, sort_title, imported_at)
  SELECT audience, name, id, doc_id, owner_id, visibility, lower(coalesce(nullif(trim(title), ''), name)), created_at FROM (
    SELECT 'shared' AS audience, a.*, d.doc_id, row_number() OVER (PARTITION BY a.name ORDER BY a.version_key DESC) AS rn
      FROM apps a JOIN app_search_docs d ON d.app_id = a.id WHERE a.visibility IN ('ALL_USERS', 'PUBLIC')
    UNION ALL
    SELECT 'public' AS audience, a.*, d.doc_id, row_number() OVER (PARTITION BY a.name ORDER BY a.version_key DESC) AS rn
      FROM apps a JOIN app_search_docs d ON d.app_id = a.id WHERE a.visibility = 'PUBLIC'
  ) WHERE rn = 1;
--> statement-breakpoint
UPDATE catalog_state SET generation = generation + 1 WHERE id = 1;;
