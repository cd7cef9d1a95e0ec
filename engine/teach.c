/* SPDX-License-Identifier: MIT */
#include "teach.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dlg.h"
#include "hours.h"
#include "kb.h"
#include "match.h"
#include "nlp.h"

/* A copy of the knowledge base directory with one file's new content. */
static int copy_kb(const char *from, const char *to, const char *file, const char *json)
{
    DIR *d = opendir(from);
    if (!d)
        return -1;
    struct dirent *de;
    int rc = 0;
    while (rc == 0 && (de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char src[4096], dst[4096];
        snprintf(src, sizeof src, "%s/%s", from, de->d_name);
        snprintf(dst, sizeof dst, "%s/%s", to, de->d_name);
        struct stat st;
        if (stat(src, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        FILE *out = fopen(dst, "wb");
        if (!out) {
            rc = -1;
            break;
        }
        if (strcmp(de->d_name, file) == 0) {
            rc = fputs(json, out) < 0 ? -1 : 0;
        } else {
            FILE *in = fopen(src, "rb");
            char buf[8192];
            size_t n;
            while (in && (n = fread(buf, 1, sizeof buf, in)) > 0)
                if (fwrite(buf, 1, n, out) != n)
                    rc = -1;
            if (!in)
                rc = -1;
            else
                fclose(in);
        }
        if (fclose(out) != 0)
            rc = -1;
    }
    closedir(d);
    return rc;
}

static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        unlink(p);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

/* The knowledge base in dir loads as kb lint wants and answers text with
 * intent. */
static ds_status check_kb(const char *dir, const char *text, const char *intent, ds_error *err)
{
    kb_base *kb = NULL;
    match_engine *me = NULL;
    match_result *res = NULL;
    nlp_text *t = NULL;
    ds_status st = kb_load_dir(dir, &kb, NULL, NULL, err);
    if (st != DS_OK) {
        char msg[sizeof err->message];
        snprintf(msg, sizeof msg, "%s", err->message);
        st = ds_fail(err, DS_EKB, "the knowledge base would not load: %s", msg);
    } else if (dlg_check_kb(kb, NULL, NULL) || hours_check(kb, NULL, NULL)) {
        st = ds_fail(err, DS_EKB, "dialogue.json or the working hours would have errors");
    } else if ((st = match_engine_new(kb, &me, err)) != DS_OK || !(res = match_result_new(me)) ||
               !(t = nlp_text_new())) {
        st = st != DS_OK ? st : ds_fail(err, DS_ENOMEM, "out of memory");
    } else if ((st = nlp_normalise(kb_lexicon(kb), text, strlen(text), t, err)) == DS_OK &&
               (st = match_classify(me, t, res)) == DS_OK) {
        const char *got = match_result_is_fallback(res) ? "fallback" : match_result_intent(res);
        if (strcmp(got, intent) != 0)
            st = ds_fail(err, DS_EKB, "with the change the message is still answered as %s", got);
    }
    nlp_text_free(t);
    match_result_free(res);
    match_engine_free(me);
    kb_free(kb);
    return st;
}

static ds_status write_atomically(const char *dir, const char *file, const char *json,
                                  ds_error *err)
{
    char tmp[4096], path[4096];
    snprintf(tmp, sizeof tmp, "%s/.%s.tmp", dir, file);
    snprintf(path, sizeof path, "%s/%s", dir, file);
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return ds_fail(err, DS_EIO, "cannot write %s", tmp);
    int bad = fputs(json, f) < 0;
    bad |= fflush(f) != 0 || fsync(fileno(f)) != 0;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) != 0) {
        unlink(tmp);
        return ds_fail(err, DS_EIO, "cannot write %s", path);
    }
    return DS_OK;
}

ds_status teach_assign(const char *dir, const char *intent, const char *text, char **file_out,
                       ds_error *err)
{
    char *file = NULL, *json = NULL;
    int already = 0;
    ds_status st = kb_taught_file(dir, intent, text, &file, &json, &already, err);
    if (st != DS_OK)
        return st;
    char tmp[] = "/tmp/destek-teach-XXXXXX";
    if (!mkdtemp(tmp)) {
        st = ds_fail(err, DS_EIO, "no temporary directory to check the change in");
    } else {
        if (copy_kb(dir, tmp, file, json) != 0)
            st = ds_fail(err, DS_EIO, "cannot copy %s to check the change", dir);
        else if ((st = check_kb(tmp, text, intent, err)) == DS_OK && !already)
            st = write_atomically(dir, file, json, err);
        remove_dir(tmp);
    }
    if (st == DS_OK && file_out) {
        *file_out = file;
        file = NULL;
    }
    ds_free(file);
    ds_free(json);
    return st;
}

struct teach_keyer {
    const kb_base *kb;
    nlp_text *t;
};

teach_keyer *teach_keyer_new(const kb_base *kb)
{
    teach_keyer *k = ds_calloc(1, sizeof *k);
    if (k && !(k->t = nlp_text_new())) {
        ds_free(k);
        return NULL;
    }
    if (k)
        k->kb = kb;
    return k;
}

void teach_keyer_free(teach_keyer *k)
{
    if (!k)
        return;
    nlp_text_free(k->t);
    ds_free(k);
}

size_t teach_review_key(void *keyer, const char *text, char *key, size_t cap)
{
    teach_keyer *k = keyer;
    if (!k || !text || nlp_normalise(kb_lexicon(k->kb), text, strlen(text), k->t, NULL) != DS_OK)
        return 0;
    size_t n = nlp_text_skeleton_len(k->t);
    if (!n || n >= cap)
        return 0;
    memcpy(key, nlp_text_skeleton(k->t), n);
    return n;
}
