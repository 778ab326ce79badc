import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  readonly from: string;
  readonly to: readonly string[];
  /** The message as it arrived, headers and body, quoted-printable undone. */
  readonly raw: string;
  header(name: string): string | null;
}

export interface TestSmtpServer {
  readonly url: string;
  readonly received: ReceivedMail[];
  /** The next `count` recipients are answered 451 (try again later), as a busy server would. */
  deferNext(count: number, code?: number): void;
  close(): Promise<void>;
}

/** A real SMTP server on 127.0.0.1 and a free port, no TLS, no auth: it keeps what it is sent. */
export async function startSmtpServer(): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  let deferrals = 0;
  let deferCode = 451;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (deferrals > 0) {
        deferrals -= 1;
        const error = Object.assign(new Error(deferCode < 500 ? 'mailbox busy, try again later' : 'no such mailbox'), { responseCode: deferCode });
        callback(error);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = decodeQuotedPrintable(Buffer.concat(chunks).toString('utf8'));
        const headerBlock = raw.split(/\r?\n\r?\n/)[0] ?? '';
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        received.push({
          from,
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          raw,
          header(name) {
            const unfolded = headerBlock.replace(/\r?\n[ \t]+/g, ' ');
            const match = new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(unfolded);
            return match ? match[1]!.trim() : null;
          },
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    deferNext(count, code = 451) {
      deferrals = count;
      deferCode = code;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function decodeQuotedPrintable(text: string): string {
  return text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
