/* SPDX-License-Identifier: MIT */
/* Unit tests of the Turkish normaliser (nlp_): folding, skeletons, squeezing,
 * shorthand, entities, invalid input, limits, suffix chains and reuse of one
 * nlp_text. Table-driven; every expectation comes from docs/KB_FORMAT.md and
 * nlp.h, not from running the code. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/stat.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "ds.h"
#include "ds_limits.h"
#include "nlp.h"

static nlp_lexicon *lex;
static nlp_text *txt;

/* Normalises s (len bytes) into the shared txt. */
static ds_status norm_n(const nlp_lexicon *lx, const char *s, size_t len, ds_error *err)
{
    return nlp_normalise(lx, s, len, txt, err);
}

static ds_status norm(const nlp_lexicon *lx, const char *s)
{
    ds_error err;
    memset(&err, 0, sizeof err);
    ds_status st = norm_n(lx, s, strlen(s), &err);
    if (st != DS_OK)
        fprintf(stderr, "  normalise \"%s\": %s\n", s, err.message);
    return st;
}

/* Token texts joined by '|', for compact comparisons. */
static const char *tokens_joined(const nlp_text *t)
{
    static char buf[8192];
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < nlp_text_token_count(t); i++) {
        const nlp_token *tok = nlp_text_token(t, i);
        int k = snprintf(buf + n, sizeof buf - n, "%s%s", i ? "|" : "", tok->text);
        if (k < 0 || (size_t)k >= sizeof buf - n)
            break;
        n += (size_t)k;
    }
    return buf;
}

/* The first entity of a kind, or NULL. */
static const nlp_entity *entity_of(const nlp_text *t, nlp_entity_kind kind)
{
    for (size_t i = 0; i < nlp_text_entity_count(t); i++)
        if (nlp_text_entity(t, i)->kind == kind)
            return nlp_text_entity(t, i);
    return NULL;
}

/* 1 when s is valid UTF-8 (checked independently of the engine). */
static int valid_utf8(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned c = p[i];
        size_t n;
        unsigned cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            n = 1, cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2, cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3, cp = c & 0x07;
        } else {
            return 0;
        }
        for (size_t k = 1; k <= n; k++) {
            if (i + k >= len || (p[i + k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000))
            return 0;
        i += n + 1;
    }
    return 1;
}

/* ---- folding and skeletons --------------------------------------------- */

typedef struct fold_case {
    const char *in;
    const char *folded;   /* NULL: not checked */
    const char *skeleton; /* NULL: not checked */
} fold_case;

static const fold_case fold_cases[] = {
    {"SİPARİŞİM NERDE", "siparişim nerde", "siparisim nerde"},
    {"siparişim nerde", "siparişim nerde", "siparisim nerde"},
    {"Siparisim NERDE?", "siparisim nerde", "siparisim nerde"},
    /* the I/ı and İ/i traps */
    {"IĞDIR", "ığdır", "igdir"},
    {"İSTANBUL", "istanbul", "istanbul"},
    {"ISPARTA", "ısparta", "isparta"},
    {"ılık IRMAK", "ılık ırmak", "ilik irmak"},
    {"İi Iı", "ii ıı", "ii ii"},
    {"I\xCC\x87STANBUL", "istanbul", "istanbul"}, /* I + U+0307: composes to İ */
    {"bi\xCC\x87lgi", "bilgi", "bilgi"},          /* i + U+0307: a foreign "i̇" */
    {"s\xCC\xA7"
     "ehir",
     "şehir", "sehir"}, /* NFD ş (s + U+0327) */
    {"S\xCC\xA7"
     "EHI\xCC\x87R",
     "şehir", "sehir"}, /* NFD upper case */
    {"c\xCC\xA7ok gu\xCC\x88zel ag\xCC\x86"
     "ac\xCC\xA7",
     "çok güzel ağaç", "cok guzel agac"},
    {"ÇĞÖŞÜ çğöşü", "çğöşü çğöşü", "cgosu cgosu"},
    /* circumflex letters */
    {"HÂLÂ kâr", "hâlâ kâr", "hala kar"},
    {"millî", "millî", "milli"},
    {"mahkûm", "mahkûm", "mahkum"},
    /* squeezing: 3+ repeats to one, doubles kept */
    {"neredeee", "nerede", "nerede"},
    {"neredeeeeeeeeeee", "nerede", "nerede"},
    {"saat", "saat", "saat"},
    {"SAAT kaç", "saat kaç", "saat kac"},
    {"çoooook", "çok", "cok"},
    {"sipariiiişim", "siparişim", "siparisim"},
    {"kargommmm", "kargom", "kargom"},
    {"iade", "iade", "iade"},
    {"eee", "e", "e"},
    /* emoji and punctuation removed */
    {"kargom nerede 😡😡!!!", "kargom nerede", "kargom nerede"},
    {"👍", "", ""},
    {"merhaba,nasılsınız?", "merhaba nasılsınız", "merhaba nasilsiniz"},
    {"...kargo???", "kargo", "kargo"},
    {"(sipariş) [iade] {para}", "sipariş iade para", "siparis iade para"},
    {"a\tb\nc\r\nd", "a b c d", "a b c d"},
    {"  boşluklar   çok  ", "boşluklar çok", "bosluklar cok"},
    {"tamam 🙏🏻 teşekkürler ❤️", "tamam teşekkürler", "tamam tesekkurler"},
    {"merhaba\xE2\x80\x8B"
     "dünya",
     "merhaba dünya", "merhaba dunya"}, /* zero-width space */
    /* apostrophes split a proper noun from its suffix */
    {"PTT'ye verdim", NULL, "ptt verdim"},
    {"Aras Kargo’ya verdim", NULL, "aras kargo verdim"},
    {"Yurtiçi'nden geldi", NULL, "yurtici geldi"},
    /* digits stay */
    {"3 gündür bekliyorum", "3 gündür bekliyorum", "3 gundur bekliyorum"},
    {"", "", ""},
    {"   ", "", ""},
};

static void test_fold_table(void)
{
    for (size_t i = 0; i < sizeof fold_cases / sizeof fold_cases[0]; i++) {
        const fold_case *c = &fold_cases[i];
        CHECK_CONTEXT(c->in);
        CHECK_STATUS(norm(NULL, c->in), DS_OK);
        if (c->folded)
            CHECK_EQ_STR(nlp_text_folded(txt), c->folded);
        if (c->skeleton) {
            CHECK_EQ_STR(nlp_text_skeleton(txt), c->skeleton);
            CHECK_EQ_INT(nlp_text_skeleton_len(txt), strlen(c->skeleton));
        }
        CHECK(!nlp_text_truncated(txt));
        CHECK(valid_utf8(nlp_text_folded(txt), strlen(nlp_text_folded(txt))));
        /* the skeleton is the tokens joined by single spaces */
        char joined[1024] = "";
        for (size_t k = 0; k < nlp_text_token_count(txt); k++) {
            const nlp_token *tok = nlp_text_token(txt, k);
            CHECK(tok->len > 0);
            CHECK_EQ_INT(strlen(tok->text), tok->len);
            CHECK(!tok->expanded);
            if (k)
                strncat(joined, " ", sizeof joined - strlen(joined) - 1);
            strncat(joined, tok->text, sizeof joined - strlen(joined) - 1);
        }
        CHECK_EQ_STR(joined, nlp_text_skeleton(txt));
        CHECK(nlp_text_token(txt, nlp_text_token_count(txt)) == NULL);
    }
    CHECK_CONTEXT("");
}

static void test_token_kinds(void)
{
    CHECK_STATUS(norm(NULL, "3d yazıcı 1048213 ali@example.com"), DS_OK);
    CHECK_EQ_INT(nlp_text_token_count(txt), 4);
    CHECK_EQ_STR(tokens_joined(txt), "3d|yazici|1048213|ali@example.com");
    if (nlp_text_token_count(txt) == 4) {
        CHECK_EQ_INT(nlp_text_token(txt, 0)->kind, NLP_TOK_ALNUM);
        CHECK_EQ_INT(nlp_text_token(txt, 1)->kind, NLP_TOK_WORD);
        CHECK_EQ_INT(nlp_text_token(txt, 2)->kind, NLP_TOK_NUMBER);
        CHECK_EQ_INT(nlp_text_token(txt, 3)->kind, NLP_TOK_EMAIL);
    }
}

/* ---- shorthand ---------------------------------------------------------- */

static void test_shorthand(void)
{
    nlp_lexicon *lx = nlp_lexicon_new();
    CHECK(lx != NULL);
    if (!lx)
        return;
    ds_error err;
    CHECK_STATUS(nlp_lexicon_add_shorthand(lx, "slm", "selam", &err), DS_OK);
    CHECK_STATUS(nlp_lexicon_add_shorthand(lx, "nrde", "nerede", &err), DS_OK);
    CHECK_STATUS(nlp_lexicon_add_shorthand(lx, "krgm", "kargom", &err), DS_OK);
    CHECK_STATUS(nlp_lexicon_add_shorthand(lx, "tşk", "teşekkürler", &err), DS_OK);
    CHECK_STATUS(nlp_lexicon_add_shorthand(lx, "nzmn", "ne zaman", &err), DS_OK);
    CHECK_STATUS(nlp_lexicon_add_shorthand(lx, "NOLU", "numaralı", &err), DS_OK);
    CHECK_EQ_INT(nlp_lexicon_shorthand_count(lx), 6);

    /* the key and the value are normalised: one word to some words */
    memset(&err, 0, sizeof err);
    CHECK_STATUS(nlp_lexicon_add_shorthand(lx, "iki kelime", "x", &err), DS_EKB);
    CHECK_STATUS(err.status, DS_EKB);
    CHECK(err.message[0] != '\0');
    CHECK_STATUS(nlp_lexicon_add_shorthand(lx, "!!!", "x", &err), DS_EKB);
    CHECK_STATUS(nlp_lexicon_add_shorthand(lx, "abc", "?!", &err), DS_EKB);
    CHECK_STATUS(nlp_lexicon_add_shorthand(lx, "ab\xC3", "x", &err), DS_EINPUT);
    CHECK_EQ_INT(nlp_lexicon_shorthand_count(lx), 6);

    CHECK_STATUS(norm(lx, "slm krgm nrde"), DS_OK);
    CHECK_EQ_STR(nlp_text_skeleton(txt), "selam kargom nerede");
    CHECK_EQ_STR(nlp_text_folded(txt), "slm krgm nrde"); /* folded is the text as typed */
    for (size_t i = 0; i < nlp_text_token_count(txt); i++)
        CHECK(nlp_text_token(txt, i)->expanded);

    /* keys match by skeleton: "TŞK", "tsk" and "tşk" are one shorthand */
    CHECK_STATUS(norm(lx, "TŞK"), DS_OK);
    CHECK_EQ_STR(nlp_text_skeleton(txt), "tesekkurler");
    CHECK_STATUS(norm(lx, "tsk ederim"), DS_OK);
    CHECK_EQ_STR(nlp_text_skeleton(txt), "tesekkurler ederim");
    CHECK(nlp_text_token(txt, 0)->expanded);
    CHECK(!nlp_text_token(txt, 1)->expanded);

    /* one token to several */
    CHECK_STATUS(norm(lx, "kargo nzmn gelir"), DS_OK);
    CHECK_EQ_STR(nlp_text_skeleton(txt), "kargo ne zaman gelir");
    CHECK_EQ_INT(nlp_text_token_count(txt), 4);
    CHECK_STATUS(norm(lx, "1048213 nolu sipariş"), DS_OK);
    CHECK_EQ_STR(nlp_text_skeleton(txt), "1048213 numarali siparis");

    /* only whole tokens: "slmlar" and "krgmm" are not "slm"/"krgm" */
    CHECK_STATUS(norm(lx, "slmlar krgmx"), DS_OK);
    CHECK_EQ_STR(nlp_text_skeleton(txt), "slmlar krgmx");

    /* without a lexicon nothing is expanded */
    CHECK_STATUS(norm(NULL, "slm krgm nrde"), DS_OK);
    CHECK_EQ_STR(nlp_text_skeleton(txt), "slm krgm nrde");
    nlp_lexicon_free(lx);
}

/* ---- entities ------------------------------------------------------------- */

typedef struct entity_case {
    const char *in;
    nlp_entity_kind kind;
    const char *value;
    size_t token_count; /* tokens the entity spans */
} entity_case;

static const entity_case entity_cases[] = {
    {"siparişim 1048213 nerede", NLP_ENT_ORDER_NO, "1048213", 1},
    {"sipariş no: 1048213.", NLP_ENT_ORDER_NO, "1048213", 1},
    {"#1048213", NLP_ENT_ORDER_NO, "1048213", 1},
    {"telefonum 0532 123 45 67", NLP_ENT_PHONE, "5321234567", 4},
    {"telefonum +90 532 123 4567", NLP_ENT_PHONE, "5321234567", 4},
    {"telefonum 05321234567", NLP_ENT_PHONE, "5321234567", 1},
    {"telefonum 5321234567", NLP_ENT_PHONE, "5321234567", 1},
    {"telefonum +905321234567", NLP_ENT_PHONE, "5321234567", 1},
    {"0 (532) 123-45-67 arayın", NLP_ENT_PHONE, "5321234567", 5},
    {"0532 123 4567", NLP_ENT_PHONE, "5321234567", 3},
    {"0212 555 12 34", NLP_ENT_PHONE, "2125551234", 4},
    {"mailim ayse.yilmaz@example.com", NLP_ENT_EMAIL, "ayse.yilmaz@example.com", 1},
    {"Ayse.Yilmaz@Example.COM yazdım", NLP_ENT_EMAIL, "ayse.yilmaz@example.com", 1},
    {"takip no YK123456789TR", NLP_ENT_TRACKING, "YK123456789TR", 1},
    {"takip no yk123456789tr", NLP_ENT_TRACKING, "YK123456789TR", 1},
    {"kod 123456789012345", NLP_ENT_TRACKING, "123456789012345", 1},
    {"1.250,90 TL ödedim", NLP_ENT_MONEY, "1250.90", 2},
    {"749,90 çekildi", NLP_ENT_MONEY, "749.90", 1},
    {"749.90", NLP_ENT_MONEY, "749.90", 1},
    {"500 TL", NLP_ENT_MONEY, "500", 2},
    {"500₺", NLP_ENT_MONEY, "500", 2},
    {"1.250 lira", NLP_ENT_MONEY, "1250", 2},
    {"3 gündür", NLP_ENT_NUMBER, "3", 1},
    {"1.250 kişi", NLP_ENT_NUMBER, "1250", 1},
};

static void test_entities(void)
{
    for (size_t i = 0; i < sizeof entity_cases / sizeof entity_cases[0]; i++) {
        const entity_case *c = &entity_cases[i];
        CHECK_CONTEXT(c->in);
        CHECK_STATUS(norm(NULL, c->in), DS_OK);
        const nlp_entity *e = entity_of(txt, c->kind);
        CHECK_MSG(e != NULL, "no %s entity (tokens %s)", nlp_entity_kind_str(c->kind),
                  tokens_joined(txt));
        if (!e)
            continue;
        CHECK_EQ_STR(e->value, c->value);
        CHECK_EQ_INT(e->token_count, c->token_count);
        CHECK(e->first_token + e->token_count <= nlp_text_token_count(txt));
    }
    CHECK_CONTEXT("");

    /* a phone number spelled in groups is one entity, not four numbers */
    CHECK_STATUS(norm(NULL, "0532 123 45 67"), DS_OK);
    CHECK_EQ_INT(nlp_text_entity_count(txt), 1);
    CHECK_EQ_INT(nlp_text_entity(txt, 0)->first_token, 0);
    /* the digits stay in the skeleton for patterns */
    CHECK_EQ_STR(nlp_text_skeleton(txt), "0532 123 45 67");

    /* numbers that are not phones */
    CHECK_STATUS(norm(NULL, "1048213"), DS_OK);
    CHECK(entity_of(txt, NLP_ENT_PHONE) == NULL);
    CHECK_STATUS(norm(NULL, "0123456789"), DS_OK); /* 10 digits starting 0: no area code */
    CHECK(entity_of(txt, NLP_ENT_PHONE) == NULL);
    CHECK_STATUS(norm(NULL, "not an @ address, a@b"), DS_OK);
    CHECK(entity_of(txt, NLP_ENT_EMAIL) == NULL);
    CHECK_STATUS(norm(NULL, "merhaba"), DS_OK);
    CHECK_EQ_INT(nlp_text_entity_count(txt), 0);
    CHECK(nlp_text_entity(txt, 0) == NULL);

    /* two entities in one message, in order */
    CHECK_STATUS(norm(NULL, "1048213 nolu siparişim için 0532 123 45 67 arayın"), DS_OK);
    CHECK_EQ_INT(nlp_text_entity_count(txt), 2);
    if (nlp_text_entity_count(txt) == 2) {
        CHECK_EQ_INT(nlp_text_entity(txt, 0)->kind, NLP_ENT_ORDER_NO);
        CHECK_EQ_INT(nlp_text_entity(txt, 1)->kind, NLP_ENT_PHONE);
        CHECK_EQ_INT(nlp_text_entity(txt, 1)->first_token, 4);
    }
    CHECK_EQ_STR(nlp_entity_kind_str(NLP_ENT_PHONE), "phone");
    CHECK_EQ_STR(nlp_entity_kind_str(NLP_ENT_ORDER_NO), "order_no");
    CHECK_EQ_STR(nlp_entity_kind_str((nlp_entity_kind)99), "?");
}

/* ---- invalid input, NUL, empty, limits ----------------------------------- */

typedef struct bad_case {
    const char *name;
    const char *bytes;
    size_t len;
    size_t at; /* byte offset the error names */
} bad_case;

#define BAD(name, s, at)           \
    {                              \
        name, s, sizeof(s) - 1, at \
    }

static const bad_case bad_cases[] = {
    BAD("lone continuation", "kargo\x80", 5),
    BAD("lone continuation first", "\xBF", 0),
    BAD("overlong slash", "a\xC0\xAF", 1),
    BAD("overlong 3-byte", "\xE0\x80\xAF", 0),
    BAD("overlong 4-byte", "ab\xF0\x80\x80\xAF", 2),
    BAD("truncated 2-byte", "sipari\xC5", 6),
    BAD("truncated 3-byte", "\xE2\x82", 0),
    BAD("truncated 4-byte in the middle", "a\xF0\x9F\x98 b", 1),
    BAD("surrogate high", "\xED\xA0\x80", 0),
    BAD("surrogate low", "x\xED\xBF\xBF", 1),
    BAD("above U+10FFFF", "\xF4\x90\x80\x80", 0),
    BAD("0xFF", "iade\xFF", 4),
    BAD("0xFE", "\xFE", 0),
    BAD("5-byte form", "\xF8\x88\x80\x80\x80", 0),
};

static void test_invalid_utf8(void)
{
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        const bad_case *c = &bad_cases[i];
        CHECK_CONTEXT(c->name);
        ds_error err;
        memset(&err, 0, sizeof err);
        CHECK_STATUS(norm_n(NULL, c->bytes, c->len, &err), DS_EINPUT);
        CHECK_STATUS(err.status, DS_EINPUT);
        char want[64];
        snprintf(want, sizeof want, "byte %zu", c->at);
        CHECK_MSG(strstr(err.message, want) != NULL, "message \"%s\" lacks \"%s\"", err.message,
                  want);
        /* NULL err is allowed */
        CHECK_STATUS(norm_n(lex, c->bytes, c->len, NULL), DS_EINPUT);
        /* the same object works again afterwards */
        CHECK_STATUS(norm(NULL, "KARGOM"), DS_OK);
        CHECK_EQ_STR(nlp_text_skeleton(txt), "kargom");
    }
    CHECK_CONTEXT("");

    /* the whole input is validated, also past the part that is read */
    size_t len = NLP_MAX_INPUT_LEN + 100;
    char *big = malloc(len);
    CHECK(big != NULL);
    if (big) {
        memset(big, 'a', len);
        big[len - 1] = '\x80';
        CHECK_STATUS(norm_n(NULL, big, len, NULL), DS_EINPUT);
        free(big);
    }
}

static void test_nul_and_controls(void)
{
    static const char with_nul[] = "kargom\0nerede";
    CHECK_STATUS(norm_n(NULL, with_nul, sizeof with_nul - 1, NULL), DS_OK);
    CHECK_EQ_STR(nlp_text_skeleton(txt), "kargom nerede");
    CHECK_EQ_INT(nlp_text_token_count(txt), 2);
    static const char nuls[] = "\0\0\0\0";
    CHECK_STATUS(norm_n(NULL, nuls, sizeof nuls - 1, NULL), DS_OK);
    CHECK_EQ_INT(nlp_text_token_count(txt), 0);
    static const char ctl[] = "iade\x01\x02\x1b[31mtalebi\x7f";
    CHECK_STATUS(norm_n(NULL, ctl, sizeof ctl - 1, NULL), DS_OK);
    CHECK_EQ_STR(tokens_joined(txt), "iade|31mtalebi");
}

static void test_empty(void)
{
    CHECK_STATUS(norm_n(NULL, "", 0, NULL), DS_OK);
    CHECK_EQ_INT(nlp_text_token_count(txt), 0);
    CHECK_EQ_INT(nlp_text_entity_count(txt), 0);
    CHECK_EQ_STR(nlp_text_folded(txt), "");
    CHECK_EQ_STR(nlp_text_skeleton(txt), "");
    CHECK_EQ_INT(nlp_text_skeleton_len(txt), 0);
    CHECK(!nlp_text_truncated(txt));
    /* a fresh nlp_text reads as empty before any normalise */
    nlp_text *t = nlp_text_new();
    CHECK(t != NULL);
    if (t) {
        CHECK_EQ_STR(nlp_text_folded(t), "");
        CHECK_EQ_STR(nlp_text_skeleton(t), "");
        CHECK_EQ_INT(nlp_text_token_count(t), 0);
        nlp_text_free(t);
    }
    nlp_text_free(NULL);
    nlp_lexicon_free(NULL);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_limits(void)
{
    const size_t mb = 1024 * 1024;
    char *big = malloc(mb);
    CHECK(big != NULL);
    if (!big)
        return;
    static const char word[] = "siparişim nerede ";
    for (size_t i = 0; i < mb; i++)
        big[i] = word[i % (sizeof word - 1)];
    /* cut the tail at a character boundary so the whole input is valid */
    size_t len = mb;
    while (len > 0 && ((unsigned char)big[len - 1] & 0xC0) == 0x80)
        len--;
    if (len > 0 && (unsigned char)big[len - 1] >= 0xC0)
        len--;
    double t0 = now_seconds();
    CHECK_STATUS(norm_n(lex, big, len, NULL), DS_OK);
    double took = now_seconds() - t0;
    CHECK_MSG(took < 0.5, "1 MB took %.3f s", took);
    CHECK(nlp_text_truncated(txt));
    CHECK(nlp_text_token_count(txt) > 0);
    CHECK(nlp_text_token_count(txt) <= NLP_MAX_TOKENS);
    CHECK(strlen(nlp_text_folded(txt)) <= NLP_MAX_INPUT_LEN);
    CHECK(nlp_text_skeleton_len(txt) <= NLP_MAX_INPUT_LEN);
    CHECK(valid_utf8(nlp_text_folded(txt), strlen(nlp_text_folded(txt))));
    CHECK_EQ_STR(nlp_text_token(txt, 0)->text, "siparisim");

    /* a multi-byte letter straddling the limit is dropped whole */
    memset(big, 'a', NLP_MAX_INPUT_LEN);
    for (size_t i = 0; i < NLP_MAX_INPUT_LEN; i += 2)
        big[i] = ' ';
    big[NLP_MAX_INPUT_LEN - 1] = '\xC5'; /* ş = C5 9F, second byte past the limit */
    big[NLP_MAX_INPUT_LEN] = '\x9F';
    CHECK_STATUS(norm_n(NULL, big, NLP_MAX_INPUT_LEN + 1, NULL), DS_OK);
    CHECK(nlp_text_truncated(txt));
    const char *f = nlp_text_folded(txt);
    CHECK(valid_utf8(f, strlen(f)));
    CHECK(strstr(f, "ş") == NULL);

    /* exactly at the limit: not truncated */
    memset(big, 'b', NLP_MAX_INPUT_LEN);
    for (size_t i = 0; i < NLP_MAX_INPUT_LEN; i += 3)
        big[i] = ' ';
    CHECK_STATUS(norm_n(NULL, big, NLP_MAX_INPUT_LEN, NULL), DS_OK);
    CHECK(!nlp_text_truncated(txt));

    /* one endless word of distinct letters is cut into bounded tokens */
    for (size_t i = 0; i < 2000; i++)
        big[i] = (char)('a' + i % 26);
    CHECK_STATUS(norm_n(NULL, big, 2000, NULL), DS_OK);
    CHECK(nlp_text_token_count(txt) >= 2000 / NLP_MAX_TOKEN_LEN);
    for (size_t i = 0; i < nlp_text_token_count(txt); i++)
        CHECK(nlp_text_token(txt, i)->len <= NLP_MAX_TOKEN_LEN);

    /* one letter a million times squeezes to one */
    memset(big, 'a', mb);
    t0 = now_seconds();
    CHECK_STATUS(norm_n(NULL, big, mb, NULL), DS_OK);
    CHECK_MSG(now_seconds() - t0 < 0.5, "1 MB of 'a' took %.3f s", now_seconds() - t0);
    CHECK_EQ_STR(nlp_text_skeleton(txt), "a");

    /* many short tokens stop at NLP_MAX_TOKENS */
    for (size_t i = 0; i < NLP_MAX_INPUT_LEN; i += 2) {
        big[i] = 'x';
        big[i + 1] = ' ';
    }
    CHECK_STATUS(norm_n(NULL, big, NLP_MAX_INPUT_LEN, NULL), DS_OK);
    CHECK_EQ_INT(nlp_text_token_count(txt), NLP_MAX_TOKENS);
    CHECK(nlp_text_entity_count(txt) <= NLP_MAX_TOKENS);
    free(big);
}

/* ---- suffixes --------------------------------------------------------------- */

static void test_suffixes(void)
{
    nlp_lexicon *lx = nlp_lexicon_new();
    CHECK(lx != NULL);
    if (!lx)
        return;
    static const char *const sufs[] = {"m", "im", "in", "ler", "lar", "i", "e", "ye", "de", "da"};
    ds_error err;
    for (size_t i = 0; i < sizeof sufs / sizeof sufs[0]; i++)
        CHECK_STATUS(nlp_lexicon_add_suffix(lx, sufs[i], &err), DS_OK);
    CHECK_EQ_INT(nlp_lexicon_suffix_count(lx), 10);
    CHECK_STATUS(nlp_lexicon_add_suffix(lx, "im", &err), DS_OK); /* again: no new entry */
    CHECK_EQ_INT(nlp_lexicon_suffix_count(lx), 10);

    /* skeleton spelling only */
    memset(&err, 0, sizeof err);
    CHECK_STATUS(nlp_lexicon_add_suffix(lx, "ım", &err), DS_EKB);
    CHECK(err.message[0] != '\0');
    CHECK_STATUS(nlp_lexicon_add_suffix(lx, "Im", &err), DS_EKB);
    CHECK_STATUS(nlp_lexicon_add_suffix(lx, "", &err), DS_EKB);
    CHECK_STATUS(nlp_lexicon_add_suffix(lx, "l-e", &err), DS_EKB);
    CHECK_STATUS(nlp_lexicon_add_suffix(lx, "abcdefghijklm", &err), DS_EKB); /* 13 letters */
    CHECK_STATUS(nlp_lexicon_add_suffix(lx, "abcdefghijkl", &err), DS_OK);   /* 12 */
    CHECK_EQ_INT(nlp_lexicon_suffix_count(lx), 11);

    static const struct {
        const char *s;
        int chain;
    } chains[] = {
        {"", 1},      {"m", 1},  {"im", 1},  {"lerim", 1}, {"imin", 1}, {"lerimde", 1},
        {"larda", 1}, {"ye", 1}, {"iye", 1}, {"x", 0},     {"lerx", 0}, {"al", 0},
        {"le", 0},    {"mx", 0}, {"ı", 0},   {"LER", 0},
    };
    for (size_t i = 0; i < sizeof chains / sizeof chains[0]; i++) {
        CHECK_CONTEXT(chains[i].s);
        CHECK_EQ_INT(nlp_lexicon_is_suffix_chain(lx, chains[i].s, strlen(chains[i].s)),
                     chains[i].chain);
    }
    CHECK_CONTEXT("");
    /* over 64 bytes is never a chain, even when it is made of suffixes */
    char longchain[80];
    memset(longchain, 'm', sizeof longchain);
    CHECK_EQ_INT(nlp_lexicon_is_suffix_chain(lx, longchain, 64), 1);
    CHECK_EQ_INT(nlp_lexicon_is_suffix_chain(lx, longchain, 65), 0);

    /* splits of "siparislerim": after "siparis", "siparisler", "siparisleri",
     * "siparislerim" */
    const char *w = "siparislerim";
    size_t n = strlen(w);
    unsigned char ok[65];
    memset(ok, 0xAA, sizeof ok);
    nlp_lexicon_suffix_splits(lx, w, n, ok);
    static const unsigned char want[13] = {0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 1, 1};
    for (size_t i = 0; i <= n; i++) {
        char ctx[32];
        snprintf(ctx, sizeof ctx, "split at %zu", i);
        CHECK_CONTEXT(ctx);
        CHECK_EQ_INT(ok[i], want[i]);
    }
    CHECK_CONTEXT("");
    CHECK_EQ_INT(ok[n + 1], 0xAA); /* writes exactly len + 1 bytes */

    /* a lexicon without suffixes (or none at all): only the end is a split */
    nlp_lexicon *empty = nlp_lexicon_new();
    CHECK(empty != NULL);
    nlp_lexicon_suffix_splits(empty, "kargom", 6, ok);
    CHECK_EQ_INT(ok[6], 1);
    CHECK_EQ_INT(ok[5], 0);
    CHECK_EQ_INT(nlp_lexicon_is_suffix_chain(empty, "m", 1), 0);
    CHECK_EQ_INT(nlp_lexicon_is_suffix_chain(empty, "", 0), 1);
    nlp_lexicon_suffix_splits(NULL, "kargom", 6, ok);
    CHECK_EQ_INT(ok[6], 1);
    CHECK_EQ_INT(ok[5], 0);
    nlp_lexicon_free(empty);
    nlp_lexicon_free(lx);
}

/* ---- reuse ------------------------------------------------------------------ */

typedef struct snapshot {
    char folded[512];
    char skeleton[512];
    char tokens[512];
    size_t tokens_n, entities_n;
    char ent0[64];
    int truncated;
} snapshot;

static void take(snapshot *s, const nlp_text *t)
{
    memset(s, 0, sizeof *s);
    snprintf(s->folded, sizeof s->folded, "%s", nlp_text_folded(t));
    snprintf(s->skeleton, sizeof s->skeleton, "%s", nlp_text_skeleton(t));
    snprintf(s->tokens, sizeof s->tokens, "%s", tokens_joined(t));
    s->tokens_n = nlp_text_token_count(t);
    s->entities_n = nlp_text_entity_count(t);
    if (s->entities_n)
        snprintf(s->ent0, sizeof s->ent0, "%s", nlp_text_entity(t, 0)->value);
    s->truncated = nlp_text_truncated(t);
}

static void check_same(const snapshot *a, const snapshot *b)
{
    CHECK_EQ_STR(a->folded, b->folded);
    CHECK_EQ_STR(a->skeleton, b->skeleton);
    CHECK_EQ_STR(a->tokens, b->tokens);
    CHECK_EQ_INT(a->tokens_n, b->tokens_n);
    CHECK_EQ_INT(a->entities_n, b->entities_n);
    CHECK_EQ_STR(a->ent0, b->ent0);
    CHECK_EQ_INT(a->truncated, b->truncated);
}

static void test_reuse(void)
{
    static const char *const msgs[] = {
        "SİPARİŞİM 1048213 NERDE",
        "kargo",
        "0532 123 45 67 numaramdan arayın, mail: ali@example.com, 1.250,90 TL",
        "",
        "İADE'Yİ NASIL YAPARIM 😡",
    };
    size_t n = sizeof msgs / sizeof msgs[0];
    snapshot fresh[5], again;
    /* each message in its own new object */
    for (size_t i = 0; i < n; i++) {
        nlp_text *t = nlp_text_new();
        CHECK(t != NULL);
        if (!t)
            return;
        CHECK_STATUS(nlp_normalise(lex, msgs[i], strlen(msgs[i]), t, NULL), DS_OK);
        take(&fresh[i], t);
        nlp_text_free(t);
    }
    /* then all through one object, twice, in an order where long follows
     * short and short follows long: nothing of the previous one may remain */
    for (int round = 0; round < 2; round++) {
        for (size_t k = 0; k < n; k++) {
            size_t i = round ? n - 1 - k : k;
            CHECK_CONTEXT(msgs[i]);
            CHECK_STATUS(norm(lex, msgs[i]), DS_OK);
            take(&again, txt);
            check_same(&fresh[i], &again);
        }
    }
    /* a truncated one, then a short one: the flag is reset */
    char *big = malloc(NLP_MAX_INPUT_LEN * 2);
    CHECK(big != NULL);
    if (big) {
        memset(big, 'k', NLP_MAX_INPUT_LEN * 2);
        CHECK_STATUS(norm_n(lex, big, NLP_MAX_INPUT_LEN * 2, NULL), DS_OK);
        CHECK(nlp_text_truncated(txt));
        CHECK_STATUS(norm(lex, msgs[0]), DS_OK);
        take(&again, txt);
        check_same(&fresh[0], &again);
        free(big);
    }
    /* a failed one in between leaves the object usable */
    CHECK_STATUS(norm_n(lex, "\xC0\xAF", 2, NULL), DS_EINPUT);
    CHECK_STATUS(norm(lex, msgs[2]), DS_OK);
    take(&again, txt);
    check_same(&fresh[2], &again);
    CHECK_CONTEXT("");
}

/* ---- regressions: engine bugs found while writing these tests -------------------- */

static void test_known_bugs(void)
{
    /* An e-mail typed in capitals (caps lock on a phone) folds 'I' to 'ı'
     * before e-mail detection, so "ALI@GMAIL.COM" becomes the words
     * "ali gmail com" with no e-mail entity. Addresses are ASCII: their
     * canonical form is "ali@gmail.com". */
    CHECK_STATUS(norm(NULL, "mailim ALI@GMAIL.COM"), DS_OK);
    const nlp_entity *e = entity_of(txt, NLP_ENT_EMAIL);
    CHECK_MSG(e != NULL, "no e-mail entity in \"mailim ALI@GMAIL.COM\" (tokens %s)",
              tokens_joined(txt));
    if (e)
        CHECK_EQ_STR(e->value, "ali@gmail.com");

    /* Money glued to its currency ("1.250,90TL") becomes a *tracking*
     * number "1.250,90TL": separators and all. */
    CHECK_STATUS(norm(NULL, "1.250,90TL ödedim"), DS_OK);
    e = entity_of(txt, NLP_ENT_TRACKING);
    CHECK_MSG(e == NULL, "\"1.250,90TL\" gave a tracking entity \"%s\"", e ? e->value : "");
}

/* ---- a spelling dictionary (nlp_dict.c) ------------------------------------------ */

static void test_dictionary(void)
{
    char path[] = "/tmp/destek-test-dic-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    /* the count line, flags after '/', Turkish letters in both cases, a
     * proper name, a word with a digit and a two-letter word (both left out),
     * a duplicate after folding, CRLF */
    static const char dic[] = "7\neşarp/3,4,14\nİstanbul\nçığ\r\nab/2\nh2o\nsık\nsik\n";
    CHECK(write(fd, dic, sizeof dic - 1) == (ssize_t)(sizeof dic - 1));
    close(fd);
    nlp_lexicon *lx = nlp_lexicon_new();
    size_t added = 0;
    CHECK_STATUS(nlp_lexicon_load_dictionary(lx, path, &added, NULL), DS_OK);
    CHECK_EQ_INT(added, 4);
    CHECK(nlp_lexicon_is_dictionary_word(lx, "esarp", 5));
    CHECK(nlp_lexicon_is_dictionary_word(lx, "istanbul", 8));
    CHECK(nlp_lexicon_is_dictionary_word(lx, "cig", 3));
    CHECK(nlp_lexicon_is_dictionary_word(lx, "sik", 3));
    CHECK(!nlp_lexicon_is_dictionary_word(lx, "ab", 2));
    CHECK(!nlp_lexicon_is_dictionary_word(lx, "h2o", 3));
    CHECK(!nlp_lexicon_is_dictionary_word(lx, "esar", 4));
    CHECK(!nlp_lexicon_is_dictionary_word(lx, "hesap", 5));
    unlink(path);
    ds_error e;
    CHECK_STATUS(nlp_lexicon_load_dictionary(lx, path, &added, &e), DS_EIO);
    CHECK(strstr(e.message, path) != NULL);
    /* a device is no dictionary: refused, not read forever */
    CHECK_STATUS(nlp_lexicon_load_dictionary(lx, "/dev/zero", &added, &e), DS_EIO);
    /* many words: the table grows and keeps every one */
    char big[] = "/tmp/destek-test-dic-XXXXXX";
    FILE *f = fdopen(mkstemp(big), "w");
    CHECK(f != NULL);
    if (!f) {
        nlp_lexicon_free(lx);
        return;
    }
    for (int i = 0; i < 100000; i++)
        fprintf(f, "k%c%c%c%c\n", 'a' + i % 26, 'a' + i / 26 % 26, 'a' + i / 676 % 26,
                'a' + i / 17576 % 26);
    fclose(f);
    CHECK_STATUS(nlp_lexicon_load_dictionary(lx, big, &added, NULL), DS_OK);
    CHECK_EQ_INT(added, 100000);
    CHECK(nlp_lexicon_is_dictionary_word(lx, "kaaaa", 5));
    CHECK(nlp_lexicon_is_dictionary_word(lx, "kdyrf", 5)); /* 99,999 */
    CHECK(nlp_lexicon_is_dictionary_word(lx, "esarp", 5));
    unlink(big);
    /* no count line, a flag list longer than a block's worth of lines, a
     * word cut at 511 bytes (read as fgets with 512 bytes read it: the rest
     * of the line is a line of its own), no newline at the end */
    char odd[] = "/tmp/destek-test-dic-XXXXXX";
    f = fdopen(mkstemp(odd), "w");
    CHECK(f != NULL);
    if (!f) {
        nlp_lexicon_free(lx);
        return;
    }
    fprintf(f, "yorgan/");
    for (int i = 0; i < 300; i++)
        fprintf(f, "%d,", i);
    fprintf(f, "\n");
    for (int i = 0; i < 511; i++)
        fputc('x', f);
    fprintf(f, "battaniye\nkilim");
    fclose(f);
    nlp_lexicon *lx2 = nlp_lexicon_new();
    CHECK_STATUS(nlp_lexicon_load_dictionary(lx2, odd, &added, NULL), DS_OK);
    CHECK_EQ_INT(added, 3); /* the 511 letters are too long a word */
    CHECK(nlp_lexicon_is_dictionary_word(lx2, "yorgan", 6));
    CHECK(nlp_lexicon_is_dictionary_word(lx2, "battaniye", 9));
    CHECK(nlp_lexicon_is_dictionary_word(lx2, "kilim", 5));
    CHECK(!nlp_lexicon_is_dictionary_word(lx2, "kili", 4));
    unlink(odd);
    nlp_lexicon_free(lx2);
    nlp_lexicon_free(lx);
}

/* ---- a dictionary's image (nlp_dict_image.c) ---------------------------------- */

static const char *const image_probes[] = {"esarp", "istanbul", "cig",   "sik",      "yorgan",
                                           "kilim", "hesap",    "esar",  "ab",       "kdyrf",
                                           "kaaaa", "kaaab",    "zzzzz", "battaniye"};

/* The words of image_probes lx has, as a bit mask. */
static unsigned probe_mask(const nlp_lexicon *lx)
{
    unsigned m = 0;
    for (size_t i = 0; i < sizeof image_probes / sizeof image_probes[0]; i++)
        m |= (unsigned)nlp_lexicon_is_dictionary_word(lx, image_probes[i], strlen(image_probes[i]))
             << i;
    return m;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* Loads path through the cache into a new lexicon: its probe mask, *use. */
static unsigned cached_mask(const char *path, const char *cache, nlp_dict_image_use *use,
                            char *note, size_t cap)
{
    nlp_lexicon *lx = nlp_lexicon_new();
    nlp_dict_image_info *info = malloc(sizeof *info);
    size_t added = 0;
    CHECK(lx && info);
    if (!lx || !info) {
        free(info);
        nlp_lexicon_free(lx);
        return 0;
    }
    CHECK_STATUS(nlp_lexicon_load_dictionary_cached(lx, path, cache, &added, info, NULL), DS_OK);
    *use = info->use;
    snprintf(note, cap, "%s", info->note);
    unsigned m = probe_mask(lx);
    free(info);
    nlp_lexicon_free(lx);
    return m;
}

static unsigned plain_mask(const char *path)
{
    nlp_lexicon *lx = nlp_lexicon_new();
    CHECK_STATUS(nlp_lexicon_load_dictionary(lx, path, NULL, NULL), DS_OK);
    unsigned m = probe_mask(lx);
    nlp_lexicon_free(lx);
    return m;
}

/* The only file of dir named dict-*.img, into out. */
static int image_in(const char *dir, char *out, size_t cap)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "ls %s/dict-*.img 2>/dev/null", dir);
    FILE *p = popen(cmd, "r");
    int ok = p && fgets(out, (int)cap, p) != NULL;
    if (p)
        pclose(p);
    if (ok)
        out[strcspn(out, "\n")] = '\0';
    return ok;
}

static void test_dictionary_image(void)
{
    char dir[] = "/tmp/destek-test-image-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char dic[256], cache[256], img[512], note[512];
    snprintf(dic, sizeof dic, "%s/tr.dic", dir);
    snprintf(cache, sizeof cache, "%s/cache/destek", dir); /* made as needed, two levels */
    write_file(dic, "5\neşarp/3,4\nİstanbul\nçığ\r\nsık\nkilim\n");
    unsigned want = plain_mask(dic);
    CHECK_EQ_INT(want, 1u | 2u | 4u | 8u | 32u);
    nlp_dict_image_use use;

    /* the first load writes the image, the second maps it: the same words */
    CHECK_EQ_INT(cached_mask(dic, cache, &use, note, sizeof note), want);
    CHECK_EQ_INT(use, NLP_DICT_IMAGE_WRITTEN);
    CHECK(strstr(note, "no image yet") != NULL);
    CHECK(image_in(cache, img, sizeof img));
    CHECK_EQ_INT(cached_mask(dic, cache, &use, note, sizeof note), want);
    CHECK_EQ_INT(use, NLP_DICT_IMAGE_MAPPED);
    CHECK_EQ_STR(note, "");

    /* the .dic changes: the image is stale, made again, and has the new word */
    write_file(dic, "6\neşarp/3,4\nİstanbul\nçığ\r\nsık\nkilim\nyorgan\n");
    want = plain_mask(dic);
    CHECK_EQ_INT(want, 1u | 2u | 4u | 8u | 16u | 32u);
    CHECK_EQ_INT(cached_mask(dic, cache, &use, note, sizeof note), want);
    CHECK_EQ_INT(use, NLP_DICT_IMAGE_WRITTEN);
    CHECK_MSG(strstr(note, "stale") != NULL, "note: %s", note);
    CHECK_EQ_INT(cached_mask(dic, cache, &use, note, sizeof note), want);
    CHECK_EQ_INT(use, NLP_DICT_IMAGE_MAPPED);
    /* the same size and words, another file (a new inode): stale too */
    char moved[300];
    snprintf(moved, sizeof moved, "%s.new", dic);
    write_file(moved, "6\neşarp/3,4\nİstanbul\nçığ\r\nsık\nkilim\nyorgan\n");
    CHECK(rename(moved, dic) == 0);
    CHECK_EQ_INT(cached_mask(dic, cache, &use, note, sizeof note), want);
    CHECK_EQ_INT(use, NLP_DICT_IMAGE_WRITTEN);
    CHECK_MSG(strstr(note, "stale") != NULL, "note: %s", note);

    /* corrupt images are ignored and made again: a byte changed, cut short,
     * emptied, garbage */
    FILE *f = fopen(img, "r+b");
    CHECK(f != NULL);
    if (f) {
        CHECK(fseek(f, 300, SEEK_SET) == 0);
        int c = fgetc(f);
        CHECK(fseek(f, 300, SEEK_SET) == 0);
        fputc(c ^ 0x20, f);
        fclose(f);
    }
    CHECK_EQ_INT(cached_mask(dic, cache, &use, note, sizeof note), want);
    CHECK_EQ_INT(use, NLP_DICT_IMAGE_WRITTEN);
    CHECK_MSG(strstr(note, "checksum") != NULL, "note: %s", note);
    CHECK(truncate(img, 5000) == 0);
    CHECK_EQ_INT(cached_mask(dic, cache, &use, note, sizeof note), want);
    CHECK_EQ_INT(use, NLP_DICT_IMAGE_WRITTEN);
    CHECK_MSG(strstr(note, "truncated") != NULL, "note: %s", note);
    CHECK(truncate(img, 0) == 0);
    CHECK_EQ_INT(cached_mask(dic, cache, &use, note, sizeof note), want);
    CHECK_EQ_INT(use, NLP_DICT_IMAGE_WRITTEN);
    write_file(img, "not an image at all, but long enough to hold a header of one......"
                    "................................................................"
                    "................................................................");
    CHECK_EQ_INT(cached_mask(dic, cache, &use, note, sizeof note), want);
    CHECK_EQ_INT(use, NLP_DICT_IMAGE_WRITTEN);
    CHECK_MSG(strstr(note, "not a dictionary image") != NULL, "note: %s", note);
    CHECK_EQ_INT(cached_mask(dic, cache, &use, note, sizeof note), want);
    CHECK_EQ_INT(use, NLP_DICT_IMAGE_MAPPED);

    /* a cache that cannot be written: the .dic is read, nothing else
     * changes (a directory under a file; a read-only one when not root,
     * who may write anywhere) */
    char under_file[300];
    snprintf(under_file, sizeof under_file, "%s/destek", dic);
    CHECK_EQ_INT(cached_mask(dic, under_file, &use, note, sizeof note), want);
    CHECK_EQ_INT(use, NLP_DICT_IMAGE_UNWRITTEN);
    CHECK_MSG(strstr(note, "cannot make") != NULL, "note: %s", note);
    char ro[300];
    snprintf(ro, sizeof ro, "%s/ro", dir);
    CHECK(mkdir(ro, 0500) == 0);
    CHECK_EQ_INT(cached_mask(dic, ro, &use, note, sizeof note), want);
    if (geteuid() != 0)
        CHECK_EQ_INT(use, NLP_DICT_IMAGE_UNWRITTEN);
    CHECK_EQ_INT(cached_mask(dic, "", &use, note, sizeof note), want);
    CHECK_EQ_INT(use, NLP_DICT_IMAGE_NONE);
    CHECK_EQ_INT(cached_mask(dic, NULL, &use, note, sizeof note), want);
    CHECK_EQ_INT(use, NLP_DICT_IMAGE_NONE);
    /* a missing .dic is the error it always was */
    nlp_lexicon *lx = nlp_lexicon_new();
    ds_error e;
    char missing[300];
    snprintf(missing, sizeof missing, "%s/none.dic", dir);
    CHECK_STATUS(nlp_lexicon_load_dictionary_cached(lx, missing, cache, NULL, NULL, &e), DS_EIO);
    CHECK(strstr(e.message, missing) != NULL);

    /* a second dictionary after a mapped image: the image's words are
     * copied, and both dictionaries' words are there */
    nlp_dict_image_info info;
    CHECK_STATUS(nlp_lexicon_load_dictionary_cached(lx, dic, cache, NULL, &info, NULL), DS_OK);
    CHECK_EQ_INT(info.use, NLP_DICT_IMAGE_MAPPED);
    char second[300];
    snprintf(second, sizeof second, "%s/second.dic", dir);
    write_file(second, "battaniye\nhesap\n");
    CHECK_STATUS(nlp_lexicon_load_dictionary_cached(lx, second, cache, NULL, &info, NULL), DS_OK);
    CHECK_EQ_INT(info.use, NLP_DICT_IMAGE_NONE);
    CHECK_EQ_INT(probe_mask(lx), want | 64u | 8192u);

    /* images in memory: the same words; fields made wrong and sealed again
     * (so that the checksum holds) are refused one by one */
    void *buf = NULL;
    size_t len = 0;
    nlp_lexicon *src = nlp_lexicon_new();
    CHECK_STATUS(nlp_lexicon_load_dictionary(src, dic, NULL, NULL), DS_OK);
    nlp_dict_key key = {.path = "/somewhere/tr.dic", .size = 42, .ino = 7};
    CHECK_STATUS(nlp_lexicon_dictionary_image(src, &key, &buf, &len, NULL), DS_OK);
    CHECK(len % 8 == 0 && len > 192);
    nlp_lexicon *mem = nlp_lexicon_new();
    CHECK_STATUS(nlp_lexicon_use_dictionary_image(mem, buf, len, &key, NULL), DS_OK);
    CHECK_EQ_INT(probe_mask(mem), want);
    nlp_lexicon_free(mem);
    nlp_dict_key other = key;
    other.size = 43;
    mem = nlp_lexicon_new();
    CHECK_STATUS(nlp_lexicon_use_dictionary_image(mem, buf, len, &other, &e), DS_EINPUT);
    other = key;
    other.path = "/elsewhere/tr.dic";
    CHECK_STATUS(nlp_lexicon_use_dictionary_image(mem, buf, len, &other, &e), DS_EINPUT);
    CHECK(strstr(e.message, "stale") != NULL);
    CHECK_STATUS(nlp_lexicon_use_dictionary_image(mem, buf, len - 8, &key, &e), DS_EINPUT);
    unsigned char *bad = malloc(len);
    CHECK(bad != NULL);
    /* the header's words (word i at 8 * i, the magic word 0): 1 byte order,
     * 2 version, 3 rules, 13 count, 14/15 blob, 16/17 table, 18/19 bloom */
    static const struct {
        size_t word;
        uint64_t value;
        const char *why;
    } cuts[] = {{1, 1, "byte order"},    {2, 99, "version"},
                {3, 1, "rules"},         {13, 1u << 20, "more words"},
                {14, 3, "words"},        {15, 1u << 30, "words"},
                {16, 4096 + 8, "table"}, {17, 48, "table"},
                {17, 1u << 20, "table"}, {18, 1, "bloom"},
                {19, 3, "bloom"},        {19, 1u << 20, "bloom"},
                {11, 0, "path"},         {12, 1u << 30, "path"}};
    for (size_t i = 0; bad && i < sizeof cuts / sizeof cuts[0]; i++) {
        memcpy(bad, buf, len);
        memcpy(bad + 8 * cuts[i].word, &cuts[i].value, 8);
        nlp_dictionary_image_seal(bad, len);
        memset(&e, 0, sizeof e);
        CHECK_STATUS(nlp_lexicon_use_dictionary_image(mem, bad, len, &key, &e), DS_EINPUT);
        CHECK_MSG(e.message[0] && strstr(e.message, cuts[i].why) != NULL, "cut %zu: %s", i,
                  e.message);
    }
    /* a slot pointing past the words, and the count off by one */
    if (bad) {
        uint64_t table_off, slots;
        memcpy(&table_off, (unsigned char *)buf + 8 * 16, 8);
        memcpy(&slots, (unsigned char *)buf + 8 * 17, 8);
        size_t k = 0;
        uint64_t v = 0;
        for (; k < slots; k++) {
            memcpy(&v, (unsigned char *)buf + table_off + 8 * k, 8);
            if (v)
                break;
        }
        memcpy(bad, buf, len);
        v |= 0xFFFFFFF0u;
        memcpy(bad + table_off + 8 * k, &v, 8);
        nlp_dictionary_image_seal(bad, len);
        CHECK_STATUS(nlp_lexicon_use_dictionary_image(mem, bad, len, &key, &e), DS_EINPUT);
        CHECK(strstr(e.message, "offset") != NULL);
        memcpy(bad, buf, len);
        memset(bad + table_off + 8 * k, 0, 8);
        nlp_dictionary_image_seal(bad, len);
        CHECK_STATUS(nlp_lexicon_use_dictionary_image(mem, bad, len, &key, &e), DS_EINPUT);
        CHECK(strstr(e.message, "count") != NULL);
    }
    CHECK_EQ_INT(probe_mask(mem), 0); /* nothing was taken */
    free(bad);
    nlp_lexicon_free(mem);
    ds_free(buf);
    nlp_lexicon_free(src);
    nlp_lexicon_free(lx);

    char cmd[300];
    snprintf(cmd, sizeof cmd, "chmod -R u+w %s && rm -rf %s", dir, dir);
    CHECK(system(cmd) == 0);
}

/* A question particle typed onto its word is its own token; words that
 * merely end in the same letters are not split. */
static void test_glued_particle(void)
{
    static const char *const cases[][2] = {
        {"kargo varmı", "kargo|var|mi"},
        {"yarın gelirmi", "yarin|gelir|mi"},
        {"çalışıyomu", "calisiyo|mu"},
        {"mümkünmü", "mumkun|mu"},
        {"olmazmı", "olmaz|mi"},
        {"durumu nedir", "durumu|nedir"},
        {"kargomu gördünüz", "kargomu|gordunuz"},
        {"resmi tatil", "resmi|tatil"},
        {"formu", "formu"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CHECK_CONTEXT(cases[i][0]);
        CHECK_STATUS(norm(NULL, cases[i][0]), DS_OK);
        CHECK_EQ_STR(tokens_joined(txt), cases[i][1]);
    }
    CHECK_CONTEXT("");
}

/* "3500 liralık" is a sum, not a number to take for a phone's last four. */
static void test_money_inflected(void)
{
    static const char *const cases[] = {"3500 liralık saat", "20 liraya", "250 tl'lik",
                                        "40 euroluk"};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CHECK_CONTEXT(cases[i]);
        CHECK_STATUS(norm(NULL, cases[i]), DS_OK);
        CHECK(entity_of(txt, NLP_ENT_MONEY) != NULL);
        CHECK(entity_of(txt, NLP_ENT_NUMBER) == NULL);
    }
    CHECK_CONTEXT("");
    CHECK_STATUS(norm(NULL, "tryhard 4321"), DS_OK);
    CHECK(entity_of(txt, NLP_ENT_NUMBER) != NULL);
}

int main(void)
{
    txt = nlp_text_new();
    lex = nlp_lexicon_new();
    if (!txt || !lex)
        return 2;
    nlp_lexicon_add_suffix(lex, "im", NULL);
    nlp_lexicon_add_shorthand(lex, "nerde", "nerede", NULL);

    test_fold_table();
    test_token_kinds();
    test_shorthand();
    test_entities();
    test_invalid_utf8();
    test_nul_and_controls();
    test_empty();
    test_limits();
    test_suffixes();
    test_reuse();
    test_known_bugs();
    test_dictionary();
    test_dictionary_image();
    test_money_inflected();
    test_glued_particle();

    nlp_text_free(txt);
    nlp_lexicon_free(lex);
    return CHECK_MAIN_RESULT();
}
