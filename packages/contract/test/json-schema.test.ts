import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SchemaCollector } from '../src/openapi/json-schema.ts';

describe('SchemaCollector', () => {
  it('hoists schemas with a meta id into components, once, and references them', () => {
    const Item = z.object({ id: z.string() }).meta({ id: 'Item' });
    const collector = new SchemaCollector();
    expect(collector.convert(z.object({ items: z.array(Item) }), 'output')).toEqual({
      type: 'object',
      properties: { items: { type: 'array', items: { $ref: '#/components/schemas/Item' } } },
      required: ['items'],
      additionalProperties: false,
    });
    expect(collector.convert(Item, 'output')).toEqual({ $ref: '#/components/schemas/Item' });
    expect(collector.components).toEqual({
      Item: {
        type: 'object',
        properties: { id: { type: 'string' } },
        required: ['id'],
        additionalProperties: false,
      },
    });
  });

  it('converts a request schema as it is taken (input): with defaults, a field is optional', () => {
    const Query = z.object({ page: z.coerce.number().default(1) });
    expect(new SchemaCollector().convert(Query, 'input')).not.toHaveProperty('required');
    expect(new SchemaCollector().convert(Query, 'output')).toMatchObject({ required: ['page'] });
  });
});
