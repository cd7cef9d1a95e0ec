/* SPDX-License-Identifier: MIT */
/* The shopper's feelings. An angry message ("rezalet", "kaç gündür
 * bekliyorum", shouting) or a hurried one ("acil", "yarına lazım") gets one
 * line that shows it was heard, before the answer; not when the answer
 * already apologises, and not again for DLG_SOOTHE_EVERY turns. A shopper
 * angry a second time is offered a person. The words and the lines are the
 * knowledge base's (dialogue.json: words "upset", "hurry", "pleased", "soothing";
 * messages "feeling.*"). */
#include "dlg_int.h"

#include <string.h>

/* "!!", or four words or more all in capitals (an e-mail, a code or an
 * order number in capitals is not a raised voice): anger, whatever the
 * words. */
static int shouting(const char *text)
{
    size_t caps = 0, words = 0;
    const unsigned char *p = (const unsigned char *)text;
    if (strstr(text, "!!"))
        return 1;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        size_t upper = 0, other = 0;
        for (; *p && *p != ' '; p++) {
            if (*p >= 'A' && *p <= 'Z')
                upper++;
            else if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '@')
                other++;
        }
        if (upper + other == 0)
            continue; /* punctuation, an emoji */
        words++;
        caps += upper >= 2 && !other;
    }
    return caps >= 4 && caps == words;
}

/* Whole words only: a stem would read "acil" in "açılıyorsunuz". */
static int has(const dlg_turn *t, const char *list)
{
    return dlg__message_has(t, list);
}

/* The reply composed so far already says sorry or "anlıyorum". */
static int soothes(const dlg_turn *t)
{
    const ds_buf *b = &t->out->text;
    if (!b->len)
        return 0;
    nlp_text *nt = nlp_text_new();
    ds_error err;
    int yes = nt && nlp_normalise(kb_lexicon(t->kb), b->data, b->len, nt, &err) == DS_OK &&
              (dlg__text_has(t->kb, nt, "soothing") || dlg__text_has_stem(t->kb, nt, "soothing"));
    nlp_text_free(nt);
    return yes;
}

/* Puts message key, rendered, before the reply's text. */
static void say_first(dlg_turn *t, const char *key)
{
    dlg_reply line;
    dlg_reply_init(&line);
    dlg_reply *out = t->out;
    t->out = &line;
    dlg__say(t, key);
    t->out = out;
    if (line.text.len)
        dlg__put_first(t, line.text.data, " ");
    dlg_reply_cleanup(&line);
}

/* A person is already coming, or the reply offers one. */
static int person_in_reply(const dlg_turn *t)
{
    const dlg_reply *r = t->out;
    dlg_people p = dlg__people(t);
    if (p != DLG_PEOPLE_FREE && p != DLG_PEOPLE_AWAY)
        return 1;
    const kb_message *m = kb_message_get(t->kb, "feeling.offer_person");
    for (size_t i = 0; m && i < r->quick_reply_count; i++)
        for (size_t k = 0; k < m->quick_reply_count; k++)
            if (strcmp(r->quick_replies[i], m->quick_replies[k]) == 0)
                return 1;
    return 0;
}

void dlg__feel(dlg_turn *t)
{
    dlg_session *s = t->s;
    /* "teşekkürler!!" is loud and glad */
    /* an insult is anger too ("hiçbir işe yaramıyorsun") */
    t->upset = has(t, "upset") || has(t, "insults") || (shouting(t->text) && !has(t, "pleased"));
    t->hurry = !t->upset && has(t, "hurry");
    if (s->soothe_wait > 0)
        s->soothe_wait--;
    if (t->upset && s->upset < DLG_UPSET_MAX)
        s->upset++;
}

/* What the anger is about, when the words say it: a wait, money. One
 * sentence for every angry opener reads as a form letter. */
static const char *upset_key(const dlg_turn *t)
{
    static const char *const causes[][2] = {
        {"upset_about_money", "feeling.upset_about_money"},
        {"upset_about_waiting", "feeling.upset_about_waiting"},
    };
    for (size_t i = 0; i < sizeof causes / sizeof *causes; i++)
        if (has(t, causes[i][0]))
            return causes[i][1];
    return "feeling.upset";
}

void dlg__acknowledge(dlg_turn *t)
{
    dlg_session *s = t->s;
    /* a bare hello is no place for "hızlıca ilerleyelim": the hurry is
     * heard with the first real answer */
    const dlg_flow *f = t->intent >= 0 ? dlg__flow_of(t->kb, t->intent) : NULL;
    int hello = f && f == dlg__flow_find("greeting") && !t->clarify;
    if ((t->upset || (t->hurry && !hello)) && !s->soothe_wait && !soothes(t)) {
        say_first(t, t->upset ? upset_key(t) : "feeling.hurry");
        s->soothe_wait = DLG_SOOTHE_EVERY;
    }
    /* the second time, once: people may be what helps */
    if (t->upset && s->upset == 2 && !person_in_reply(t))
        dlg__say(t, "feeling.offer_person"); /* after hours: its .closed variant */
}
