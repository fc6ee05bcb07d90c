// The virus-scan state machine of an attachment, declared once. The CHECK constraint
// submission_attachments_scan_status_values lists the same states; the trigger
// submission_attachments_draft_only refuses a second result (submission_attachments_scan_once).

/** Scan states (`submission_attachments.scan_status`). */
export const ATTACHMENT_SCAN_STATES = Object.freeze(['pending', 'clean', 'infected'] as const);

/** A scan state. */
export type AttachmentScanStatus = (typeof ATTACHMENT_SCAN_STATES)[number];

/** The scan transitions: one result per attachment, recorded once. */
export const ATTACHMENT_SCAN_TRANSITIONS = Object.freeze([
  { event: 'attach', from: null, to: 'pending' },
  { event: 'record_scan', from: 'pending', to: 'clean' },
  { event: 'record_scan', from: 'pending', to: 'infected' },
] as const satisfies readonly { event: string; from: AttachmentScanStatus | null; to: AttachmentScanStatus }[]);
