/* SPDX-License-Identifier: MIT */
/* Knowledge-base loader and validator. Reads files (the engine's only file
 * I/O), reports every problem with file:line:col and the JSON path, and
 * compiles patterns once with the PCRE2 JIT. Not for the event loop: load
 * on start-up or on reload, then swap. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "kb.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <pcre2.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "ds_map.h"
#include "kb_locate.h"
#include "ds_limits.h"

struct kb_base {
    char *dir;
    nlp_lexicon *lexicon;
    json_t *shop;
    kb_intent *intents;
    size_t intent_count;
    kb_concept *concepts;
    size_t concept_count;
    nlp_text *scratch; /* only while loading */
    kb_message *messages;
    size_t message_count;
    kb_canned *canned;
    size_t canned_count;
    ds_map *words;        /* "list\tskeleton phrase" -> 1 */
    ds_map *message_keys; /* a dialogue message's key -> its index in messages */
    clock_zone *zone;
    /* found once at load, asked on every turn (index_for_turns) */
    char **reason_skeletons; /* returns.reasons[i].label normalised; NULL: none */
    const char **reason_ids; /* returns.reasons[i].id, in shop; NULL: none */
    size_t reason_count;
    char **yes_no; /* "yes_no.PATH" of each message "yes_no.PATH.yes", in order */
    size_t yes_no_count;
    uint64_t *bloom;     /* "list\tphrase" keys of words, two bits each; NULL: none */
    uint64_t bloom_mask; /* bits - 1 */
};

typedef struct load_ctx {
    kb_base *kb;
    const char *dir;  /* the knowledge base's directory */
    const char *file; /* base name */
    char *text;       /* whole file */
    size_t len;
    kb_diag_fn diag;
    void *diag_ctx;
    const kb_load_opts *opts; /* never NULL */
    ds_error first;
    int errors;
} load_ctx;

static void report(load_ctx *lc, int is_error, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void report(load_ctx *lc, int is_error, const char *path, const char *fmt, ...)
{
    ds_error e;
    memset(&e, 0, sizeof e);
    e.status = DS_EKB;
    snprintf(e.file, sizeof e.file, "%s", lc->file ? lc->file : "");
    snprintf(e.field, sizeof e.field, "%s", path ? path : "");
    if (lc->text && path)
        kb__locate(lc->text, lc->len, path, &e.line, &e.column);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e.message, sizeof e.message, fmt, ap);
    va_end(ap);
    if (lc->diag)
        lc->diag(lc->diag_ctx, is_error, &e);
    if (is_error && lc->errors++ == 0)
        lc->first = e;
}

/* ---- small helpers ---------------------------------------------------- */

static char *read_file(const char *path, size_t *len, ds_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        ds_fail(err, DS_EIO, "cannot open: %s", strerror(errno));
        return NULL;
    }
    ds_buf b;
    ds_buf_init(&b);
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b.len + n > KB_MAX_FILE_LEN) {
            fclose(f);
            ds_buf_cleanup(&b);
            ds_fail(err, DS_ETOOBIG, "file is larger than %u bytes", KB_MAX_FILE_LEN);
            return NULL;
        }
        ds_buf_append(&b, chunk, n);
    }
    int bad = ferror(f);
    fclose(f);
    *len = b.len;
    char *text = ds_buf_take(&b);
    if (bad || !text) {
        ds_free(text);
        ds_fail(err, bad ? DS_EIO : DS_ENOMEM, bad ? "read error" : "out of memory");
        return NULL;
    }
    return text;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int valid_id(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return 0;
    return 1;
}

/* Skeleton words of a phrase (with the lexicon's shorthand); owned or NULL. */
static char *phrase_words(const kb_base *kb, const char *s, size_t *count)
{
    nlp_text *t = kb->scratch;
    char *out = NULL;
    if (nlp_normalise(kb->lexicon, s, strlen(s), t, NULL) == DS_OK && nlp_text_token_count(t) > 0) {
        out = ds_strdup(nlp_text_skeleton(t));
        *count = nlp_text_token_count(t);
    }
    return out;
}

static void free_strv(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        ds_free(v[i]);
    ds_free(v);
}

/* Copies an array of non-empty strings; reports bad elements. */
static char **string_array(load_ctx *lc, json_t *arr, const char *path, size_t *count)
{
    *count = 0;
    if (!json_is_array(arr)) {
        report(lc, 1, path, "must be an array of strings");
        return NULL;
    }
    char **v = ds_calloc(json_array_size(arr) + 1, sizeof *v);
    if (!v)
        return NULL;
    size_t i;
    json_t *el;
    json_array_foreach(arr, i, el)
    {
        char p[160];
        snprintf(p, sizeof p, "%s[%zu]", path, i);
        const char *s = json_string_value(el);
        if (!s || !*s) {
            report(lc, 1, p, "must be a non-empty string");
            continue;
        }
        if ((v[*count] = ds_strdup(s)))
            (*count)++;
    }
    return v;
}

/* ---- lexicon.json ----------------------------------------------------- */

/* An array of strings of lexicon.json, each given to add. */
static void lexicon_list(load_ctx *lc, json_t *root, const char *key, int required,
                         const char *shape,
                         ds_status (*add)(nlp_lexicon *, const char *, ds_error *))
{
    json_t *arr = json_object_get(root, key), *val;
    if ((arr || required) && !json_is_array(arr)) {
        report(lc, 1, key, "%s", shape);
        return;
    }
    size_t i;
    json_array_foreach(arr, i, val)
    {
        char p[64];
        snprintf(p, sizeof p, "%s[%zu]", key, i);
        ds_error e = {.message = "out of memory"};
        if (!json_is_string(val))
            report(lc, 1, p, "must be a string");
        else if (add(lc->kb->lexicon, json_string_value(val), &e))
            report(lc, 1, p, "%s", e.message);
    }
}

/* Spelling dictionaries (hunspell .dic files, absolute or relative to the
 * knowledge base) whose words are never read as typos. One that is not
 * there is a warning: the bot still works, with typo correction that may
 * take a real word for another. */
static void load_dictionaries(load_ctx *lc, json_t *arr)
{
    if (arr && !json_is_array(arr)) {
        report(lc, 1, "dictionaries", "must be an array of paths to hunspell .dic files");
        return;
    }
    size_t i;
    json_t *val;
    json_array_foreach(arr, i, val)
    {
        char p[64], path[4096];
        snprintf(p, sizeof p, "dictionaries[%zu]", i);
        const char *name = json_string_value(val);
        if (!name || !name[0]) {
            report(lc, 1, p, "must be a path to a hunspell .dic file");
            continue;
        }
        snprintf(path, sizeof path, "%s%s%s", name[0] == '/' ? "" : lc->dir,
                 name[0] == '/' ? "" : "/", name);
        ds_error e = {.message = "out of memory"};
        nlp_dict_image_info *info = lc->opts->dict_cache_dir ? ds_malloc(sizeof *info) : NULL;
        ds_status st = nlp_lexicon_load_dictionary_cached(
            lc->kb->lexicon, path, info ? lc->opts->dict_cache_dir : NULL, NULL, info, &e);
        if (st == DS_OK && info && lc->opts->dict_log) {
            static const char *const what[] = {"not used", "mapped", "written", "not written"};
            char line[8800];
            snprintf(line, sizeof line, "dictionary %s: image %s%s%s%s%s", path, what[info->use],
                     info->image[0] ? " " : "", info->image, info->note[0] ? " (" : "",
                     info->note[0] ? info->note : "");
            if (info->note[0] && strlen(line) + 2 <= sizeof line)
                strcat(line, ")");
            lc->opts->dict_log(lc->opts->dict_log_ctx, line);
        }
        ds_free(info);
        if (st == DS_EIO)
            report(lc, 0, p,
                   "%s: real words may be read as typos of others (on Debian: apt install "
                   "hunspell-tr)",
                   e.message);
        else if (st != DS_OK)
            report(lc, 1, p, "%s", e.message);
    }
}

static void load_lexicon(load_ctx *lc, json_t *root)
{
    kb_base *kb = lc->kb;
    const char *key;
    json_t *val;
    json_object_foreach(root, key, val)
    {
        if (strcmp(key, "shorthand") && strcmp(key, "suffixes") && strcmp(key, "concepts") &&
            strcmp(key, "words") && strcmp(key, "dictionaries"))
            report(lc, 0, key, "unknown field, ignored");
    }
    json_t *sh = json_object_get(root, "shorthand");
    if (sh && !json_is_object(sh))
        report(lc, 1, "shorthand", "must be an object of \"shorthand\": \"words\"");
    else if (sh) {
        json_object_foreach(sh, key, val)
        {
            char p[160];
            snprintf(p, sizeof p, "shorthand.%s", key);
            ds_error e = {.message = "out of memory"};
            if (!json_is_string(val))
                report(lc, 1, p, "must be a string");
            else if (nlp_lexicon_add_shorthand(kb->lexicon, key, json_string_value(val), &e))
                report(lc, 1, p, "%s", e.message);
        }
    }
    lexicon_list(lc, root, "suffixes", 1, "must be an array of suffixes (skeleton spelling)",
                 nlp_lexicon_add_suffix);
    lexicon_list(lc, root, "words", 0, "must be an array of real words never read as typos",
                 nlp_lexicon_add_word);
    load_dictionaries(lc, json_object_get(root, "dictionaries"));
    json_t *con = json_object_get(root, "concepts");
    if (con && !json_is_object(con)) {
        report(lc, 1, "concepts", "must be an object of \"name\": [words]");
        return;
    }
    size_t n = con ? json_object_size(con) : 0;
    kb->concepts = ds_calloc(n + 1, sizeof *kb->concepts);
    if (!kb->concepts)
        return;
    json_object_foreach(con, key, val)
    {
        char p[160];
        snprintf(p, sizeof p, "concepts.%s", key);
        if (!valid_id(key)) {
            report(lc, 1, p, "concept names are lower-case ASCII, digits and '_'");
            continue;
        }
        kb_concept *c = &kb->concepts[kb->concept_count];
        size_t count;
        char **words = string_array(lc, val, p, &count);
        if (!words)
            continue;
        c->name = ds_strdup(key);
        c->phrases = words;
        if (!c->name)
            report(lc, 1, p, "out of memory");
        c->exact = ds_calloc(count + 1, 1);
        if (!c->exact)
            report(lc, 1, p, "out of memory"); /* the load fails; words freed by kb_free */
        for (size_t i = 0; i < count && c->exact; i++) {
            size_t wc = 0;
            c->exact[i] = words[i][0] == '=';
            char *w = phrase_words(kb, words[i] + c->exact[i], &wc);
            if (!w)
                report(lc, 1, p, "\"%s\" has no letters or digits", words[i]);
            ds_free(words[i]);
            words[i] = w ? w : ds_strdup("");
        }
        c->phrase_count = count;
        kb->concept_count++;
    }
}

/* ---- intents ---------------------------------------------------------- */

static int find_concept(const kb_base *kb, const char *name)
{
    for (size_t i = 0; i < kb->concept_count; i++)
        if (kb->concepts[i].name && strcmp(kb->concepts[i].name, name) == 0)
            return (int)i;
    return -1;
}

static void load_keywords(load_ctx *lc, kb_intent *in, json_t *obj, const char *base)
{
    char path[200];
    snprintf(path, sizeof path, "%s.keywords", base);
    if (!json_is_object(obj)) {
        report(lc, 1, path, "must be an object of \"word\": weight");
        return;
    }
    in->keywords = ds_calloc(json_object_size(obj) + 1, sizeof *in->keywords);
    if (!in->keywords)
        return;
    const char *key;
    json_t *val;
    json_object_foreach(obj, key, val)
    {
        char p[320];
        snprintf(p, sizeof p, "%s.%s", path, key);
        if (!json_is_number(val)) {
            report(lc, 1, p, "weight must be a number");
            continue;
        }
        double w = json_number_value(val);
        if (w == 0 || w < -20 || w > 20) {
            report(lc, 1, p, "weight %g is outside [-20, 20] or zero", w);
            continue;
        }
        kb_keyword *k = &in->keywords[in->keyword_count];
        k->concept = -1;
        k->weight = w;
        if (key[0] == '@') {
            k->concept = find_concept(lc->kb, key + 1);
            if (k->concept < 0) {
                report(lc, 1, p, "no concept \"%s\" in lexicon.json", key + 1);
                continue;
            }
        } else {
            const char *word = key;
            if (word[0] == '=') {
                k->exact = 1;
                word++;
            }
            k->words = phrase_words(lc->kb, word, &k->word_count);
            if (!k->words) {
                report(lc, 1, p, "keyword has no letters or digits");
                continue;
            }
            if (k->word_count > NLP_MAX_PHRASE_WORDS) {
                report(lc, 1, p, "a phrase has at most %d words", NLP_MAX_PHRASE_WORDS);
                ds_free(k->words);
                k->words = NULL;
                continue;
            }
        }
        /* "nerde kaldı" and "nerede kaldı" are one phrase once shorthand is
         * read: counted twice, the same words would weigh double */
        kb_keyword *same = NULL;
        for (size_t i = 0; k->words && i < in->keyword_count && !same; i++)
            if (in->keywords[i].words && in->keywords[i].exact == k->exact &&
                strcmp(in->keywords[i].words, k->words) == 0)
                same = &in->keywords[i];
        if (same) {
            report(lc, 0, p,
                   "the same words as \"%s\" once normalised: counted once, with the larger weight",
                   same->source);
            if (fabs(w) > fabs(same->weight))
                same->weight = w;
            ds_free(k->words);
            k->words = NULL;
            continue;
        }
        k->source = ds_strdup(key);
        in->keyword_count++;
    }
}

/* Patterns are matched against the skeleton: lower-case ASCII only. */
static const char *pattern_alphabet_problem(const char *re)
{
    int escaped = 0;
    for (const unsigned char *p = (const unsigned char *)re; *p; p++) {
        if (*p >= 0x80)
            return "must use the skeleton alphabet: write 'siparis', not 'sipariş'";
        if (!escaped && *p >= 'A' && *p <= 'Z')
            return "must be lower case (messages are folded before matching)";
        escaped = !escaped && *p == '\\';
    }
    return NULL;
}

static void load_patterns(load_ctx *lc, kb_intent *in, json_t *arr, const char *base)
{
    char path[200];
    snprintf(path, sizeof path, "%s.patterns", base);
    if (!json_is_array(arr)) {
        report(lc, 1, path, "must be an array");
        return;
    }
    in->patterns = ds_calloc(json_array_size(arr) + 1, sizeof *in->patterns);
    if (!in->patterns)
        return;
    size_t i;
    json_t *el;
    json_array_foreach(arr, i, el)
    {
        char p[240];
        snprintf(p, sizeof p, "%s[%zu]", path, i);
        const char *re = json_string_value(el);
        double w = 2.5;
        if (json_is_object(el)) {
            re = json_string_value(json_object_get(el, "re"));
            json_t *jw = json_object_get(el, "weight");
            if (jw && !json_is_number(jw)) {
                report(lc, 1, p, "weight must be a number");
                continue;
            }
            if (jw)
                w = json_number_value(jw);
        }
        if (!re || !*re) {
            report(lc, 1, p, "a pattern is a string or {\"re\": \"...\", \"weight\": n}");
            continue;
        }
        const char *why = pattern_alphabet_problem(re);
        if (why) {
            report(lc, 1, p, "%s", why);
            continue;
        }
        int code;
        PCRE2_SIZE off;
        pcre2_code *c = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED,
                                      PCRE2_UTF | PCRE2_NO_UTF_CHECK, &code, &off, NULL);
        if (!c) {
            PCRE2_UCHAR msg[160];
            pcre2_get_error_message(code, msg, sizeof msg);
            report(lc, 1, p, "bad regular expression at offset %zu: %s", (size_t)off,
                   (const char *)msg);
            continue;
        }
        pcre2_code_free(c);
        in->patterns[in->pattern_count].re = ds_strdup(re);
        in->patterns[in->pattern_count].weight = w;
        in->pattern_count++;
    }
}

int kb_is_turn_var(const char *name, size_t len)
{
    return len == 9 && memcmp(name, "iyi_dilek", 9) == 0;
}

static int answer_lookup(void *ctx, const char *name, size_t len, ds_buf *out)
{
    return kb_is_turn_var(name, len) || kb_shop_lookup(ctx, name, len, out);
}

static void check_answers(load_ctx *lc, kb_intent *in, const char *base)
{
    for (size_t i = 0; i < in->answer_count; i++) {
        char p[240];
        snprintf(p, sizeof p, "%s.answers[%zu]", base, i);
        ds_buf out;
        ds_buf_init(&out);
        ds_error e;
        if (tpl_render(in->answers[i], answer_lookup, lc->kb, &out, &e) != DS_OK)
            report(lc, 1, p, "%s (variables come from shop.json, and {{iyi_dilek}})", e.message);
        ds_buf_cleanup(&out);
    }
}

static const char *const intent_fields[] = {
    "id",       "title",   "keywords", "patterns",    "examples",    "answers", "quick_replies",
    "priority", "asks",    "flow",     "flow_params", "description", "topics",  "order_context",
    "taught",   "related", "lookup",   NULL,
};

/* Keys of the words map that no list name can make: a mark byte, then a
 * text. MARK_FIRST: the first word of some list's phrase (kb_words_first,
 * so a message's other words need no lookup per list); MARK_PHRASE: some
 * list's whole phrase (kb_words_phrase); MARK_LIST: a list that has a
 * phrase (kb_words_list); MARK_ASKING: a word of a list that makes a
 * message ask (kb_words_asks: one lookup a token, not one a list). */
enum { MARK_FIRST = 1, MARK_PHRASE = 2, MARK_LIST = 3, MARK_ASKING = 4 };

/* Puts mark+text[0..n); a text too long for a key is not kept, and its
 * lookup answers as marked_get's too_long says. */
static ds_status marked_put(kb_base *kb, char mark, const char *text, size_t n)
{
    char k[256];
    if (n + 1 >= sizeof k)
        return DS_OK;
    k[0] = mark;
    memcpy(k + 1, text, n);
    return ds_map_put(kb->words, k, n + 1, 1);
}

static int marked_get(const kb_base *kb, char mark, const char *text, size_t n, int too_long)
{
    char k[256];
    if (n + 1 >= sizeof k)
        return too_long;
    k[0] = mark;
    memcpy(k + 1, text, n);
    return ds_map_get(kb->words, k, n + 1, NULL) != 0;
}

/* The lists whose words make a message ask something (kb_words_asks). */
static int asking_list(const char *list)
{
    static const char *const names[] = {"question_particles", "question_words", "asking_words",
                                        "request_words"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(list, names[i]) == 0)
            return 1;
    return 0;
}

/* The phrases of arr (strings) into the words map as list's, folded like
 * keywords, each first word indexed too (kb_words_first). */
static void put_words(load_ctx *lc, const char *list, json_t *arr, const char *path)
{
    size_t n;
    char **words = string_array(lc, arr, path, &n);
    for (size_t i = 0; i < n; i++) {
        size_t wc;
        char *w = phrase_words(lc->kb, words[i], &wc);
        if (w && wc > KB_PHRASE_MAX_WORDS) {
            report(lc, 1, path, "\"%s\" has %zu words; a phrase of a word list has at most %d",
                   words[i], wc, KB_PHRASE_MAX_WORDS);
            ds_free(w);
            continue;
        }
        ds_buf k;
        ds_buf_init(&k);
        ds_buf_printf(&k, "%s\t%s", list, w ? w : "");
        if (!w || k.failed || ds_map_put(lc->kb->words, k.data, k.len, 1) != DS_OK ||
            marked_put(lc->kb, MARK_FIRST, w, strcspn(w, " ")) != DS_OK ||
            marked_put(lc->kb, MARK_PHRASE, w, strlen(w)) != DS_OK ||
            marked_put(lc->kb, MARK_LIST, list, strlen(list)) != DS_OK ||
            (wc == 1 && asking_list(list) &&
             marked_put(lc->kb, MARK_ASKING, w, strlen(w)) != DS_OK))
            report(lc, 1, path, "\"%s\" has no letters or digits", words[i]);
        ds_buf_cleanup(&k);
        ds_free(w);
    }
    free_strv(words, n);
}

/* "topics": [{"words": [...], "answer": "..."}]: the words go into the
 * words map under a name no dialogue.json list can have. */
static void load_topics(load_ctx *lc, kb_intent *in, json_t *arr, const char *base)
{
    char p[200];
    snprintf(p, sizeof p, "%s.topics", base);
    if (!json_is_array(arr)) {
        report(lc, 1, p, "must be an array of {\"words\": [...], \"answer\": \"...\"}");
        return;
    }
    in->topics = ds_calloc(json_array_size(arr) + 1, sizeof *in->topics);
    if (!in->topics) {
        report(lc, 1, p, "out of memory");
        return;
    }
    size_t i;
    json_t *el;
    json_array_foreach(arr, i, el)
    {
        char q[240];
        snprintf(q, sizeof q, "%s[%zu]", p, i);
        const char *answer = json_string_value(json_object_get(el, "answer"));
        json_t *words = json_object_get(el, "words");
        if (!json_is_object(el) || !answer || !*answer || !json_is_array(words) ||
            !json_array_size(words)) {
            report(lc, 1, q, "a topic needs \"words\" (a non-empty array) and \"answer\"");
            continue;
        }
        kb_topic *t = &in->topics[in->topic_count];
        ds_buf name;
        ds_buf_init(&name);
        ds_buf_printf(&name, "#%s.%zu", in->id, i);
        t->list = ds_buf_take(&name);
        t->answer = ds_strdup(answer);
        if (!t->list || !t->answer) {
            report(lc, 1, q, "out of memory");
            ds_free(t->list);
            ds_free(t->answer);
            continue;
        }
        in->topic_count++;
        ds_buf out;
        ds_buf_init(&out);
        ds_error e;
        if (tpl_render(answer, answer_lookup, lc->kb, &out, &e) != DS_OK)
            report(lc, 1, q, "%s (variables come from shop.json, and {{iyi_dilek}})", e.message);
        ds_buf_cleanup(&out);
        char wp[260];
        snprintf(wp, sizeof wp, "%s.words", q);
        put_words(lc, t->list, words, wp);
        /* "unless": words that make it another topic's question ("taksit"
         * is the instalment options, "taksit sonradan düşer mi" is not) */
        json_t *unless = json_object_get(el, "unless");
        snprintf(wp, sizeof wp, "%s.unless", q);
        if (unless && (!json_is_array(unless) || !json_array_size(unless))) {
            report(lc, 1, wp, "must be a non-empty array of words");
        } else if (unless) {
            ds_buf_init(&name);
            ds_buf_printf(&name, "#%s.%zu!", in->id, i);
            if (!(t->unless = ds_buf_take(&name)))
                report(lc, 1, wp, "out of memory");
            else
                put_words(lc, t->unless, unless, wp);
        }
        json_t *decides = json_object_get(el, "decides");
        if (decides && !json_is_boolean(decides)) {
            snprintf(wp, sizeof wp, "%s.decides", q);
            report(lc, 1, wp, "must be true or false");
        }
        t->decides = json_is_true(decides);
    }
}

/* "flow": the dialogue flow the intent starts (dlg_check_kb knows the
 * names); "flow_params": a few strings that flow reads. */
static void load_flow(load_ctx *lc, kb_intent *in, json_t *obj, const char *base)
{
    char p[200];
    json_t *fl = json_object_get(obj, "flow");
    snprintf(p, sizeof p, "%s.flow", base);
    if (fl && (!json_is_string(fl) || !valid_id(json_string_value(fl))))
        report(lc, 1, p, "must be the name of a dialogue flow (\"tracking\", \"return\", ...)");
    else if (fl && !(in->flow = ds_strdup(json_string_value(fl))))
        report(lc, 1, p, "out of memory");
    if (json_object_get(obj, "needs_order")) {
        snprintf(p, sizeof p, "%s.needs_order", base);
        report(lc, 0, p, "no longer read: bind the intent to a dialogue flow with \"flow\"");
    }
    json_t *params = json_object_get(obj, "flow_params");
    snprintf(p, sizeof p, "%s.flow_params", base);
    if (!params)
        return;
    if (!json_is_object(params) || !fl) {
        report(lc, 1, p, fl ? "must be an object of strings" : "needs a \"flow\" to read it");
        return;
    }
    size_t n = json_object_size(params);
    in->param_keys = ds_calloc(n ? n : 1, sizeof *in->param_keys);
    in->param_values = ds_calloc(n ? n : 1, sizeof *in->param_values);
    if (!in->param_keys || !in->param_values) {
        report(lc, 1, p, "out of memory");
        return;
    }
    const char *key;
    json_t *val;
    json_object_foreach(params, key, val)
    {
        char q[240];
        snprintf(q, sizeof q, "%s.%s", p, key);
        if (!json_is_string(val)) {
            report(lc, 1, q, "must be a string");
            continue;
        }
        in->param_keys[in->param_count] = ds_strdup(key);
        in->param_values[in->param_count] = ds_strdup(json_string_value(val));
        if (!in->param_keys[in->param_count] || !in->param_values[in->param_count]) {
            report(lc, 1, q, "out of memory");
            return;
        }
        in->param_count++;
    }
}

static void load_intent(load_ctx *lc, json_t *obj, size_t idx)
{
    kb_base *kb = lc->kb;
    char base[64];
    snprintf(base, sizeof base, "intents[%zu]", idx);
    if (!json_is_object(obj)) {
        report(lc, 1, base, "must be an object");
        return;
    }
    const char *key;
    json_t *val;
    json_object_foreach(obj, key, val)
    {
        int known = 0;
        for (const char *const *f = intent_fields; *f; f++)
            known |= strcmp(*f, key) == 0;
        if (!known) {
            char p[200];
            snprintf(p, sizeof p, "%s.%s", base, key);
            report(lc, 0, p, "unknown field, ignored");
        }
    }
    char p[200];
    const char *id = json_string_value(json_object_get(obj, "id"));
    snprintf(p, sizeof p, "%s.id", base);
    if (!id || !valid_id(id)) {
        report(lc, 1, json_object_get(obj, "id") ? p : base,
               "\"id\" must be a lower-case ASCII snake_case string");
        return;
    }
    if (kb_intent_find(kb, id) >= 0) {
        report(lc, 1, p, "intent \"%s\" is defined twice", id);
        return;
    }
    kb_intent *in = &kb->intents[kb->intent_count++];
    in->id = ds_strdup(id);
    in->file = ds_strdup(lc->file);
    if (!in->id || !in->file) {
        report(lc, 1, base, "out of memory");
        return;
    }
    const char *title = json_string_value(json_object_get(obj, "title"));
    snprintf(p, sizeof p, "%s.title", base);
    if (!title || !*title)
        report(lc, 1, base, "\"title\" (a short Turkish label) is required");
    in->title = ds_strdup(title ? title : id);
    json_t *kw = json_object_get(obj, "keywords");
    if (!kw)
        report(lc, 1, base, "\"keywords\" is required");
    else
        load_keywords(lc, in, kw, base);
    if (in->keyword_count == 0 && strcmp(id, "fallback") != 0)
        report(lc, 0, base, "intent \"%s\" has no keywords: it can never be chosen", id);
    json_t *pat = json_object_get(obj, "patterns");
    if (pat)
        load_patterns(lc, in, pat, base);
    snprintf(p, sizeof p, "%s.examples", base);
    json_t *ex = json_object_get(obj, "examples");
    if (ex)
        in->examples = string_array(lc, ex, p, &in->example_count);
    if (in->example_count < 3 && strcmp(id, "fallback") != 0)
        report(lc, 0, ex ? p : base, "give at least 3 examples");
    snprintf(p, sizeof p, "%s.taught", base);
    json_t *taught = json_object_get(obj, "taught");
    if (taught)
        in->taught = string_array(lc, taught, p, &in->taught_count);
    snprintf(p, sizeof p, "%s.answers", base);
    json_t *ans = json_object_get(obj, "answers");
    if (ans)
        in->answers = string_array(lc, ans, p, &in->answer_count);
    if (in->answer_count == 0)
        report(lc, 1, ans ? p : base, "at least one answer is required");
    check_answers(lc, in, base);
    snprintf(p, sizeof p, "%s.quick_replies", base);
    json_t *qr = json_object_get(obj, "quick_replies");
    if (qr)
        in->quick_replies = string_array(lc, qr, p, &in->quick_reply_count);
    json_t *pr = json_object_get(obj, "priority");
    snprintf(p, sizeof p, "%s.priority", base);
    if (pr && !(json_is_string(pr) && (strcmp(json_string_value(pr), "low") == 0 ||
                                       strcmp(json_string_value(pr), "normal") == 0)))
        report(lc, 1, p, "must be \"low\" or \"normal\"");
    in->low_priority = pr && json_is_string(pr) && strcmp(json_string_value(pr), "low") == 0;
    json_t *asks = json_object_get(obj, "asks");
    snprintf(p, sizeof p, "%s.asks", base);
    if (asks && !json_is_boolean(asks))
        report(lc, 1, p, "must be true or false");
    in->asks = json_is_true(asks);
    load_flow(lc, in, obj, base);
    json_t *topics = json_object_get(obj, "topics");
    if (topics)
        load_topics(lc, in, topics, base);
    json_t *oc = json_object_get(obj, "order_context");
    snprintf(p, sizeof p, "%s.order_context", base);
    if (oc && !json_is_boolean(oc))
        report(lc, 1, p, "must be true or false");
    in->order_context = json_is_true(oc);
    snprintf(p, sizeof p, "%s.related", base);
    json_t *rel = json_object_get(obj, "related");
    if (rel)
        in->related = string_array(lc, rel, p, &in->related_count);
    json_t *lk = json_object_get(obj, "lookup");
    snprintf(p, sizeof p, "%s.lookup", base);
    if (lk && (!json_is_string(lk) || !valid_id(json_string_value(lk))))
        report(lc, 1, p, "must be the name of a lookup (\"stock\")");
    else if (lk && !(in->lookup = ds_strdup(json_string_value(lk))))
        report(lc, 1, p, "out of memory");
}

static void load_intent_file(load_ctx *lc, json_t *root)
{
    json_t *arr = json_object_get(root, "intents");
    if (!json_is_array(arr)) {
        report(lc, 1, "intents", "an intent file holds {\"intents\": [ ... ]}");
        return;
    }
    kb_base *kb = lc->kb;
    kb_intent *ni =
        ds_realloc(kb->intents, (kb->intent_count + json_array_size(arr) + 1) * sizeof *ni);
    if (!ni) {
        report(lc, 1, NULL, "out of memory");
        return;
    }
    kb->intents = ni;
    memset(ni + kb->intent_count, 0, (json_array_size(arr) + 1) * sizeof *ni);
    size_t i;
    json_t *el;
    json_array_foreach(arr, i, el) load_intent(lc, el, i);
}

/* ---- dialogue.json ---------------------------------------------------- */

static char **text_list(load_ctx *lc, json_t *v, const char *path, size_t *count)
{
    if (json_is_string(v)) {
        char **one = ds_calloc(2, sizeof *one);
        if (one && (one[0] = ds_strdup(json_string_value(v))))
            *count = 1;
        else
            report(lc, 1, path, "out of memory");
        return one;
    }
    return string_array(lc, v, path, count);
}

static void check_template_syntax(load_ctx *lc, const char *path, const char *t)
{
    for (const char *p = strstr(t, "{{"); p; p = strstr(p + 2, "{{"))
        if (!strstr(p, "}}")) {
            report(lc, 1, path, "\"{{\" without \"}}\"");
            return;
        }
}

static void load_dialogue(load_ctx *lc, json_t *root)
{
    kb_base *kb = lc->kb;
    const char *key;
    json_t *val;
    json_object_foreach(root, key, val)
    {
        if (strcmp(key, "messages") && strcmp(key, "words") && strcmp(key, "canned"))
            report(lc, 0, key, "unknown field, ignored");
    }
    json_t *msgs = json_object_get(root, "messages");
    if (!json_is_object(msgs)) {
        report(lc, 1, "messages",
               "must be an object of \"key\": \"text\" | [texts] | "
               "{\"text\": ..., \"quick_replies\": [...]}");
    } else {
        kb->messages = ds_calloc(json_object_size(msgs) + 1, sizeof *kb->messages);
        if (!kb->messages)
            return;
        json_object_foreach(msgs, key, val)
        {
            char p[200];
            snprintf(p, sizeof p, "messages.%s", key);
            kb_message *m = &kb->messages[kb->message_count];
            json_t *text = json_is_object(val) ? json_object_get(val, "text") : val;
            if (!text) {
                report(lc, 1, p, "\"text\" is required");
                continue;
            }
            m->texts = text_list(lc, text, p, &m->text_count);
            if (!m->text_count) {
                report(lc, 1, p, "needs at least one text");
                free_strv(m->texts, 0);
                m->texts = NULL;
                continue;
            }
            for (size_t i = 0; i < m->text_count; i++)
                check_template_syntax(lc, p, m->texts[i]);
            json_t *qr = json_is_object(val) ? json_object_get(val, "quick_replies") : NULL;
            if (qr)
                m->quick_replies = string_array(lc, qr, p, &m->quick_reply_count);
            m->key = ds_strdup(key);
            if (!m->key ||
                ds_map_put(kb->message_keys, key, strlen(key), kb->message_count) != DS_OK)
                report(lc, 1, p, "out of memory");
            kb->message_count++;
        }
    }
    json_t *canned = json_object_get(root, "canned");
    if (canned && !json_is_array(canned))
        report(lc, 1, "canned", "must be an array of {\"id\", \"title\", \"text\"}");
    if (json_is_array(canned) &&
        (kb->canned = ds_calloc(json_array_size(canned) + 1, sizeof *kb->canned))) {
        size_t i;
        json_t *el;
        json_array_foreach(canned, i, el)
        {
            char p[64];
            snprintf(p, sizeof p, "canned[%zu]", i);
            const char *id = json_string_value(json_object_get(el, "id"));
            const char *title = json_string_value(json_object_get(el, "title"));
            const char *text = json_string_value(json_object_get(el, "text"));
            if (!id || !valid_id(id) || !title || !*title || !text || !*text) {
                report(lc, 1, p, "a canned answer needs an id (snake_case), a title and a text");
                continue;
            }
            check_template_syntax(lc, p, text);
            kb_canned *c = &kb->canned[kb->canned_count++];
            c->id = ds_strdup(id);
            c->title = ds_strdup(title);
            c->text = ds_strdup(text);
            if (!c->id || !c->title || !c->text)
                report(lc, 1, p, "out of memory");
        }
    }
    json_t *words = json_object_get(root, "words");
    if (words && !json_is_object(words)) {
        report(lc, 1, "words", "must be an object of \"list\": [words]");
        return;
    }
    json_object_foreach(words, key, val)
    {
        char p[200];
        snprintf(p, sizeof p, "words.%s", key);
        put_words(lc, key, val, p);
    }
}

const kb_message *kb_message_get(const kb_base *kb, const char *key)
{
    /* asked many times a turn (buttons, people's answers, spent buttons):
     * by the map, not a walk of every message */
    size_t i;
    if (!ds_map_get(kb->message_keys, key, strlen(key), &i) || i >= kb->message_count)
        return NULL;
    return &kb->messages[i];
}

size_t kb_message_count(const kb_base *kb)
{
    return kb->message_count;
}

const kb_message *kb_message_at(const kb_base *kb, size_t i)
{
    return i < kb->message_count ? &kb->messages[i] : NULL;
}

size_t kb_canned_count(const kb_base *kb)
{
    return kb->canned_count;
}

const kb_canned *kb_canned_at(const kb_base *kb, size_t i)
{
    return i < kb->canned_count ? &kb->canned[i] : NULL;
}

const kb_canned *kb_canned_find(const kb_base *kb, const char *id)
{
    for (size_t i = 0; i < kb->canned_count; i++)
        if (kb->canned[i].id && strcmp(kb->canned[i].id, id) == 0)
            return &kb->canned[i];
    return NULL;
}

int kb_words_first(const kb_base *kb, const char *word, size_t len)
{
    return marked_get(kb, MARK_FIRST, word, len, 0);
}

int kb_words_asks(const kb_base *kb, const char *word, size_t len)
{
    return marked_get(kb, MARK_ASKING, word, len, 0);
}

int kb_words_phrase(const kb_base *kb, const char *words, size_t len)
{
    /* not kept when too long: the caller asks each list */
    return marked_get(kb, MARK_PHRASE, words, len, 1);
}

int kb_words_list(const kb_base *kb, const char *list)
{
    /* not kept when too long: the caller asks the list */
    return marked_get(kb, MARK_LIST, list, strlen(list), 1);
}

/* The filter's hash of the key "list\tskeleton", from the two parts'
 * kb_words_hash: a turn hashes each list once and each word run once, and
 * asks every pair. */
static uint64_t pair_hash(uint64_t list_hash, uint64_t hash)
{
    uint64_t h = (list_hash * 0x9E3779B97F4A7C15ULL) ^ hash;
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 32;
    return h;
}

/* The two bits of a pair in the words filter. */
static int bloom_has(const kb_base *kb, uint64_t h)
{
    uint64_t a = h & kb->bloom_mask, b = (h >> 40) & kb->bloom_mask;
    return (kb->bloom[a >> 6] >> (a & 63) & 1) && (kb->bloom[b >> 6] >> (b & 63) & 1);
}

uint64_t kb_words_hash(const char *s, size_t len)
{
    return ds_map_hash(s, len);
}

int kb_words_has_hashed(const kb_base *kb, const char *list, size_t list_len, uint64_t list_hash,
                        const char *skeleton, size_t len, uint64_t hash)
{
    char k[256];
    if (list_len + len + 1 >= sizeof k)
        return 0;
    if (kb->bloom && !bloom_has(kb, pair_hash(list_hash, hash)))
        return 0; /* no such key: the filter has no false "no" */
    memcpy(k, list, list_len);
    k[list_len] = '\t';
    memcpy(k + list_len + 1, skeleton, len);
    return ds_map_get(kb->words, k, list_len + len + 1, NULL) != 0;
}

int kb_words_has(const kb_base *kb, const char *list, const char *skeleton)
{
    /* called for every word run of every message against several lists:
     * the key is put together by hand, not by printf */
    size_t a = strlen(list), b = strlen(skeleton);
    if (a + b + 1 >= 256)
        return 0;
    return kb_words_has_hashed(kb, list, a, kb_words_hash(list, a), skeleton, b,
                               kb_words_hash(skeleton, b));
}

/* ---- files ------------------------------------------------------------ */

/* Parses one file; calls fn on its root. 0 if the file could not be parsed. */
static int with_file(load_ctx *lc, const char *dir, const char *name,
                     void (*fn)(load_ctx *, json_t *))
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    lc->file = name;
    ds_error e;
    lc->text = read_file(path, &lc->len, &e);
    if (!lc->text) {
        report(lc, 1, NULL, "%s", e.message);
        return 0;
    }
    json_error_t je;
    json_t *root = json_loadb(lc->text, lc->len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        ds_error pe;
        memset(&pe, 0, sizeof pe);
        pe.status = DS_EKB;
        snprintf(pe.file, sizeof pe.file, "%s", name);
        pe.line = je.line;
        pe.column = je.column;
        snprintf(pe.message, sizeof pe.message, "invalid JSON: %s", je.text);
        if (lc->diag)
            lc->diag(lc->diag_ctx, 1, &pe);
        if (lc->errors++ == 0)
            lc->first = pe;
    } else if (!json_is_object(root)) {
        report(lc, 1, NULL, "the file must hold a JSON object");
    } else {
        fn(lc, root);
    }
    int ok = root != NULL;
    json_decref(root);
    ds_free(lc->text);
    lc->text = NULL;
    return ok;
}

/* shop.json "retention": whole days per kind of personal data, and the
 * hours a session token may stay unused (privacy.h). */
static void check_retention(load_ctx *lc, json_t *root)
{
    static const char *const keys[] = {"messages_days", "offline_requests_days",
                                       "handoff_notes_days", "records_days", "session_idle_hours"};
    json_t *r = json_object_get(root, "retention");
    if (!r)
        return;
    if (!json_is_object(r)) {
        report(lc, 1, "retention", "must be an object: days to keep each kind of personal data");
        return;
    }
    const char *key;
    json_t *v;
    json_object_foreach(r, key, v)
    {
        char path[96];
        snprintf(path, sizeof path, "retention.%s", key);
        size_t k = 0;
        while (k < sizeof keys / sizeof keys[0] && strcmp(keys[k], key) != 0)
            k++;
        if (k == sizeof keys / sizeof keys[0])
            report(lc, 1, path,
                   "unknown retention (known: messages_days, offline_requests_days, "
                   "handoff_notes_days, records_days)");
        else if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 36500)
            report(lc, 1, path, "must be a whole number of days from 1 to 36500 (0: keep)");
        else if (k == 3 && json_integer_value(v) && json_integer_value(v) < 1095)
            report(lc, 0, path, "KVKK asks for destruction records to be kept 3 years (1095)");
    }
}

static void keep_shop(load_ctx *lc, json_t *root)
{
    check_retention(lc, root);
    lc->kb->shop = json_incref(root);
}

/* The shop's time zone (hours.timezone, Europe/Istanbul when not given)
 * from the system's time-zone database; where the system has none, the
 * fixed hours.utc_offset stands in, with a warning. */
static void load_zone(load_ctx *lc)
{
    const char *name = kb_shop_string(lc->kb, "hours.timezone");
    const char *offs = kb_shop_string(lc->kb, "hours.utc_offset");
    ds_error e;
    lc->file = "shop.json";
    ds_status st = clock_zone_load(NULL, name ? name : "Europe/Istanbul", &lc->kb->zone, &e);
    if (st == DS_OK)
        return;
    long off;
    if (st == DS_ENOTFOUND && (offs || !name)) {
        if (!offs || clock_parse_offset(offs, &off) != 0)
            off = 3 * 3600; /* Türkiye has kept UTC+3 all year since 2016 */
        lc->kb->zone = clock_zone_fixed(off, name ? name : "Europe/Istanbul");
        if (!lc->kb->zone)
            report(lc, 1, NULL, "out of memory");
        else
            report(lc, 0, "hours.timezone", "%s; using the fixed offset %s all year", e.message,
                   offs ? offs : "+03:00");
        return;
    }
    report(lc, 1, "hours.timezone", "%s", e.message);
}

/* A Bloom filter of the "list\tphrase" keys of the words map (by
 * pair_hash of the two parts), 16 bits a key: most kb_words_has asks are of a list without the
 * phrase, and the filter (a few kB) answers them without the map's slots and keys (a few hundred
 * kB, out of the cache). Without memory for it, every ask goes to the map. */
static void build_bloom(kb_base *kb)
{
    size_t n = 0, cap = ds_map_capacity(kb->words);
    const char *key;
    size_t len, value;
    for (size_t i = 0; i < cap; i++)
        if (ds_map_slot(kb->words, i, &key, &len, &value) && memchr(key, '\t', len))
            n++;
    size_t bits = 4096;
    while (bits < 16 * n)
        bits *= 2;
    if (!(kb->bloom = ds_calloc(bits / 64, sizeof *kb->bloom)))
        return;
    kb->bloom_mask = bits - 1;
    for (size_t i = 0; i < cap; i++) {
        if (!ds_map_slot(kb->words, i, &key, &len, &value) || !memchr(key, '\t', len))
            continue;
        size_t tab = len;
        while (key[tab - 1] != '\t') /* the last: a phrase has none */
            tab--;
        uint64_t h = pair_hash(kb_words_hash(key, tab - 1), kb_words_hash(key + tab, len - tab));
        uint64_t a = h & kb->bloom_mask, b = (h >> 40) & kb->bloom_mask;
        kb->bloom[a >> 6] |= 1ULL << (a & 63);
        kb->bloom[b >> 6] |= 1ULL << (b & 63);
    }
}

/* What every turn would otherwise work out again from the loaded files:
 * the skeleton of each return reason's label (dlg compares the message's
 * with it) and the yes-no facts among the dialogue messages (a question
 * is tried against each). Normalising a label once here gives the same
 * skeleton a turn would get: the lexicon does not change after the load. */
static void index_for_turns(load_ctx *lc)
{
    kb_base *kb = lc->kb;
    static const char prefix[] = "yes_no.", suffix[] = ".yes";
    build_bloom(kb);
    size_t pl = sizeof prefix - 1, sl = sizeof suffix - 1;
    size_t n = kb_shop_list_count(kb, "returns.reasons");
    if (n && (!(kb->reason_skeletons = ds_calloc(n, sizeof *kb->reason_skeletons)) ||
              !(kb->reason_ids = ds_calloc(n, sizeof *kb->reason_ids)))) {
        ds_free(kb->reason_skeletons);
        kb->reason_skeletons = NULL;
        report(lc, 1, NULL, "out of memory");
        return;
    }
    kb->reason_count = n;
    for (size_t i = 0; i < n; i++) {
        kb->reason_ids[i] = kb_shop_list_string(kb, "returns.reasons", i, "id");
        const char *label = kb_shop_list_string(kb, "returns.reasons", i, "label");
        if (!label || nlp_normalise(kb->lexicon, label, strlen(label), kb->scratch, NULL) != DS_OK)
            continue;
        if (!(kb->reason_skeletons[i] = ds_strdup(nlp_text_skeleton(kb->scratch)))) {
            report(lc, 1, NULL, "out of memory");
            return;
        }
    }
    size_t count = 0;
    for (size_t i = 0; i < kb->message_count; i++) {
        const char *k = kb->messages[i].key;
        size_t len = strlen(k);
        count += len > pl + sl && strncmp(k, prefix, pl) == 0 && strcmp(k + len - sl, suffix) == 0;
    }
    if (count && !(kb->yes_no = ds_calloc(count, sizeof *kb->yes_no))) {
        report(lc, 1, NULL, "out of memory");
        return;
    }
    for (size_t i = 0; i < kb->message_count; i++) {
        const char *k = kb->messages[i].key;
        size_t len = strlen(k);
        if (len <= pl + sl || strncmp(k, prefix, pl) != 0 || strcmp(k + len - sl, suffix) != 0)
            continue;
        char *name = ds_malloc(len - sl + 1);
        if (!name) {
            report(lc, 1, NULL, "out of memory");
            return;
        }
        memcpy(name, k, len - sl);
        name[len - sl] = '\0';
        kb->yes_no[kb->yes_no_count++] = name;
    }
}

ds_status kb_load_dir(const char *dir, kb_base **out, kb_diag_fn diag, void *diag_ctx,
                      ds_error *err)
{
    return kb_load_dir_opts(dir, NULL, out, diag, diag_ctx, err);
}

ds_status kb_load_dir_opts(const char *dir, const kb_load_opts *opts, kb_base **out,
                           kb_diag_fn diag, void *diag_ctx, ds_error *err)
{
    static const kb_load_opts defaults;
    ds_json_use_ds_alloc();
    if (err)
        memset(err, 0, sizeof *err); /* every field the caller may print is set */
    DIR *d = opendir(dir);
    if (!d)
        return ds_fail(err, DS_EIO, "cannot open knowledge base directory %s: %s", dir,
                       strerror(errno));
    char **names = NULL;
    size_t count = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!ends_with(de->d_name, ".json") || de->d_name[0] == '.')
            continue;
        if (count == cap) {
            cap = cap ? cap * 2 : 16;
            char **nn = ds_realloc(names, cap * sizeof *nn);
            if (!nn)
                break;
            names = nn;
        }
        names[count] = ds_strdup(de->d_name);
        if (names[count])
            count++;
    }
    closedir(d);
    if (count)
        qsort(names, count, sizeof *names, name_cmp);

    kb_base *kb = ds_calloc(1, sizeof *kb);
    load_ctx lc;
    memset(&lc, 0, sizeof lc);
    lc.kb = kb;
    lc.dir = dir;
    lc.diag = diag;
    lc.diag_ctx = diag_ctx;
    lc.opts = opts ? opts : &defaults;
    if (!kb || !(kb->lexicon = nlp_lexicon_new()) || !(kb->dir = ds_strdup(dir)) ||
        !(kb->scratch = nlp_text_new()) || !(kb->words = ds_map_new()) ||
        !(kb->message_keys = ds_map_new())) {
        free_strv(names, count);
        kb_free(kb);
        return ds_fail(err, DS_ENOMEM, "out of memory");
    }
    int have_lex = 0, have_shop = 0;
    for (size_t i = 0; i < count; i++)
        have_lex |= strcmp(names[i], "lexicon.json") == 0,
            have_shop |= strcmp(names[i], "shop.json") == 0;
    lc.file = "lexicon.json";
    if (!have_lex)
        report(&lc, 1, NULL, "missing: the knowledge base needs lexicon.json");
    else
        with_file(&lc, dir, "lexicon.json", load_lexicon);
    lc.file = "shop.json";
    if (!have_shop)
        report(&lc, 1, NULL, "missing: the knowledge base needs shop.json");
    else
        with_file(&lc, dir, "shop.json", keep_shop);
    for (size_t i = 0; i < count; i++) {
        if (strcmp(names[i], "dialogue.json") == 0)
            with_file(&lc, dir, names[i], load_dialogue);
        else if (strcmp(names[i], "lexicon.json") && strcmp(names[i], "shop.json"))
            with_file(&lc, dir, names[i], load_intent_file);
    }
    if (kb->shop)
        load_zone(&lc);
    lc.file = NULL;
    if (!lc.errors)
        index_for_turns(&lc);
    if (kb_intent_find(kb, "fallback") < 0)
        report(&lc, 1, NULL,
               "no intent \"fallback\": its answers are what the bot says "
               "when it is not sure");
    free_strv(names, count);
    nlp_text_free(kb->scratch);
    kb->scratch = NULL;
    if (lc.errors) {
        kb_free(kb);
        if (err)
            *err = lc.first;
        return DS_EKB;
    }
    *out = kb;
    return DS_OK;
}

void kb_free(kb_base *kb)
{
    if (!kb)
        return;
    for (size_t i = 0; i < kb->intent_count; i++) {
        kb_intent *in = &kb->intents[i];
        ds_free(in->id);
        ds_free(in->title);
        ds_free(in->file);
        for (size_t k = 0; k < in->keyword_count; k++) {
            ds_free(in->keywords[k].source);
            ds_free(in->keywords[k].words);
        }
        ds_free(in->keywords);
        for (size_t k = 0; k < in->pattern_count; k++)
            ds_free(in->patterns[k].re);
        ds_free(in->patterns);
        free_strv(in->examples, in->example_count);
        free_strv(in->taught, in->taught_count);
        free_strv(in->answers, in->answer_count);
        free_strv(in->quick_replies, in->quick_reply_count);
        ds_free(in->flow);
        for (size_t k = 0; k < in->param_count; k++) {
            ds_free(in->param_keys[k]);
            ds_free(in->param_values[k]);
        }
        ds_free(in->param_keys);
        ds_free(in->param_values);
        for (size_t k = 0; k < in->topic_count; k++) {
            ds_free(in->topics[k].list);
            ds_free(in->topics[k].answer);
            ds_free(in->topics[k].unless);
        }
        ds_free(in->topics);
        free_strv(in->related, in->related_count);
        ds_free(in->lookup);
    }
    ds_free(kb->intents);
    for (size_t i = 0; i < kb->concept_count; i++) {
        ds_free(kb->concepts[i].name);
        free_strv(kb->concepts[i].phrases, kb->concepts[i].phrase_count);
        ds_free(kb->concepts[i].exact);
    }
    ds_free(kb->concepts);
    for (size_t i = 0; i < kb->message_count; i++) {
        ds_free(kb->messages[i].key);
        free_strv(kb->messages[i].texts, kb->messages[i].text_count);
        free_strv(kb->messages[i].quick_replies, kb->messages[i].quick_reply_count);
    }
    ds_free(kb->messages);
    for (size_t i = 0; i < kb->canned_count; i++) {
        ds_free(kb->canned[i].id);
        ds_free(kb->canned[i].title);
        ds_free(kb->canned[i].text);
    }
    ds_free(kb->canned);
    ds_map_free(kb->words);
    ds_map_free(kb->message_keys);
    free_strv(kb->reason_skeletons, kb->reason_count);
    ds_free(kb->reason_ids);
    free_strv(kb->yes_no, kb->yes_no_count);
    ds_free(kb->bloom);
    nlp_lexicon_free(kb->lexicon);
    nlp_text_free(kb->scratch);
    json_decref(kb->shop);
    clock_zone_free(kb->zone);
    ds_free(kb->dir);
    ds_free(kb);
}

const nlp_lexicon *kb_lexicon(const kb_base *kb)
{
    return kb->lexicon;
}

size_t kb_intent_count(const kb_base *kb)
{
    return kb->intent_count;
}

const kb_intent *kb_intent_at(const kb_base *kb, size_t i)
{
    return i < kb->intent_count ? &kb->intents[i] : NULL;
}

int kb_intent_find(const kb_base *kb, const char *id)
{
    for (size_t i = 0; i < kb->intent_count; i++)
        if (kb->intents[i].id && strcmp(kb->intents[i].id, id) == 0)
            return (int)i;
    return -1;
}

size_t kb_concept_count(const kb_base *kb)
{
    return kb->concept_count;
}

const kb_concept *kb_concept_at(const kb_base *kb, size_t i)
{
    return i < kb->concept_count ? &kb->concepts[i] : NULL;
}

const char *kb_intent_param(const kb_intent *in, const char *name)
{
    for (size_t i = 0; i < in->param_count; i++)
        if (strcmp(in->param_keys[i], name) == 0)
            return in->param_values[i];
    return NULL;
}

const clock_zone *kb_zone(const kb_base *kb)
{
    return kb->zone;
}

const char *kb_dir(const kb_base *kb)
{
    return kb->dir;
}

/* ---- shop facts ------------------------------------------------------- */

static int put_value(json_t *v, ds_buf *out)
{
    char num[64];
    switch (json_typeof(v)) {
    case JSON_STRING: ds_buf_append(out, json_string_value(v), json_string_length(v)); return 1;
    case JSON_INTEGER:
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
        ds_buf_puts(out, num);
        return 1;
    case JSON_REAL: {
        /* Turkish writes a decimal comma */
        snprintf(num, sizeof num, "%g", json_real_value(v));
        for (char *c = num; *c; c++)
            if (*c == '.')
                *c = ',';
        ds_buf_puts(out, num);
        return 1;
    }
    case JSON_TRUE: ds_buf_puts(out, "evet"); return 1;
    case JSON_FALSE: ds_buf_puts(out, "hayır"); return 1;
    case JSON_ARRAY: {
        size_t n = json_array_size(v);
        for (size_t i = 0; i < n; i++) {
            if (i)
                ds_buf_puts(out, i + 1 == n ? " ve " : ", ");
            json_t *el = json_array_get(v, i);
            if (json_is_array(el) || json_is_object(el) || !put_value(el, out))
                return 0;
        }
        return 1;
    }
    default: return 0;
    }
}

int kb_shop_lookup(void *ctx, const char *path, size_t len, ds_buf *out)
{
    const kb_base *kb = ctx;
    json_t *v = kb->shop;
    const char *p = path, *end = path + len;
    while (v && p < end) {
        const char *dot = memchr(p, '.', (size_t)(end - p));
        size_t k = dot ? (size_t)(dot - p) : (size_t)(end - p);
        char key[128];
        if (k == 0 || k >= sizeof key || !json_is_object(v))
            return 0;
        memcpy(key, p, k);
        key[k] = '\0';
        v = json_object_get(v, key);
        p += k + (dot ? 1 : 0);
    }
    return v && p >= end && put_value(v, out);
}

static json_t *shop_at(const kb_base *kb, const char *path)
{
    json_t *v = kb->shop;
    char key[128];
    for (const char *p = path; v && *p;) {
        size_t k = strcspn(p, ".");
        if (k == 0 || k >= sizeof key || !json_is_object(v))
            return NULL;
        memcpy(key, p, k);
        key[k] = '\0';
        v = json_object_get(v, key);
        p += k + (p[k] == '.');
    }
    return v;
}

const char *kb_shop_string(const kb_base *kb, const char *path)
{
    return json_string_value(shop_at(kb, path));
}

long long kb_shop_int(const kb_base *kb, const char *path, long long def)
{
    json_t *v = shop_at(kb, path);
    return json_is_integer(v) ? (long long)json_integer_value(v) : def;
}

int kb_shop_true(const kb_base *kb, const char *path)
{
    json_t *v = shop_at(kb, path);
    if (!v)
        return 0;
    switch (json_typeof(v)) {
    case JSON_TRUE: return 1;
    case JSON_INTEGER: return json_integer_value(v) != 0;
    case JSON_REAL: return json_real_value(v) != 0.0;
    case JSON_STRING: return json_string_length(v) > 0;
    case JSON_ARRAY: return json_array_size(v) > 0;
    case JSON_OBJECT: return json_object_size(v) > 0;
    default: return 0; /* false, null */
    }
}

int kb_shop_list_has(const kb_base *kb, const char *path, const char *value)
{
    json_t *arr = shop_at(kb, path), *el;
    size_t i;
    json_array_foreach(arr, i, el)
    {
        if (json_is_string(el) && strcmp(json_string_value(el), value) == 0)
            return 1;
    }
    return 0;
}

size_t kb_shop_list_count(const kb_base *kb, const char *path)
{
    return json_array_size(shop_at(kb, path));
}

const char *kb_shop_list_string(const kb_base *kb, const char *path, size_t i, const char *field)
{
    json_t *el = json_array_get(shop_at(kb, path), i);
    return json_string_value(field ? json_object_get(el, field) : el);
}

ds_status kb_render_answer(const kb_base *kb, const kb_intent *in, size_t which, ds_buf *out,
                           ds_error *err)
{
    if (!in->answer_count)
        return ds_fail(err, DS_EINVAL, "intent %s has no answers", in->id);
    return kb_render_answer_with(kb, in, which, NULL, NULL, out, err);
}

typedef struct answer_ctx {
    const kb_base *kb;
    tpl_lookup_fn turn_vars;
    void *ctx;
} answer_ctx;

static int render_lookup(void *p, const char *name, size_t len, ds_buf *out)
{
    const answer_ctx *a = p;
    if (kb_is_turn_var(name, len)) {
        if (a->turn_vars && a->turn_vars(a->ctx, name, len, out))
            return 1;
        const kb_message *m = kb_message_get(a->kb, "wish.day");
        if (m && m->text_count)
            ds_buf_puts(out, m->texts[0]);
        return 1;
    }
    return kb_shop_lookup((void *)a->kb, name, len, out);
}

ds_status kb_render_answer_with(const kb_base *kb, const kb_intent *in, size_t which,
                                tpl_lookup_fn turn_vars, void *ctx, ds_buf *out, ds_error *err)
{
    if (!in->answer_count)
        return ds_fail(err, DS_EINVAL, "intent %s has no answers", in->id);
    return kb_render_text_with(kb, in->answers[which % in->answer_count], turn_vars, ctx, out, err);
}

ds_status kb_render_text_with(const kb_base *kb, const char *tpl, tpl_lookup_fn turn_vars,
                              void *ctx, ds_buf *out, ds_error *err)
{
    answer_ctx a = {kb, turn_vars, ctx};
    return tpl_render(tpl, render_lookup, &a, out, err);
}

size_t kb_reason_count(const kb_base *kb)
{
    return kb->reason_count;
}

const char *kb_reason_id(const kb_base *kb, size_t i)
{
    return i < kb->reason_count ? kb->reason_ids[i] : NULL;
}

const char *kb_reason_label_skeleton(const kb_base *kb, size_t i)
{
    return i < kb->reason_count ? kb->reason_skeletons[i] : NULL;
}

size_t kb_yes_no_count(const kb_base *kb)
{
    return kb->yes_no_count;
}

const char *kb_yes_no_list(const kb_base *kb, size_t i)
{
    return i < kb->yes_no_count ? kb->yes_no[i] : NULL;
}
