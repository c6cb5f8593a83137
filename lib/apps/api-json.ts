// The JSON shape of an app version in the REST API (and so in the CLI), made from the read model's view.
import type { AppVersionView } from './read';
import { appUrl, bundleDownloadUrl } from '@/lib/urls';

/** Literal Env/File values only for those who may edit the app; the owner's e-mail only where the view has it. */
export function appJson(view: AppVersionView) {
  const hideValue = <T extends { value?: string }>(d: T) => (view.canEdit ? d : { ...d, value: d.value === undefined ? undefined : '••••' });
  return {
    id: view.id,
    name: view.name,
    version: view.version,
    title: view.title,
    description: view.description,
    visibility: view.visibility,
    kind: view.kind,
    owner: { id: view.owner.id, name: view.owner.name, ...(view.owner.email !== null ? { email: view.owner.email } : {}) },
    instanceLifecycle: view.instanceLifecycle,
    instanceTimeout: view.instanceTimeout,
    runtimeVersion: view.runtimeVersion,
    runtime: view.runtime,
    env: view.env.map(hideValue),
    files: view.files.map(hideValue),
    linkAddress: view.linkAddress,
    requestedTags: view.requestedTags,
    tags: view.tags.map((t) => ({ id: t.id, name: t.name, title: t.title, kind: t.kind })),
    icon: view.icon,
    screenshots: view.screenshots,
    bundle: { ...view.bundle, ...(view.canEdit ? { download: bundleDownloadUrl(view.id) } : {}) },
    /** The storage check found its files missing or corrupted; which ones only for its owner and admins. */
    broken: view.brokenReason !== null,
    ...(view.canEdit && view.brokenReason !== null ? { brokenReason: view.brokenReason } : {}),
    importedAt: view.importedAt.toISOString(),
    url: appUrl(view.name, view.version),
  };
}
