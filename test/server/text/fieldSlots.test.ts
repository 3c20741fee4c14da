/**
 * FieldSlots stands in for the Map MiniSearch keeps per term (field id → postings): it must
 * behave as that Map read in field-id order, including deletion while iterating. Ids other
 * than the index's three (0-2) go to a Map of their own and come after them.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import fc from 'fast-check';
import { FieldSlots } from '../../../server/text/fieldSlots';

type Op = { kind: 'set' | 'delete' | 'sweep'; id: number };

test('behaves as a Map<number, postings> read in id order, under any mix of operations', () => {
  const op = fc.record({ kind: fc.constantFrom('set' as const, 'set' as const, 'delete' as const, 'sweep' as const), id: fc.constantFrom(0, 1, 2, 7) });
  fc.assert(fc.property(fc.array(op, { maxLength: 40 }), (ops: Op[]) => {
    const slots = new FieldSlots();
    const map = new Map<number, Map<number, number>>();
    const sorted = () => [...map.entries()].sort((a, b) => a[0] - b[0]);
    for (const [k, o] of ops.entries()) {
      if (o.kind === 'set') {
        const postings = new Map([[k, 1]]);
        assert.equal(slots.set(o.id, postings), slots);
        map.set(o.id, postings);
      } else if (o.kind === 'delete') {
        assert.equal(slots.delete(o.id), map.delete(o.id));
      } else {
        // As MiniSearch's vacuum does: delete entries while iterating; each live entry is visited once.
        const seen: number[] = [];
        for (const [id] of slots) {
          seen.push(id);
          if (id >= o.id) slots.delete(id);
        }
        assert.deepEqual(seen, sorted().map(([id]) => id));
        for (const id of [...map.keys()]) if (id >= o.id) map.delete(id);
      }
      assert.equal(slots.size, map.size);
      assert.deepEqual([...slots], sorted());
      assert.deepEqual([...slots.keys()], sorted().map(([id]) => id));
      assert.deepEqual([...slots.values()], sorted().map(([, v]) => v));
      const each: Array<[number, unknown]> = [];
      slots.forEach((v, id) => each.push([id, v]));
      assert.deepEqual(each, sorted());
      for (const id of [0, 1, 2, 3, 7]) {
        assert.equal(slots.get(id), map.get(id));
        assert.equal(slots.has(id), map.has(id));
      }
    }
    slots.clear();
    assert.equal(slots.size, 0);
  }), { numRuns: 400 });
});
