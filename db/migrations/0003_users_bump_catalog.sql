-- App pages show their owner's name (and e-mail to full-access viewers): a change to either must
-- invalidate cached pages (lib/page-cache), like any write to apps and tags does.
CREATE TRIGGER users_catalog_generation_au AFTER UPDATE OF name, email ON users BEGIN
  UPDATE catalog_state SET generation = generation + 1 WHERE id = 1;
END;
