# Starts moto's server the way the tests need DynamoDB to behave (docs/emulators.md):
#
# 1. One request at a time. moto's DynamoDB takes no lock, so with concurrent requests two
#    conditional writes on one item can both pass; real DynamoDB never lets that happen.
# 2. TransactWriteItems rolls back by item. moto backs up every table a transaction touches with a
#    deep copy of the whole table, so each transaction costs time in proportion to the table's size
#    (about 0.2 ms per item here: 200 ms with 1,000 items); under load the queue then grows past the
#    functions' timeouts. Here the items the transaction names are saved and put back instead.
# 3. TransactWriteItems honours ClientRequestToken as DynamoDB does: a repeat of a successful call
#    with the same token and the same items within 10 minutes succeeds without writing again, and
#    the same token with other items is refused (IdempotentParameterMismatchException). The AWS SDK
#    sends one token on every attempt of a call, so a retry whose first attempt was applied after
#    the client had given up on it is answered as DynamoDB answers it, not as a replay.
#
# 2 and 3 use moto's internals; when they are not as expected (another moto version), the server
# says so on stderr and runs without that change.
import copy
import json
import sys
import time

import moto.server as server
from werkzeug import serving


def run_simple(*args, **kwargs):
    kwargs["threaded"] = False
    return serving.run_simple(*args, **kwargs)


server.run_simple = run_simple


def rollback_by_item():
    import moto.dynamodb.models as models
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.table import Table

    class TablesNotCopied:
        """Stands in for the copy module inside moto's backend: a Table is not copied."""

        def deepcopy(self, value, memo=None):
            return value if isinstance(value, Table) else copy.deepcopy(value, memo)

    def key_of(table, op_type, op):
        attrs = op.get("Item") if op_type == "Put" else op.get("Key")
        if not isinstance(attrs, dict) or table.hash_key_attr not in attrs:
            return None
        hash_value = DynamoType(attrs[table.hash_key_attr])
        if table.range_key_attr is None:
            return hash_value, None
        if table.range_key_attr not in attrs:
            return None
        return hash_value, DynamoType(attrs[table.range_key_attr])

    def saved_items(backend, transact_items):
        saved = []
        for entry in transact_items:
            if not isinstance(entry, dict) or len(entry) != 1:
                continue
            op_type, op = next(iter(entry.items()))
            table = backend.tables.get(op.get("TableName")) if isinstance(op, dict) else None
            key = key_of(table, op_type, op) if table is not None else None
            if key is None:
                continue
            hash_value, range_value = key
            if range_value is None:
                current = table.items.get(hash_value)
            else:
                current = table.items.get(hash_value, {}).get(range_value)
            saved.append((table, hash_value, range_value, copy.deepcopy(current)))
        return saved

    def put_back(saved):
        for table, hash_value, range_value, item in reversed(saved):
            if range_value is None:
                if item is None:
                    table.items.pop(hash_value, None)
                else:
                    table.items[hash_value] = item
            elif item is None:
                ranges = table.items.get(hash_value)
                if ranges is not None:
                    ranges.pop(range_value, None)
                    if not ranges:
                        table.items.pop(hash_value, None)
            else:
                table.items[hash_value][range_value] = item

    transact = DynamoDBBackend.transact_write_items

    def transact_write_items(self, transact_items):
        saved = saved_items(self, transact_items)
        try:
            return transact(self, transact_items)
        except BaseException:
            put_back(saved)
            raise

    models.copy = TablesNotCopied()
    DynamoDBBackend.transact_write_items = transact_write_items


def client_request_tokens():
    from moto.core.responses import ActionResult
    from moto.dynamodb.exceptions import DynamodbException
    from moto.dynamodb.responses import DynamoHandler

    window_seconds = 600
    seen = {}  # token -> (fingerprint, expires at)

    class IdempotentParameterMismatch(DynamodbException):
        def __init__(self):
            super().__init__(
                "com.amazonaws.dynamodb.v20120810#IdempotentParameterMismatchException",
                message="The request uses the same client token as a previous, but non-identical request.",
            )

    handle = DynamoHandler.transact_write_items

    def transact_write_items(self):
        token = self.body.get("ClientRequestToken")
        if not token:
            return handle(self)
        now = time.monotonic()
        for old in [t for t, (_, until) in seen.items() if until < now]:
            del seen[old]
        fingerprint = json.dumps(self.body.get("TransactItems"), sort_keys=True, default=repr)
        if token in seen:
            if seen[token][0] != fingerprint:
                raise IdempotentParameterMismatch()
            return ActionResult({"ConsumedCapacity": [], "ItemCollectionMetrics": {}})
        result = handle(self)
        seen[token] = (fingerprint, now + window_seconds)
        return result

    DynamoHandler.transact_write_items = transact_write_items


for change in (rollback_by_item, client_request_tokens):
    try:
        change()
    except Exception as e:  # another moto version: run as it is
        print(f"moto_serial: {change.__name__} not applied ({type(e).__name__}: {e})", file=sys.stderr)

server.main(sys.argv[1:])
