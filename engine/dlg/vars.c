/* SPDX-License-Identifier: MIT */
/* Template variables of the order dialogues, formatted for Turkish readers
 * (dates "21 Kasım Cuma", money "1.249,90 TL"), and the time arithmetic of
 * promised dispatch days. */
#include "dlg_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <time.h>

#include "tpl.h"

typedef void (*var_fn)(dlg_turn *t, const store_order *o, ds_buf *out);

/* The text of a dialogue.json message as a value inside another sentence
 * ("kargoda", "kartınıza"): the words are the KB's, not the code's. */
static void put_words(const dlg_turn *t, const char *key, ds_buf *out)
{
    const kb_message *m = kb_message_get(t->kb, key);
    if (m)
        ds_buf_puts(out, m->texts[0]);
}

static void v_order_no(dlg_turn *t, const store_order *o, ds_buf *out)
{
    (void)t;
    ds_buf_puts(out, o ? o->id : t->s->order_no);
}

static void v_first_name(dlg_turn *t, const store_order *o, ds_buf *out)
{
    (void)t;
    if (o && o->customer_name)
        ds_buf_append(out, o->customer_name, strcspn(o->customer_name, " "));
}

static void v_full_name(dlg_turn *t, const store_order *o, ds_buf *out)
{
    (void)t;
    if (o && o->customer_name)
        ds_buf_puts(out, o->customer_name);
}

static void put_date(const dlg_turn *t, ds_buf *out, const char *iso);

static void v_created(dlg_turn *t, const store_order *o, ds_buf *out)
{
    if (o)
        put_date(t, out, o->created_at);
}

static void v_shipped(dlg_turn *t, const store_order *o, ds_buf *out)
{
    if (o && o->shipped_at)
        put_date(t, out, o->shipped_at);
}

static void v_delivered(dlg_turn *t, const store_order *o, ds_buf *out)
{
    if (o && o->delivered_at)
        put_date(t, out, o->delivered_at);
}

static void v_status(dlg_turn *t, const store_order *o, ds_buf *out)
{
    char key[48];
    if (!o)
        return;
    snprintf(key, sizeof key, "order_state.%s", o->status);
    put_words(t, key, out);
}

/* "1249.90" -> "1.249,90 TL" */
static void put_money(ds_buf *out, const char *amount, const char *currency)
{
    const char *dot = strchr(amount, '.');
    size_t ilen = dot ? (size_t)(dot - amount) : strlen(amount);
    for (size_t i = 0; i < ilen; i++) {
        if (i && (ilen - i) % 3 == 0)
            ds_buf_puts(out, ".");
        ds_buf_append(out, amount + i, 1);
    }
    if (dot) {
        ds_buf_puts(out, ",");
        ds_buf_puts(out, dot + 1);
    }
    ds_buf_puts(out, " ");
    ds_buf_puts(out, !currency || strcmp(currency, "TRY") == 0 ? "TL" : currency);
}

static void v_total(dlg_turn *t, const store_order *o, ds_buf *out)
{
    (void)t;
    if (o && o->total)
        put_money(out, o->total, o->currency);
}

static void v_installments(dlg_turn *t, const store_order *o, ds_buf *out)
{
    (void)t;
    if (o && o->installments > 1)
        ds_buf_printf(out, "%d", o->installments);
}

static void v_items(dlg_turn *t, const store_order *o, ds_buf *out)
{
    (void)t;
    for (size_t i = 0; o && i < o->item_count; i++) {
        if (i)
            ds_buf_puts(out, i + 1 == o->item_count ? " ve " : ", ");
        if (o->items[i].qty > 1)
            ds_buf_printf(out, "%d adet ", o->items[i].qty);
        ds_buf_puts(out, o->items[i].name);
    }
}

/* carriers.<id>.<field> from shop.json, or the id itself for the name. */
static void carrier_field(dlg_turn *t, const store_order *o, const char *field, ds_buf *out)
{
    if (!o || !o->carrier)
        return;
    char path[128];
    int n = snprintf(path, sizeof path, "carriers.%s.%s", o->carrier, field);
    if (n <= 0 || (size_t)n >= sizeof path ||
        !kb_shop_lookup((void *)t->kb, path, (size_t)n, out)) {
        if (strcmp(field, "name") == 0)
            ds_buf_puts(out, o->carrier);
    }
}

static void v_carrier(dlg_turn *t, const store_order *o, ds_buf *out)
{
    carrier_field(t, o, "name", out);
}

static void v_carrier_phone(dlg_turn *t, const store_order *o, ds_buf *out)
{
    carrier_field(t, o, "phone", out);
}

static void v_tracking_no(dlg_turn *t, const store_order *o, ds_buf *out)
{
    (void)t;
    if (o && o->tracking_no)
        ds_buf_puts(out, o->tracking_no);
}

static void v_tracking_link(dlg_turn *t, const store_order *o, ds_buf *out)
{
    if (!o || !o->tracking_no)
        return;
    ds_buf url;
    ds_buf_init(&url);
    carrier_field(t, o, "tracking_url", &url);
    const char *p = url.data ? url.data : "";
    const char *mark = strstr(p, "{tracking_no}");
    if (mark) {
        ds_buf_append(out, p, (size_t)(mark - p));
        ds_buf_puts(out, o->tracking_no);
        ds_buf_puts(out, mark + strlen("{tracking_no}"));
    } else {
        ds_buf_puts(out, p);
    }
    ds_buf_cleanup(&url);
}

/* A date as the shop's calendar has it: an event at 21:40Z is on the next
 * day in Istanbul. */
static void put_date(const dlg_turn *t, ds_buf *out, const char *iso)
{
    char local[CLOCK_ISO_LEN];
    if (clock_localise(kb_zone(t->kb), iso, local) == 0)
        tpl_append_date(out, local, 0);
}

static void put_event(const dlg_turn *t, ds_buf *out, const store_event *e)
{
    char local[CLOCK_ISO_LEN];
    if (clock_localise(kb_zone(t->kb), e->at, local) != 0)
        return;
    tpl_append_date(out, local, 0);
    if (strlen(local) >= 16)
        ds_buf_printf(out, " %.5s", local + 11);
    if (e->location && e->location[0])
        ds_buf_printf(out, ", %s", e->location);
    if (e->description && e->description[0])
        ds_buf_printf(out, ": %s", e->description);
}

static void v_last_event(dlg_turn *t, const store_order *o, ds_buf *out)
{
    (void)t;
    if (o && o->event_count)
        put_event(t, out, &o->events[o->event_count - 1]);
}

static void v_last_event_date(dlg_turn *t, const store_order *o, ds_buf *out)
{
    (void)t;
    if (o && o->event_count)
        put_date(t, out, o->events[o->event_count - 1].at);
    else if (o && o->shipped_at)
        put_date(t, out, o->shipped_at);
}

static void v_last_events(dlg_turn *t, const store_order *o, ds_buf *out)
{
    (void)t;
    size_t shown = 0;
    for (size_t i = o ? o->event_count : 0; i-- > 0 && shown < 3; shown++) {
        if (shown)
            ds_buf_puts(out, "\n");
        ds_buf_puts(out, "• ");
        put_event(t, out, &o->events[i]);
    }
    if (!shown)
        put_words(t, "tracking.no_events", out);
}

static void v_dispatch_by(dlg_turn *t, const store_order *o, ds_buf *out)
{
    char day[11];
    if (o && dlg__dispatch_by(t->kb, o->created_at, day) == 0)
        tpl_append_date(out, day, 0);
}

static void v_new_address(dlg_turn *t, const store_order *o, ds_buf *out)
{
    (void)o;
    if (t->text)
        ds_buf_puts(out, t->text);
}

/* ---- returns ---- */

static void v_item(dlg_turn *t, const store_order *o, ds_buf *out)
{
    if (t->item == DLG_ITEM_ALL) {
        v_items(t, o, out);
        return;
    }
    if (!o || !o->item_count)
        return;
    int i = t->item;
    ds_buf_puts(out, (i >= 0 && (size_t)i < o->item_count ? &o->items[i] : &o->items[0])->name);
}

static void v_code(dlg_turn *t, const store_order *o, ds_buf *out)
{
    (void)o;
    if (t->code)
        ds_buf_puts(out, t->code);
    else if (t->ret && t->ret->code)
        ds_buf_puts(out, t->ret->code);
}

static void v_code_deadline(dlg_turn *t, const store_order *o, ds_buf *out)
{
    (void)o;
    long long days = kb_shop_int(t->kb, "returns.return_code_valid_days", 7);
    /* a code issued earlier runs from its day, a new one from now */
    long long from = t->code || !t->ret ? -1 : dlg__epoch(t->kb, t->ret->created_at);
    char iso[CLOCK_ISO_LEN];
    clock_iso(kb_zone(t->kb), (from >= 0 ? from : (long long)t->env->now) + days * 86400, iso);
    tpl_append_date(out, iso, 0);
}

/* The last day of the return window of a delivered order. */
static void v_window_end(dlg_turn *t, const store_order *o, ds_buf *out)
{
    long long from = o && o->delivered_at ? dlg__epoch(t->kb, o->delivered_at) : -1;
    if (from < 0)
        return;
    long long days = kb_shop_int(t->kb, "returns.window_days", 14);
    char iso[CLOCK_ISO_LEN];
    clock_iso(kb_zone(t->kb), from + days * 86400, iso);
    tpl_append_date(out, iso, 0);
}

static void v_basket(dlg_turn *t, const store_order *o, ds_buf *out)
{
    (void)o;
    if (t->basket)
        ds_buf_puts(out, t->basket);
}

static void v_missing(dlg_turn *t, const store_order *o, ds_buf *out)
{
    (void)o;
    if (t->missing)
        ds_buf_puts(out, t->missing);
}

static void v_product(dlg_turn *t, const store_order *o, ds_buf *out)
{
    (void)o;
    if (t->product)
        ds_buf_puts(out, t->product);
}

static void v_in_stock(dlg_turn *t, const store_order *o, ds_buf *out)
{
    (void)o;
    if (t->in_stock)
        ds_buf_puts(out, t->in_stock);
}

static void v_fact(dlg_turn *t, const store_order *o, ds_buf *out)
{
    (void)o;
    if (t->fact)
        ds_buf_puts(out, t->fact);
}

static void v_days_since(dlg_turn *t, const store_order *o, ds_buf *out)
{
    (void)o;
    ds_buf_printf(out, "%lld", t->days_since);
}

/* The refund time for the order's payment method: returns.refund_days.<m>. */
static void v_refund_days(dlg_turn *t, const store_order *o, ds_buf *out)
{
    const char *method = o && o->payment_method ? o->payment_method : "card";
    char path[64];
    int n = snprintf(path, sizeof path, "returns.refund_days.%s", method);
    if (n <= 0 || (size_t)n >= sizeof path || !kb_shop_lookup((void *)t->kb, path, (size_t)n, out))
        kb_shop_lookup((void *)t->kb, "returns.refund_days.card", 24, out);
}

static void v_refund_to(dlg_turn *t, const store_order *o, ds_buf *out)
{
    const char *m = o && o->payment_method ? o->payment_method : "card";
    put_words(t, strcmp(m, "card") == 0 ? "refund_to.card" : "refund_to.other", out);
}

static void v_size(dlg_turn *t, const store_order *o, ds_buf *out)
{
    (void)o;
    if (t->size)
        ds_buf_puts(out, t->size);
}

static void v_choice(dlg_turn *t, const store_order *o, ds_buf *out)
{
    (void)o;
    if (t->choice)
        ds_buf_puts(out, t->choice);
}

static void v_offer(dlg_turn *t, const store_order *o, ds_buf *out)
{
    (void)o;
    if (t->offer)
        ds_buf_puts(out, t->offer);
}

static void v_request_no(dlg_turn *t, const store_order *o, ds_buf *out)
{
    (void)o;
    /* "10" reads as a placeholder: the record's id, padded, after the
     * shop's prefix (support.request_prefix, "T-" when it gives none) */
    const char *prefix = kb_shop_string(t->kb, "support.request_prefix");
    if (t->request_id)
        ds_buf_printf(out, "%s%06lld", prefix ? prefix : "T-", t->request_id);
}

static void v_return_items(dlg_turn *t, const store_order *o, ds_buf *out)
{
    (void)o;
    json_t *items = t->ret ? json_loads(t->ret->items, 0, NULL) : NULL;
    size_t i, n = json_array_size(items);
    json_t *el;
    json_array_foreach(items, i, el)
    {
        if (i)
            ds_buf_puts(out, i + 1 == n ? " ve " : ", ");
        const char *name = json_string_value(json_object_get(el, "name"));
        if (name)
            ds_buf_puts(out, name);
    }
    json_decref(items);
}

static void v_return_date(dlg_turn *t, const store_order *o, ds_buf *out)
{
    (void)o;
    if (t->ret)
        put_date(t, out, t->ret->updated_at ? t->ret->updated_at : t->ret->created_at);
}

static void v_rejection(dlg_turn *t, const store_order *o, ds_buf *out)
{
    (void)o;
    json_t *d = t->ret && t->ret->details ? json_loads(t->ret->details, 0, NULL) : NULL;
    const char *why = json_string_value(json_object_get(d, "rejection_reason"));
    if (why)
        ds_buf_puts(out, why);
    else
        put_words(t, "return_status.rejection_default", out);
    json_decref(d);
}

static void v_back_at(dlg_turn *t, const store_order *o, ds_buf *out)
{
    (void)o;
    if (t->env->back_at)
        ds_buf_puts(out, t->env->back_at);
    else
        put_words(t, "offline.back_soon", out);
}

/* The wish for the time of day in the shop: nobody is wished a good day
 * at midnight. */
static void v_wish(dlg_turn *t, const store_order *o, ds_buf *out)
{
    (void)o;
    clock_local l;
    clock_to_local(kb_zone(t->kb), (long long)t->env->now, &l);
    const char *key = "wish.night";
    if (l.hour >= 5 && l.hour < 18)
        key = "wish.day";
    else if (l.hour >= 18 && l.hour < 22)
        key = "wish.evening";
    put_words(t, key, out);
}

typedef struct var {
    const char *name;
    var_fn fn;
} var;

static const var vars[] = {
    {"siparis_no", v_order_no},
    {"musteri_adi", v_first_name},
    {"musteri_tam_adi", v_full_name},
    {"siparis_tarihi", v_created},
    {"durum", v_status},
    {"urunler", v_items},
    {"tutar", v_total},
    {"taksit_sayisi", v_installments},
    {"kargo_firmasi", v_carrier},
    {"kargo_telefon", v_carrier_phone},
    {"takip_no", v_tracking_no},
    {"takip_linki", v_tracking_link},
    {"kargo_tarihi", v_shipped},
    {"teslim_tarihi", v_delivered},
    {"tahmini_kargo", v_dispatch_by},
    {"son_hareket", v_last_event},
    {"son_hareket_tarihi", v_last_event_date},
    {"son_hareketler", v_last_events},
    {"yeni_adres", v_new_address},
    {"urun", v_item},
    {"iade_kodu", v_code},
    {"iade_son_gun", v_code_deadline},
    {"sonraki_konu", v_offer},
    {"iade_bitis", v_window_end},
    {"sepet_tutari", v_basket},
    {"eksik_tutar", v_missing},
    {"teslim_gun_sayisi", v_days_since},
    {"iade_suresi", v_refund_days},
    {"urun_adi", v_product},
    {"stoktakiler", v_in_stock},
    {"urun_bilgisi", v_fact},
    {"iade_hesabi", v_refund_to},
    {"beden", v_size},
    {"yeni_secenek", v_choice},
    {"talep_no", v_request_no},
    {"iade_urunleri", v_return_items},
    {"iade_tarihi", v_return_date},
    {"red_nedeni", v_rejection},
    {"geri_donus", v_back_at},
    {"iyi_dilek", v_wish},
};

static const var *find_var(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        if (strlen(vars[i].name) == len && memcmp(vars[i].name, name, len) == 0)
            return &vars[i];
    return NULL;
}

int dlg__is_var(const char *name, size_t len)
{
    return find_var(name, len) != NULL;
}

int dlg__lookup(void *ctx, const char *name, size_t len, ds_buf *out)
{
    dlg_turn *t = ctx;
    const var *v = find_var(name, len);
    if (v) {
        v->fn(t, t->order, out);
        return 1;
    }
    return kb_shop_lookup((void *)t->kb, name, len, out);
}

int dlg__turn_lookup(void *ctx, const char *name, size_t len, ds_buf *out)
{
    if (!kb_is_turn_var(name, len))
        return 0;
    dlg__lookup(ctx, name, len, out);
    return 1;
}

static int shop_only(void *ctx, const char *name, size_t len, ds_buf *out)
{
    dlg_turn *t = ctx;
    if (dlg__turn_lookup(ctx, name, len, out))
        return 1;
    return !dlg__is_var(name, len) && kb_shop_lookup((void *)t->kb, name, len, out);
}

/* A turn that only reads, for rendering outside a conversation's turn: the
 * session (or an empty one) and its verified order (t->order, owned). */
static void render_turn(dlg_env *env, dlg_session *s, dlg_session *none, dlg_reply *unused,
                        ds_error *err, dlg_turn *t)
{
    memset(none, 0, sizeof *none);
    memset(unused, 0, sizeof *unused);
    *t = (dlg_turn){.env = env,
                    .s = s ? s : none,
                    .out = unused,
                    .err = err,
                    .kb = match_engine_kb(env->me),
                    .text = "",
                    .item = DLG_ITEM_NONE};
    if (t->s->verified[0] && env->db)
        store_order_get(env->db, t->s->verified, &t->order, NULL);
}

ds_status dlg_render(dlg_env *env, dlg_session *s, const char *tpl, ds_buf *out, ds_error *err)
{
    /* the variables read the session and the order, never the reply */
    dlg_session none;
    dlg_reply unused;
    dlg_turn t;
    render_turn(env, s, &none, &unused, err, &t);
    /* without a verified order its variables are unknown, not blank: an
     * agent must not send "numaralı siparişiniz  verildi" */
    ds_status st = tpl_render(tpl, t.order ? dlg__lookup : shop_only, &t, out, err);
    store_order_free(t.order);
    return st;
}

/* The template with every variable lookup cannot fill written as
 * "\x01name\x02" (its case suffix dropped), the others left to tpl_render. */
static void mark_unknown(const char *tpl, tpl_lookup_fn lookup, void *ctx, ds_buf *out)
{
    ds_buf probe;
    ds_buf_init(&probe);
    const char *p = tpl;
    for (;;) {
        const char *open = strstr(p, "{{");
        const char *close = open ? strstr(open + 2, "}}") : NULL;
        if (!close) {
            ds_buf_puts(out, p);
            break;
        }
        const char *a = open + 2, *b = close;
        while (a < b && *a == ' ')
            a++;
        while (b > a && b[-1] == ' ')
            b--;
        const char *apos = memchr(a, '\'', (size_t)(b - a));
        size_t len = (size_t)((apos ? apos : b) - a);
        probe.len = 0;
        if (lookup(ctx, a, len, &probe)) {
            ds_buf_append(out, p, (size_t)(close + 2 - p));
        } else {
            ds_buf_append(out, p, (size_t)(open - p));
            ds_buf_puts(out, "\x01");
            ds_buf_append(out, a, len);
            ds_buf_puts(out, "\x02");
        }
        p = close + 2;
    }
    ds_buf_cleanup(&probe);
}

ds_status dlg_render_preview(dlg_env *env, dlg_session *s, const char *tpl, ds_buf *out,
                             ds_error *err)
{
    dlg_session none;
    dlg_reply unused;
    dlg_turn t;
    render_turn(env, s, &none, &unused, err, &t);
    tpl_lookup_fn fn = t.order ? dlg__lookup : shop_only;
    ds_buf marked, done;
    ds_buf_init(&marked);
    ds_buf_init(&done);
    mark_unknown(tpl, fn, &t, &marked);
    ds_status st = marked.failed ? ds_fail(err, DS_ENOMEM, "out of memory")
                                 : tpl_render(marked.data ? marked.data : "", fn, &t, &done, err);
    for (size_t i = 0, run = 0; st == DS_OK && done.data && i <= done.len; i++) {
        char ch = i < done.len ? done.data[i] : '\0';
        if (ch != '\x01' && ch != '\x02' && i < done.len)
            continue;
        ds_buf_append(out, done.data + run, i - run);
        if (i < done.len)
            ds_buf_puts(out, ch == '\x01' ? "{{" : "}}");
        run = i + 1;
    }
    if (st == DS_OK && out->failed)
        st = ds_fail(err, DS_ENOMEM, "out of memory");
    ds_buf_cleanup(&marked);
    ds_buf_cleanup(&done);
    store_order_free(t.order);
    return st;
}

/* ---- time ------------------------------------------------------------- */

long long dlg__epoch(const kb_base *kb, const char *iso)
{
    long long t;
    return iso && clock_parse(kb_zone(kb), iso, &t) == 0 ? t : -1;
}

int dlg__dispatch_by(const kb_base *kb, const char *created_at, char buf[11])
{
    long long at;
    if (clock_parse(kb_zone(kb), created_at, &at) != 0)
        return -1;
    clock_local l;
    clock_to_local(kb_zone(kb), at, &l); /* the shop's calendar day of the order */
    /* "1-2" business days: the promise is the larger number */
    ds_buf b;
    ds_buf_init(&b);
    int n = 2;
    if (kb_shop_lookup((void *)kb, "shipping.dispatch_days", 22, &b) && b.data) {
        const char *dash = strrchr(b.data, '-');
        n = atoi(dash ? dash + 1 : b.data);
    }
    ds_buf_cleanup(&b);
    if (n < 0 || n > 60)
        n = 2;
    long long days = l.days;
    for (int added = 0; added < n;) {
        days++;
        if (((days + 3) % 7 + 7) % 7 < 5) /* Monday..Friday; 1970-01-01 was a Thursday */
            added++;
    }
    int y, m, d;
    clock_civil_from_days(days, &y, &m, &d);
    char tmp[48];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y % 10000, m, d);
    memcpy(buf, tmp, 10);
    buf[10] = '\0';
    return 0;
}
