/* SPDX-License-Identifier: MIT */
/* The SQL of every statement the store runs, written once in the subset
 * that SQLite and PostgreSQL both accept (parameters as ?N; the PostgreSQL
 * driver renumbers them $N). A statement a backend needs in its own words
 * is NULL here and in that driver's table of its own (store_sqlite.c,
 * store_pg_sql.c). */
#include "store_int.h"

const char *const store__sql[STMT_COUNT_] = {
    [STMT_BEGIN_READ] = "BEGIN",
    [STMT_COMMIT] = "COMMIT",
    [STMT_ROLLBACK] = "ROLLBACK",
    [STMT_VERSION_GET] = "SELECT coalesce(max(version), 0) FROM schema_version",
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
    [STMT_ORDER_CONTACT] = "SELECT customer_email, customer_phone FROM orders WHERE id = ?1",
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
                        " AND id < coalesce(?3, 9223372036854775807) ORDER BY id DESC LIMIT ?2)"
                        " AS page ORDER BY id",
    [STMT_REQUESTS_SELECT] = "SELECT id, kind, order_id, priority, details, created_at, state"
                             " FROM requests WHERE kind = coalesce(?1, kind) ORDER BY id",
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
        " AND order_id IS NOT DISTINCT FROM ?2 AND created_at = ?9 ORDER BY id LIMIT 1)",
    [STMT_RETURNS_SELECT] =
        "SELECT id, kind, order_id, items, reason, state, code, priority, details, created_at,"
        " updated_at FROM returns WHERE order_id IS NOT DISTINCT FROM coalesce(?1, order_id)"
        " ORDER BY created_utc, id",
    [STMT_RETURN_SET_STATE] = "UPDATE returns SET state = ?2, updated_at = ?3 WHERE id = ?1",
    [STMT_RETURN_ORDER_BY_CODE] = "SELECT order_id FROM returns WHERE code = ?1",
    [STMT_RETURN_SET_DETAILS] = "UPDATE returns SET details = ?2, updated_at = ?3 WHERE id = ?1",
    [STMT_AGENT_INSERT] = "INSERT INTO agents (name, token_hash, capacity, created_at)"
                          " VALUES (?1, ?2, ?3, ?4)",
    [STMT_AGENT_FIND] =
        "SELECT id, name, capacity, token_hash, role FROM agents WHERE token_hash = ?1",
    [STMT_AGENT_SET_ROLE] = "UPDATE agents SET role = ?2 WHERE id = ?1",
    [STMT_AGENT_NAME] = "SELECT name FROM agents WHERE id = ?1",
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
    /* once: a score already given stays */
    [STMT_HANDOFF_RATE] = "UPDATE handoffs SET rating = ?2, comment = ?3"
                          " WHERE id = ?1 AND rating IS NULL",
    /* reports: conversations started between two shop-local dates (the
     * stored times carry the shop's offset, so their first 10 characters
     * are the shop's date) */
    [STMT_REPORT_CONVS] = "SELECT count(*), coalesce(sum(CASE WHEN EXISTS (SELECT 1 FROM handoffs h"
                          " WHERE h.conversation_id = c.id) THEN 0 ELSE 1 END), 0)"
                          " FROM conversations c"
                          " WHERE substr(c.created_at, 1, 10) BETWEEN ?1 AND ?2",
    [STMT_REPORT_HOURS] =
        "SELECT CAST(substr(created_at, 12, 2) AS INTEGER), count(*) FROM conversations"
        " WHERE substr(created_at, 1, 10) BETWEEN ?1 AND ?2 GROUP BY 1",
    /* the team's search: by an order verified in it, a contact it left or
     * signed in with, or a shopper's words */
    [STMT_SEARCH_ORDER] = "SELECT id, created_at, state, order_id FROM conversations"
                          " WHERE order_id = ?1 ORDER BY id DESC LIMIT ?2",
    [STMT_RELATED] =
        "SELECT c.id, c.created_at, c.state, c.order_id FROM conversations c, conversations me"
        " WHERE me.id = ?1 AND c.id != me.id AND ((c.order_id IS NOT NULL AND"
        " c.order_id = me.order_id) OR (c.contact IS NOT NULL AND c.contact = me.contact))"
        " ORDER BY c.id DESC LIMIT ?2",
    [STMT_REVIEW_SCAN] = "SELECT conversation_id, role, text, details, created_at FROM messages"
                         " WHERE role IN ('shopper','bot') ORDER BY conversation_id, id",
    [STMT_REVIEW_UPSERT] =
        "INSERT INTO review_groups (grp, text, intent, count, last_seen, conversation_id, seen)"
        " VALUES (?6, ?1, ?2, ?3, ?4, ?5, ?7) ON CONFLICT (grp) DO UPDATE SET text = excluded.text,"
        " intent = excluded.intent, count = excluded.count, last_seen = excluded.last_seen,"
        " conversation_id = excluded.conversation_id, seen = excluded.seen",
    [STMT_REVIEW_SWEEP] = "DELETE FROM review_groups WHERE state = 'open' AND seen != ?1",
    [STMT_REVIEW_LIST] = "SELECT id, text, intent, count, last_seen, coalesce(conversation_id, 0),"
                         " state FROM review_groups WHERE ?1 = 0 OR id = ?1"
                         " ORDER BY last_seen DESC, count DESC, id",
    [STMT_REVIEW_SET] = "UPDATE review_groups SET state = ?2, assigned_intent = ?3 WHERE id = ?1",
    [STMT_HANDOFF_WAITING] = "SELECT count(*) FROM handoffs WHERE state IN ('waiting','offline')",
    [STMT_HANDOFF_LAST_CLOSED] =
        "SELECT id, CASE WHEN rating IS NULL THEN 0 ELSE 1 END, coalesce(agent_id, 0)"
        " FROM handoffs WHERE conversation_id = ?1 AND state = 'closed'"
        " ORDER BY id DESC LIMIT 1",
    [STMT_HANDOFF_WAITS] = "SELECT claimed_utc - created_utc FROM handoffs"
                           " WHERE claimed_utc IS NOT NULL AND state != 'offline'"
                           " ORDER BY claimed_utc DESC LIMIT 50",
    [STMT_CONV_STATE_SET] = "UPDATE conversations SET dialogue = ?2 WHERE id = ?1",
    [STMT_CONV_STATE_GET] = "SELECT dialogue FROM conversations WHERE id = ?1",
    [STMT_CONV_SUBJECT_SET] = "UPDATE conversations SET order_id = coalesce(?2, order_id),"
                              " contact = coalesce(?3, contact) WHERE id = ?1",
    /* a customer: the orders placed with an e-mail, a phone, or an order's
     * own e-mail and phone */
    [STMT_SUBJECT_BY_ORDER] = "SELECT id, customer_email, customer_phone FROM orders WHERE id = ?1",
    [STMT_SUBJECT_CONVS] = "SELECT id, created_at, state, closed_at FROM conversations"
                           " WHERE order_id = ?1 OR contact = ?2 ORDER BY id",
    [STMT_CONV_HEAD] = "SELECT id, created_at, state, closed_at FROM conversations WHERE id = ?1",
    [STMT_CONV_HANDOFFS] = "SELECT id, state, priority, reason, intent, preview, details,"
                           " created_at, ended_at, rating, comment FROM handoffs"
                           " WHERE conversation_id = ?1 ORDER BY id",
    [STMT_ORDER_REQUESTS] = "SELECT id, kind, order_id, priority, details, created_at, state"
                            " FROM requests WHERE order_id = ?1 ORDER BY id",
    [STMT_ERASE_MESSAGES] = "DELETE FROM messages WHERE conversation_id = ?1",
    [STMT_ERASE_HANDOFFS] = "DELETE FROM handoffs WHERE conversation_id = ?1",
    [STMT_ERASE_CONV] = "DELETE FROM conversations WHERE id = ?1",
    [STMT_ERASE_REQUESTS] = "UPDATE requests SET details = NULL"
                            " WHERE order_id = ?1 AND details IS NOT NULL",
    [STMT_ERASE_CASES] = "UPDATE returns SET details = NULL"
                         " WHERE order_id = ?1 AND kind = 'case' AND details IS NOT NULL",
    /* retention: ?1 is the cut-off in utc seconds */
    [STMT_PURGE_CASES] = "UPDATE returns SET details = NULL WHERE kind = 'case'"
                         " AND details IS NOT NULL AND created_utc < ?1",
    [STMT_PURGE_OFFLINE] = "UPDATE handoffs SET details = NULL, preview = NULL"
                           " WHERE details IS NOT NULL AND created_utc < ?1",
    [STMT_PURGE_NOTES] = "UPDATE handoffs SET preview = NULL, comment = NULL"
                         " WHERE (preview IS NOT NULL OR comment IS NOT NULL) AND created_utc < ?1",
    [STMT_PURGE_RECORDS] = "DELETE FROM destructions WHERE at_utc < ?1",
    [STMT_DESTRUCTION_ADD] =
        "INSERT INTO destructions (at, at_utc, rule, conversations, messages,"
        " requests, handoffs, returns) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [STMT_DESTRUCTIONS] = "SELECT at, rule, conversations, messages, requests, handoffs, returns"
                          " FROM destructions ORDER BY id",
    [STMT_IDENTITY_GET] = "SELECT failures, locks, locked_until, last_utc FROM identity_checks"
                          " WHERE order_id = ?1",
    [STMT_IDENTITY_SET] = "INSERT INTO identity_checks (order_id, failures, locks, locked_until,"
                          " last_utc) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (order_id) DO UPDATE"
                          " SET failures = excluded.failures, locks = excluded.locks,"
                          " locked_until = excluded.locked_until, last_utc = excluded.last_utc",
    [STMT_IDENTITY_CLEAR] = "UPDATE identity_checks SET failures = 0 WHERE order_id = ?1",
    [STMT_ACCESS_ADD] = "INSERT INTO access_log (agent_id, conversation_id, action, at)"
                        " VALUES (?1, ?2, ?3, ?4)",
    [STMT_ACCESS_LIST] = "SELECT l.at, a.name, l.conversation_id, l.action FROM access_log l"
                         " JOIN agents a ON a.id = l.agent_id"
                         " WHERE ?1 = 0 OR l.conversation_id = ?1 ORDER BY l.id",
    [STMT_STOCK_GET] = "SELECT qty FROM stock WHERE sku = ?1",
    [STMT_STOCK_SET] = "INSERT INTO stock (sku, qty, product, colour, size)"
                       " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (sku) DO UPDATE SET"
                       " qty = excluded.qty, product = excluded.product,"
                       " colour = excluded.colour, size = excluded.size",
    [STMT_STOCK_PRODUCT] = "SELECT product FROM stock WHERE sku = ?1",
    [STMT_VARIANTS] = "SELECT sku, coalesce(colour, ''), coalesce(size, ''), qty FROM stock"
                      " WHERE product = ?1 ORDER BY sku LIMIT 200",
    [STMT_PRODUCTS_SOLD] =
        "SELECT name, min(sku) FROM items GROUP BY name ORDER BY name LIMIT 2000",
    /* what the shop says of its products (store_stock.c) */
    [STMT_FACTS_DELETE] = "DELETE FROM product_facts WHERE product = ?1",
    [STMT_FACT_SET] = "INSERT INTO product_facts (product, topic, fact) VALUES (?1, ?2, ?3)"
                      " ON CONFLICT (product, topic) DO UPDATE SET fact = excluded.fact",
    [STMT_FACT_DELETE] = "DELETE FROM product_facts WHERE product = ?1 AND topic = ?2",
    [STMT_FACTS_OF] = "SELECT topic, fact FROM product_facts WHERE product = ?1"
                      " ORDER BY topic LIMIT 64",
    [STMT_PRODUCTS_DESCRIBED] =
        "SELECT DISTINCT product FROM product_facts ORDER BY product LIMIT 2000",
    /* events between nodes (store_events.c) */
    [STMT_EVENTS_NUMBER] = "UPDATE event_head SET seq = seq + ?1 WHERE id = 1 RETURNING seq",
    [STMT_NODE_EVENT_INSERT] = "INSERT INTO events (seq, at_utc, node, kind, conversation_id,"
                               " target, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [STMT_EVENTS_AFTER] = "SELECT seq, kind, coalesce(conversation_id, 0), coalesce(target, 0),"
                          " body, node FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2",
    [STMT_EVENTS_HEAD] = "SELECT seq FROM event_head WHERE id = 1",
    [STMT_EVENTS_TRIM] = "DELETE FROM events WHERE at_utc < ?1",
    [STMT_ERASE_EVENTS] = "DELETE FROM events WHERE conversation_id = ?1",
    [STMT_CONV_ORDER] = "SELECT order_id FROM conversations WHERE id = ?1",
    /* presence across the nodes (store_presence.c) */
    [STMT_NODE_SEEN] = "INSERT INTO nodes (node, seen_utc) VALUES (?1, ?2)"
                       " ON CONFLICT (node) DO UPDATE SET seen_utc = excluded.seen_utc",
    [STMT_NODES_DEAD] = "SELECT node FROM nodes WHERE seen_utc < ?1 ORDER BY node LIMIT 64",
    [STMT_NODE_FORGET] = "DELETE FROM nodes WHERE node = ?1",
    [STMT_NODE_FORGET_PRESENCE] = "DELETE FROM presence WHERE node = ?1",
    [STMT_NODE_FORGET_OFFERS] = "DELETE FROM offers WHERE node = ?1",
    [STMT_PRESENCE_SET] = "INSERT INTO presence (node, kind, key, room) VALUES (?1, ?2, ?3, ?4)"
                          " ON CONFLICT (node, kind, key) DO UPDATE SET room = excluded.room",
    [STMT_PRESENCE_CLEAR] = "DELETE FROM presence WHERE node = ?1 AND kind = ?2 AND key = ?3",
    [STMT_PRESENCE_COUNT] = "SELECT count(DISTINCT p.key),"
                            " count(DISTINCT CASE WHEN p.room <> 0 THEN p.key END)"
                            " FROM presence p JOIN nodes n ON n.node = p.node"
                            " WHERE p.kind = ?1 AND (?2 = 0 OR p.key = ?2) AND n.seen_utc >= ?3",
    [STMT_OFFER_TAKE] = "INSERT INTO offers (conversation_id, agent_id, node) VALUES (?1, ?2, ?3)"
                        " ON CONFLICT (conversation_id) DO NOTHING",
    [STMT_OFFER_DROP] = "DELETE FROM offers WHERE conversation_id = ?1 AND agent_id = ?2",
    [STMT_OFFER_DROP_AGENT] = "DELETE FROM offers WHERE agent_id = ?1 AND node = ?2",
    [STMT_OFFERS_LIST] = "SELECT conversation_id, agent_id FROM offers ORDER BY conversation_id"
                         " LIMIT ?1",
    [STMT_AGENTS_AT_WORK] = "SELECT a.id, a.name, a.capacity, max(p.room) FROM presence p"
                            " JOIN nodes n ON n.node = p.node JOIN agents a ON a.id = p.key"
                            " WHERE p.kind = 'agent' AND n.seen_utc >= ?1"
                            " GROUP BY a.id, a.name, a.capacity ORDER BY a.name, a.id LIMIT ?2",
    [STMT_HANDOFF_TRANSFER] = "UPDATE handoffs SET agent_id = ?3"
                              " WHERE id = ?1 AND state = 'claimed' AND agent_id = ?2",
    [STMT_JOB_CLAIM] = "UPDATE jobs SET last_utc = ?2 WHERE name = ?1 AND last_utc + ?3 <= ?2",
    /* an attachment's conversation entry: no client id (an upload is
     * acknowledged by its answer), no text */
    [STMT_ATTACH_MSG_INSERT] = "INSERT INTO messages (conversation_id, role, text, details,"
                               " created_at) VALUES (?1, ?2, '', ?3, ?4)",
    [STMT_ATTACH_INSERT] = "INSERT INTO attachments (conversation_id, message_id, who, media_type,"
                           " size, width, height, data, created_at, created_utc, client_id)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    [STMT_ATTACH_MSG_DETAILS] = "UPDATE messages SET details = ?2 WHERE id = ?1",
    [STMT_ATTACH_FIND] = "SELECT id, conversation_id, message_id, who, media_type, size, width,"
                         " height, created_at FROM attachments WHERE conversation_id = ?1"
                         " AND who = ?2 AND client_id = ?3",
    [STMT_ATTACH_GET] = "SELECT id, conversation_id, message_id, who, media_type, size, width,"
                        " height, created_at FROM attachments WHERE id = ?1",
    /* the bytes alone: PostgreSQL reads this one statement's row in binary */
    [STMT_ATTACH_DATA] = "SELECT data FROM attachments WHERE id = ?1",
    [STMT_ATTACH_LIST] = "SELECT id, conversation_id, message_id, who, media_type, size, width,"
                         " height, created_at FROM attachments WHERE conversation_id = ?1"
                         " ORDER BY id",
};
