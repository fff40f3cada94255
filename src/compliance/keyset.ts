/** Prisma `where` fragment for the page after `after` in (created_at DESC, id DESC) order. */
export function newestFirstAfter(after: { at: Date; id: string } | null): object {
  if (!after) return {};
  return { OR: [{ createdAt: { lt: after.at } }, { createdAt: after.at, id: { lt: after.id } }] };
}

export const NEWEST_FIRST = [{ createdAt: 'desc' as const }, { id: 'desc' as const }];

/** Statuses in which a bundle's end-user and documents are frozen. */
export const LOCKED_BUNDLE_STATUSES = ['pending_review', 'approved'];
