import { type Html, html } from './html.js';

export const STATUSES = ['pending', 'approved', 'executing', 'executed', 'failed', 'rejected'] as const;

export function statusBadge(status: string): Html {
  return html`<span class="badge s-${STATUSES.includes(status as never) ? status : 'rejected'}">${status}</span>`;
}

/** "4 min ago", with the exact time for hover and assistive technology. */
export function ago(iso: string | null, now: Date): Html {
  if (!iso) return html`<span class="muted">—</span>`;
  const seconds = Math.max(0, (now.getTime() - Date.parse(iso)) / 1000);
  const text =
    seconds < 60 ? 'just now'
    : seconds < 3600 ? `${Math.floor(seconds / 60)} min ago`
    : seconds < 86_400 ? `${Math.floor(seconds / 3600)} h ago`
    : `${Math.floor(seconds / 86_400)} d ago`;
  return html`<time datetime="${iso}" title="${utc(iso)}">${text}</time>`;
}

export function utc(iso: string): string {
  return `${iso.slice(0, 19).replace('T', ' ')} UTC`;
}
