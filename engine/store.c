/* SPDX-License-Identifier: MIT */
/* The store's connection: opening SQLite in WAL mode, the schema and its
 * migrations, the table of prepared statements every other store_ file uses,
 * and small shared helpers (errors, transactions, timestamps). It holds no
 * order logic (store_import.c, store_orders.c, store_requests.c do). One
 * connection per thread, as store.h says. */
#include <assert.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "store_int.h"

/* The schema, one entry per version: migrations[i] brings a file from
 * version i to i + 1. Append only; never edit a step that has shipped. */
static const char *const migrations[] = {
    /* 0 -> 1: customers, orders and their shipping. Customers are keyed by
     * e-mail (any case) and hold the latest name and phone; each order keeps
     * the name, e-mail and phone exactly as it was placed with. */
    "CREATE TABLE customers ("
    "  id INTEGER PRIMARY KEY,"
    "  email TEXT NOT NULL COLLATE NOCASE UNIQUE,"
    "  name TEXT NOT NULL,"
    "  phone TEXT NOT NULL);"
    "CREATE TABLE orders ("
    "  id TEXT PRIMARY KEY,"
    "  created_at TEXT NOT NULL,"
    "  created_utc INTEGER NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN ('received','preparing','shipped',"
    "    'out_for_delivery','delivered','cancelled','returned')),"
    "  customer_id INTEGER NOT NULL REFERENCES customers(id),"
    "  customer_name TEXT NOT NULL,"
    "  customer_email TEXT NOT NULL,"
    "  customer_phone TEXT NOT NULL,"
    "  payment_method TEXT NOT NULL,"
    "  installments INTEGER NOT NULL CHECK (installments >= 1),"
    "  total TEXT NOT NULL,"
    "  currency TEXT NOT NULL);"
    "CREATE INDEX orders_customer ON orders(customer_id);"
    "CREATE TABLE items ("
    "  order_id TEXT NOT NULL REFERENCES orders(id) ON DELETE CASCADE,"
    "  position INTEGER NOT NULL,"
    "  sku TEXT NOT NULL,"
    "  name TEXT NOT NULL,"
    "  category TEXT NOT NULL,"
    "  qty INTEGER NOT NULL CHECK (qty >= 1),"
    "  price TEXT NOT NULL,"
    "  PRIMARY KEY (order_id, position)) WITHOUT ROWID;"
    "CREATE TABLE shipments ("
    "  order_id TEXT PRIMARY KEY REFERENCES orders(id) ON DELETE CASCADE,"
    "  carrier TEXT NOT NULL,"
    "  tracking_no TEXT NOT NULL,"
    "  shipped_at TEXT NOT NULL,"
    "  shipped_utc INTEGER NOT NULL,"
    "  delivered_at TEXT,"
    "  delivered_utc INTEGER);"
    "CREATE INDEX shipments_tracking ON shipments(tracking_no);"
    "CREATE TABLE shipment_events ("
    "  order_id TEXT NOT NULL REFERENCES shipments(order_id) ON DELETE CASCADE,"
    "  seq INTEGER NOT NULL,"
    "  at TEXT NOT NULL,"
    "  at_utc INTEGER NOT NULL,"
    "  location TEXT NOT NULL,"
    "  status TEXT NOT NULL,"
    "  description TEXT NOT NULL,"
    "  PRIMARY KEY (order_id, seq)) WITHOUT ROWID;",

    /* 1 -> 2: who cancelled what and why, and the team's request queue.
     * requests.order_id is deliberately not a foreign key: a hand-off may
     * quote an order number the shop does not know. */
    "CREATE TABLE order_audit ("
    "  id INTEGER PRIMARY KEY,"
    "  order_id TEXT NOT NULL REFERENCES orders(id),"
    "  action TEXT NOT NULL,"
    "  old_status TEXT NOT NULL,"
    "  new_status TEXT NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  reason TEXT NOT NULL,"
    "  at TEXT NOT NULL);"
    "CREATE INDEX order_audit_order ON order_audit(order_id, id);"
    "CREATE TABLE requests ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  kind TEXT NOT NULL,"
    "  order_id TEXT,"
    "  priority TEXT NOT NULL CHECK (priority IN ('urgent','normal')),"
    "  details TEXT,"
    "  created_at TEXT NOT NULL,"
    "  state TEXT NOT NULL DEFAULT 'open');"
    "CREATE INDEX requests_kind ON requests(kind, id);"
    "CREATE INDEX requests_order ON requests(order_id);",

    /* 2 -> 3: the chat server's conversations and every message in them.
     * Only a hash of the session token is kept. A shopper message's client
     * id is unique in its conversation, so a re-sent message is stored once. */
    "CREATE TABLE conversations ("
    "  id INTEGER PRIMARY KEY,"
    "  token_hash TEXT NOT NULL UNIQUE,"
    "  state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open','closed')),"
    "  created_at TEXT NOT NULL,"
    "  closed_at TEXT);"
    "CREATE TABLE messages ("
    "  id INTEGER PRIMARY KEY,"
    "  conversation_id INTEGER NOT NULL REFERENCES conversations(id),"
    "  role TEXT NOT NULL,"
    "  client_id TEXT,"
    "  text TEXT NOT NULL,"
    "  details TEXT,"
    "  created_at TEXT NOT NULL);"
    "CREATE UNIQUE INDEX messages_client ON messages(conversation_id, client_id)"
    "  WHERE client_id IS NOT NULL;"
    "CREATE INDEX messages_conversation ON messages(conversation_id, id);",

    /* 3 -> 4: returns, exchanges and after-sales cases, and the stock of each
     * SKU (an exchange needs the new size in stock). A return's order is a
     * foreign key, but may be NULL for a complaint without an order. code is
     * what the shopper gives the carrier: unique where present. created_utc
     * orders the list by time whatever the offsets. */
    "CREATE TABLE returns ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  kind TEXT NOT NULL CHECK (kind IN ('return','exchange','case')),"
    "  order_id TEXT REFERENCES orders(id),"
    "  items TEXT NOT NULL,"
    "  reason TEXT NOT NULL,"
    "  state TEXT NOT NULL CHECK (state IN ('requested','in_transit','received','inspected',"
    "    'refunded','rejected','exchanged','open')),"
    "  code TEXT UNIQUE,"
    "  priority TEXT NOT NULL CHECK (priority IN ('urgent','normal')),"
    "  details TEXT,"
    "  created_at TEXT NOT NULL,"
    "  created_utc INTEGER NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "CREATE INDEX returns_order ON returns(order_id, created_utc);"
    "CREATE INDEX returns_created ON returns(created_utc, id);"
    "CREATE TABLE stock ("
    "  sku TEXT PRIMARY KEY,"
    "  qty INTEGER NOT NULL CHECK (qty >= 0)) WITHOUT ROWID;",

    /* 4 -> 5: people. Agents (only a hash of each token is kept), the
     * hand-off of a conversation to them (one active at a time per
     * conversation; offline requests wait for working hours) with the
     * shopper's rating, and the utc seconds that order the queue. */
    "CREATE TABLE agents ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  token_hash TEXT NOT NULL UNIQUE,"
    "  capacity INTEGER NOT NULL CHECK (capacity >= 1),"
    "  created_at TEXT NOT NULL);"
    "CREATE TABLE handoffs ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  conversation_id INTEGER NOT NULL REFERENCES conversations(id),"
    "  state TEXT NOT NULL CHECK (state IN ('waiting','offline','claimed','released','closed')),"
    "  priority TEXT NOT NULL CHECK (priority IN ('urgent','normal')),"
    "  reason TEXT NOT NULL,"
    "  intent TEXT,"
    "  preview TEXT,"
    "  details TEXT,"
    "  agent_id INTEGER REFERENCES agents(id),"
    "  created_at TEXT NOT NULL,"
    "  created_utc INTEGER NOT NULL,"
    "  claimed_utc INTEGER,"
    "  ended_at TEXT,"
    "  rating INTEGER CHECK (rating BETWEEN 1 AND 5),"
    "  comment TEXT);"
    "CREATE INDEX handoffs_state ON handoffs(state, created_utc);"
    "CREATE INDEX handoffs_conversation ON handoffs(conversation_id, id);"
    "CREATE INDEX handoffs_agent ON handoffs(agent_id, state);",

    /* 5 -> 6: the dialogue state of a conversation (slots, the verified
     * order, the flow in progress), so a restart resumes it mid-dialogue. */
    "ALTER TABLE conversations ADD COLUMN dialogue TEXT;",

    /* 6 -> 7: variants. A stock row names its product, colour and size, so
     * an exchange can offer another colour as well as another size. Rows
     * from before follow the SKU convention: the product is the SKU up to
     * its last dash, the size what follows (rtrim with every character but
     * '-' cuts the SKU after its last dash). */
    "ALTER TABLE stock ADD COLUMN product TEXT;"
    "ALTER TABLE stock ADD COLUMN colour TEXT;"
    "ALTER TABLE stock ADD COLUMN size TEXT;"
    "UPDATE stock SET"
    "  product = CASE WHEN instr(sku, '-') > 0"
    "    THEN substr(sku, 1, length(rtrim(sku, replace(sku, '-', ''))) - 1) ELSE sku END,"
    "  size = CASE WHEN instr(sku, '-') > 0"
    "    THEN substr(sku, length(rtrim(sku, replace(sku, '-', ''))) + 1) END;"
    "CREATE INDEX stock_product ON stock(product, sku);"};

_Static_assert(sizeof migrations / sizeof migrations[0] == STORE_SCHEMA_VERSION,
               "one migration step per schema version");

/* Run on every open, before anything else. WAL lets readers (the chat
 * server's threads) proceed while an import writes; NORMAL is durable across
 * application crashes in WAL mode and much faster than FULL. */
static const char pragmas[] = "PRAGMA journal_mode=WAL;"
                              "PRAGMA synchronous=NORMAL;"
                              "PRAGMA foreign_keys=ON;"
                              "PRAGMA busy_timeout=5000;"
                              "PRAGMA cache_size=-65536;";

/* The bookkeeping table exists before any migration: version 0 is a file
 * without it (new, or made by something else). */
static const char bootstrap[] = "CREATE TABLE IF NOT EXISTS schema_version ("
                                "  version INTEGER PRIMARY KEY,"
                                "  applied_at TEXT NOT NULL);";

static const char *const stmt_sql[STMT_COUNT_] = {
    [STMT_BEGIN] = "BEGIN IMMEDIATE",
    [STMT_BEGIN_READ] = "BEGIN",
    [STMT_COMMIT] = "COMMIT",
    [STMT_ROLLBACK] = "ROLLBACK",
    [STMT_VERSION_GET] = "SELECT coalesce(max(version), 0) FROM schema_version",
    [STMT_VERSION_SET] = "INSERT INTO schema_version (version, applied_at)"
                         " VALUES (?1, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
    [STMT_CUSTOMER_UPSERT] = "INSERT INTO customers (email, name, phone) VALUES (?1, ?2, ?3)"
                             " ON CONFLICT (email) DO UPDATE SET name = excluded.name,"
                             " phone = excluded.phone RETURNING id",
    [STMT_ORDER_UPSERT] =
        "INSERT INTO orders (id, created_at, created_utc, status, customer_id, customer_name,"
        " customer_phone, payment_method, installments, total, currency, customer_email)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
        " ON CONFLICT (id) DO UPDATE SET created_at = excluded.created_at,"
        " created_utc = excluded.created_utc, status = excluded.status,"
        " customer_id = excluded.customer_id, customer_name = excluded.customer_name,"
        " customer_email = excluded.customer_email,"
        " customer_phone = excluded.customer_phone, payment_method = excluded.payment_method,"
        " installments = excluded.installments, total = excluded.total,"
        " currency = excluded.currency",
    [STMT_ITEMS_DELETE] = "DELETE FROM items WHERE order_id = ?1",
    [STMT_SHIPMENT_DELETE] = "DELETE FROM shipments WHERE order_id = ?1",
    [STMT_ITEM_INSERT] = "INSERT INTO items (order_id, position, sku, name, category, qty, price)"
                         " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [STMT_SHIPMENT_INSERT] =
        "INSERT INTO shipments (order_id, carrier, tracking_no, shipped_at, shipped_utc,"
        " delivered_at, delivered_utc) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [STMT_EVENT_INSERT] = "INSERT INTO shipment_events (order_id, seq, at, at_utc, location,"
                          " status, description) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [STMT_ORDER_SELECT] =
        "SELECT id, created_at, status, customer_name, customer_email, customer_phone,"
        " payment_method, installments, total, currency FROM orders WHERE id = ?1",
    [STMT_ITEMS_SELECT] = "SELECT sku, name, category, qty, price FROM items"
                          " WHERE order_id = ?1 ORDER BY position",
    [STMT_SHIPMENT_SELECT] = "SELECT carrier, tracking_no, shipped_at, delivered_at"
                             " FROM shipments WHERE order_id = ?1",
    [STMT_EVENTS_SELECT] = "SELECT at, location, status, description FROM shipment_events"
                           " WHERE order_id = ?1 ORDER BY at_utc, seq",
    [STMT_ORDER_COUNT] = "SELECT count(*) FROM orders",
    [STMT_ORDER_STATUS] = "SELECT status FROM orders WHERE id = ?1",
    [STMT_ORDER_CANCEL] = "UPDATE orders SET status = 'cancelled'"
                          " WHERE id = ?1 AND status IN ('received', 'preparing')",
    [STMT_AUDIT_INSERT] = "INSERT INTO order_audit (order_id, action, old_status, new_status,"
                          " actor, reason, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [STMT_AUDIT_SELECT] = "SELECT action, old_status, new_status, actor, reason, at"
                          " FROM order_audit WHERE order_id = ?1 ORDER BY id",
    [STMT_REQUEST_INSERT] = "INSERT INTO requests (kind, order_id, priority, details, created_at)"
                            " VALUES (?1, ?2, ?3, ?4, ?5)",
    [STMT_SAVEPOINT] = "SAVEPOINT destek_step",
    [STMT_RELEASE] = "RELEASE destek_step",
    [STMT_ROLLBACK_TO] = "ROLLBACK TO destek_step",
    [STMT_CONV_INSERT] = "INSERT INTO conversations (token_hash, created_at) VALUES (?1, ?2)",
    [STMT_CONV_FIND] = "SELECT id FROM conversations WHERE token_hash = ?1 AND state = 'open'",
    [STMT_CONV_CLOSE] = "UPDATE conversations SET state = 'closed', closed_at = ?2 WHERE id = ?1",
    [STMT_MSG_INSERT] = "INSERT INTO messages (conversation_id, role, client_id, text, details,"
                        " created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
                        " ON CONFLICT (conversation_id, client_id) WHERE client_id IS NOT NULL"
                        " DO NOTHING",
    [STMT_MSG_SELECT] = "SELECT id, role, client_id, text, details, created_at FROM ("
                        " SELECT * FROM messages WHERE conversation_id = ?1"
                        " ORDER BY id DESC LIMIT ?2) ORDER BY id",
    [STMT_REQUESTS_SELECT] = "SELECT id, kind, order_id, priority, details, created_at, state"
                             " FROM requests WHERE ?1 IS NULL OR kind = ?1 ORDER BY id",
    [STMT_RETURN_INSERT] =
        "INSERT INTO returns (kind, order_id, items, reason, state, code, priority, details,"
        " created_at, created_utc, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
        " ?11)",
    /* import: a return with a code is replaced by code */
    [STMT_RETURN_UPSERT] =
        "INSERT INTO returns (kind, order_id, items, reason, state, code, priority, details,"
        " created_at, created_utc, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
        " ?11) ON CONFLICT (code) DO UPDATE SET kind = excluded.kind,"
        " order_id = excluded.order_id, items = excluded.items, reason = excluded.reason,"
        " state = excluded.state, priority = excluded.priority, details = excluded.details,"
        " created_at = excluded.created_at, created_utc = excluded.created_utc,"
        " updated_at = excluded.updated_at",
    /* import: one without a code is the same one when kind, order and
     * creation time match */
    [STMT_RETURN_UPDATE_UNCODED] =
        "UPDATE returns SET items = ?3, reason = ?4, state = ?5, priority = ?7, details = ?8,"
        " updated_at = ?11 WHERE id = (SELECT id FROM returns WHERE code IS NULL AND kind = ?1"
        " AND order_id IS ?2 AND created_at = ?9 ORDER BY id LIMIT 1)",
    [STMT_RETURNS_SELECT] =
        "SELECT id, kind, order_id, items, reason, state, code, priority, details, created_at,"
        " updated_at FROM returns WHERE ?1 IS NULL OR order_id = ?1 ORDER BY created_utc, id",
    [STMT_RETURN_SET_STATE] = "UPDATE returns SET state = ?2, updated_at = ?3 WHERE id = ?1",
    [STMT_AGENT_INSERT] = "INSERT INTO agents (name, token_hash, capacity, created_at)"
                          " VALUES (?1, ?2, ?3, ?4)",
    [STMT_AGENT_FIND] = "SELECT id, name, capacity, token_hash FROM agents WHERE token_hash = ?1",
    [STMT_HANDOFF_INSERT] =
        "INSERT INTO handoffs (conversation_id, state, priority, reason, intent,"
        " preview, details, created_at, created_utc)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [STMT_HANDOFF_ACTIVE] =
        "SELECT id, conversation_id, state, priority, reason, intent, preview, details, agent_id, "
        "created_at, created_utc, claimed_utc, rating, comment FROM handoffs WHERE conversation_id "
        "= ?1"
        " AND state IN ('waiting','offline','claimed') ORDER BY id DESC LIMIT 1",
    /* offline requests first (people read them on arrival), then urgent,
     * then first come first served */
    [STMT_HANDOFF_QUEUE] = "SELECT id, conversation_id, state, priority, reason, intent, preview, "
                           "details, agent_id, created_at, created_utc, claimed_utc, rating, "
                           "comment FROM handoffs WHERE state IN ('waiting','offline')"
                           " ORDER BY state = 'offline' DESC, priority = 'urgent' DESC,"
                           " created_utc, id",
    [STMT_HANDOFF_OF_AGENT] =
        "SELECT id, conversation_id, state, priority, reason, intent, preview, details, agent_id, "
        "created_at, created_utc, claimed_utc, rating, comment FROM handoffs WHERE agent_id = ?1 "
        "AND state = 'claimed'"
        " ORDER BY claimed_utc, id",
    [STMT_HANDOFF_CLAIM] = "UPDATE handoffs SET state = 'claimed', agent_id = ?2, claimed_utc = ?3"
                           " WHERE id = ?1 AND state IN ('waiting','offline')",
    [STMT_HANDOFF_END] = "UPDATE handoffs SET state = ?2, ended_at = ?3"
                         " WHERE id = ?1 AND state IN ('waiting','offline','claimed')",
    [STMT_HANDOFF_RATE] = "UPDATE handoffs SET rating = ?2, comment = ?3 WHERE id = ("
                          " SELECT id FROM handoffs WHERE conversation_id = ?1 AND state = 'closed'"
                          " ORDER BY id DESC LIMIT 1)",
    [STMT_HANDOFF_WAITS] = "SELECT claimed_utc - created_utc FROM handoffs"
                           " WHERE claimed_utc IS NOT NULL AND state != 'offline'"
                           " ORDER BY claimed_utc DESC LIMIT 50",
    [STMT_CONV_STATE_SET] = "UPDATE conversations SET dialogue = ?2 WHERE id = ?1",
    [STMT_CONV_STATE_GET] = "SELECT dialogue FROM conversations WHERE id = ?1",
    [STMT_STOCK_GET] = "SELECT qty FROM stock WHERE sku = ?1",
    [STMT_STOCK_SET] = "INSERT INTO stock (sku, qty, product, colour, size)"
                       " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (sku) DO UPDATE SET"
                       " qty = excluded.qty, product = excluded.product,"
                       " colour = excluded.colour, size = excluded.size",
    [STMT_STOCK_PRODUCT] = "SELECT product FROM stock WHERE sku = ?1",
    [STMT_VARIANTS] = "SELECT sku, coalesce(colour, ''), coalesce(size, ''), qty FROM stock"
                      " WHERE product = ?1 ORDER BY sku LIMIT 200",
};

ds_status store__db_fail(store_db *db, ds_error *err, const char *what)
{
    const char *msg = db && db->conn ? sqlite3_errmsg(db->conn) : "no connection";
    if (db && db->step_injected) {
        msg = "injected failure (store_fail_step_after)";
        db->step_injected = 0;
    }
    return ds_fail(err, DS_EDB, "%s: %s", what, msg);
}

int store__step(store_db *db, sqlite3_stmt *st)
{
    if (db->step_fail_at && ++db->step_count >= db->step_fail_at) {
        db->step_injected = 1;
        return SQLITE_IOERR;
    }
    return sqlite3_step(st);
}

void store_fail_step_after(store_db *db, unsigned long n)
{
    if (!db)
        return;
    db->step_count = 0;
    db->step_fail_at = n;
    db->step_injected = 0;
}

sqlite3_stmt *store__stmt(store_db *db, store_stmt_id id, ds_error *err)
{
    assert(id < STMT_COUNT_);
    sqlite3_stmt *st = db->stmts[id];
    if (!st) {
        if (sqlite3_prepare_v3(db->conn, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) !=
            SQLITE_OK) {
            store__db_fail(db, err, "preparing a statement");
            return NULL;
        }
        db->stmts[id] = st;
        return st;
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return st;
}

/* Steps a statement that returns no rows and resets it. */
static ds_status step_done(store_db *db, sqlite3_stmt *st, ds_error *err, const char *what)
{
    int rc = store__step(db, st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? DS_OK : store__db_fail(db, err, what);
}

/* Inside a group-commit batch every transaction of a store_ function is a
 * savepoint of the batch, so its own failure undoes only itself. */
static ds_status run_simple(store_db *db, store_stmt_id id, ds_error *err, const char *what)
{
    sqlite3_stmt *st = store__stmt(db, id, err);
    return st ? step_done(db, st, err, what) : DS_EDB;
}

ds_status store__begin(store_db *db, ds_error *err)
{
    if (db->batch_depth) {
        ds_status s = run_simple(db, STMT_SAVEPOINT, err, "starting a savepoint");
        db->savepoints += s == DS_OK;
        return s;
    }
    return run_simple(db, STMT_BEGIN, err, "starting a transaction");
}

ds_status store__begin_read(store_db *db, ds_error *err)
{
    if (db->batch_depth)
        return store__begin(db, err);
    return run_simple(db, STMT_BEGIN_READ, err, "starting a transaction");
}

ds_status store__commit(store_db *db, ds_error *err)
{
    if (db->batch_depth && db->savepoints) {
        db->savepoints--;
        return run_simple(db, STMT_RELEASE, err, "releasing a savepoint");
    }
    return run_simple(db, STMT_COMMIT, err, "committing");
}

void store__rollback(store_db *db)
{
    if (sqlite3_get_autocommit(db->conn))
        return; /* SQLite already rolled back (some errors do) */
    if (db->batch_depth && db->savepoints) {
        db->savepoints--;
        run_simple(db, STMT_ROLLBACK_TO, NULL, "rolling back a savepoint");
        run_simple(db, STMT_RELEASE, NULL, "releasing a savepoint");
        return;
    }
    sqlite3_stmt *st = store__stmt(db, STMT_ROLLBACK, NULL);
    if (st) {
        sqlite3_step(st);
        sqlite3_reset(st);
    }
}

ds_status store_batch_begin(store_db *db, ds_error *err)
{
    if (db->batch_depth == 0) {
        ds_status s = run_simple(db, STMT_BEGIN, err, "starting a batch");
        if (s != DS_OK)
            return s;
        db->savepoints = 0;
    }
    db->batch_depth++;
    return DS_OK;
}

ds_status store_batch_commit(store_db *db, ds_error *err)
{
    if (db->batch_depth == 0)
        return ds_fail(err, DS_EINVAL, "no batch is open");
    if (--db->batch_depth)
        return DS_OK;
    ds_status s = run_simple(db, STMT_COMMIT, err, "committing a batch");
    if (s != DS_OK && !sqlite3_get_autocommit(db->conn)) {
        sqlite3_stmt *st = store__stmt(db, STMT_ROLLBACK, NULL);
        if (st) {
            sqlite3_step(st);
            sqlite3_reset(st);
        }
    }
    return s;
}

int store__bind_text(sqlite3_stmt *st, int idx, const char *s)
{
    if (!s)
        return sqlite3_bind_null(st, idx);
    return sqlite3_bind_text(st, idx, s, -1, SQLITE_STATIC);
}

char *store__column_dup(sqlite3_stmt *st, int col, int *oom)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    if (!t)
        return NULL;
    char *d = ds_strndup((const char *)t, (size_t)sqlite3_column_bytes(st, col));
    if (!d)
        *oom = 1;
    return d;
}

/* Runs a fixed script of one or more statements (schema steps, pragmas),
 * preparing each in turn; rows are read and dropped. Only ever called with
 * the constant texts above. */
static ds_status run_script(store_db *db, const char *sql, ds_error *err, const char *what)
{
    while (sql && *sql) {
        sqlite3_stmt *st = NULL;
        const char *tail = NULL;
        if (sqlite3_prepare_v2(db->conn, sql, -1, &st, &tail) != SQLITE_OK)
            return store__db_fail(db, err, what);
        if (!st) /* trailing whitespace */
            break;
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW)
            ;
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            return store__db_fail(db, err, what);
        sql = tail;
    }
    return DS_OK;
}

static ds_status read_version(store_db *db, int *version, ds_error *err)
{
    sqlite3_stmt *st = store__stmt(db, STMT_VERSION_GET, err);
    if (!st)
        return DS_EDB;
    if (store__step(db, st) != SQLITE_ROW) {
        ds_status s = store__db_fail(db, err, "reading the schema version");
        sqlite3_reset(st);
        return s;
    }
    *version = sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    return DS_OK;
}

/* Brings the file to STORE_SCHEMA_VERSION in one transaction: an upgrade
 * that fails half-way leaves the file at its old version. */
static ds_status migrate(store_db *db, ds_error *err)
{
    ds_status s = store__begin(db, err);
    if (s != DS_OK)
        return s;
    int version = 0;
    s = run_script(db, bootstrap, err, "creating the schema_version table");
    if (s == DS_OK)
        s = read_version(db, &version, err);
    if (s == DS_OK && version > STORE_SCHEMA_VERSION)
        s = ds_fail(err, DS_EDB,
                    "the database has schema version %d, newer than this program's %d; "
                    "use a newer destek",
                    version, STORE_SCHEMA_VERSION);
    for (int v = version; s == DS_OK && v < STORE_SCHEMA_VERSION; v++) {
        char what[64];
        snprintf(what, sizeof what, "upgrading the schema to version %d", v + 1);
        s = run_script(db, migrations[v], err, what);
        sqlite3_stmt *st = s == DS_OK ? store__stmt(db, STMT_VERSION_SET, err) : NULL;
        if (s == DS_OK && !st)
            s = DS_EDB;
        if (s == DS_OK) {
            sqlite3_bind_int(st, 1, v + 1);
            s = step_done(db, st, err, what);
        }
    }
    if (s == DS_OK)
        s = store__commit(db, err);
    if (s != DS_OK) {
        store__rollback(db);
        return s;
    }
    db->version = STORE_SCHEMA_VERSION;
    return DS_OK;
}

ds_status store_open(const char *path, store_db **out, ds_error *err)
{
    if (!path || !out)
        return ds_fail(err, DS_EINVAL, "store_open: path and out are required");
    store_db *db = ds_calloc(1, sizeof *db);
    if (!db)
        return ds_fail(err, DS_ENOMEM, "out of memory opening %s", path);
    db->path = ds_strdup(path);
    if (!db->path) {
        ds_free(db);
        return ds_fail(err, DS_ENOMEM, "out of memory opening %s", path);
    }
    int rc = sqlite3_open_v2(
        path, &db->conn, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    ds_status s = DS_OK;
    if (rc != SQLITE_OK) {
        if (!db->conn) {
            s = ds_fail(err, DS_ENOMEM, "out of memory opening %s", path);
        } else {
            s = ds_fail(err, rc == SQLITE_CANTOPEN ? DS_EIO : DS_EDB, "cannot open %s: %s", path,
                        sqlite3_errmsg(db->conn));
        }
    } else {
        sqlite3_extended_result_codes(db->conn, 1);
        s = run_script(db, pragmas, err, "setting up the connection");
        if (s == DS_OK)
            s = migrate(db, err);
        if (s != DS_OK && err) {
            /* name the file: "file is not a database" alone is no help */
            char msg[sizeof err->message];
            if (snprintf(msg, sizeof msg, "%s: %s", path, err->message) > 0)
                memcpy(err->message, msg, sizeof msg); /* truncation is fine */
        }
    }
    if (s != DS_OK) {
        store_close(db);
        return s;
    }
    *out = db;
    return DS_OK;
}

void store_close(store_db *db)
{
    if (!db)
        return;
    for (size_t i = 0; i < STMT_COUNT_; i++)
        sqlite3_finalize(db->stmts[i]);
    sqlite3_close(db->conn);
    ds_free(db->path);
    ds_free(db);
}

int store_schema_version(store_db *db)
{
    return db ? db->version : 0;
}

/* ---- jansson ---- */

static _Thread_local int json_alloc_failed;

static void *json_alloc(size_t n)
{
    void *p = ds_malloc(n);
    if (!p)
        json_alloc_failed = 1;
    return p;
}

void store__json_begin(void)
{
    json_set_alloc_funcs(json_alloc, ds_free);
    json_alloc_failed = 0;
}

int store__json_oom(const void *json_error)
{
    const json_error_t *je = json_error;
    return json_alloc_failed || json_error_code(je) == json_error_out_of_memory;
}

/* ---- timestamps ---- */

static int digits(const char *s, int n, int *v)
{
    int x = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        x = x * 10 + (s[i] - '0');
    }
    *v = x;
    return 1;
}

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static long long days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int store__parse_time(const char *s, long long *utc)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, mo, d, h, mi, se;
    if (!s || strlen(s) < 20)
        return 0;
    if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
        !digits(s + 8, 2, &d) || s[10] != 'T' || !digits(s + 11, 2, &h) || s[13] != ':' ||
        !digits(s + 14, 2, &mi) || s[16] != ':' || !digits(s + 17, 2, &se))
        return 0;
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] + (mo == 2 && is_leap(y)) ||
        h > 23 || mi > 59 || se > 60)
        return 0;
    const char *p = s + 19;
    if (*p == '.') {
        const char *f = ++p;
        while (*p >= '0' && *p <= '9')
            p++;
        if (p == f || p - f > 9)
            return 0;
    }
    int off = 0;
    if (*p == 'Z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om;
        if (!digits(p + 1, 2, &oh) || p[3] != ':' || !digits(p + 4, 2, &om) || oh > 23 || om > 59)
            return 0;
        off = (oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
        p += 6;
    } else {
        return 0;
    }
    if (*p)
        return 0;
    if (utc)
        *utc = days_from_civil(y, mo, d) * 86400LL + h * 3600 + mi * 60 + se - off;
    return 1;
}
