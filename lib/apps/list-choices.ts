// The sort orders My Apps and the administrators' Apps page offer, and how many Names one page shows.
import type { AppListSort } from './read';

export const APPS_PAGE_SIZE = 20;

export const APP_SORT_CHOICES: readonly { value: AppListSort; label: string }[] = [
  { value: 'name', label: 'Name (A–Z)' },
  { value: 'name-desc', label: 'Name (Z–A)' },
  { value: 'title', label: 'Title (A–Z)' },
  { value: 'newest', label: 'Recently imported' },
  { value: 'oldest', label: 'Least recently imported' },
  { value: 'owner', label: 'Owner (e-mail)' },
];

/** My Apps lists the viewer's own apps: sorting by owner means nothing there. */
export const MY_APPS_SORTS: readonly AppListSort[] = ['name', 'name-desc', 'title', 'newest', 'oldest'];
export const ADMIN_APPS_SORTS: readonly AppListSort[] = APP_SORT_CHOICES.map((c) => c.value);
