// A stand-in for the CloudFront API on 127.0.0.1, which nothing here serves: it records
// CreateInvalidation requests and answers as CloudFront does.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CloudFrontStub {
  endpoint: string;
  /** The Path items of each invalidation received, in order. */
  invalidations: string[][];
  stop(): Promise<void>;
}

export async function startCloudFrontStub(): Promise<CloudFrontStub> {
  const invalidations: string[][] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      const m = /\/2020-05-31\/distribution\/([^/]+)\/invalidation$/.exec(req.url ?? '');
      if (req.method !== 'POST' || !m) {
        res.writeHead(404).end();
        return;
      }
      const paths = [...body.matchAll(/<Path>([^<]*)<\/Path>/g)].map((p) => p[1] as string);
      invalidations.push(paths);
      const id = `I${invalidations.length}`;
      res.writeHead(201, {
        'content-type': 'text/xml',
        location: `https://cloudfront.amazonaws.com/2020-05-31/distribution/${m[1]}/invalidation/${id}`,
      });
      res.end(
        `<?xml version="1.0"?><Invalidation xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Id>${id}</Id><Status>InProgress</Status>` +
          `<CreateTime>2026-11-29T00:00:00Z</CreateTime><InvalidationBatch><Paths><Quantity>${paths.length}</Quantity><Items>${paths
            .map((p) => `<Path>${p}</Path>`)
            .join('')}</Items></Paths><CallerReference>x</CallerReference></InvalidationBatch></Invalidation>`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    invalidations,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
