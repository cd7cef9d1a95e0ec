/* SPDX-License-Identifier: MIT */
/* The reason for a return, as the shopper gives it: a quick reply's label,
 * or the words of one of the shop's reasons (shop.json returns.reasons,
 * dialogue.json words "reason_<id>"). It is heard in any message, so "bir
 * kere yıkadım dikişleri söküldü" in the opener is the reason of the return
 * asked for three turns later, not a question asked again. */
#include "dlg_int.h"

#include <stdio.h>
#include <string.h>

int dlg__reason_of_message(const dlg_turn *t, char *id, size_t cap)
{
    size_t n = kb_reason_count(t->kb);
    for (size_t i = 0; i < n; i++) {
        const char *rid = kb_reason_id(t->kb, i);
        /* the label normalised when the KB loaded (dlg__same_words would
         * normalise it again on every turn) */
        const char *label = kb_reason_label_skeleton(t->kb, i);
        char list[48];
        if (!rid)
            continue;
        dlg__list_name(list, sizeof list, "reason_", "", rid, strlen(rid));
        if ((label && strcmp(label, nlp_text_skeleton(t->msg)) == 0) || dlg__message_has(t, list)) {
            snprintf(id, cap, "%s", rid);
            return 1;
        }
    }
    return 0;
}

void dlg__remember_reason(dlg_turn *t)
{
    /* a return or exchange in progress takes its own reason; kept, it would
     * become the next item's ("krem de açılmadı, onu da iade edebilir miyim") */
    const dlg_flow *f = t->flow ? t->flow : t->s->flow;
    char id[sizeof t->s->reason];
    if (f && (strcmp(f->name, "return") == 0 || strcmp(f->name, "exchange") == 0))
        return;
    if (dlg__reason_of_message(t, id, sizeof id))
        snprintf(t->s->reason, sizeof t->s->reason, "%s", id);
}
