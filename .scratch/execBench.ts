import { buildSubgraphSchema } from '@apollo/subgraph';
import { execute, parse } from 'graphql';
import { typeDefs } from '../subgraphs/work/src/index.ts';
import { workResolvers } from '../subgraphs/work/src/resolvers.ts';
import { toConnection } from '../runtime/src/pagination.ts';

const rows = Array.from({ length: 100 }, (_, i) => ({
  id: `c0a8012e-1111-4c3a-9a57-${String(i).padStart(12, '0')}`, workspaceId: 'w', title: `Task ${i}`, description: null, status: 'todo', priority: 'medium',
  dueAt: null, completedAt: null, founderId: 'f0a8012e-1111-4c3a-9a57-000000000001', assigneeMemberId: 'a0a8012e-1111-4c3a-9a57-000000000001', contactId: 'b0a8012e-1111-4c3a-9a57-000000000001',
  dealId: null, sourceType: 'manual', sourceId: null, createdBy: null, createdAt: '2026-12-01 10:00:00.123456+00', updatedAt: new Date(),
}));
const resolvers = { ...workResolvers, Query: { ...(workResolvers as any).Query, tasks: () => toConnection(rows.map((r) => ({ ...r })) as any, { limit: 100, after: null } as any) } };
const schema = buildSubgraphSchema([{ typeDefs, resolvers: resolvers as any }]);
const doc = parse(`query { tasks(first: 100) { edges { node { id title assignee { __typename id } founder { __typename id } contact { __typename id } } } pageInfo { hasNextPage endCursor } } }`);
const n = 3000;
for (const label of ['warm', 'measure']) {
  const t0 = performance.now(); let size = 0;
  for (let i = 0; i < n; i++) { const r = await execute({ schema, document: doc, contextValue: {} }); size += JSON.stringify(r).length; }
  const t1 = performance.now();
  for (let i = 0; i < n; i++) await execute({ schema, document: doc, contextValue: {} });
  const t2 = performance.now();
  console.log(label, 'execute+stringify', ((t1 - t0) / n * 1000).toFixed(0), 'us; execute only', ((t2 - t1) / n * 1000).toFixed(0), 'us', size / n);
}
