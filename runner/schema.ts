// The JSON Schema subset module parameters use, and the TypeScript type derived
// from it. One schema literal is the source of the type (here), of run-time
// validation (ajv) and of the docs. json-schema-to-ts was tried first: its
// generic inference took ~40 s per compile and hit "excessively deep" on a
// 6-property schema, so drover derives types from this narrower shape instead.

type Primitive = 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object' | 'null';

/** A parameter schema: plain JSON Schema (draft-07 keywords), narrowed to what drover's modules need. */
export interface Schema {
  readonly type?: Primitive | readonly Primitive[];
  readonly description?: string;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly default?: unknown;
  readonly properties?: { readonly [key: string]: Schema };
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | Schema;
  readonly items?: Schema;
  readonly minItems?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly pattern?: string;
  readonly format?: string;
  readonly oneOf?: readonly Schema[];
  readonly anyOf?: readonly Schema[];
  readonly not?: Schema;
  readonly examples?: readonly unknown[];
}

type TypeOfPrimitive<T, S> = T extends 'string'
  ? string
  : T extends 'integer' | 'number'
    ? number
    : T extends 'boolean'
      ? boolean
      : T extends 'null'
        ? null
        : T extends 'array'
          ? S extends { items: infer I } ? ReadonlyArray<TypeOf<I>> : readonly unknown[]
          : T extends 'object'
            ? ObjectOf<S>
            : unknown;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

type ObjectOf<S> = S extends { properties: infer P }
  ? Simplify<
      { [K in keyof P as K extends RequiredKeys<S, P> ? K : never]: TypeOf<P[K]> } & {
        [K in keyof P as K extends RequiredKeys<S, P> ? never : K]?: TypeOf<P[K]>;
      } & AdditionalOf<S>
    >
  : S extends { additionalProperties: infer A extends Schema } ? Record<string, TypeOf<A>> : Record<string, unknown>;

type AdditionalOf<S> = S extends { additionalProperties: infer A extends Schema } ? Record<string, TypeOf<A>> : unknown;

/** Required, or given a default (ajv fills defaults in before a module sees its parameters). */
type RequiredKeys<S, P> =
  | (S extends { required: readonly (infer R)[] } ? R : never)
  | { [K in keyof P]: P[K] extends { default: unknown } ? K : never }[keyof P];

/** The TypeScript type of values valid against schema S. */
export type TypeOf<S> = S extends { enum: readonly (infer E)[] }
  ? E
  : S extends { const: infer C }
    ? C
    : S extends { type: infer T }
      ? T extends readonly (infer U)[] ? TypeOfPrimitive<U, S> : TypeOfPrimitive<T, S>
      : S extends { oneOf: readonly (infer O)[] } ? TypeOf<O> : unknown;
