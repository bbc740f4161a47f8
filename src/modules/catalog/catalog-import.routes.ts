import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import { uuidv7 } from 'uuidv7';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from '../../platform/auth/principal.ts';
import { AppError } from '../../platform/errors.ts';
import { ok, ref } from '../../platform/http/contract.ts';
import { Strict, typed, Uuid } from '../../platform/http/typed.ts';
import { ImportResult } from './catalog.components.ts';
import type { AuditLog } from '../../platform/audit/audit-log.ts';
import { AuditReason, auditActOf } from '../../platform/http/audit-act.ts';
import { readImportRecords } from './import-records.ts';
import { rowCheckOf } from './import-report.ts';
import {
  type ColumnSpec,
  IMPORT_BODY_LIMIT,
  IMPORT_MAX_ROWS,
  IMPORT_MEDIA_TYPES,
  type ImportFormat,
  importBody,
  PRODUCT_COLUMNS,
  ProductImportRow,
  STOCK_COLUMNS,
  StockImportRow,
} from './import.schemas.ts';
import { importProducts } from './product-import.service.ts';
import { importStock, type StockImportDeps } from './stock-import.service.ts';
import type { StoresService } from './stores.service.ts';

const MEDIA = Object.keys(IMPORT_MEDIA_TYPES);

/** The media type of an import request, or 415: the routes take only CSV and NDJSON, in UTF-8. */
function formatOf(req: FastifyRequest): ImportFormat {
  const header = req.headers['content-type'] ?? '';
  const [type = '', ...params] = header.split(';').map((s) => s.trim().toLowerCase());
  const format = IMPORT_MEDIA_TYPES[type as keyof typeof IMPORT_MEDIA_TYPES];
  if (!format)
    throw new AppError(
      'UNSUPPORTED_MEDIA_TYPE',
      `Send the file as ${MEDIA.join(' or ')}${type ? `, not ${type}` : ''}`,
    );
  const charset = params
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/"/g, '');
  if (charset && charset !== 'utf-8' && charset !== 'utf8' && charset !== 'us-ascii') {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', `The file must be UTF-8, not ${charset}`);
  }
  return format;
}

function recordsOf(req: FastifyRequest, columns: ColumnSpec) {
  const body = req.body;
  if (!(body instanceof Readable))
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', `Send the file as ${MEDIA.join(' or ')}`);
  return readImportRecords(body, formatOf(req), columns, IMPORT_BODY_LIMIT, IMPORT_MAX_ROWS);
}

function stockStaff(p: Principal | null, storeId: string): Principal {
  if (!p) throw new AppError('UNAUTHENTICATED', 'Sign in first');
  if (p.role !== 'ops' && !(p.role === 'store' && p.storeId === storeId))
    throw new AppError('FORBIDDEN', "Only ops or this store's staff can import its stock");
  return p;
}

const RESULT = { 200: ok(ref(ImportResult), 'The file was read to its end') };
const DEFAULT_REASON = 'stock import';
/** The audit log's reason for a product import that gives none. */
export const PRODUCT_IMPORT_REASON = 'catalog import';
const LIMITS = `Rows are checked one by one: a bad row is reported with its line and changes nothing, the others load. At most ${IMPORT_BODY_LIMIT / 1024 / 1024} MiB and ${IMPORT_MAX_ROWS} data rows (413 beyond; rows before the cut were applied, and a row sets an absolute value, so sending the rest again converges); the file is read as it streams in.`;

interface ImportDeps extends StockImportDeps {
  stores: StoresService;
  audit: AuditLog;
  /** Told after a product import, finished or cut off: batches commit as they go. */
  productsWritten: () => void;
}

/**
 * Operator bulk import. Lives in its own plugin scope so the pass-through CSV/NDJSON parsers and
 * the large body limit apply to these routes only; every other route keeps JSON and the default limit.
 */
export async function catalogImportRoutes(scope: FastifyInstance, deps: ImportDeps): Promise<void> {
  // The parser hands the request stream on unread; the service consumes it row by row.
  scope.addContentTypeParser(MEDIA, (_req, payload, done) => done(null, payload));
  scope.addHook('onRequest', async (req) => {
    formatOf(req);
    // A pass-through parser is not held to bodyLimit by Fastify: refuse a declared oversize up front
    // (the reader counts the bytes of a chunked upload).
    if (Number(req.headers['content-length'] ?? 0) > IMPORT_BODY_LIMIT)
      throw new AppError('PAYLOAD_TOO_LARGE', `The file is larger than ${IMPORT_BODY_LIMIT} bytes`);
  });
  // Answering before the upload was read to its end (an error): close the connection rather than
  // make the server drain, and the client keep sending, the rest of a large file.
  scope.addHook('onSend', async (req, reply) => {
    if (!req.raw.readableEnded) reply.header('connection', 'close');
  });
  productImportRoute(scope, deps);
  stockImportRoute(scope, deps);
}

function productImportRoute(scope: FastifyInstance, deps: ImportDeps): void {
  typed(scope).post(
    '/v1/catalog/import/products',
    {
      bodyLimit: IMPORT_BODY_LIMIT,
      // The body is a stream the idempotency hook cannot hash; the import is idempotent by content
      // (upsert by SKU; an unchanged row writes nothing), so a retried file converges instead.
      config: { auth: ['ops'], idempotency: 'off' },
      schema: {
        tags: ['import'],
        summary: 'Bulk import products from CSV or NDJSON (upsert by SKU)',
        description: `A new SKU is created, an existing one updated (new version and a catalog.product_changed event) when a field differs. A row sets the whole product: an optional field left out takes its default. Each batch that changed products writes a \`product.import\` entry to the audit log in its own transaction (target \`product_import\`, one id per import; the products' ids, SKUs and versions) with the \`reason\` (\`${PRODUCT_IMPORT_REASON}\` when none is given); a file that changes nothing writes none. ${LIMITS}`,
        querystring: Strict({ reason: Type.Optional(AuditReason) }),
        body: importBody(
          'Header row required (any order): sku, name, category_id, price_minor, currency, and optionally brand, image_url, weight_g, age_restricted. Example: "sku,name,category_id,price_minor,currency\\nMILK-1,Oat milk,milk,199,EUR"',
          'One JSON object per line with the same fields as the CSV columns, e.g. {"sku":"MILK-1","name":"Oat milk","category_id":"milk","price_minor":199,"currency":"EUR"}',
        ),
        response: RESULT,
      },
    },
    async (req) => {
      try {
        return await importProducts(
          deps.db,
          recordsOf(req, PRODUCT_COLUMNS),
          rowCheckOf(req.compileValidationSchema(ProductImportRow, 'body')),
          {
            log: deps.audit,
            act: auditActOf(req, req.query.reason ?? PRODUCT_IMPORT_REASON),
            importId: uuidv7(),
          },
        );
      } finally {
        // Batches commit as they go: even a cut-off import changed what pages show.
        deps.productsWritten();
      }
    },
  );
}

function stockImportRoute(scope: FastifyInstance, deps: ImportDeps): void {
  typed(scope).post(
    '/v1/stores/:id/stock/import',
    {
      bodyLimit: IMPORT_BODY_LIMIT,
      // Idempotent by content: a row sets an absolute level, so a retried file lands on the same stock.
      config: { auth: ['ops', 'store'], idempotency: 'off' },
      schema: {
        tags: ['import'],
        summary: "Bulk set a store's stock levels from CSV or NDJSON",
        description: `Sets on_hand per SKU with an audit entry (kind import). A level below the units already reserved for orders is refused for that row. Store staff may import only their own store. ${LIMITS}`,
        params: Strict({ id: Uuid }),
        querystring: Strict({
          reason: Type.Optional(
            Type.String({
              minLength: 3,
              maxLength: 300,
              description: `Recorded in the audit trail; default "${DEFAULT_REASON}"`,
            }),
          ),
        }),
        body: importBody(
          'Header row required (any order): sku, on_hand. Example: "sku,on_hand\\nMILK-1,24"',
          'One JSON object per line: {"sku":"MILK-1","on_hand":24}',
        ),
        response: RESULT,
      },
    },
    async (req) => {
      const by = stockStaff(req.principal, req.params.id);
      await deps.stores.get(req.params.id);
      const check = rowCheckOf(req.compileValidationSchema(StockImportRow, 'body'));
      return importStock(deps, req.params.id, recordsOf(req, STOCK_COLUMNS), check, {
        reason: req.query.reason ?? DEFAULT_REASON,
        actor: by.id,
      });
    },
  );
}
