import { ErrorCode, chiefError } from '@chief/runtime';
import type { OperationGuard } from './useOperationGuards.ts';

/**
 * The first guard: the request names one operation of its document, and one this endpoint runs.
 * (Apollo leaves both to the gateway's executor, which fails them as internal errors.)
 */
export const requireExecutableOperation: OperationGuard = ({ operation, request, contextValue }) => {
  if (!operation) {
    const message = request.operationName
      ? `The document has no operation named "${request.operationName}"`
      : 'The document holds several operations: name the one to run in operationName';
    throw chiefError(ErrorCode.OPERATION_RESOLUTION_FAILURE, message, { http: { status: 400 } });
  }
  if (operation.operation === 'subscription' && contextValue.transport !== 'subscription') {
    throw chiefError(ErrorCode.BAD_REQUEST, 'Subscriptions are served over graphql-ws, or as an event stream (Accept: text/event-stream), at this same URL, not over plain HTTP requests', { http: { status: 400 } });
  }
};
