// A stand-in for the SES v2 API on 127.0.0.1, which nothing here serves: it records SendEmail requests
// (raw MIME) and answers as SES does.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SentRawEmail {
  to: string[];
  raw: string;
}

export interface SesStub {
  endpoint: string;
  sent: SentRawEmail[];
  /** How long each send takes to answer (a slow SES, for timeouts). */
  delayMs: number;
  stop(): Promise<void>;
}

export async function startSesStub(): Promise<SesStub> {
  const sent: SentRawEmail[] = [];
  const stub = { delayMs: 0 };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v2/email/outbound-emails') {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"not found"}');
        return;
      }
      const input = JSON.parse(body) as { Destination?: { ToAddresses?: string[] }; Content: { Raw: { Data: string } } };
      setTimeout(() => {
        sent.push({ to: input.Destination?.ToAddresses ?? [], raw: Buffer.from(input.Content.Raw.Data, 'base64').toString('utf8') });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ MessageId: `ses-${sent.length}` }));
      }, stub.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(stub, {
    endpoint: `http://127.0.0.1:${port}`,
    sent,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
