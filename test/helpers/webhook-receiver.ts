// A real HTTPS webhook receiver on 127.0.0.1 for tests: a self-signed certificate made with
// openssl per process, every request's signature verified with the Standard Webhooks reference
// library (`standardwebhooks`, not the package's own code), and the answer chosen per request.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';

let certificate: { key: string; cert: string } | undefined;

/** A self-signed certificate for 127.0.0.1 and localhost (made once per process). */
function receiverCertificate(): { key: string; cert: string } {
  if (certificate) return certificate;
  const dir = mkdtempSync(join(tmpdir(), 'org-data-receiver-'));
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=localhost',
        '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
      { stdio: 'ignore' },
    );
    certificate = { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
    return certificate;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One request the receiver got. */
interface ReceivedWebhook {
  readonly path: string;
  readonly id: string;
  readonly timestamp: string;
  readonly signature: string;
  readonly body: string;
  /** The secrets (of those the path expects) whose signature the reference library accepted. */
  readonly verifiedBy: readonly string[];
}

/** How the receiver answers a request: a status, a body, and an optional delay. */
interface ReceiverAnswer {
  readonly status: number;
  readonly body?: string;
  readonly delayMs?: number;
}

/** A running receiver. */
export interface WebhookReceiver {
  /** `https://127.0.0.1:<port>`. */
  readonly origin: string;
  /** The certificate to trust (the sender's `ca`). */
  readonly ca: string;
  /** Every request so far. */
  readonly received: ReceivedWebhook[];
  /** The secrets requests to `path` are verified with. */
  expect(path: string, secrets: readonly string[]): void;
  /** How requests to `path` are answered (default 204; 401 when no expected secret verifies). */
  answer(path: string, fn: (request: ReceivedWebhook, nth: number) => ReceiverAnswer): void;
  close(): Promise<void>;
}

/** Starts a receiver on 127.0.0.1 (a free port). */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const { key, cert } = receiverCertificate();
  const secrets = new Map<string, readonly string[]>();
  const answers = new Map<string, (request: ReceivedWebhook, nth: number) => ReceiverAnswer>();
  const counts = new Map<string, number>();
  const received: ReceivedWebhook[] = [];
  const server: Server = createServer({ key, cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0]!;
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = {
        'webhook-id': String(req.headers['webhook-id'] ?? ''),
        'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
        'webhook-signature': String(req.headers['webhook-signature'] ?? ''),
      };
      const verifiedBy = (secrets.get(path) ?? []).filter((secret) => {
        try {
          new Webhook(secret).verify(body, headers);
          return true;
        } catch {
          return false;
        }
      });
      const request: ReceivedWebhook = {
        path,
        id: headers['webhook-id'],
        timestamp: headers['webhook-timestamp'],
        signature: headers['webhook-signature'],
        body,
        verifiedBy,
      };
      received.push(request);
      const nth = (counts.get(path) ?? 0) + 1;
      counts.set(path, nth);
      const answer = answers.get(path)?.(request, nth) ?? (verifiedBy.length > 0 ? { status: 204 } : { status: 401, body: 'bad signature' });
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(answer.status, { 'content-type': 'text/plain' });
        res.end(answer.body ?? '');
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs).unref();
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    origin: `https://127.0.0.1:${port}`,
    ca: cert,
    received,
    expect: (path, list) => void secrets.set(path, list),
    answer: (path, fn) => void answers.set(path, fn),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
