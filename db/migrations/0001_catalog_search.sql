-- Catalog search and listing support (issue 5), kept in sync by triggers so that every writer
-- (importer, tag editing, visibility changes, deletion) updates them in the same transaction.
--
-- app_search: FTS5 over each app version's name, title, description, long description and tag
-- names/titles. Its rowid comes from app_search_docs, because the implicit rowid of `apps` (text
-- primary key) may change on VACUUM.
CREATE TABLE app_search_docs (
  doc_id INTEGER PRIMARY KEY,
  app_id TEXT NOT NULL UNIQUE
);
--> statement-breakpoint
CREATE VIRTUAL TABLE app_search USING fts5(
  name, title, description, long_description, tags,
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2 3'
);
--> statement-breakpoint
-- catalog_heads: the newest version (semver, via version_key) of each Name among the shared
-- (ALL_USERS or PUBLIC) and among the PUBLIC versions: the catalog's cards for full-access viewers
-- and for anonymous visitors in public mode, with their sort keys, so a page is an index range.
CREATE TABLE catalog_heads (
  audience TEXT NOT NULL,
  name TEXT NOT NULL,
  app_id TEXT NOT NULL,
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
-- catalog_state.generation: bumped by every write that can change what the catalog shows, so
-- lib/catalog can cache query results and know exactly when they are stale (across processes too).
CREATE TABLE catalog_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  generation INTEGER NOT NULL
);
--> statement-breakpoint
INSERT INTO catalog_state (id, generation) VALUES (1, 0);
--> statement-breakpoint
CREATE TRIGGER apps_catalog_ai AFTER INSERT ON apps BEGIN
  INSERT INTO app_search_docs (app_id) VALUES (NEW.id);
  DELETE FROM app_search WHERE rowid = (SELECT doc_id FROM app_search_docs WHERE app_id = NEW.id);
  INSERT INTO app_search(rowid, name, title, description, long_description, tags)
    SELECT d.doc_id, a.name, a.title, a.description, a.long_description,
      coalesce((SELECT group_concat(t.name || ' ' || t.title, ' ') FROM app_tags at JOIN tags t ON t.id = at.tag_id WHERE at.app_id = a.id), '')
    FROM apps a JOIN app_search_docs d ON d.app_id = a.id WHERE a.id = NEW.id;
  DELETE FROM catalog_heads WHERE name = NEW.name;
  INSERT INTO catalog_heads(audience, name, app_id, sort_title, imported_at)
    SELECT 'shared', name, id, lower(coalesce(nullif(trim(title), ''), name)), created_at FROM apps
    WHERE name = NEW.name AND visibility IN ('ALL_USERS', 'PUBLIC') ORDER BY version_key DESC LIMIT 1;
  INSERT INTO catalog_heads(audience, name, app_id, sort_title, imported_at)
    SELECT 'public', name, id, lower(coalesce(nullif(trim(title), ''), name)), created_at FROM apps
    WHERE name = NEW.name AND visibility = 'PUBLIC' ORDER BY version_key DESC LIMIT 1;
  UPDATE catalog_state SET generation = generation + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER apps_catalog_search_au AFTER UPDATE OF name, title, description, long_description ON apps BEGIN
  DELETE FROM app_search WHERE rowid = (SELECT doc_id FROM app_search_docs WHERE app_id = NEW.id);
  INSERT INTO app_search(rowid, name, title, description, long_description, tags)
    SELECT d.doc_id, a.name, a.title, a.description, a.long_description,
      coalesce((SELECT group_concat(t.name || ' ' || t.title, ' ') FROM app_tags at JOIN tags t ON t.id = at.tag_id WHERE at.app_id = a.id), '')
    FROM apps a JOIN app_search_docs d ON d.app_id = a.id WHERE a.id = NEW.id;
END;
--> statement-breakpoint
CREATE TRIGGER apps_catalog_heads_au AFTER UPDATE OF name, title, visibility, version_key, created_at ON apps BEGIN
  DELETE FROM catalog_heads WHERE name = OLD.name;
  INSERT INTO catalog_heads(audience, name, app_id, sort_title, imported_at)
    SELECT 'shared', name, id, lower(coalesce(nullif(trim(title), ''), name)), created_at FROM apps
    WHERE name = OLD.name AND visibility IN ('ALL_USERS', 'PUBLIC') ORDER BY version_key DESC LIMIT 1;
  INSERT INTO catalog_heads(audience, name, app_id, sort_title, imported_at)
    SELECT 'public', name, id, lower(coalesce(nullif(trim(title), ''), name)), created_at FROM apps
    WHERE name = OLD.name AND visibility = 'PUBLIC' ORDER BY version_key DESC LIMIT 1;
  DELETE FROM catalog_heads WHERE name = NEW.name;
  INSERT INTO catalog_heads(audience, name, app_id, sort_title, imported_at)
    SELECT 'shared', name, id, lower(coalesce(nullif(trim(title), ''), name)), created_at FROM apps
    WHERE name = NEW.name AND visibility IN ('ALL_USERS', 'PUBLIC') ORDER BY version_key DESC LIMIT 1;
  INSERT INTO catalog_heads(audience, name, app_id, sort_title, imported_at)
    SELECT 'public', name, id, lower(coalesce(nullif(trim(title), ''), name)), created_at FROM apps
    WHERE name = NEW.name AND visibility = 'PUBLIC' ORDER BY version_key DESC LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER apps_catalog_gen_au AFTER UPDATE ON apps BEGIN
  UPDATE catalog_state SET generation = generation + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER apps_catalog_ad AFTER DELETE ON apps BEGIN
  DELETE FROM app_search WHERE rowid = (SELECT doc_id FROM app_search_docs WHERE app_id = OLD.id);
  DELETE FROM app_search_docs WHERE app_id = OLD.id;
  DELETE FROM catalog_heads WHERE name = OLD.name;
  INSERT INTO catalog_heads(audience, name, app_id, sort_title, imported_at)
    SELECT 'shared', name, id, lower(coalesce(nullif(trim(title), ''), name)), created_at FROM apps
    WHERE name = OLD.name AND visibility IN ('ALL_USERS', 'PUBLIC') ORDER BY version_key DESC LIMIT 1;
  INSERT INTO catalog_heads(audience, name, app_id, sort_title, imported_at)
    SELECT 'public', name, id, lower(coalesce(nullif(trim(title), ''), name)), created_at FROM apps
    WHERE name = OLD.name AND visibility = 'PUBLIC' ORDER BY version_key DESC LIMIT 1;
  UPDATE catalog_state SET generation = generation + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER app_tags_catalog_ai AFTER INSERT ON app_tags BEGIN
  DELETE FROM app_search WHERE rowid = (SELECT doc_id FROM app_search_docs WHERE app_id = NEW.app_id);
  INSERT INTO app_search(rowid, name, title, description, long_description, tags)
    SELECT d.doc_id, a.name, a.title, a.description, a.long_description,
      coalesce((SELECT group_concat(t.name || ' ' || t.title, ' ') FROM app_tags at JOIN tags t ON t.id = at.tag_id WHERE at.app_id = a.id), '')
    FROM apps a JOIN app_search_docs d ON d.app_id = a.id WHERE a.id = NEW.app_id;
  UPDATE catalog_state SET generation = generation + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER app_tags_catalog_ad AFTER DELETE ON app_tags BEGIN
  DELETE FROM app_search WHERE rowid = (SELECT doc_id FROM app_search_docs WHERE app_id = OLD.app_id);
  INSERT INTO app_search(rowid, name, title, description, long_description, tags)
    SELECT d.doc_id, a.name, a.title, a.description, a.long_description,
      coalesce((SELECT group_concat(t.name || ' ' || t.title, ' ') FROM app_tags at JOIN tags t ON t.id = at.tag_id WHERE at.app_id = a.id), '')
    FROM apps a JOIN app_search_docs d ON d.app_id = a.id WHERE a.id = OLD.app_id;
  UPDATE catalog_state SET generation = generation + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER tags_catalog_au AFTER UPDATE ON tags BEGIN
  DELETE FROM app_search WHERE rowid IN (
    SELECT d.doc_id FROM app_search_docs d JOIN app_tags at ON at.app_id = d.app_id WHERE at.tag_id = NEW.id);
  INSERT INTO app_search(rowid, name, title, description, long_description, tags)
    SELECT d.doc_id, a.name, a.title, a.description, a.long_description,
      coalesce((SELECT group_concat(t.name || ' ' || t.title, ' ') FROM app_tags x JOIN tags t ON t.id = x.tag_id WHERE x.app_id = a.id), '')
    FROM apps a JOIN app_search_docs d ON d.app_id = a.id JOIN app_tags at ON at.app_id = a.id WHERE at.tag_id = NEW.id;
  UPDATE catalog_state SET generation = generation + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER tags_catalog_ai AFTER INSERT ON tags BEGIN
  UPDATE catalog_state SET generation = generation + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER tags_catalog_ad AFTER DELETE ON tags BEGIN
  UPDATE catalog_state SET generation = generation + 1 WHERE id = 1;
END;
--> statement-breakpoint
-- Apps imported before this migration.
INSERT INTO app_search_docs (app_id) SELECT id FROM apps ORDER BY created_at;
--> statement-breakpoint
INSERT INTO app_search(rowid, name, title, description, long_description, tags)
  SELECT d.doc_id, a.name, a.title, a.description, a.long_description,
    coalesce((SELECT group_concat(t.name || ' ' || t.title, ' ') FROM app_tags at JOIN tags t ON t.id = at.tag_id WHERE at.app_id = a.id), '')
  FROM apps a JOIN app_search_docs d ON d.app_id = a.id;
--> statement-breakpoint
INSERT INTO catalog_heads (audience, name, app_id, sort_title, imported_at)
  SELECT audience, name, id, lower(coalesce(nullif(trim(title), ''), name)), created_at FROM (
    SELECT 'shared' AS audience, a.*, row_number() OVER (PARTITION BY name ORDER BY version_key DESC) AS rn
      FROM apps a WHERE visibility IN ('ALL_USERS', 'PUBLIC')
    UNION ALL
    SELECT 'public' AS audience, a.*, row_number() OVER (PARTITION BY name ORDER BY version_key DESC) AS rn
      FROM apps a WHERE visibility = 'PUBLIC'
  ) WHERE rn = 1;
