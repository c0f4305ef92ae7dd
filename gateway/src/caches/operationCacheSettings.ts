import { int } from '../../../platform/config/setting.js';

/** The budgets of the gateway's per-operation caches (see `operationCaches`), spread into gatewaySettings. */
export const operationCacheSettings = {
  documentCacheMiB: int('DOCUMENT_CACHE_MIB', {
    default: 16,
    min: 0,
    max: 1_024,
    unit: 'MiB',
    description:
      'Memory for parsed and validated query documents, charged at what they keep on the heap (about 5× their JSON; the home screen ~22 KB); the least recently used go first. A repeated document skips parsing and validation. 0 = none kept.',
  }),
  queryPlanCacheMiB: int('QUERY_PLAN_CACHE_MIB', {
    default: 16,
    min: 0,
    max: 1_024,
    unit: 'MiB',
    description:
      'Memory for query plans, one per document and operation name, charged at what they keep on the heap (about 4× their JSON; the home screen ~6 KB); the least recently used go first. A repeated operation skips planning. 0 = none kept.',
  }),
};
