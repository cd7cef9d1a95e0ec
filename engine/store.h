/* SPDX-License-Identifier: MIT */
/* The order store: the only module that speaks SQL. SQLite (WAL) is the
 * embedded default, PostgreSQL the shared database of several nodes; every
 * query sits behind these functions, and below them a driver per backend
 * (store_int.h's store_driver: the SQL it runs, how it binds and steps). No backend's type appears
 * here. A store_db is one connection: use it from one thread at a time. */
#ifndef STORE_H
#define STORE_H

#include <stddef.h>

#include "ds.h"

typedef struct store_db store_db;

/* Opens (creating if needed) the database at path and brings its schema to
 * the current version, upgrading older files in place. path is a file
 * (SQLite) or a libpq URI, postgresql://... or postgres://... (the database
 * must exist; its tables are created). *out is owned (store_close), written
 * only on success. Errors are DS_EDB / DS_EIO with the backend's message in
 * err. libpq is not linked: a URI loads it with dlopen (the environment's
 * DESTEK_PQ_LIBRARY, else libpq.so.5), and DS_EIO says when it cannot be
 * loaded; a file never does. */
ds_status store_open(const char *path, store_db **out, ds_error *err);

/* path as it may be shown or logged: a URI's password ("user:PASSWORD@",
 * "password=...") replaced by "***". Returns buf (len bytes). */
const char *store_shown(const char *path, char *buf, size_t len);

/* 1 when path names a database that several processes share as nodes of
 * one deployment (PostgreSQL), 0 for a file of one process's own. */
int store_is_shared(const char *path);
void store_close(store_db *db);

/* How far a commit is durable: 0 (the default) survives the process dying
 * at any moment; 1 also survives the machine losing power or crashing, at
 * the cost of a sync to disk per commit (SQLite: synchronous NORMAL or
 * FULL in WAL mode). */
ds_status store_set_durability(store_db *db, int full, ds_error *err);

/* WAL checkpoints off the calling thread (the chat server's loop): a
 * thread owned by db, with a connection of its own, copies the WAL into the
 * database file once the WAL holds STORE_CHECKPOINT_PAGES pages; commits on
 * db no longer do it themselves (SQLite runs its automatic checkpoint inside
 * the commit that crosses the mark: page copies and two syncs, several ms,
 * with every frame of the batch waiting). Durability is unchanged: a commit
 * is in the WAL when it returns, and the checkpoint syncs the WAL before it
 * copies and the file after. The WAL starts again from its beginning only
 * at a transaction that begins with all of it copied, which a writer that
 * never pauses does not give the thread: past STORE_CHECKPOINT_HARD_PAGES
 * the thread is asked until it is only a few pages behind, and a commit then
 * copies those itself (as every commit past SQLite's mark did before, but a
 * few pages), so the WAL's size stays bounded. Nothing on PostgreSQL (DS_OK). Call once, from db's
 * thread; the thread stops in store_close. */
ds_status store_checkpoint_in_background(store_db *db, ds_error *err);
#define STORE_CHECKPOINT_PAGES 1000       /* SQLite's own automatic mark */
#define STORE_CHECKPOINT_HARD_PAGES 40000 /* about 160 MB of WAL */

/* What the checkpoint thread did so far (zeros without one). */
typedef struct store_checkpoint_stats {
    unsigned long long count;     /* checkpoints run */
    unsigned long long over_2ms;  /* of them, longer than 2 ms */
    unsigned long long restarts;  /* times the WAL started again from its beginning */
    unsigned long long by_commit; /* checkpoints a commit ran itself (the hard mark) */
    double by_commit_max_s;       /* the longest of those */
    double total_s, max_s;        /* their time */
    unsigned long long wal_max;   /* the most pages the WAL held */
} store_checkpoint_stats;
void store_checkpoint_stats_get(store_db *db, store_checkpoint_stats *out);

/* 1 when the database file the store was opened on has been deleted or
 * replaced by another file since: writes would go nowhere anyone reads. */
int store_gone(store_db *db);

/* The schema version of an open database (STORE_SCHEMA_VERSION after open). */
int store_schema_version(store_db *db);
#define STORE_SCHEMA_VERSION 16

/* Imports orders in the CONTRACT.md format ({"orders": [...]}), inserting or
 * replacing by order id, in one transaction. A malformed document changes
 * nothing and returns DS_EINPUT with err->field set to the JSON path of the
 * first problem ("orders[3].items[0].price") and err->line/column for JSON
 * syntax errors. *count (may be NULL) gets the number of orders imported.
 * Optional top-level "stock" ([{"sku","qty"}], insert or replace by SKU),
 * "returns" (returns, exchanges and cases; replaced by code, or when they
 * have none by kind, order and created_at) and "products" ([{"name",
 * "facts": {TOPIC: TEXT}}], each product's facts replaced by the file's)
 * join the same transaction; a return's order must be in the database or
 * in the same file (docs/STORE.md). */
ds_status store_import_orders(store_db *db, const char *json, size_t len, size_t *count,
                              ds_error *err);

typedef struct store_item {
    char *sku, *name, *category;
    int qty;
    char *price; /* decimal string, as imported */
} store_item;

typedef struct store_event {
    char *at, *location, *status, *description;
} store_event;

typedef struct store_order {
    char *id, *created_at, *status;
    char *customer_name, *customer_email, *customer_phone;
    char *payment_method;
    int installments;
    char *total, *currency;
    store_item *items;
    size_t item_count;
    int has_shipment;
    char *carrier, *tracking_no, *shipped_at, *delivered_at; /* NULL when absent */
    store_event *events;                                     /* oldest first */
    size_t event_count;
} store_order;

/* Reads one order with its customer, items, shipment and events. *out is
 * owned (store_order_free). DS_ENOTFOUND when there is no such order. */
ds_status store_order_get(store_db *db, const char *id, store_order **out, ds_error *err);
void store_order_free(store_order *o);

/* Only the e-mail and phone an order was placed with: what an identity
 * check compares, in one lookup that costs the same whether the order
 * exists or not. DS_ENOTFOUND (email and phone "") when it does not. */
ds_status store_order_contact(store_db *db, const char *id, char *email, size_t email_len,
                              char *phone, size_t phone_len, ds_error *err);

/* Cancels an order that has not shipped (status received or preparing):
 * sets status cancelled and writes an audit record (who, when, why) in the
 * same transaction. DS_ECONFLICT when the order's status does not allow it,
 * DS_ENOTFOUND when there is no such order. now is ISO 8601 with offset. */
ds_status store_order_cancel(store_db *db, const char *id, const char *actor, const char *reason,
                             const char *now, ds_error *err);

/* Records a request for the shop's team: kind "address_change",
 * "handoff", ...; priority "urgent" or "normal"; details is a JSON object
 * text (may be NULL). *id_out (may be NULL) gets the new request id. */
ds_status store_request_add(store_db *db, const char *kind, const char *order_id,
                            const char *priority, const char *details, const char *now,
                            long long *id_out, ds_error *err);

typedef struct store_request {
    long long id;
    char *kind, *order_id, *priority, *details, *created_at, *state;
} store_request;

/* Lists requests, oldest first, optionally only of one kind (NULL = all).
 * *out is an owned array (store_requests_free). */
ds_status store_requests_list(store_db *db, const char *kind, store_request **out, size_t *count,
                              ds_error *err);
void store_requests_free(store_request *r, size_t count);

/* The number of orders in the store (written to *count on success). */
ds_status store_order_count(store_db *db, size_t *count, ds_error *err);

typedef struct store_audit {
    char *action; /* "cancel" */
    char *old_status, *new_status, *actor, *reason, *at;
} store_audit;

/* The audit trail of one order, oldest first (empty for an unknown order).
 * *out is an owned array (store_audit_free). */
ds_status store_order_audit(store_db *db, const char *order_id, store_audit **out, size_t *count,
                            ds_error *err);
void store_audit_free(store_audit *a, size_t count);

/* Test hook: make the n-th statement step on this connection from now on,
 * and every one after it, fail as an I/O error would (0 = never). Lets tests
 * check that every SQL failure rolls back and reports DS_EDB. Per
 * connection; ROLLBACK itself is never failed. */
void store_fail_step_after(store_db *db, unsigned long n);

/* ---- conversations (the chat server) ----------------------------------- */

/* Starts a conversation for a session token: only the token's SHA-256 hash
 * (token_hash, hex) is stored. *id gets the conversation id. */
ds_status store_conversation_create(store_db *db, const char *token_hash, const char *now,
                                    long long *id, ds_error *err);

/* The open conversation of a token hash; DS_ENOTFOUND when there is none. */
ds_status store_conversation_find(store_db *db, const char *token_hash, long long *id,
                                  ds_error *err);

/* Ends a conversation (log-out): its token no longer resumes it. */
ds_status store_conversation_close(store_db *db, long long id, const char *now, ds_error *err);

/* The dialogue state kept with a conversation (a JSON object text, or NULL
 * to clear it), and reading it back: *state is owned (ds_free), NULL when
 * none was kept. */
ds_status store_conversation_save_state(store_db *db, long long id, const char *state,
                                        ds_error *err);
ds_status store_conversation_state(store_db *db, long long id, char **state, ds_error *err);

/* Whose the conversation is, for a KVKK request: the order verified in it
 * and a contact key (store_contact_key); NULL leaves either as it is. */
ds_status store_conversation_set_subject(store_db *db, long long id, const char *order_id,
                                         const char *contact_key, ds_error *err);

/* The order verified in the conversation (on any node): *order owned
 * (ds_free), NULL when none. */
ds_status store_conversation_order(store_db *db, long long id, char **order, ds_error *err);

/* When the conversation was last active (its newest message, or its start),
 * in utc seconds: *utc = 0 when there is no such conversation. */
ds_status store_conversation_last_active(store_db *db, long long id, long long *utc, ds_error *err);

/* A message of a conversation. role is "shopper" or "bot". client_id (may be
 * NULL for bot messages) is unique per conversation: adding a shopper
 * message whose client_id is already stored changes nothing and sets
 * *duplicate. details is a JSON object text or NULL (a bot reply's
 * explanation: intent, confidence, candidates, quick replies). */
typedef struct store_message {
    long long id;
    char *role, *client_id, *text, *details, *created_at;
} store_message;

ds_status store_message_add(store_db *db, long long conversation, const char *role,
                            const char *client_id, const char *text, const char *details,
                            const char *now, int *duplicate, ds_error *err);

/* The messages of a conversation, oldest first, at most `limit` of the
 * newest (0 = all). *out is an owned array (store_messages_free). */
ds_status store_messages_list(store_db *db, long long conversation, size_t limit,
                              store_message **out, size_t *count, ds_error *err);
/* The same, older than message id `before` (0: the newest): a page of a
 * long conversation. */
ds_status store_messages_before(store_db *db, long long conversation, long long before,
                                size_t limit, store_message **out, size_t *count, ds_error *err);
void store_messages_free(store_message *m, size_t count);

/* Group commit: between store_batch_begin and store_batch_commit every write
 * joins one transaction. Nested calls are counted; only the outermost
 * commits. A failed commit rolls the whole batch back. */
ds_status store_batch_begin(store_db *db, ds_error *err);
ds_status store_batch_commit(store_db *db, ds_error *err);
/* Rolls the open batch back whatever its nesting (nothing of it stays). */
void store_batch_abort(store_db *db);

/* ---- attachments: photos and files in a conversation ----------------------- */

/* What the store keeps of an attachment besides its bytes. The bytes are
 * stored as given: checking and re-encoding them is the caller's
 * (engine/media.c). */
typedef struct store_attachment {
    long long id, conversation;
    long long message; /* the conversation entry made for it */
    char who[8];       /* "shopper" or "agent" */
    char type[48];     /* media type: image/jpeg, image/png, application/pdf */
    long long size;    /* bytes */
    int width, height; /* pixels; 0 for a file that is not an image */
    char created_at[40];
} store_attachment;

#define STORE_ATTACHMENT_MAX_LEN (16 * 1024 * 1024)
#define STORE_CLIENT_ID_MAX_LEN 64 /* an upload's idempotency key, in bytes */

/* Adds an attachment of `who` ("shopper" or "agent"; agent: the agent's
 * name, shown with the entry, or NULL) to conversation conv, with the
 * conversation entry it belongs to: a message of role who, text "", details
 * {"attachment":{"id","type","size","width","height"}} (and "agent"), in
 * one transaction (a savepoint of an open batch). client_id (may be NULL;
 * 1 to STORE_CLIENT_ID_MAX_LEN bytes) is the upload's idempotency key,
 * unique per conversation and who: when an attachment of conv and who is
 * stored under it already (sent again after a lost answer, or by another
 * node at the same moment), nothing is added, *out gets that one and
 * *duplicate (may be NULL) is set, as store_message_add does for a re-sent
 * client id. data[0..len) is borrowed (0 < len <= STORE_ATTACHMENT_MAX_LEN).
 * now is ISO 8601 with an offset. *out (may be NULL) gets the row as stored.
 * DS_EINVAL for a bad who, key, len or now; DS_ENOTFOUND when there is no
 * such conversation; DS_EDB. */
ds_status store_attachment_add(store_db *db, long long conv, const char *who, const char *agent,
                               const char *client_id, const char *type, const void *data,
                               size_t len, int width, int height, const char *now,
                               store_attachment *out, int *duplicate, ds_error *err);

/* The attachment of conv that who ("shopper" or "agent") stored under the
 * idempotency key client_id, into *out; DS_ENOTFOUND when there is none. */
ds_status store_attachment_find(store_db *db, long long conv, const char *who,
                                const char *client_id, store_attachment *out, ds_error *err);

/* Attachment id, only when it belongs to conversation conv (conv 0: any;
 * the caller has checked who may read it). DS_ENOTFOUND otherwise, the same
 * whether it does not exist or belongs elsewhere. *out gets its row; data
 * (may be NULL: the row alone) gets its bytes, owned (ds_free), *len their
 * length. */
ds_status store_attachment_get(store_db *db, long long id, long long conv, store_attachment *out,
                               void **data, size_t *len, ds_error *err);

/* A conversation's attachments, oldest first, without their bytes. *out is
 * an owned array (ds_free), NULL when there are none. */
ds_status store_attachments_list(store_db *db, long long conv, store_attachment **out,
                                 size_t *count, ds_error *err);

/* ---- events between the nodes of one shared database -------------------- */

/* What one node tells the others: a frame for a shopper (conversation) or
 * an agent (target) connected to another node, a hand-off that changed, the
 * queue. kind and body are the chat server's; the store only keeps them in
 * order. */
typedef struct store_node_event {
    long long seq; /* set by the store: 1, 2, ... in commit order */
    char kind[16];
    long long conversation; /* 0 none */
    long long target;       /* 0 none */
    char *body;             /* owned, may be NULL */
    char node[64];          /* who appended it */
} store_node_event;

/* Appends n events in the open transaction or batch, numbered after every
 * event committed before them: the numbering locks one row until the
 * commit, so numbers commit in order and a reader that has seen N has seen
 * everything below N. On PostgreSQL it also rings the doorbell (a NOTIFY
 * delivered when the transaction commits). Call it last before the commit:
 * nothing else should wait behind that lock. */
ds_status store_events_append(store_db *db, const char *node, const store_node_event *ev, size_t n,
                              long long now_utc, ds_error *err);
/* Up to max events numbered above after, oldest first. *out is an owned
 * array (store_events_free). */
ds_status store_events_after(store_db *db, long long after, size_t max, store_node_event **out,
                             size_t *count, ds_error *err);
void store_events_free(store_node_event *ev, size_t count);
/* The number of the newest committed event (0 none). */
ds_status store_events_head(store_db *db, long long *seq, ds_error *err);
/* Deletes the events appended before cutoff_utc (they carry shoppers'
 * words: kept minutes, only for nodes that were away). */
ds_status store_events_trim(store_db *db, long long cutoff_utc, ds_error *err);

/* A job of the whole deployment (name: "purge"), run by one node every
 * every_s seconds: *due is 1 for the one caller that should run it now (the
 * time is taken for it in the store), 0 when another node ran it within
 * every_s. */
ds_status store_job_due(store_db *db, const char *name, long long now_utc, long long every_s,
                        int *due, ds_error *err);

/* ---- presence across the nodes of one shared database -------------------- */

/* node is alive at now_utc: what it holds counts while it is seen. */
ds_status store_node_seen(store_db *db, const char *node, long long now_utc, ds_error *err);
/* Forgets the nodes last seen before before_utc (killed, cut off) and what
 * they held: their connections and their offers. *gone: how many. */
ds_status store_nodes_reap(store_db *db, long long before_utc, size_t *gone, ds_error *err);
/* Forgets node and what it holds (a node stopping). */
ds_status store_node_forget(store_db *db, const char *node, ds_error *err);
/* A connection of kind ("shopper": key is its conversation; "agent": key is
 * the agent, room whether it can take another conversation) on node, or
 * (present 0) no longer. */
ds_status store_presence_set(store_db *db, const char *node, const char *kind, long long key,
                             int present, int room, ds_error *err);
/* How many keys of kind (key 0: any; else that one) have a connection on a
 * node seen since alive_utc, and how many of them have room (agents). */
ds_status store_presence_count(store_db *db, const char *kind, long long key, long long alive_utc,
                               size_t *count, size_t *room, ds_error *err);

/* One agent at work on some node: its id, name and capacity, and whether
 * it had room for another conversation when its node last looked. */
typedef struct store_at_work {
    long long id;
    char name[128];
    int capacity;
    int room;
} store_at_work;
/* Up to max agents at work on the nodes seen since alive_utc, by name;
 * *out owned (ds_free). */
ds_status store_agents_at_work(store_db *db, long long alive_utc, size_t max, store_at_work **out,
                               size_t *count, ds_error *err);

/* One offer of the queue: conversation conv offered to agent. */
typedef struct store_offer {
    long long conversation, agent;
} store_offer;
/* Offers conv to agent (on node) unless it is offered to someone already:
 * *taken 1 when it is now agent's, 0 when another agent has it (the race
 * between nodes is decided by the database). */
ds_status store_offer_take(store_db *db, long long conv, long long agent, const char *node,
                           int *taken, ds_error *err);
/* Withdraws conv's offer to agent; conv 0: every offer to agent on node. */
ds_status store_offer_drop(store_db *db, long long conv, long long agent, const char *node,
                           ds_error *err);
/* Up to max offers, by conversation; *out owned (ds_free). */
ds_status store_offers_list(store_db *db, size_t max, store_offer **out, size_t *count,
                            ds_error *err);

/* A connection that waits for other nodes' doorbells (PostgreSQL LISTEN),
 * apart from the store's connection so it can be polled at any time. */
typedef struct store_listener store_listener;
/* Opens it on path (store_is_shared); *out owned (store_listener_free).
 * libpq is loaded as by store_open. */
ds_status store_listener_open(const char *path, store_listener **out, ds_error *err);
void store_listener_free(store_listener *l);
/* Reads what has arrived, without waiting: 1 when a doorbell rang, or the
 * connection was opened again (catch up: something may have been missed
 * meanwhile), 0 nothing, -1 the connection is down (each call after a
 * second tries to open it again). */
int store_listener_poll(store_listener *l);
/* The backend's process id of the listening connection (tests end it with
 * pg_terminate_backend), 0 while down. */
int store_listener_pid(const store_listener *l);

/* ---- returns, exchanges and after-sales cases --------------------------- */

/* A return or exchange request, or an after-sales case (damaged, missing or
 * wrong item, defect, complaint) for the shop's team. */
typedef struct store_return {
    long long id;
    char *kind;     /* "return", "exchange" or "case" */
    char *order_id; /* NULL for a complaint without an order */
    char *items;    /* JSON array text: [{"sku":..,"name":..,"qty":..}] */
    char *reason;   /* "beden", "begenmedim", "kusurlu", "hasarli", "yanlis", "eksik",
                       "ariza", "sikayet", ... */
    char *state;    /* requested, in_transit, received, inspected, refunded, rejected,
                       exchanged, open */
    char *code;     /* the return code the shopper gives the carrier; NULL for cases */
    char *priority; /* "urgent" or "normal" */
    char *details;  /* JSON object text or NULL: description, new size, rejection reason */
    char *created_at;
    char *updated_at;
} store_return;

/* Records one; *id_out (may be NULL) gets its id. state, code, details may
 * be NULL (state then "requested" for returns and exchanges, "open" for
 * cases). items and details must be JSON texts of the right shape.
 * items: an array of objects each with a non-empty "sku" and an integer
 * "qty" >= 1 ("name" optional), non-empty for returns and exchanges; NULL
 * means [] and is allowed only for cases. details: an object. now: ISO 8601
 * with offset (created_at and updated_at). Errors: DS_EINVAL for a bad kind,
 * priority, state, code, reason or now; DS_EINPUT for items or details of the
 * wrong shape; DS_ENOTFOUND when order_id is not in the store; DS_ECONFLICT
 * when code is already used; DS_EDB. */
ds_status store_return_add(store_db *db, const char *kind, const char *order_id, const char *items,
                           const char *reason, const char *state, const char *code,
                           const char *priority, const char *details, const char *now,
                           long long *id_out, ds_error *err);

/* Lists them oldest first: of one order, or all when order_id is NULL.
 * *out is an owned array (store_returns_free). */
ds_status store_returns_list(store_db *db, const char *order_id, store_return **out, size_t *count,
                             ds_error *err);
void store_returns_free(store_return *r, size_t count);

/* Replaces a return's details (a JSON object text, as store_return_add
 * takes it: an exchange's new variant) and sets its updated_at to now.
 * DS_EINVAL for a missing argument or a bad now, DS_EINPUT for details that
 * are not an object, DS_ENOTFOUND when there is no such return. */
ds_status store_return_set_details(store_db *db, long long id, const char *details, const char *now,
                                   ds_error *err);

/* The order of the return whose code this is (the code the shopper was
 * given for the carrier, as store_return_add took it) into order_id, of
 * size bytes. DS_ENOTFOUND when no return has it (or it has no order),
 * DS_EINVAL for an argument missing, a text that is not a code's shape, or
 * an order number longer than size allows. */
ds_status store_return_order_by_code(store_db *db, const char *code, char *order_id, size_t size,
                                     ds_error *err);

/* Stock of one SKU; DS_ENOTFOUND when the shop has no such SKU. */
ds_status store_stock_get(store_db *db, const char *sku, int *qty, ds_error *err);

/* Moves a return to another state (one of those above) and sets its
 * updated_at to now. DS_EINVAL for an unknown state, DS_ENOTFOUND when there
 * is no such return. */
ds_status store_return_set_state(store_db *db, long long id, const char *state, const char *now,
                                 ds_error *err);

/* Sets the stock of one SKU (insert or replace); qty >= 0 (DS_EINVAL). Its
 * product and size follow the SKU convention of store_variants_of. */
ds_status store_stock_set(store_db *db, const char *sku, int qty, ds_error *err);

/* One variant of a product in the stock: its SKU, colour and size as the
 * shop wrote them ("" for none), and how many are in stock. */
typedef struct store_variant {
    char *sku;
    char *colour;
    char *size;
    int qty;
} store_variant;

/* Sets the stock of one variant. product, colour and size may be NULL: the
 * product is then the SKU up to its last dash and the size what follows
 * (TS-102-M: TS-102, M), as for stock imported without them. */
ds_status store_variant_set(store_db *db, const char *sku, const char *product, const char *colour,
                            const char *size, int qty, ds_error *err);

/* The variants of the product sku belongs to (its stock row's product, or
 * the SKU convention when the shop keeps no row for sku), sku itself
 * included when it has a row, ordered by SKU. *out is an owned array
 * (store_variants_free); empty when the shop keeps no stock for it. */
ds_status store_variants_of(store_db *db, const char *sku, store_variant **out, size_t *count,
                            ds_error *err);
void store_variants_free(store_variant *v, size_t count);

/* A product the shop's orders name: its name as sold and one of its SKUs
 * (its variants follow from it, store_variants_of). */
typedef struct store_product {
    char *name;
    char *sku;
} store_product;

/* Every product name the orders hold, once each (at most 2,000), ordered
 * by name: how shoppers name what they ask about. *out is an owned array
 * (store_products_free); empty when there are no orders. */
ds_status store_products_sold(store_db *db, store_product **out, size_t *count, ds_error *err);
void store_products_free(store_product *p, size_t count);

/* What the shop says of a product on one topic, in its own words, to be
 * said as it is: topic "material", text "%100 ipek; saten değil.". */
typedef struct store_fact {
    char *topic;
    char *text;
} store_fact;

/* The longest topic name, in bytes (a short id: a-z, 0-9, _). */
#define STORE_MAX_TOPIC_LEN 32

/* 1 when topic is a topic's shape: 1 to STORE_MAX_TOPIC_LEN of a-z, 0-9
 * and _, starting with a letter ("material", "care", "origin"). */
int store_is_fact_topic(const char *topic);

/* Sets (insert or replace) what the shop says of product on topic; a NULL
 * text removes it. product is the name as the orders sell it ("İpek
 * Eşarp"), exact. DS_EINVAL for a missing or empty product, a topic not of
 * the shape above, or an empty text or one over STORE_MAX_FIELD_LEN bytes. */
ds_status store_product_fact_set(store_db *db, const char *product, const char *topic,
                                 const char *text, ds_error *err);

/* Every fact of product (exact name), ordered by topic (at most 64). *out
 * is an owned array (store_facts_free); empty when the shop says nothing of
 * it. */
ds_status store_product_facts(store_db *db, const char *product, store_fact **out, size_t *count,
                              ds_error *err);
void store_facts_free(store_fact *f, size_t count);

/* Every product the shop has facts for, once each (at most 2,000), ordered
 * by name: products a shopper may ask about before anyone ordered one.
 * *out is an owned array (store_products_free) whose sku is NULL. */
ds_status store_products_described(store_db *db, store_product **out, size_t *count, ds_error *err);

/* ---- agents and hand-offs (people) ------------------------------------- */

typedef struct store_agent {
    long long id;
    char *name;
    int capacity;        /* conversations at once */
    char token_hash[65]; /* as stored: hex SHA-256 of the token */
    int supervisor;      /* role "supervisor": reports and teaching the bot */
} store_agent;

/* A new agent; only token_hash (hex SHA-256 of the token) is stored.
 * DS_ECONFLICT when the name is taken. */
ds_status store_agent_add(store_db *db, const char *name, const char *token_hash, int capacity,
                          const char *now, long long *id, ds_error *err);
/* The agent with this token hash; DS_ENOTFOUND when none. *out owned
 * (store_agent_free). */
ds_status store_agent_find(store_db *db, const char *token_hash, store_agent **out, ds_error *err);
void store_agent_free(store_agent *a);
/* role: "agent" or "supervisor". */
ds_status store_agent_set_role(store_db *db, long long id, const char *role, ds_error *err);
/* The display name of agent id (what shoppers are told joined), *name owned
 * (ds_free); DS_ENOTFOUND when there is no such agent. */
ds_status store_agent_name(store_db *db, long long id, char **name, ds_error *err);

typedef struct store_handoff {
    long long id, conversation, agent_id; /* agent_id 0 when none */
    char *state;                          /* waiting, offline, claimed, released, closed */
    char *priority, *reason, *intent, *preview, *details, *created_at;
    long long created_utc, claimed_utc;
    int rating; /* 0 when none */
    char *comment;
} store_handoff;

/* Opens a hand-off (state "waiting" or "offline") unless the conversation
 * already has an active one, whose id is returned instead (*existing = 1). */
ds_status store_handoff_open(store_db *db, long long conversation, const char *state,
                             const char *priority, const char *reason, const char *intent,
                             const char *preview, const char *details, const char *now,
                             long long now_utc, long long *id, int *existing, ds_error *err);
/* The active hand-off of a conversation; DS_ENOTFOUND when none. */
ds_status store_handoff_active(store_db *db, long long conversation, store_handoff **out,
                               ds_error *err);
/* The queue (waiting and offline, in serving order), or an agent's claimed
 * conversations (agent_id > 0). *out is an owned array. */
ds_status store_handoffs_list(store_db *db, long long agent_id, store_handoff **out, size_t *count,
                              ds_error *err);
void store_handoff_free(store_handoff *h);
void store_handoffs_free(store_handoff *h, size_t count);
/* Atomic claim: DS_ECONFLICT when someone else was first (or it ended). */
ds_status store_handoff_claim(store_db *db, long long id, long long agent_id, long long now_utc,
                              ds_error *err);
/* Ends it: state "released" (back to the bot) or "closed". */
ds_status store_handoff_end(store_db *db, long long id, const char *state, const char *now,
                            ds_error *err);
/* The shopper's 1-5 score for the latest closed hand-off of a
 * conversation, once: DS_ENOTFOUND when there is none, DS_ECONFLICT when it
 * was rated already. *agent_id (may be NULL) gets the agent who had it. */
ds_status store_handoff_rate(store_db *db, long long conversation, int score, const char *comment,
                             long long *agent_id, ds_error *err);
/* Hands a claimed hand-off from agent from to agent to: DS_ECONFLICT when
 * from no longer holds it (ended, or handed on already). */
ds_status store_handoff_transfer(store_db *db, long long id, long long from, long long to,
                                 ds_error *err);
/* Conversations waiting for people now (offline requests included). */
ds_status store_handoff_waiting(store_db *db, size_t *count, ds_error *err);
/* Median seconds from hand-off to claim over the last 50 claims; def when
 * there is no history yet. */
long long store_handoff_median_wait(store_db *db, long long def);

/* ---- reports (the shop's customer-service figures) ------------------------- */

/* A count by a name (a reason, a priority, an intent). */
typedef struct store_count {
    char name[48];
    long long n;
} store_count;

/* The figures of conversations started between two shop-local dates
 * (YYYY-MM-DD, both inclusive); docs/OPERATIONS.md defines each. Seconds
 * are medians, -1 when there is nothing to measure; csat -1 when no
 * score. */
typedef struct store_report {
    long long conversations, bot_resolved, handoffs, offline_requests;
    long long first_response_s;                      /* hand-off to the first agent message */
    long long waiting_s;                             /* hand-off to its claim */
    long long first_response_open_s, waiting_open_s; /* the same, counting working hours only */
    long long resolution_s;                          /* hand-off to its end (closed or released) */
    long long answered;                              /* hand-offs an agent answered */
    double csat;                                     /* share of 4 and 5 among the scores */
    long long csat_responses, closed;
    long long bot_turns, fallbacks;
    store_count by_priority[2], by_reason[16], intents[10];
    size_t reasons, intent_count;
    long long hours[24]; /* conversations started in each hour of the day */
} store_report;

/* Seconds of [from_utc, to_utc) that count (the shop's working hours). */
typedef long long (*store_span_fn)(void *ctx, long long from_utc, long long to_utc);

/* open (may be NULL: the *_open_s figures are then -1) measures spans in
 * working hours. */
ds_status store_report_get(store_db *db, const char *from, const char *to, store_span_fn open,
                           void *open_ctx, store_report *out, ds_error *err);

/* ---- the team's search ------------------------------------------------------ */

typedef struct store_conv_row {
    long long id;
    char created_at[40];
    char state[8];
    char order[24]; /* "" when none was verified */
} store_conv_row;

/* Conversations, newest first, at most cap into out: for q an order number
 * (digits), those it was verified in; an e-mail or a phone number, those
 * that left it or signed in with it; else those whose shopper wrote q
 * (case-insensitive for ASCII letters). *count how many. */
ds_status store_conversations_search(store_db *db, const char *q, store_conv_row *out, size_t cap,
                                     size_t *count, ds_error *err);
/* The customer's other conversations: the same verified order or contact. */
ds_status store_conversations_related(store_db *db, long long conversation, store_conv_row *out,
                                      size_t cap, size_t *count, ds_error *err);

/* ---- review: what the bot did not understand ------------------------------ */

typedef struct store_review {
    long long id;
    char text[2048 * 4 + 1]; /* as stored: masked */
    char intent[48];         /* what the bot answered: fallback, or its unsure guess */
    long long count;
    char last_seen[40];
    long long conversation; /* the last conversation it came from */
    char state[12];         /* open, assigned, dismissed */
} store_review;

/* Brings the review items up to date from the stored messages: a shopper
 * message answered as fallback or with a clarifying question, or followed
 * at once by a request for a person; the same message (by key) once, shown
 * by its latest text, with how often and when last. What was assigned or
 * dismissed stays so; an open item whose messages are gone leaves. */
typedef size_t (*store_review_key_fn)(void *ctx, const char *text, char *key, size_t cap);
/* key (may be NULL: the text in lower case) groups the texts that are one
 * message typed differently: it writes at most cap bytes and returns the
 * length, 0 to fall back to the text. */
ds_status store_review_refresh(store_db *db, store_review_key_fn key, void *key_ctx, ds_error *err);
/* The open items, newest and most frequent first (id 0), or the item id
 * whatever its state; *out owned (ds_free). */
ds_status store_review_list(store_db *db, long long id, store_review **out, size_t *count,
                            ds_error *err);
/* state "assigned" (with the intent) or "dismissed". DS_ENOTFOUND when
 * there is no such item. */
ds_status store_review_set(store_db *db, long long id, const char *state, const char *intent,
                           ds_error *err);

/* ---- personal data (KVKK, PCI DSS) --------------------------------------- */

/* The lookup key of a contact as conversations keep it: "e:" and an e-mail
 * in lower case, or "p:" and a phone number's last 10 digits (any
 * spelling: "+90 532 123 45 67", "05321234567"). Returns 0, out empty,
 * when text is neither. */
#define STORE_CONTACT_KEY_LEN 136
int store_contact_key(const char *text, char out[STORE_CONTACT_KEY_LEN]);

/* Whom a privacy request is about: the customer of an e-mail, of a phone
 * number, or of an order (its e-mail and phone). The customer's
 * conversations are those in which one of their orders was verified or
 * which left or signed in with one of their contacts. */
typedef enum store_subject_kind {
    STORE_SUBJECT_EMAIL,
    STORE_SUBJECT_PHONE,
    STORE_SUBJECT_ORDER
} store_subject_kind;

/* One destruction: when, by which rule or request ("erase:email",
 * "retention:messages", ...), how many of each kind were removed. Never
 * whose. */
typedef struct store_destruction {
    char at[40];
    char rule[40];
    long long conversations, messages, requests, handoffs, returns;
} store_destruction;

/* Everything the store holds about the customer's conversations, as one
 * JSON object text: "subject" (kind, orders), "conversations" (each with
 * "messages", "handoffs", "attachments" described without their bytes, and
 * the saved dialogue), "requests" (the team's
 * requests about their orders, and offline requests they left), "returns".
 * *json owned (ds_free). */
ds_status store_privacy_export(store_db *db, store_subject_kind kind, const char *value,
                               char **json, ds_error *err);

/* Deletes the customer's conversations with their messages (and the
 * attachments of those), hand-offs and offline requests, and the free text of their requests and
 * cases (the orders, returns and requests stay: the shop's records), in one transaction, then
 * scrubs the files so none of it can be read back. Writes a destruction record; *out (may be NULL)
 * gets its counts. */
ds_status store_privacy_erase(store_db *db, store_subject_kind kind, const char *value,
                              const char *now, store_destruction *out, ds_error *err);

/* Retention, in days (0 = keep): shopper and bot messages with the saved
 * dialogue and case descriptions; offline requests' details and the
 * team's request details; hand-off previews and rating comments; and the
 * destruction records themselves (KVKK: 3 years). */
typedef struct store_retention {
    int messages_days, offline_requests_days, handoff_notes_days, records_days;
} store_retention;

/* Applies r as of now_utc in one transaction and scrubs the files; writes
 * one destruction record per rule (messages, offline_requests,
 * handoff_notes), counts in out[0..2] (may be NULL). Counts and ratings
 * stay: only texts go. */
#define STORE_PURGE_RULES 3
ds_status store_privacy_purge(store_db *db, const store_retention *r, long long now_utc,
                              const char *now, store_destruction out[STORE_PURGE_RULES],
                              ds_error *err);

/* The destruction records, oldest first; *out owned (ds_free). */
ds_status store_destructions_list(store_db *db, store_destruction **out, size_t *count,
                                  ds_error *err);

/* Failed identity checks of an order, across conversations and addresses.
 * store_identity_status: *locked_until (utc seconds) > now_utc while the
 * order is locked. store_identity_failed counts one failure and, at
 * `limit` failures within a day, locks the order for a period that doubles with each
 * lock (lock_s, 2 lock_s, ... at most a day); *locked_until says until
 * when (0 = not locked); a day without a lock makes the next one short
 * again. A lock of an order the shop has is written to
 * its audit (actor, as store_order_audit shows it). store_identity_passed forgets the failures (not
 * the locks). */
ds_status store_identity_status(store_db *db, const char *order_id, long long now_utc,
                                long long *locked_until, ds_error *err);
ds_status store_identity_failed(store_db *db, const char *order_id, const char *actor,
                                const char *now, long long now_utc, int limit, long long lock_s,
                                long long *locked_until, ds_error *err);
ds_status store_identity_passed(store_db *db, const char *order_id, ds_error *err);

/* The team's access to conversations: who (an agent id) did what (claim,
 * open, ...) with which conversation, when; listed oldest first for one
 * conversation or all (conversation 0). */
typedef struct store_access {
    char at[40];
    char agent[64];
    long long conversation;
    char action[24];
} store_access;
ds_status store_access_add(store_db *db, long long agent_id, long long conversation,
                           const char *action, const char *now, ds_error *err);
ds_status store_access_list(store_db *db, long long conversation, store_access **out, size_t *count,
                            ds_error *err);

#endif
