/**
 * The restriction rule lives in src/domain (a pure function both the gate and the local store
 * evaluate), so adapters need not import the policy layer. Re-exported here for the gate.
 */
export { canRead, principalsOf } from '../src/domain/restrictions.js';
