/**
 * Pure: which table (or index) a DynamoDB request touches and its `dynamodb:LeadingKeys`
 * (the partition key values), as IAM computes them. A request whose partition keys
 * cannot be read (Scan, a Query without a hash-key equality) has NO LeadingKeys, which
 * the tenant policy's Null guard denies.
 */

export type AttributeValue = { S?: string; N?: string; B?: string } & Record<string, unknown>;
type Item = Record<string, AttributeValue>;

/** Hash key attribute of a table, or of one of its indexes. */
export type HashKeyLookup = (tableName: string, indexName?: string) => string | undefined;

export interface DynamoResourceAccess {
  tableName: string;
  indexName?: string;
  /** undefined = the request carries no partition key values. */
  leadingKeys?: string[];
}

/** The operation's tables, so the caller can learn their key schema before extracting keys. */
export function tablesOf(body: Record<string, unknown>): string[] {
  if (typeof body.TableName === "string") return [body.TableName];
  if (body.RequestItems && typeof body.RequestItems === "object") return Object.keys(body.RequestItems);
  return [];
}

function scalar(value: AttributeValue | undefined): string | undefined {
  if (!value || typeof value !== "object") return undefined;
  if (typeof value.S === "string") return value.S;
  if (typeof value.N === "string") return value.N;
  if (typeof value.B === "string") return value.B;
  return undefined;
}

function unique(values: (string | undefined)[]): string[] | undefined {
  if (values.length === 0 || values.some((v) => v === undefined)) return undefined;
  return [...new Set(values as string[])];
}

function keyOf(item: unknown, hashKey: string | undefined): string | undefined {
  if (!hashKey || !item || typeof item !== "object") return undefined;
  return scalar((item as Item)[hashKey]);
}

/** The value compared for equality with the hash key in a KeyConditionExpression. */
export function hashKeyFromCondition(
  expression: string,
  hashKey: string,
  names: Record<string, string> = {},
  values: Item = {},
): string | undefined {
  const resolve = (token: string) => (token.startsWith("#") ? names[token] : token);
  const patterns = [
    /(#?[A-Za-z0-9_.-]+)\s*=\s*(:[A-Za-z0-9_]+)/g,
    /(:[A-Za-z0-9_]+)\s*=\s*(#?[A-Za-z0-9_.-]+)/g,
  ];
  for (const [i, pattern] of patterns.entries()) {
    for (const match of expression.matchAll(pattern)) {
      const [name, value] = i === 0 ? [match[1], match[2]] : [match[2], match[1]];
      if (resolve(name) === hashKey) return scalar(values[value]);
    }
  }
  return undefined;
}

/** Every table/index access of one request, with its LeadingKeys. */
export function resourceAccesses(op: string, body: Record<string, unknown>, hashKeyOf: HashKeyLookup): DynamoResourceAccess[] {
  const table = typeof body.TableName === "string" ? body.TableName : undefined;
  const indexName = typeof body.IndexName === "string" ? body.IndexName : undefined;
  switch (op) {
    case "GetItem":
    case "DeleteItem":
    case "UpdateItem":
      return table ? [{ tableName: table, leadingKeys: unique([keyOf(body.Key, hashKeyOf(table))]) }] : [];
    case "PutItem":
      return table ? [{ tableName: table, leadingKeys: unique([keyOf(body.Item, hashKeyOf(table))]) }] : [];
    case "Query": {
      if (!table) return [];
      const hashKey = hashKeyOf(table, indexName);
      let key: string | undefined;
      if (hashKey && typeof body.KeyConditionExpression === "string") {
        key = hashKeyFromCondition(
          body.KeyConditionExpression,
          hashKey,
          (body.ExpressionAttributeNames as Record<string, string>) ?? {},
          (body.ExpressionAttributeValues as Item) ?? {},
        );
      } else if (hashKey && body.KeyConditions && typeof body.KeyConditions === "object") {
        const condition = (body.KeyConditions as Record<string, { ComparisonOperator?: string; AttributeValueList?: AttributeValue[] }>)[hashKey];
        if (condition?.ComparisonOperator === "EQ") key = scalar(condition.AttributeValueList?.[0]);
      }
      return [{ tableName: table, indexName, leadingKeys: unique([key]) }];
    }
    case "BatchGetItem": {
      const requestItems = (body.RequestItems ?? {}) as Record<string, { Keys?: unknown[] }>;
      return Object.entries(requestItems).map(([tableName, spec]) => ({
        tableName,
        leadingKeys: unique((spec.Keys ?? []).map((k) => keyOf(k, hashKeyOf(tableName)))),
      }));
    }
    case "BatchWriteItem": {
      const requestItems = (body.RequestItems ?? {}) as Record<string, { PutRequest?: { Item?: unknown }; DeleteRequest?: { Key?: unknown } }[]>;
      return Object.entries(requestItems).map(([tableName, writes]) => ({
        tableName,
        leadingKeys: unique(
          (Array.isArray(writes) ? writes : []).map((w) =>
            keyOf(w.PutRequest ? w.PutRequest.Item : w.DeleteRequest?.Key, hashKeyOf(tableName)),
          ),
        ),
      }));
    }
    default:
      // Scan, DescribeTable, CreateTable, …: the table (or index) without keys.
      return table ? [{ tableName: table, indexName }] : [];
  }
}
