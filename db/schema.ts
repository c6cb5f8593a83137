// The portal's data model: tables and inferred row types, in one place.
import { sql } from 'drizzle-orm';
import { blob, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

const createdAt = () =>
  integer('created_at', { mode: 'timestamp_ms' })
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`);

/** JSON array of strings stored as text. */
const stringList = (name: string) =>
  text(name, { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`);

export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    /** Stored lower-cased; the sign-in name. */
    email: text('email').notNull(),
    name: text('name').notNull(),
    /** bcrypt hash; null for users who only sign in through OpenID Connect. */
    passwordHash: text('password_hash'),
    isAdmin: integer('is_admin', { mode: 'boolean' }).notNull().default(false),
    roles: stringList('roles'),
    disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
    /** `iss|sub` of the OpenID Connect identity this user was created from. */
    oidcSubject: text('oidc_subject'),
    createdAt: createdAt(),
    lastSeenAt: integer('last_seen_at', { mode: 'timestamp_ms' }),
    /**
     * Carried in every session (cookie and app-host cookie); bumping it ends every session issued before
     * (lib/auth/revocation.ts).
     */
    sessionVersion: integer('session_version').notNull().default(0),
    /**
     * When the user's API tokens were last revoked ("Sign out everywhere", password set, account disabled):
     * the identity provider's access tokens issued before it are refused (lib/auth/provider-tokens.ts).
     */
    tokensRevokedAt: integer('tokens_revoked_at', { mode: 'timestamp_ms' }),
  },
  (t) => [uniqueIndex('users_email_unique').on(t.email), uniqueIndex('users_oidc_unique').on(t.oidcSubject)],
);
export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;

export const apiTokens = sqliteTable(
  'api_tokens',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** SHA-256 of the token; the token itself is shown once and never stored. */
    tokenHash: text('token_hash').notNull(),
    /** First characters of the token, so a user can tell their tokens apart. */
    prefix: text('prefix').notNull(),
    createdAt: createdAt(),
    lastUsedAt: integer('last_used_at', { mode: 'timestamp_ms' }),
  },
  (t) => [uniqueIndex('api_tokens_hash_unique').on(t.tokenHash), index('api_tokens_user_idx').on(t.userId)],
);
export type ApiToken = typeof apiTokens.$inferSelect;

/** Failed sign-in attempts per key (`account:<email>` or `ip:<address>`) for throttling. */
/**
 * The provider's tokens of a user signed in through OpenID Connect (the latest sign-in's refresh token and
 * id_token, sealed with the secrets key): the roles are read again with them every OIDC_REFRESH_INTERVAL, and
 * sign-out ends the provider's session with the id_token (lib/auth/oidc-grants.ts).
 */
export const oidcGrants = sqliteTable('oidc_grants', {
  userId: text('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  iv: blob('iv', { mode: 'buffer' }).notNull(),
  ciphertext: blob('ciphertext', { mode: 'buffer' }).notNull(),
  authTag: blob('auth_tag', { mode: 'buffer' }).notNull(),
  /** When the provider last confirmed the user's roles. */
  checkedAt: integer('checked_at', { mode: 'timestamp_ms' }).notNull(),
});
export type OidcGrant = typeof oidcGrants.$inferSelect;

export const signInThrottle = sqliteTable('sign_in_throttle', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull().default(0),
  lastFailureAt: integer('last_failure_at', { mode: 'timestamp_ms' }).notNull(),
});

/** Who owns an app Name: the user who first imported it. */
export const appNames = sqliteTable('app_names', {
  name: text('name').primaryKey(),
  ownerId: text('owner_id')
    .notNull()
    .references(() => users.id),
  createdAt: createdAt(),
});

export type Visibility = 'PRIVATE' | 'ALL_USERS' | 'PUBLIC';
export type AppKind = 'wave' | 'python' | 'container' | 'link';

export interface RuntimeSettings {
  module: string | null;
  runtimeVersion: string | null;
  volumeMount: string | null;
  volumeSize: string | null;
  resourceVolumeSize: string | null;
  memoryLimit: string | null;
  memoryReservation: string | null;
  cpuLimit: string | null;
  cpuReservation: string | null;
  gpuCount: number;
  gpuType: string | null;
  enableOIDC: boolean;
  enableSHM: boolean;
  routingMode: 'DOMAIN' | 'BASE_URL';
  appMode: 'wave' | 'python' | 'container';
  port: number | null;
  customImage: string | null;
  appArgs: string[];
  appEntryPoint: string[];
}

/** An [[Env]] or [[File]] declaration; literal values are kept, secret values never exist here. */
export interface ValueDeclaration {
  name?: string;
  path?: string;
  value?: string;
  secret?: string;
  secretKey?: string;
  optional: boolean;
}

/** One row per app Name + Version; immutable once imported except visibility and tags. */
export const apps = sqliteTable(
  'apps',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    version: text('version').notNull(),
    /** Sortable key derived from the semver version (see lib/catalog/version-order.ts). */
    versionKey: text('version_key').notNull(),
    ownerId: text('owner_id')
      .notNull()
      .references(() => users.id),
    visibility: text('visibility').$type<Visibility>().notNull().default('PRIVATE'),
    kind: text('kind').$type<AppKind>().notNull(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    longDescription: text('long_description').notNull().default(''),
    instanceLifecycle: text('instance_lifecycle').notNull(),
    instanceTimeout: text('instance_timeout'),
    /** The runtime version that applies: the requested one or the default at import time. */
    runtimeVersion: text('runtime_version'),
    runtime: text('runtime', { mode: 'json' }).$type<RuntimeSettings>().notNull(),
    env: text('env', { mode: 'json' }).$type<ValueDeclaration[]>().notNull(),
    files: text('files', { mode: 'json' }).$type<ValueDeclaration[]>().notNull(),
    linkAddress: text('link_address'),
    requestedTags: stringList('requested_tags'),
    bundleSha256: text('bundle_sha256').notNull(),
    bundleSize: integer('bundle_size').notNull(),
    importedAt: createdAt(),
    /**
     * Set by the storage check (lib/backup/fsck.ts) when files this version needs are missing, saying which;
     * it cannot run or be downloaded then. Cleared by a later check that finds them, or a re-import of its bundle.
     */
    brokenReason: text('broken_reason'),
    /**
     * The last change that made this version visible after its import: publishing or another visibility
     * change, a tag added or removed (set by triggers, migration 0009); null until then. The catalog's
     * "Recently updated" order and the cards' "updated" date use it, falling back to the import time.
     */
    listedAt: integer('listed_at', { mode: 'timestamp_ms' }),
  },
  (t) => [
    uniqueIndex('apps_name_version_unique').on(t.name, t.version),
    index('apps_owner_idx').on(t.ownerId),
    index('apps_visibility_idx').on(t.visibility),
    index('apps_name_key_idx').on(t.name, t.versionKey),
  ],
);
export type App = typeof apps.$inferSelect;
export type NewApp = typeof apps.$inferInsert;

/** Icon, screenshots (position-ordered) of an app version; the bytes live content-addressed under DATA_DIR. */
export const appAssets = sqliteTable(
  'app_assets',
  {
    appId: text('app_id')
      .notNull()
      .references(() => apps.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<'icon' | 'screenshot'>().notNull(),
    position: integer('position').notNull().default(0),
    sha256: text('sha256').notNull(),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
  },
  (t) => [primaryKey({ columns: [t.appId, t.kind, t.position] }), index('app_assets_sha_idx').on(t.sha256)],
);
export type AppAsset = typeof appAssets.$inferSelect;

/**
 * An app version's LongDescription parsed and sanitized once, when it is imported (lib/catalog/markdown.ts's
 * compiled form), so that no page view parses Markdown: `sourceSha256` is the Markdown it was compiled from and
 * `pipeline` the Markdown packages and rules that compiled it (MARKDOWN_PIPELINE); a row that matches neither is
 * compiled afresh on its next view. Not part of `apps`, whose every update moves the catalog's generation.
 */
export const appLongDescriptions = sqliteTable('app_long_descriptions', {
  appId: text('app_id')
    .primaryKey()
    .references(() => apps.id, { onDelete: 'cascade' }),
  sourceSha256: text('source_sha256').notNull(),
  pipeline: text('pipeline').notNull(),
  compiled: text('compiled').notNull(),
});

export const tags = sqliteTable(
  'tags',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    color: text('color').notNull().default('#4b5563'),
    isCategory: integer('is_category', { mode: 'boolean' }).notNull().default(false),
    /** Roles allowed to assign or remove the tag; empty means any full-access user. */
    adminRoles: stringList('admin_roles'),
    /** Roles of the visitors this tag exposes apps to; non-empty makes it an authorization tag. */
    visitorRoles: stringList('visitor_roles'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('tags_name_unique').on(t.name)],
);
export type Tag = typeof tags.$inferSelect;

export const appTags = sqliteTable(
  'app_tags',
  {
    appId: text('app_id')
      .notNull()
      .references(() => apps.id, { onDelete: 'cascade' }),
    tagId: text('tag_id')
      .notNull()
      .references(() => tags.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.appId, t.tagId] }), index('app_tags_tag_idx').on(t.tagId)],
);

export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: createdAt(),
    actorId: text('actor_id'),
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id').notNull(),
    details: text('details', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  },
  (t) => [index('audit_log_target_idx').on(t.targetType, t.targetId)],
);
export type AuditEntry = typeof auditLog.$inferSelect;

/**
 * What a running instance needs of its app version once that version is deleted: to show it, authorize
 * it (owner, visibility and authorization tags as they were) and start it again (runtime, values, bundle).
 */
export type RetiredAppVersion = Pick<
  App,
  | 'id'
  | 'name'
  | 'version'
  | 'title'
  | 'ownerId'
  | 'visibility'
  | 'kind'
  | 'instanceLifecycle'
  | 'instanceTimeout'
  | 'runtimeVersion'
  | 'runtime'
  | 'env'
  | 'files'
  | 'bundleSha256'
> & { tagVisitorRoles: string[][]; deletedAt: string };

export type InstanceStatus = 'PENDING' | 'DEPLOYED' | 'SUSPENDED' | 'FAILED';
export type InstanceStage = 'SOURCING' | 'INSTALLING' | 'STARTING';

/** One running (or paused, or failed) copy of one app version. Terminated instances are deleted. */
export const instances = sqliteTable(
  'instances',
  {
    id: text('id').primaryKey(),
    /**
     * The app version it runs. Not a foreign key: a version may be deleted while its instances keep running
     * (instances are separate); then `appSnapshot` holds what they need of it.
     */
    appId: text('app_id').notNull(),
    /** Null while the app version exists; once it is deleted, its row as it was (see RetiredAppVersion). */
    appSnapshot: text('app_snapshot', { mode: 'json' }).$type<RetiredAppVersion>(),
    ownerId: text('owner_id')
      .notNull()
      .references(() => users.id),
    visibility: text('visibility').$type<Visibility>().notNull().default('PRIVATE'),
    status: text('status').$type<InstanceStatus>().notNull().default('PENDING'),
    /** While PENDING: the start-up stage reached. */
    stage: text('stage').$type<InstanceStage>(),
    /** FAILED: why, in words an app developer can act on. */
    reason: text('reason'),
    createdAt: createdAt(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
    /** DEPLOYED: when the idle timeout suspends it unless traffic or "Keep running" moves it; null: never. */
    suspendAfter: integer('suspend_after', { mode: 'timestamp_ms' }),
    /** Admins may switch the idle timeout off for one instance. */
    autoSuspend: integer('auto_suspend', { mode: 'boolean' }).notNull().default(true),
  },
  (t) => [
    index('instances_owner_idx').on(t.ownerId),
    index('instances_app_idx').on(t.appId),
    index('instances_status_idx').on(t.status),
  ],
);
export type Instance = typeof instances.$inferSelect;

/**
 * A pretty name for an instance (`<alias>.<APPS_DOMAIN>`, `/alias/<alias>/`). Points at no or one instance;
 * an instance has at most one primary alias. Unassigned (or its instance terminated), it answers 404.
 */
export const aliases = sqliteTable(
  'aliases',
  {
    name: text('name').primaryKey(),
    instanceId: text('instance_id').references(() => instances.id, { onDelete: 'set null' }),
    isPrimary: integer('is_primary', { mode: 'boolean' }).notNull().default(false),
    createdAt: createdAt(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    index('aliases_instance_idx').on(t.instanceId),
    uniqueIndex('aliases_one_primary').on(t.instanceId).where(sql`${t.isPrimary} = 1 and ${t.instanceId} is not null`),
  ],
);
export type Alias = typeof aliases.$inferSelect;

export type SecretVisibility = 'PRIVATE' | 'ALL_USERS' | 'APP';

export const secrets = sqliteTable(
  'secrets',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    ownerId: text('owner_id')
      .notNull()
      .references(() => users.id),
    visibility: text('visibility').$type<SecretVisibility>().notNull(),
    /** For APP secrets: the app Name it belongs to. */
    appName: text('app_name'),
    /** `user:<id>` for PRIVATE secrets, `shared` otherwise: names are unique within a scope. */
    scope: text('scope').notNull(),
    createdAt: createdAt(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [uniqueIndex('secrets_scope_name_unique').on(t.scope, t.name)],
);
export type Secret = typeof secrets.$inferSelect;

/** Secret values, AES-256-GCM encrypted; never selected by anything that renders or answers. */
export const secretValues = sqliteTable(
  'secret_values',
  {
    secretId: text('secret_id')
      .notNull()
      .references(() => secrets.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    iv: blob('iv', { mode: 'buffer' }).notNull(),
    ciphertext: blob('ciphertext', { mode: 'buffer' }).notNull(),
    authTag: blob('auth_tag', { mode: 'buffer' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.secretId, t.key] })],
);

export type RuntimeStatus = 'available' | 'default' | 'deprecated';

export const runtimeVersions = sqliteTable('runtime_versions', {
  name: text('name').primaryKey(),
  pythonVersion: text('python_version').notNull(),
  gpu: integer('gpu', { mode: 'boolean' }).notNull().default(false),
  status: text('status').$type<RuntimeStatus>().notNull().default('available'),
  note: text('note').notNull().default(''),
  createdAt: createdAt(),
});
export type RuntimeVersion = typeof runtimeVersions.$inferSelect;
