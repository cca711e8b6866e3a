import assert from 'node:assert/strict';
describe('scratch', () => { it('x', () => assert.ok(true)); });
