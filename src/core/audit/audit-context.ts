import { z } from 'zod';
import { PgTextSchema, UuidSchema } from '../kernel/common-schemas.js';

/**
 * Who acts and where the request came from, recorded on every audit row written by
 * repositories created with it (`createRepositories(db, context)`).
 */
export const AuditContextSchema = z
  .object({
    /** The acting user; `null` or absent for system actions. */
    actorUserId: UuidSchema.nullable().optional(),
    /** The service's request id. */
    requestId: z.string().max(200).pipe(PgTextSchema).optional(),
    /** The correlation id of the request or process the change belongs to, recorded on domain events. */
    correlationId: z.string().max(200).pipe(PgTextSchema).optional(),
    /** The id of the event or command that caused the change, recorded on domain events. */
    causationId: UuidSchema.optional(),
    /** The client's IP address. */
    ip: z.union([z.ipv4(), z.ipv6()]).optional(),
    /** The client's user agent, cut to 1000 characters. */
    userAgent: z
      .string()
      .transform((value) => value.slice(0, 1000))
      .pipe(PgTextSchema)
      .optional(),
  })
  .strict();

/** Who acts and where the request came from; see {@link AuditContextSchema}. */
export type AuditContext = z.input<typeof AuditContextSchema>;

/** A validated {@link AuditContext}. */
export type ResolvedAuditContext = z.output<typeof AuditContextSchema>;
