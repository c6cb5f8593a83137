-- Issue 15 (cold start): building an audience's head index read every head's tags with a join of app_tags
-- to catalog_heads (about 294,000 rows at 100,000 apps, half of the first page after a restart). Each head
-- now carries its tags' ids, a JSON array, kept by triggers: when a version becomes a head (every insert
-- into catalog_heads, whichever apps trigger made it), and when an app_tags row is added, removed or
-- changed (deleting a tag or an app version removes its app_tags rows, which fire the same triggers).
-- Tag ids, not the tags' rowids: VACUUM may renumber the rowids of a table without an INTEGER PRIMARY KEY.
ALTER TABLE catalog_heads ADD tag_ids TEXT NOT NULL DEFAULT '[]';
--> statement-breakpoint
CREATE TRIGGER catalog_heads_tags_ai AFTER INSERT ON catalog_heads BEGIN
  UPDATE catalog_heads SET tag_ids = (SELECT json_group_array(tag_id) FROM app_tags WHERE app_id = NEW.app_id)
    WHERE audience = NEW.audience AND name = NEW.name;
END;
--> statement-breakpoint
CREATE TRIGGER app_tags_heads_ai AFTER INSERT ON app_tags BEGIN
  UPDATE catalog_heads SET tag_ids = (SELECT json_group_array(tag_id) FROM app_tags WHERE app_id = NEW.app_id)
    WHERE app_id = NEW.app_id;
END;
--> statement-breakpoint
CREATE TRIGGER app_tags_heads_ad AFTER DELETE ON app_tags BEGIN
  UPDATE catalog_heads SET tag_ids = (SELECT json_group_array(tag_id) FROM app_tags WHERE app_id = OLD.app_id)
    WHERE app_id = OLD.app_id;
END;
--> statement-breakpoint
CREATE TRIGGER app_tags_heads_au AFTER UPDATE ON app_tags BEGIN
  UPDATE catalog_heads SET tag_ids = (SELECT json_group_array(tag_id) FROM app_tags WHERE app_id = OLD.app_id)
    WHERE app_id = OLD.app_id;
  UPDATE catalog_heads SET tag_ids = (SELECT json_group_array(tag_id) FROM app_tags WHERE app_id = NEW.app_id)
    WHERE app_id = NEW.app_id;
END;
--> statement-breakpoint
UPDATE catalog_heads SET tag_ids = (SELECT json_group_array(tag_id) FROM app_tags WHERE app_tags.app_id = catalog_heads.app_id);
--> statement-breakpoint
UPDATE catalog_state SET generation = generation + 1 WHERE id = 1;
