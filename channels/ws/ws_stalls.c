/* SPDX-License-Identifier: MIT */
/* Stall counts, for finding what makes the latency's tail: with
 * DESTEK_STALLS=1 the server times every turn of its libuv loop (the work
 * between two waits in epoll, wall clock and the thread's CPU), every group
 * commit, every timer callback and the frames, connections and writes a
 * turn handles, and counts how many took over 1, 2, 5, 10 and 20 ms; a turn
 * over 5 ms is put down to its biggest part. Written to the log when the
 * server stops. Off (one NULL test a call) otherwise. Loop thread only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ws_int.h"

static const double bounds_ms[WS_STALL_BOUNDS] = {1, 2, 5, 10, 20};

static const char *const part_names[WS_PART_COUNT_] = {
    [WS_PART_COMMIT] = "commit",      [WS_PART_WRITE] = "commit_writes",
    [WS_PART_FRAME] = "frames",       [WS_PART_OPEN] = "opens",
    [WS_PART_CLOSE] = "closes",       [WS_PART_WRITEABLE] = "writeable",
    [WS_PART_TIMER] = "other_timers", [WS_PART_CHECKPOINT] = "checkpoint",
};

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double thread_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void observe(ws_stall_hist *h, double s)
{
    double ms = s * 1000;
    h->n++;
    h->sum += s;
    if (s > h->max)
        h->max = s;
    for (int i = 0; i < WS_STALL_BOUNDS; i++)
        if (ms > bounds_ms[i])
            h->over[i]++;
}

static struct ws_stall_second *second(ws_stalls *st, double now)
{
    if (st->t_first <= 0)
        st->t_first = now;
    long i = (long)(now - st->t_first);
    return i >= 0 && i < WS_STALL_SECONDS ? &st->sec[i] : NULL;
}

/* Right before the loop waits: the turn that ends here was the work since
 * the last wait ended (libuv's idle time is the time spent waiting). */
static void before_wait(uv_prepare_t *p)
{
    ws_stalls *st = p->data;
    double now = mono(), cpu = thread_cpu();
    unsigned long long idle = uv_metrics_idle_time(p->loop);
    /* from the first connection to SIGTERM: not the start, nor the drain
     * (every connection closed in one turn) */
    if (st->last_at > 0 && st->srv->conn_count && !st->srv->draining) {
        double busy = now - st->last_at - (double)(idle - st->last_idle) / 1e9;
        if (busy < 0)
            busy = 0;
        observe(&st->turn, busy);
        observe(&st->turn_cpu, cpu - st->last_cpu);
        struct ws_stall_second *sc = second(st, now);
        if (sc) {
            sc->turns++;
            sc->over2 += busy > 0.002;
            sc->over5 += busy > 0.005;
            sc->over10 += busy > 0.010;
            sc->cpu_over5 += cpu - st->last_cpu > 0.005;
            if (busy > sc->max)
                sc->max = busy;
            if (cpu - st->last_cpu > sc->max_cpu)
                sc->max_cpu = cpu - st->last_cpu;
        }
        if (busy * 1000 > 5) {
            int top = -1;
            double most = 0;
            for (int i = 0; i < WS_PART_COUNT_; i++)
                if (st->in_turn[i] > most) {
                    most = st->in_turn[i];
                    top = i;
                }
            /* what lws did itself (accepts, handshakes, its timers), or the
             * process waiting for a core, is the rest */
            if (top < 0 || most < busy / 3)
                st->slow_by_rest++;
            else
                st->slow_by[top]++;
        }
    }
    memset(st->in_turn, 0, sizeof st->in_turn);
    st->last_at = now;
    st->last_cpu = cpu;
    st->last_idle = idle;
}

void ws__stalls_start(ws_server *srv)
{
    const char *on = getenv("DESTEK_STALLS");
    if (!on || !*on || strcmp(on, "0") == 0)
        return;
    ws_stalls *st = ds_calloc(1, sizeof *st);
    if (!st)
        return;
    srv->stalls = st;
    st->srv = srv;
    if (srv->use_uv && uv_loop_configure(&srv->loop, UV_METRICS_IDLE_TIME) == 0) {
        uv_prepare_init(&srv->loop, &st->prepare);
        st->prepare.data = st;
        uv_prepare_start(&st->prepare, before_wait);
        uv_unref((uv_handle_t *)&st->prepare); /* never what keeps the loop running */
        st->has_prepare = 1;
    }
}

void ws__stalls_close(ws_server *srv)
{
    if (srv->stalls && srv->stalls->has_prepare &&
        !uv_is_closing((uv_handle_t *)&srv->stalls->prepare))
        uv_close((uv_handle_t *)&srv->stalls->prepare, NULL);
}

static int counting(const ws_stalls *st)
{
    return st->srv->conn_count && !st->srv->draining;
}

double ws__stall_begin(ws_server *srv)
{
    ws_stalls *st = srv->stalls;
    if (!st)
        return 0;
    if (st->depth++)
        return -1;
    st->cpu0 = thread_cpu();
    return mono();
}

void ws__stall_end(ws_server *srv, int part, double t0)
{
    ws_stalls *st = srv->stalls;
    if (!st)
        return;
    st->depth--;
    if (t0 <= 0 || !counting(st))
        return; /* inside another part: counted in it */
    double s = mono() - t0;
    observe(&st->part[part], s);
    observe(&st->part_cpu[part], thread_cpu() - st->cpu0);
    st->in_turn[part] += s;
    struct ws_stall_second *sc = second(st, t0);
    if (sc && part == WS_PART_FRAME)
        sc->frames++;
    else if (sc && part == WS_PART_OPEN)
        sc->opens++;
    else if (sc && part == WS_PART_CLOSE)
        sc->closes++;
}

void ws__stall_observe(ws_server *srv, int part, double seconds)
{
    ws_stalls *st = srv->stalls;
    if (!st || !counting(st))
        return;
    observe(&st->part[part], seconds);
    st->in_turn[part] += seconds;
}

static void line(const ws_server *srv, const char *what, const ws_stall_hist *h)
{
    if (!h->n)
        return;
    ws__log(srv, WS_LOG_INFO, "stalls", 0,
            "%s: %llu, mean %.3f ms, max %.1f ms, over 1/2/5/10/20 ms: %llu/%llu/%llu/%llu/%llu",
            what, h->n, h->sum * 1000 / (double)h->n, h->max * 1000, h->over[0], h->over[1],
            h->over[2], h->over[3], h->over[4]);
}

void ws__stalls_report(ws_server *srv)
{
    ws_stalls *st = srv->stalls;
    if (!st)
        return;
    line(srv, "loop turns (wall)", &st->turn);
    line(srv, "loop turns (CPU)", &st->turn_cpu);
    char by[512];
    size_t used =
        (size_t)snprintf(by, sizeof by, "lws or waiting for a core %llu", st->slow_by_rest);
    for (int i = 0; i < WS_PART_COUNT_; i++) {
        char name[64];
        snprintf(name, sizeof name, "%s (wall)", part_names[i]);
        line(srv, name, &st->part[i]);
        snprintf(name, sizeof name, "%s (CPU)", part_names[i]);
        line(srv, name, &st->part_cpu[i]);
        if (st->slow_by[i] && used < sizeof by)
            used += (size_t)snprintf(by + used, sizeof by - used, ", %s %llu", part_names[i],
                                     st->slow_by[i]);
    }
    if (st->turn.n)
        ws__log(srv, WS_LOG_INFO, "stalls", 0, "turns over 5 ms, by their biggest part: %s", by);
    store_checkpoint_stats ck;
    store_checkpoint_stats_get(srv->db, &ck);
    if (ck.count || ck.wal_max)
        ws__log(srv, WS_LOG_INFO, "stalls", 0,
                "checkpoints in the store's thread: %llu, mean %.3f ms, max %.1f ms, over 2 ms "
                "%llu; by a commit (the hard mark) %llu, max %.1f ms; WAL restarts %llu, at most "
                "%llu pages",
                ck.count, ck.count ? ck.total_s * 1000 / (double)ck.count : 0, ck.max_s * 1000,
                ck.over_2ms, ck.by_commit, ck.by_commit_max_s * 1000, ck.restarts, ck.wal_max);
    for (int i = 0; i < WS_STALL_SECONDS; i++) {
        const struct ws_stall_second *sc = &st->sec[i];
        if (!sc->turns)
            continue;
        ws__log(srv, WS_LOG_INFO, "stalls", 0,
                "second %d: %u turns, over 2/5/10 ms %u/%u/%u, CPU over 5 ms %u, max %.1f ms "
                "(CPU %.1f); frames %u, opens %u, closes %u",
                i, sc->turns, sc->over2, sc->over5, sc->over10, sc->cpu_over5, sc->max * 1000,
                sc->max_cpu * 1000, sc->frames, sc->opens, sc->closes);
    }
    fflush(stdout);
    ds_free(st);
    srv->stalls = NULL;
}
