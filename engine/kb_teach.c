/* SPDX-License-Identifier: MIT */
/* Teaching the knowledge base (destek review assign): the file that holds
 * an intent, with a message added to its "taught" list, in the files' own
 * layout (two-space indent, keys in their order, UTF-8 as is). Writes
 * nothing: the caller validates the result before it replaces the file. */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "kb.h"

static int not_intents(const char *name)
{
    size_t n = strlen(name);
    return n < 6 || strcmp(name + n - 5, ".json") != 0 || strcmp(name, "shop.json") == 0 ||
           strcmp(name, "lexicon.json") == 0 || strcmp(name, "dialogue.json") == 0;
}

ds_status kb_taught_file(const char *dir, const char *id, const char *text, char **file,
                         char **json, int *already, ds_error *err)
{
    *file = *json = NULL;
    *already = 0;
    ds_json_use_ds_alloc();
    DIR *d = opendir(dir);
    if (!d)
        return ds_fail(err, DS_EIO, "cannot open the knowledge base directory %s", dir);
    struct dirent *de;
    ds_status st = ds_fail(err, DS_ENOTFOUND, "no intent \"%s\" in %s", id, dir);
    while ((de = readdir(d)) && st == DS_ENOTFOUND) {
        if (not_intents(de->d_name))
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, NULL);
        json_t *intents = json_object_get(root, "intents");
        size_t i;
        json_t *in;
        json_array_foreach(intents, i, in)
        {
            const char *iid = json_string_value(json_object_get(in, "id"));
            if (!iid || strcmp(iid, id) != 0)
                continue;
            json_t *taught = json_object_get(in, "taught");
            if (!json_is_array(taught)) {
                taught = json_array();
                json_object_set_new(in, "taught", taught);
            }
            size_t k;
            json_t *t;
            json_array_foreach(taught, k,
                               t) if (json_is_string(t) &&
                                      strcasecmp(json_string_value(t), text) == 0) *already = 1;
            if (!*already)
                json_array_append_new(taught, json_string(text));
            char *out =
                json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
            ds_buf b;
            ds_buf_init(&b);
            if (out) {
                ds_buf_puts(&b, out);
                ds_buf_puts(&b, "\n");
            }
            ds_free(out);
            *json = b.failed ? NULL : ds_buf_take(&b);
            ds_buf_cleanup(&b);
            *file = ds_strdup(de->d_name);
            st = *json && *file ? DS_OK : ds_fail(err, DS_ENOMEM, "out of memory");
            break;
        }
        json_decref(root);
    }
    closedir(d);
    if (st != DS_OK) {
        ds_free(*file);
        ds_free(*json);
        *file = *json = NULL;
    }
    return st;
}
