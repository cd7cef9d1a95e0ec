/* SPDX-License-Identifier: MIT */
/* Output queues and the group commit. Every store write of a loop turn joins
 * one transaction (ws__batch); a durable frame (an ack, a reply) waits in
 * its connection's queue until that transaction commits, so nothing is
 * acknowledged that a kill -9 could lose. Below the endpoint handlers; calls
 * only libwebsockets and the store. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ws_int.h"

double ws__now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void ws__now_iso(const ws_server *srv, char buf[CLOCK_ISO_LEN])
{
    conv_service_now_iso(srv->svc, buf);
}

const char *ws__words(const ws_server *srv, const char *key, const char *fallback)
{
    const kb_message *m = kb_message_get(srv->kb, key);
    return m ? m->texts[0] : fallback;
}

static void mark_dirty(ws_server *srv, ws_conn *c)
{
    if (c->dirty)
        return;
    c->dirty = 1;
    c->dirty_next = srv->dirty;
    srv->dirty = c;
}

void ws__send(ws_server *srv, ws_conn *c, json_t *obj, int durable)
{
    char *s = obj ? json_dumps(obj, JSON_COMPACT | JSON_REAL_PRECISION(4)) : NULL;
    json_decref(obj);
    if (!s) /* never silent: whoever waits for this frame must be findable in the log */
        ws__log(srv, WS_LOG_ERROR, "frame_failed", 0,
                "a frame for connection %llu could not be built (invalid text or "
                "out of memory); it was not sent",
                c->serial);
    ws__send_take(srv, c, s, durable);
}

void ws__send_take(ws_server *srv, ws_conn *c, char *s, int durable)
{
    if (!s || c->closing)
        goto out;
    if (c->qbytes + strlen(s) > WS_MAX_OUT_BYTES) {
        /* a client that does not read: drop it rather than buffer without end
         * (bytes, not frames: a burst's acks wait for one commit together) */
        c->closing = 1;
        lws_set_timeout(c->wsi, PENDING_TIMEOUT_CLOSE_SEND, LWS_TO_KILL_ASYNC);
        goto out;
    }
    size_t len = strlen(s);
    ws_frame *f = ds_malloc(sizeof *f + LWS_PRE + len);
    if (!f)
        goto out;
    f->next = NULL;
    f->seq = durable ? srv->batch_seq : 0;
    f->len = len;
    memcpy(f->data + LWS_PRE, s, len);
    if (c->qtail)
        c->qtail->next = f;
    else
        c->qhead = f;
    c->qtail = f;
    c->qlen++;
    c->qbytes += len;
    if (f->seq > srv->committed_seq)
        mark_dirty(srv, c);
    else
        lws_callback_on_writable(c->wsi);
out:
    ds_free(s);
}

void ws__send_error(ws_server *srv, ws_conn *c, const char *code, const char *message)
{
    ws__metric_error(srv->metrics, code);
    ws__send(srv, c, json_pack("{s:s,s:s,s:s}", "type", "error", "code", code, "message", message),
             0);
}

/* At most this many frames a writeable callback: a client that reads fast
 * enough to keep its socket writable still leaves the loop to the others. */
#define WRITES_PER_CALLBACK 16

/* The WebSocket header of an unmasked final text frame of len payload
 * bytes (RFC 6455 5.2), as lws_write would put before it; its length. */
static size_t text_header(unsigned char *h, size_t len)
{
    h[0] = 0x81;
    if (len < 126) {
        h[1] = (unsigned char)len;
        return 2;
    }
    if (len <= 0xffff) {
        h[1] = 126;
        h[2] = (unsigned char)(len >> 8);
        h[3] = (unsigned char)len;
        return 4;
    }
    h[1] = 127;
    for (int i = 0; i < 8; i++)
        h[2 + i] = (unsigned char)((unsigned long long)len >> (56 - 8 * i));
    return 10;
}

/* How many committed frames from f (at most max) fit framed in one
 * WS_TX_PACKET_LEN buffer, and their framed length (*len). */
static int pack_count(const ws_server *srv, const ws_frame *f, int max, size_t *len)
{
    int n = 0;
    size_t total = 0;
    for (; f && n < max && f->seq <= srv->committed_seq; f = f->next, n++) {
        size_t framed = f->len + (f->len < 126 ? 2 : f->len <= 0xffff ? 4 : 10);
        if (total + framed > WS_TX_PACKET_LEN)
            break;
        total += framed;
    }
    *len = total;
    return n;
}

static void pop_frame(ws_conn *c)
{
    ws_frame *f = c->qhead;
    c->qhead = f->next;
    if (!c->qhead)
        c->qtail = NULL;
    c->qlen--;
    c->qbytes -= f->len;
    ds_free(f);
}

/* Writes the committed frames at the head of c's queue; called only from
 * LWS_CALLBACK_SERVER_WRITEABLE, several per callback while the socket takes
 * them: an ack and its reply leave in the same turn of the loop that the
 * commit asked for, and in one send. Two or more committed frames that fit
 * in WS_TX_PACKET_LEN together are framed here, back to back in srv->pack,
 * and given to lws as one raw write (lws_write LWS_WRITE_RAW: lws_issue_raw,
 * the path of its own framed writes): one send() and one TCP segment for
 * the client instead of one each (docs/PERFORMANCE.md, "Second row, using
 * the second core"). That is what lws_write would have sent for each, since
 * destek offers no WebSocket extension (no info.extensions: no
 * permessage-deflate to pass a frame through) and a server's frames are not
 * masked. A frame alone, or too long to pack, goes through lws_write as a
 * text frame. DESTEK_PACK=0 writes every frame by itself.
 *
 * What libwebsockets 4.1.6 does with a write the socket does not take whole
 * (lib/core-net/output.c, lws_issue_raw): one send() of at most the
 * protocol's tx_packet_size + LWS_PRE + 4 bytes; whatever the kernel did not
 * take is copied into the connection's buflist_out and lws_write still
 * returns the whole length, as if sent. Every later lws_write while
 * buflist_out holds anything is appended to it whole, without a send, so
 * writing on regardless would move our queue into lws's memory, beyond
 * WS_MAX_OUT_BYTES. lws drains buflist_out itself on the next POLLOUTs, one
 * send each, and calls this callback again only once it is empty
 * (lib/core-net/service.c, lws_handle_POLLOUT_event; a pending ping or pong
 * takes a POLLOUT of its own the same way, lib/roles/ws/ops-ws.c). Only
 * whole frames are ever written, so lws's own control frames fall between
 * them. Hence: the first write of a callback is made at once (buflist_out is
 * empty, the socket writable), each next one only while
 * lws_send_pipe_choked() is 0 (it is 1 while buflist_out holds anything,
 * else it polls the socket for POLLOUT). lws so holds at most the rest of
 * one write, which is a frame of at most WS_MAX_OUT_BYTES (ws__send_take) or
 * a pack of at most WS_TX_PACKET_LEN, on top of our queue's qbytes, which
 * never passes WS_MAX_OUT_BYTES: a client that does not read is closed when
 * its queue would. */
void ws__write_ready(ws_server *srv, ws_conn *c)
{
    int n = 0;
    while (n < WRITES_PER_CALLBACK) {
        ws_frame *f = c->qhead;
        if (!f || f->seq > srv->committed_seq)
            return;
        if (n > 0 && lws_send_pipe_choked(c->wsi))
            break;
        size_t len = 0;
        int k = srv->pack_off ? 1 : pack_count(srv, f, WRITES_PER_CALLBACK - n, &len);
        if (k >= 2 && !srv->pack)
            srv->pack = ds_malloc(LWS_PRE + WS_TX_PACKET_LEN);
        if (k >= 2 && srv->pack) {
            unsigned char *p = srv->pack + LWS_PRE;
            const ws_frame *g = f;
            for (int i = 0; i < k; i++, g = g->next) {
                p += text_header(p, g->len);
                memcpy(p, g->data + LWS_PRE, g->len);
                p += g->len;
            }
            if (lws_write(c->wsi, srv->pack + LWS_PRE, len, LWS_WRITE_RAW) < (int)len) {
                c->closing = 1;
                return;
            }
            for (int i = 0; i < k; i++)
                pop_frame(c);
            n += k;
            continue;
        }
        if (lws_write(c->wsi, f->data + LWS_PRE, f->len, LWS_WRITE_TEXT) < (int)f->len) {
            c->closing = 1;
            return;
        }
        pop_frame(c);
        n++;
    }
    /* choked (lws also asks for POLLOUT when it buffered a rest) or at the
     * cap: the next committed frames on the next POLLOUT */
    if (c->qhead && c->qhead->seq <= srv->committed_seq)
        lws_callback_on_writable(c->wsi);
}

static int unlink_from(ws_conn **p, ws_conn *c)
{
    while (*p && *p != c)
        p = &(*p)->dirty_next;
    if (!*p)
        return 0;
    *p = c->dirty_next;
    return 1;
}

void ws__out_forget(ws_server *srv, ws_conn *c)
{
    if (c->dirty) { /* unlink from the dirty list, or the one being written */
        if (!unlink_from(&srv->dirty, c))
            unlink_from(&srv->flushing, c);
        c->dirty = 0;
    }
    for (ws_frame *f = c->qhead, *n; f; f = n) {
        n = f->next;
        ds_free(f);
    }
    c->qhead = c->qtail = NULL;
    c->qlen = c->qbytes = 0;
}

void ws__close_with(ws_server *srv, ws_conn *c, int code, const char *error, const char *message)
{
    if (c->closing)
        return;
    if (error)
        ws__send_error(srv, c, error, message);
    c->closing = 1;
    c->close_code = code;
    lws_callback_on_writable(c->wsi);
}

/* The frames of the failed batch `seq` leave c's queue unsent. */
static void drop_batch(ws_conn *c, unsigned long seq)
{
    ws_frame **p = &c->qhead, *last = NULL;
    while (*p) {
        ws_frame *f = *p;
        if (f->seq == seq) {
            *p = f->next;
            c->qlen--;
            c->qbytes -= f->len;
            ds_free(f);
        } else {
            last = f;
            p = &f->next;
        }
    }
    c->qtail = last;
}

static void outbox_clear(ws_server *srv)
{
    for (size_t i = 0; i < srv->outbox_n; i++)
        ds_free(srv->outbox[i].body);
    srv->outbox_n = 0;
    srv->outbox_queue = 0;
}

void ws__publish(ws_server *srv, const char *kind, long long conv, long long target, json_t *frame)
{
    if (!srv->shared || ws__batch(srv) != DS_OK)
        return;
    if (srv->outbox_n == srv->outbox_cap) {
        size_t cap = srv->outbox_cap ? 2 * srv->outbox_cap : 32;
        store_node_event *v = ds_realloc(srv->outbox, cap * sizeof *v);
        if (!v)
            return; /* the other node's client sees it when it resumes */
        srv->outbox = v;
        srv->outbox_cap = cap;
    }
    store_node_event *e = &srv->outbox[srv->outbox_n++];
    memset(e, 0, sizeof *e);
    snprintf(e->kind, sizeof e->kind, "%s", kind);
    e->conversation = conv;
    e->target = target;
    e->body = frame ? json_dumps(frame, JSON_COMPACT) : NULL;
}

/* Right after a commit, lws services c's POLLOUT as its loop would on the
 * next turn: the writeable callback (ws__write_ready) runs at once, through
 * lws's own path (lws_service_fd -> lws_handle_POLLOUT_event, which first
 * finishes anything of c that lws still buffers), so the batch's frames
 * leave before the reads already waiting in this turn's poll are answered
 * (each a turn of the bot's), not after them. Only when the socket is
 * writable and lws buffers nothing (lws_send_pipe_choked), so the bound of
 * ws__write_ready holds as it does on a real POLLOUT; otherwise the POLLOUT
 * asked for by the caller comes. Only from the commit's own timer
 * (flush_due), which lws runs outside any connection's service, never from
 * inside a callback (ws__flush). May close and free c. DESTEK_WRITE_NOW=0
 * leaves it to the loop's next turn, DESTEK_WRITE_NOW=lws always takes this
 * path, else write_direct is tried first (docs/PERFORMANCE.md). */
static void write_now(ws_server *srv, ws_conn *c)
{
    struct lws_pollfd pfd;
    pfd.fd = lws_get_socket_fd(c->wsi);
    pfd.events = LWS_POLLOUT;
    pfd.revents = LWS_POLLOUT;
    if (pfd.fd >= 0 && !lws_send_pipe_choked(c->wsi))
        lws_service_fd(srv->ctx, &pfd);
}

/* The same as write_now, without lws's POLLOUT path: the frames are written
 * by ws__write_ready at once when the connection has nothing else to say
 * first (no ping due, not closing, not draining) and lws buffers nothing and
 * the socket takes data (lws_send_pipe_choked), which is all that
 * lws_handle_POLLOUT_event would have looked at before calling the
 * writeable callback; a pong or close lws owes the client still asks for
 * its own POLLOUT. Asking for POLLOUT and servicing it at once cost lws's
 * libuv glue two uv_poll_start calls, each an EPOLL_CTL_ADD (EEXIST) and an
 * EPOLL_CTL_MOD on the next turn: none now unless frames are left over. 1
 * when done (c is not freed), 0 when the caller is to ask for POLLOUT. */
static int write_direct(ws_server *srv, ws_conn *c)
{
    if (c->closing || c->ping_due || srv->draining || lws_send_pipe_choked(c->wsi))
        return 0;
    ws__write_ready(srv, c); /* asks for POLLOUT itself for what is left */
    if (c->closing)
        lws_callback_on_writable(c->wsi); /* the writeable callback closes it */
    return 1;
}

static void flush(ws_server *srv, int now)
{
    if (!srv->batch_seq)
        return;
    ds_error err;
    unsigned long failed = 0;
    int inject = srv->cfg->fail_commits_file && access(srv->cfg->fail_commits_file, F_OK) == 0;
    if (inject)
        store_fail_step_after(srv->db, 1); /* the COMMIT itself */
    double t0 = ws__now(), s0 = ws__stall_begin(srv);
    ds_status st = DS_OK;
    if (srv->outbox_n) {
        /* last before the commit: the numbering lock is held until then */
        st = store_events_append(srv->db, srv->node, srv->outbox, srv->outbox_n,
                                 (long long)conv_service_now(srv->svc), &err);
        outbox_clear(srv);
        if (st != DS_OK)
            store_batch_abort(srv->db);
    }
    if (st == DS_OK)
        st = store_batch_commit(srv->db, &err);
    else
        outbox_clear(srv);
    double t1 = ws__now();
    ws__stall_end(srv, WS_PART_COMMIT, s0);
    if (inject)
        store_fail_step_after(srv->db, 0);
    if (srv->metrics) {
        ws__metric_observe(&srv->metrics->commit, t1 - t0);
        for (size_t i = 0; st == DS_OK && i < srv->reply_n; i++)
            ws__metric_observe(&srv->metrics->reply, t1 - srv->reply_t[i]);
    }
    srv->reply_n = 0;
    if (st != DS_OK) {
        failed = srv->batch_seq;
        ws__log(srv, WS_LOG_ERROR, "commit_failed", 0,
                "commit failed, nothing of this batch is acknowledged; its clients are "
                "told to try again: %s",
                err.message);
    } else {
        srv->committed_seq = srv->batch_seq;
    }
    srv->batch_seq = 0;
    /* a connection closed meanwhile (by a write below) leaves this list in
     * ws__out_forget; what the writes queue for others joins srv->dirty */
    srv->flushing = srv->dirty;
    srv->dirty = NULL;
    double w0 = ws__stall_begin(srv);
    ws_conn *c;
    while ((c = srv->flushing)) {
        srv->flushing = c->dirty_next;
        c->dirty = 0;
        if (failed) {
            drop_batch(c, failed);
            ws__close_with(srv, c, WS_CLOSE_TRY_AGAIN, "unavailable",
                           "the message could not be stored; reconnect and send it again");
        } else if (c->qhead) {
            if (now == WS_WRITE_DIRECT && write_direct(srv, c))
                continue;
            lws_callback_on_writable(c->wsi);
            if (now)
                write_now(srv, c);
        }
    }
    ws__stall_end(srv, WS_PART_WRITE, w0);
}

static void flush_due(lws_sorted_usec_list_t *sul)
{
    ws_server *srv = lws_container_of(sul, ws_server, flush_sul);
    flush(srv, srv->write_now);
}

void ws__flush(ws_server *srv)
{
    flush(srv, 0);
}

/* A database file deleted or replaced under the server would take every
 * write into the void (the old file stays open): looked at once a second,
 * and from then on nothing is acknowledged. A shared database that does not
 * answer (its server restarting, a failover) is looked at the same way, and
 * used again once the store's connection is back. */
static int store_usable(ws_server *srv)
{
    double now = ws__now();
    /* a shared database that is away is looked at every tick while it
     * reconnects (each look one step that never waits) */
    if (srv->store_gone || (now - srv->gone_checked < 1.0 && !srv->store_down))
        return srv->shared ? !srv->store_down : !srv->store_gone;
    srv->gone_checked = now;
    int gone = store_gone(srv->db);
    if (srv->shared) {
        char shown[512];
        if (gone && !srv->store_down)
            ws__log(srv, WS_LOG_ERROR, "store_down", 0,
                    "the database %s does not answer; nothing is acknowledged until it "
                    "does (tried every second)",
                    store_shown(srv->cfg->db_path, shown, sizeof shown));
        else if (!gone && srv->store_down)
            ws__log(srv, WS_LOG_INFO, "store_up", 0, "the database answers again");
        srv->store_down = gone;
        return !gone;
    }
    if (gone) {
        srv->store_gone = 1;
        ws__log(srv, WS_LOG_ERROR, "store_gone", 0,
                "the database file %s was deleted or replaced while the server was "
                "using it; nothing more is acknowledged: restart destek serve on the "
                "database",
                srv->cfg->db_path);
    }
    return !gone;
}

int ws__store_ready(ws_server *srv)
{
    return store_usable(srv);
}

void ws__reply_arrived(ws_server *srv, double t)
{
    if (srv->reply_n == srv->reply_cap) {
        size_t cap = srv->reply_cap ? 2 * srv->reply_cap : 256;
        double *v = ds_realloc(srv->reply_t, cap * sizeof *v);
        if (!v)
            return; /* a latency not measured, nothing else */
        srv->reply_t = v;
        srv->reply_cap = cap;
    }
    srv->reply_t[srv->reply_n++] = t;
}

ds_status ws__batch(ws_server *srv)
{
    if (srv->batch_seq)
        return DS_OK;
    if (!store_usable(srv))
        return DS_EIO;
    ds_error err;
    ds_status st = store_batch_begin(srv->db, &err);
    if (st != DS_OK) {
        ws__log(srv, WS_LOG_ERROR, "store_failed", 0, "cannot start a write batch: %s",
                err.message);
        return st;
    }
    srv->batch_seq = ++srv->next_seq;
    /* commit on the next turn of the loop: every frame read in this turn
     * joins the same transaction; once the loop is gone (the last writes
     * of a stop, ws__presence_stop) the caller flushes it itself */
    if (srv->ctx_alive)
        lws_sul_schedule(srv->ctx, 0, &srv->flush_sul, flush_due, 1);
    return DS_OK;
}
