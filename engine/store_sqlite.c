/* SPDX-License-Identifier: MIT */
/* The SQLite driver of the store, the embedded default: one file in WAL
 * mode, its schema and migrations, the SQL of every statement, and
 * prepare/bind/step/read over the sqlite3 API. The only file that speaks
 * SQLite; the queries' logic is in the other store_ files, the same for
 * every backend. One connection per thread, as store.h says. */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

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
    "CREATE INDEX stock_product ON stock(product, sku);",

    /* 7 -> 8: personal data. Whose a conversation is, as lookup keys for a
     * KVKK request: the order verified in it, and a contact ("e:" + e-mail
     * in lower case, "p:" + a phone's last 10 digits) the shopper left or
     * signed in with. The destruction records KVKK asks for (counts, never
     * whose). Failed identity checks per order across conversations and
     * addresses, with the lock they lead to. Who of the team opened which
     * conversation (kept after the conversation is erased: ids only). */
    "ALTER TABLE conversations ADD COLUMN order_id TEXT;"
    "ALTER TABLE conversations ADD COLUMN contact TEXT;"
    "CREATE INDEX conversations_order ON conversations(order_id) WHERE order_id IS NOT NULL;"
    "CREATE INDEX conversations_contact ON conversations(contact) WHERE contact IS NOT NULL;"
    "CREATE TABLE destructions ("
    "  id INTEGER PRIMARY KEY,"
    "  at TEXT NOT NULL,"
    "  at_utc INTEGER NOT NULL,"
    "  rule TEXT NOT NULL,"
    "  conversations INTEGER NOT NULL,"
    "  messages INTEGER NOT NULL,"
    "  requests INTEGER NOT NULL,"
    "  handoffs INTEGER NOT NULL,"
    "  returns INTEGER NOT NULL);"
    "CREATE TABLE identity_checks ("
    "  order_id TEXT PRIMARY KEY,"
    "  failures INTEGER NOT NULL,"
    "  locks INTEGER NOT NULL DEFAULT 0,"
    "  locked_until INTEGER NOT NULL DEFAULT 0,"
    "  last_utc INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE access_log ("
    "  id INTEGER PRIMARY KEY,"
    "  agent_id INTEGER NOT NULL REFERENCES agents(id),"
    "  conversation_id INTEGER NOT NULL,"
    "  action TEXT NOT NULL,"
    "  at TEXT NOT NULL);"
    "CREATE INDEX access_log_conversation ON access_log(conversation_id, id);",

    /* 8 -> 9: the review loop. Shopper messages the bot did not understand
     * or was unsure of, the same text once (as stored: masked), how often
     * and when last, and what the supervisor decided. */
    "CREATE TABLE review_items ("
    "  id INTEGER PRIMARY KEY,"
    "  text TEXT NOT NULL COLLATE NOCASE UNIQUE,"
    "  intent TEXT NOT NULL,"
    "  count INTEGER NOT NULL,"
    "  last_seen TEXT NOT NULL,"
    "  conversation_id INTEGER,"
    "  state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open','assigned','dismissed')),"
    "  assigned_intent TEXT);",

    /* 9 -> 10: a supervisor sees the reports and teaches the bot; an agent
     * answers conversations. */
    "ALTER TABLE agents ADD COLUMN role TEXT NOT NULL DEFAULT 'agent'"
    "  CHECK (role IN ('agent','supervisor'));",

    /* 10 -> 11: review items are groups: the same message typed another way
     * (case, Turkish letters, punctuation) is one item, keyed by grp; the
     * text shown is the group's latest. seen marks the refresh that found
     * it, so open items whose messages are gone (retention) leave. */
    "CREATE TABLE review_groups ("
    "  id INTEGER PRIMARY KEY,"
    "  grp TEXT NOT NULL UNIQUE,"
    "  text TEXT NOT NULL,"
    "  intent TEXT NOT NULL,"
    "  count INTEGER NOT NULL,"
    "  last_seen TEXT NOT NULL,"
    "  conversation_id INTEGER,"
    "  state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open','assigned','dismissed')),"
    "  assigned_intent TEXT,"
    "  seen INTEGER NOT NULL DEFAULT 0);"
    "INSERT INTO review_groups (id, grp, text, intent, count, last_seen, conversation_id, state,"
    "  assigned_intent) SELECT id, lower(text), text, intent, count, last_seen, conversation_id,"
    "  state, assigned_intent FROM review_items;"
    "DROP TABLE review_items;",

    /* 11 -> 12: the events that nodes on one shared database tell each
     * other (a frame for a shopper or an agent connected elsewhere, a hand-
     * off that changed, the queue), numbered in the order they commit:
     * event_head's one row is taken, and so locked, by the transaction
     * that appends, until it commits. Kept minutes (store_events_trim). */
    "CREATE TABLE events ("
    "  seq INTEGER PRIMARY KEY,"
    "  at_utc INTEGER NOT NULL,"
    "  node TEXT NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  conversation_id INTEGER,"
    "  target INTEGER,"
    "  body TEXT);"
    "CREATE INDEX events_conversation ON events(conversation_id);"
    "CREATE TABLE event_head (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL);"
    "INSERT INTO event_head VALUES (1, 0);"
    /* the jobs of a deployment, not of each node (the daily purge): who
     * moves last_utc on runs it */
    "CREATE TABLE jobs (name TEXT PRIMARY KEY, last_utc INTEGER NOT NULL) WITHOUT ROWID;"
    "INSERT INTO jobs VALUES ('purge', 0);",

    /* 12 -> 13: who is connected to which node of a shared database
     * (shoppers by conversation, agents with whether they have room), each
     * node's last sign of life (a node not seen for seconds is gone, with
     * what it held), and the queue's offers: one agent per conversation
     * across the nodes, the primary key deciding a race */
    "CREATE TABLE nodes (node TEXT PRIMARY KEY, seen_utc INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE presence ("
    "  node TEXT NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  key INTEGER NOT NULL,"
    "  room INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (node, kind, key)) WITHOUT ROWID;"
    "CREATE INDEX presence_key ON presence(kind, key);"
    "CREATE TABLE offers ("
    "  conversation_id INTEGER PRIMARY KEY,"
    "  agent_id INTEGER NOT NULL,"
    "  node TEXT NOT NULL);",

    /* 13 -> 14: photos and files in a conversation, checked and re-encoded
     * before they are stored (engine/media.c): each belongs to the
     * conversation entry made for it and goes with it (an erasure, the
     * messages' retention) */
    "CREATE TABLE attachments ("
    "  id INTEGER PRIMARY KEY,"
    "  conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,"
    "  message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,"
    "  who TEXT NOT NULL CHECK (who IN ('shopper','agent')),"
    "  media_type TEXT NOT NULL,"
    "  size INTEGER NOT NULL CHECK (size > 0),"
    "  width INTEGER NOT NULL DEFAULT 0,"
    "  height INTEGER NOT NULL DEFAULT 0,"
    "  data BLOB NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  created_utc INTEGER NOT NULL);"
    "CREATE INDEX attachments_conversation ON attachments(conversation_id, id);"
    "CREATE INDEX attachments_message ON attachments(message_id);",

    /* 14 -> 15: an upload's idempotency key (its X-Client-Id), unique per
     * conversation and side: an upload sent again after a lost answer is
     * stored once, as a re-sent message is */
    "ALTER TABLE attachments ADD COLUMN client_id TEXT;"
    "CREATE UNIQUE INDEX attachments_client ON attachments(conversation_id, who, client_id)"
    "  WHERE client_id IS NOT NULL;",

    /* 15 -> 16: what the shop says of each product, by topic ("material",
     * "care", ...; open strings), in its own words: the dialogue answers
     * "ipek mi", "makinede yıkanır mı" from it. Keyed by the product's name
     * as the orders sell it, which is how shoppers name it */
    "CREATE TABLE product_facts ("
    "  product TEXT NOT NULL,"
    "  topic TEXT NOT NULL,"
    "  fact TEXT NOT NULL,"
    "  PRIMARY KEY (product, topic)) WITHOUT ROWID;"};

_Static_assert(sizeof migrations / sizeof migrations[0] == STORE_SCHEMA_VERSION,
               "one migration step per schema version");

/* Run on every open, before anything else. WAL lets readers (the chat
 * server's threads) proceed while an import writes; NORMAL is durable across
 * application crashes in WAL mode and much faster than FULL, but the last
 * commits before a power loss or an OS crash may roll back: FULL
 * (store_set_durability, serve --durability full) keeps them too. */
static const char pragmas[] = "PRAGMA journal_mode=WAL;"
                              /* deleted and replaced content is zeroed, so
                               * an erased message is gone from the file */
                              "PRAGMA secure_delete=ON;"
                              "PRAGMA synchronous=NORMAL;"
                              "PRAGMA foreign_keys=ON;"
                              "PRAGMA busy_timeout=5000;"
                              "PRAGMA cache_size=-65536;";

/* The bookkeeping table exists before any migration: version 0 is a file
 * without it (new, or made by something else). */
static const char bootstrap[] = "CREATE TABLE IF NOT EXISTS schema_version ("
                                "  version INTEGER PRIMARY KEY,"
                                "  applied_at TEXT NOT NULL);";

/* What SQLite says in its own words (store_sql.c has the rest). */
static const char *const sqlite_sql[STMT_COUNT_] = {
    [STMT_BEGIN] = "BEGIN IMMEDIATE",
    [STMT_VERSION_SET] = "INSERT INTO schema_version (version, applied_at)"
                         " VALUES (?1, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
    [STMT_CUSTOMER_UPSERT] = "INSERT INTO customers (email, name, phone) VALUES (?1, ?2, ?3)"
                             " ON CONFLICT (email) DO UPDATE SET name = excluded.name,"
                             " phone = excluded.phone RETURNING id",
    [STMT_REPORT_HANDOFFS] =
        "SELECT h.conversation_id, h.priority, h.reason, h.state, h.created_utc,"
        " h.claimed_utc, coalesce(unixepoch(h.ended_at), 0), coalesce(h.rating, 0)"
        " FROM handoffs h JOIN conversations c ON c.id = h.conversation_id"
        " WHERE substr(c.created_at, 1, 10) BETWEEN ?1 AND ?2 ORDER BY h.id",
    [STMT_REPORT_FIRST_AGENT] =
        "SELECT min(unixepoch(created_at)) FROM messages WHERE conversation_id = ?1"
        " AND role = 'agent' AND unixepoch(created_at) >= ?2",
    [STMT_REPORT_BOT_TURNS] =
        "SELECT count(*), coalesce(sum(json_extract(m.details, '$.intent') = 'fallback'), 0)"
        " FROM messages m JOIN conversations c ON c.id = m.conversation_id"
        " WHERE m.role = 'bot' AND substr(c.created_at, 1, 10) BETWEEN ?1 AND ?2",
    [STMT_REPORT_INTENTS] =
        "SELECT json_extract(m.details, '$.intent') AS i, count(*) AS n"
        " FROM messages m JOIN conversations c ON c.id = m.conversation_id"
        " WHERE m.role = 'bot' AND i IS NOT NULL AND substr(c.created_at, 1, 10) BETWEEN ?1 AND ?2"
        " GROUP BY i ORDER BY n DESC, i LIMIT 10",
    [STMT_SEARCH_CONTACT] =
        "SELECT id, created_at, state, order_id FROM conversations WHERE contact = ?1"
        " OR order_id IN (SELECT id FROM orders WHERE customer_email = ?3 COLLATE NOCASE"
        " OR substr(replace(replace(replace(replace(replace(customer_phone, ' ', ''), '-', ''),"
        " '(', ''), ')', ''), '.', ''), -10) = ?4) ORDER BY id DESC LIMIT ?2",
    [STMT_SEARCH_TEXT] =
        "SELECT id, created_at, state, order_id FROM conversations WHERE id IN ("
        " SELECT conversation_id FROM messages WHERE role = 'shopper' AND text LIKE ?1 ESCAPE '\\'"
        " ORDER BY id DESC LIMIT 500) ORDER BY id DESC LIMIT ?2",
    [STMT_CONV_LAST_ACTIVE] = "SELECT coalesce((SELECT unixepoch(created_at) FROM messages"
                              " WHERE conversation_id = ?1 ORDER BY id DESC LIMIT 1),"
                              " (SELECT unixepoch(created_at) FROM conversations WHERE id = ?1))",
    [STMT_SUBJECT_BY_EMAIL] = "SELECT id, customer_email, customer_phone FROM orders"
                              " WHERE customer_email = ?1 COLLATE NOCASE ORDER BY id",
    [STMT_SUBJECT_BY_PHONE] =
        "SELECT id, customer_email, customer_phone FROM orders WHERE substr(replace(replace("
        "replace(replace(replace(customer_phone, ' ', ''), '-', ''), '(', ''), ')', ''), '.', ''),"
        " -10) = ?1 ORDER BY id",
    [STMT_PURGE_MESSAGES] = "DELETE FROM messages WHERE unixepoch(created_at) < ?1",
    [STMT_PURGE_DIALOGUES] =
        "UPDATE conversations SET dialogue = NULL WHERE dialogue IS NOT NULL"
        " AND unixepoch(created_at) < ?1 AND NOT EXISTS (SELECT 1 FROM messages m"
        " WHERE m.conversation_id = conversations.id)",
    [STMT_PURGE_REQUESTS] = "UPDATE requests SET details = NULL"
                            " WHERE details IS NOT NULL AND unixepoch(created_at) < ?1",
    /* one process on a file: no one to ring for */
    [STMT_EVENTS_NOTIFY] = "SELECT ?1",
};

static sqlite3_stmt *st_of(store_q *q)
{
    return q->impl;
}

static sqlite3 *conn(store_db *db)
{
    return db->conn;
}

static ds_status fail(store_db *db, ds_error *err, const char *what)
{
    return ds_fail(err, DS_EDB, "%s: %s", what, sqlite3_errmsg(conn(db)));
}

static ds_status script(store_db *db, const char *sql, ds_error *err, const char *what)
{
    while (sql && *sql) {
        sqlite3_stmt *st = NULL;
        const char *tail = NULL;
        if (sqlite3_prepare_v2(conn(db), sql, -1, &st, &tail) != SQLITE_OK)
            return fail(db, err, what);
        if (!st) /* trailing whitespace */
            break;
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW)
            ;
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            return fail(db, err, what);
        sql = tail;
    }
    return DS_OK;
}

static ds_status sq_open(store_db *db, const char *path, ds_error *err)
{
    sqlite3 *c = NULL;
    int rc = sqlite3_open_v2(
        path, &c, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    db->conn = c;
    if (rc != SQLITE_OK) {
        if (!c)
            return ds_fail(err, DS_ENOMEM, "out of memory opening %s", path);
        return ds_fail(err, rc == SQLITE_CANTOPEN ? DS_EIO : DS_EDB, "cannot open %s: %s", path,
                       sqlite3_errmsg(c));
    }
    sqlite3_extended_result_codes(c, 1);
    struct stat st;
    if (stat(path, &st) == 0) {
        db->file_dev = (unsigned long long)st.st_dev;
        db->file_ino = (unsigned long long)st.st_ino;
    }
    return script(db, pragmas, err, "setting up the connection");
}

/* ---- checkpoints in a thread of the store's (store_checkpoint_in_background) */

/* The thread's state, in db->background. Between the two threads: wanted,
 * stop and stats (thread side), under mu; the rest belongs to one side. */
typedef struct checkpointer {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int wanted, stop, running;
    sqlite3 *conn; /* the thread's own connection */
    store_checkpoint_stats stats;
    unsigned long long copied; /* WAL pages in the file after the thread's last checkpoint */
    /* the committing thread's (the WAL hook) */
    unsigned long long frames, asked_at, restarts, by_commit, wal_max;
    double by_commit_max_s;
} checkpointer;

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One PASSIVE checkpoint: copies what the WAL holds beyond the oldest
 * reader's snapshot and never waits for a lock (a writer goes on meanwhile).
 * Returns 1 when everything the WAL held at its start was copied. */
static int checkpoint_once(checkpointer *ck)
{
    int log = 0, done = 0;
    double t0 = mono();
    int rc = sqlite3_wal_checkpoint_v2(ck->conn, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
    double s = mono() - t0;
    pthread_mutex_lock(&ck->mu);
    if (rc == SQLITE_OK && done > 0)
        ck->copied = (unsigned long long)done;
    ck->stats.count++;
    ck->stats.total_s += s;
    if (s > ck->stats.max_s)
        ck->stats.max_s = s;
    ck->stats.over_2ms += s > 0.002;
    pthread_mutex_unlock(&ck->mu);
    return rc == SQLITE_OK && done >= log;
}

static void *checkpoint_main(void *arg)
{
    checkpointer *ck = arg;
    pthread_mutex_lock(&ck->mu);
    for (;;) {
        while (!ck->wanted && !ck->stop)
            pthread_cond_wait(&ck->cv, &ck->mu);
        if (ck->stop)
            break;
        ck->wanted = 0;
        ck->running = 1;
        pthread_mutex_unlock(&ck->mu);
        checkpoint_once(ck);
        pthread_mutex_lock(&ck->mu);
        ck->running = 0;
    }
    pthread_mutex_unlock(&ck->mu);
    return NULL;
}

/* Asks the thread for a checkpoint (the committing thread). */
static void ask(checkpointer *ck)
{
    pthread_mutex_lock(&ck->mu);
    ck->wanted = 1;
    pthread_cond_signal(&ck->cv);
    pthread_mutex_unlock(&ck->mu);
}

/* Past STORE_CHECKPOINT_HARD_PAGES: the thread is asked again and again
 * until what it has not copied is at most this many pages, and then the
 * commit copies those itself (a short checkpoint, still two syncs), so the
 * next transaction starts the WAL again. */
#define REST_PAGES 128

/* The hard mark: 1 when the commit should copy the rest itself now. */
static int rest_is_small(checkpointer *ck, unsigned long long n)
{
    pthread_mutex_lock(&ck->mu);
    int busy = ck->running || ck->wanted;
    int small = !busy && n <= ck->copied + REST_PAGES;
    if (!busy && !small) {
        ck->wanted = 1;
        pthread_cond_signal(&ck->cv);
    }
    pthread_mutex_unlock(&ck->mu);
    return small;
}

/* After every commit on the server's connection, with the WAL's size in
 * pages (instead of SQLite's automatic checkpoint, which this hook
 * replaces): every STORE_CHECKPOINT_PAGES new pages the thread is asked to
 * copy them; past STORE_CHECKPOINT_HARD_PAGES see REST_PAGES. */
static int wal_hook(void *arg, sqlite3 *c, const char *name, int pages)
{
    checkpointer *ck = arg;
    unsigned long long n = pages > 0 ? (unsigned long long)pages : 0;
    if (n < ck->frames) { /* the WAL started again: what was copied is of the old one */
        ck->restarts++;
        ck->asked_at = 0;
        pthread_mutex_lock(&ck->mu);
        ck->copied = 0;
        pthread_mutex_unlock(&ck->mu);
    }
    ck->frames = n;
    if (n > ck->wal_max)
        ck->wal_max = n;
    if (n >= STORE_CHECKPOINT_HARD_PAGES) {
        if (!rest_is_small(ck, n))
            return SQLITE_OK;
        /* readers in the way: the next commit tries again */
        double t0 = mono();
        if (sqlite3_wal_checkpoint_v2(c, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL) ==
            SQLITE_OK) {
            ck->by_commit++;
            if (mono() - t0 > ck->by_commit_max_s)
                ck->by_commit_max_s = mono() - t0;
        }
        return SQLITE_OK;
    }
    if (n >= ck->asked_at + STORE_CHECKPOINT_PAGES) {
        ck->asked_at = n;
        ask(ck);
    }
    return SQLITE_OK;
}

static void checkpointer_free(checkpointer *ck)
{
    if (ck->conn)
        sqlite3_close(ck->conn);
    pthread_cond_destroy(&ck->cv);
    pthread_mutex_destroy(&ck->mu);
    ds_free(ck);
}

static ds_status sq_checkpoint_in_background(store_db *db, ds_error *err)
{
    if (!db->path || strcmp(db->path, ":memory:") == 0 || !db->path[0])
        return DS_OK; /* nothing to copy: no file */
    checkpointer *ck = ds_calloc(1, sizeof *ck);
    if (!ck)
        return ds_fail(err, DS_ENOMEM, "out of memory");
    pthread_mutex_init(&ck->mu, NULL);
    pthread_cond_init(&ck->cv, NULL);
    int rc =
        sqlite3_open_v2(db->path, &ck->conn, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        ds_status st = ds_fail(err, DS_EDB, "cannot open %s for checkpoints: %s", db->path,
                               ck->conn ? sqlite3_errmsg(ck->conn) : "out of memory");
        checkpointer_free(ck);
        return st;
    }
    /* it never writes a row; its checkpoints sync as the server's would */
    char *msg = NULL;
    if (sqlite3_exec(ck->conn, "PRAGMA wal_autocheckpoint=0; PRAGMA synchronous=NORMAL;", NULL,
                     NULL, &msg) != SQLITE_OK ||
        pthread_create(&ck->thread, NULL, checkpoint_main, ck) != 0) {
        ds_status st = ds_fail(err, DS_EDB, "cannot start the checkpoint thread for %s: %s",
                               db->path, msg ? msg : "no thread");
        sqlite3_free(msg);
        checkpointer_free(ck);
        return st;
    }
    db->background = ck;
    sqlite3_wal_hook(conn(db), wal_hook, ck); /* replaces the automatic checkpoint */
    return DS_OK;
}

static void sq_checkpoint_stats(store_db *db, store_checkpoint_stats *out)
{
    checkpointer *ck = db->background;
    pthread_mutex_lock(&ck->mu);
    *out = ck->stats;
    pthread_mutex_unlock(&ck->mu);
    out->restarts = ck->restarts;
    out->by_commit = ck->by_commit;
    out->by_commit_max_s = ck->by_commit_max_s;
    out->wal_max = ck->wal_max;
}

static void checkpointer_stop(store_db *db)
{
    checkpointer *ck = db->background;
    if (!ck)
        return;
    sqlite3_wal_hook(conn(db), NULL, NULL);
    pthread_mutex_lock(&ck->mu);
    ck->stop = 1;
    pthread_cond_signal(&ck->cv);
    pthread_mutex_unlock(&ck->mu);
    pthread_join(ck->thread, NULL);
    checkpointer_free(ck);
    db->background = NULL;
}

static void sq_close(store_db *db)
{
    checkpointer_stop(db);
    for (size_t i = 0; i < STMT_COUNT_; i++) {
        sqlite3_finalize(st_of(&db->stmts[i])); /* NULL: nothing to do */
        db->stmts[i].impl = NULL;
    }
    sqlite3_close(conn(db));
    db->conn = NULL;
}

static ds_status sq_prepare(store_db *db, store_stmt_id id, store_q *q, ds_error *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(conn(db), (sqlite_sql[id] ? sqlite_sql[id] : store__sql[id]), -1,
                           SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
        return fail(db, err, "preparing a statement");
    q->drv = &store__sqlite;
    q->impl = st;
    return DS_OK;
}

static void sq_reset(store_q *q)
{
    sqlite3_reset(st_of(q));
    sqlite3_clear_bindings(st_of(q));
}

static void sq_bind_text(store_q *q, int idx, const char *s)
{
    if (!s)
        sqlite3_bind_null(st_of(q), idx);
    else
        sqlite3_bind_text(st_of(q), idx, s, -1, SQLITE_STATIC);
}

static void sq_bind_int(store_q *q, int idx, long long v)
{
    sqlite3_bind_int64(st_of(q), idx, (sqlite3_int64)v);
}

static void sq_bind_blob(store_q *q, int idx, const void *data, size_t len)
{
    sqlite3_bind_blob64(st_of(q), idx, data, (sqlite3_uint64)len, SQLITE_STATIC);
}

static store_rc sq_step(store_q *q)
{
    int rc = sqlite3_step(st_of(q));
    switch (rc) {
    case SQLITE_ROW: return STORE_ROW;
    case SQLITE_DONE: return STORE_DONE;
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY: return STORE_UNIQUE;
    case SQLITE_CONSTRAINT_FOREIGNKEY: return STORE_FOREIGN_KEY;
    default: return (rc & 0xff) == SQLITE_CONSTRAINT ? STORE_CONSTRAINT : STORE_FAIL;
    }
}

static const char *sq_col_text(store_q *q, int col, size_t *len)
{
    const unsigned char *t = sqlite3_column_text(st_of(q), col);
    *len = t ? (size_t)sqlite3_column_bytes(st_of(q), col) : 0;
    return (const char *)t;
}

static const void *sq_col_blob(store_q *q, int col, size_t *len)
{
    const void *b = sqlite3_column_blob(st_of(q), col);
    *len = b ? (size_t)sqlite3_column_bytes(st_of(q), col) : 0;
    return b;
}

static long long sq_col_int(store_q *q, int col)
{
    return (long long)sqlite3_column_int64(st_of(q), col);
}

static long long sq_changes(store_db *db)
{
    return sqlite3_changes(conn(db));
}

static long long sq_last_id(store_db *db)
{
    return (long long)sqlite3_last_insert_rowid(conn(db));
}

static int sq_in_transaction(store_db *db)
{
    return !sqlite3_get_autocommit(conn(db));
}

static const char *sq_errmsg(store_db *db)
{
    return conn(db) ? sqlite3_errmsg(conn(db)) : "no connection";
}

static ds_status sq_durability(store_db *db, int full, ds_error *err)
{
    return script(db, full ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;", err,
                  "setting the durability");
}

static int sq_gone(store_db *db)
{
    struct stat st;
    if (!db->path || !db->file_ino || strcmp(db->path, ":memory:") == 0)
        return 0;
    return stat(db->path, &st) != 0 || (unsigned long long)st.st_ino != db->file_ino ||
           (unsigned long long)st.st_dev != db->file_dev;
}

/* Deleted pages are zeroed in place (secure_delete), but their earlier
 * images may still sit in the WAL: copy the WAL into the file and cut it to
 * nothing. TRUNCATE waits (busy_timeout) for readers of the server's
 * connections to finish. */
static ds_status sq_scrub(store_db *db, ds_error *err)
{
    int log = 0, done = 0;
    int rc = sqlite3_wal_checkpoint_v2(conn(db), NULL, SQLITE_CHECKPOINT_TRUNCATE, &log, &done);
    if (rc == SQLITE_BUSY)
        return ds_fail(err, DS_EDB,
                       "the write-ahead log could not be emptied while other connections read; "
                       "the deleted text is gone from the database but stays in %s-wal until "
                       "the next checkpoint: run the command again",
                       db->path ? db->path : "the database");
    return rc == SQLITE_OK ? DS_OK : fail(db, err, "emptying the write-ahead log");
}

const store_driver store__sqlite = {
    .name = "sqlite",
    .open = sq_open,
    .close = sq_close,
    .migrations = migrations,
    .migration_count = sizeof migrations / sizeof migrations[0],
    .bootstrap = bootstrap,
    .script = script,
    .prepare = sq_prepare,
    .reset = sq_reset,
    .bind_text = sq_bind_text,
    .bind_int = sq_bind_int,
    .bind_blob = sq_bind_blob,
    .step = sq_step,
    .col_text = sq_col_text,
    .col_blob = sq_col_blob,
    .col_int = sq_col_int,
    .changes = sq_changes,
    .last_id = sq_last_id,
    .in_transaction = sq_in_transaction,
    .errmsg = sq_errmsg,
    .scrub = sq_scrub,
    .gone = sq_gone,
    .durability = sq_durability,
    .checkpoint_in_background = sq_checkpoint_in_background,
    .checkpoint_stats = sq_checkpoint_stats,
};
