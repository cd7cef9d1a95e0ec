/* SPDX-License-Identifier: MIT */
/* The web directory's files (the widget's loader and the rest of it, the
 * demo shop page, the agent console), read once when the server starts,
 * compressed once (gzip, and brotli when built with it) and served from
 * memory: a strong ETag per representation, If-None-Match answered 304,
 * Accept-Encoding honoured, a Cache-Control fit for each file. Not a general
 * file server: one flat directory, GET and HEAD, no ranges. A file edited
 * on disk is served once the server restarts. The loop's thread only. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#if DESTEK_BROTLI
#include <brotli/encode.h>
#endif

#include "ws_int.h"

#define WS_STATIC_MAX_FILES 256
#define WS_STATIC_MAX_FILE_LEN (8u << 20)
#define WS_STATIC_CHUNK_LEN 16384 /* bytes handed to lws per writable turn */
#define WS_STATIC_HASH_LEN 12     /* hex digits of the content hash in ETags and names */
#define WS_STATIC_MARK "{{v:"     /* {{v:NAME}}: NAME's versioned name, written at load */
#define WS_STATIC_BEST_LEN 65536  /* files up to this get brotli's best quality */

/* The representations, in the order of preference when the client's
 * q-values tie: brotli is the smallest, identity the last resort. */
enum { REP_IDENTITY, REP_GZIP, REP_BR, REP_COUNT };
static const struct {
    const char *token; /* the Accept-Encoding / Content-Encoding token */
    const char *tag;   /* appended to the ETag: each representation has its own */
} encodings[REP_COUNT] = {{"identity", ""}, {"gzip", "-gz"}, {"br", "-br"}};
static const int preference[REP_COUNT] = {REP_BR, REP_GZIP, REP_IDENTITY};

static const struct {
    const char *ext;
    const char *type;
    int text; /* worth compressing */
} types[] = {
    {".html", "text/html; charset=utf-8", 1},
    {".js", "text/javascript; charset=utf-8", 1},
    {".css", "text/css; charset=utf-8", 1},
    {".json", "application/json", 1},
    {".svg", "image/svg+xml", 1},
    {".txt", "text/plain; charset=utf-8", 1},
    {".webmanifest", "application/manifest+json", 1},
    {".ico", "image/x-icon", 0},
    {".png", "image/png", 0},
    {".webp", "image/webp", 0},
    {".woff2", "font/woff2", 0},
};

/* Cache-Control. A versioned name (NAME.<hash>.EXT, what {{v:NAME}} writes)
 * never changes: a year, immutable. widget.js is the loader the shops embed
 * under its plain name: a new release reaches their pages within five
 * minutes, revalidated by its ETag after that. Everything else is stored
 * but revalidated on every use (a 304 while unchanged): a page always gets
 * the release it was deployed with. */
#define CACHE_VERSIONED "public, max-age=31536000, immutable"
#define CACHE_DEFAULT "no-cache"
static const struct {
    const char *name;
    const char *cache;
} policies[] = {
    {"widget.js", "public, max-age=300"},
};

typedef struct ws_static_rep {
    unsigned char *data; /* NULL: not kept (no smaller than identity) */
    size_t len;
    char etag[WS_STATIC_HASH_LEN + 8]; /* "hash-gz", quotes included */
} ws_static_rep;

typedef struct ws_static_file {
    char *name;      /* "widget.js" */
    char *versioned; /* "widget.0123456789ab.js" */
    const char *type;
    const char *cache;
    int marked; /* holds {{v:...}}, rewritten at load */
    ws_static_rep rep[REP_COUNT];
} ws_static_file;

struct ws_static {
    ws_static_file *files;
    size_t count;
};

/* ---- loading ------------------------------------------------------------ */

static const char *type_of(const char *name, int *text)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        size_t e = strlen(types[i].ext);
        if (n > e && strcasecmp(name + n - e, types[i].ext) == 0) {
            *text = types[i].text;
            return types[i].type;
        }
    }
    *text = 0;
    return "application/octet-stream";
}

static const char *cache_of(const char *name)
{
    for (size_t i = 0; i < sizeof policies / sizeof policies[0]; i++)
        if (strcmp(name, policies[i].name) == 0)
            return policies[i].cache;
    return CACHE_DEFAULT;
}

static ds_status read_file(const char *path, unsigned char **out, size_t *out_len, ds_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        if (fd >= 0)
            close(fd);
        return ds_fail(err, DS_EIO, "cannot read %s: %s", path, strerror(errno));
    }
    if ((unsigned long long)st.st_size > WS_STATIC_MAX_FILE_LEN) {
        close(fd);
        return ds_fail(err, DS_ETOOBIG, "%s is larger than %u MB", path,
                       WS_STATIC_MAX_FILE_LEN >> 20);
    }
    size_t len = (size_t)st.st_size, got = 0;
    unsigned char *buf = ds_malloc(len + 1);
    if (!buf) {
        close(fd);
        return ds_fail(err, DS_ENOMEM, "out of memory");
    }
    while (got < len) {
        ssize_t n = read(fd, buf + got, len - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    if (got != len) {
        ds_free(buf);
        return ds_fail(err, DS_EIO, "cannot read %s: it changed while read", path);
    }
    *out = buf;
    *out_len = len;
    return DS_OK;
}

/* The identity representation's ETag and the versioned name: both from a
 * SHA-256 of the bytes served. */
static ds_status name_version(ws_static_file *f)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    if (!EVP_Digest(f->rep[REP_IDENTITY].data, f->rep[REP_IDENTITY].len, md, &md_len, EVP_sha256(),
                    NULL))
        return DS_ENOMEM;
    char hex[WS_STATIC_HASH_LEN + 1];
    for (int i = 0; i < WS_STATIC_HASH_LEN / 2; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    for (int r = 0; r < REP_COUNT; r++)
        snprintf(f->rep[r].etag, sizeof f->rep[r].etag, "\"%s%s\"", hex, encodings[r].tag);
    const char *dot = strrchr(f->name, '.');
    size_t stem = dot ? (size_t)(dot - f->name) : strlen(f->name);
    size_t n = strlen(f->name) + WS_STATIC_HASH_LEN + 2;
    ds_free(f->versioned);
    if (!(f->versioned = ds_malloc(n)))
        return DS_ENOMEM;
    snprintf(f->versioned, n, "%.*s.%s%s", (int)stem, f->name, hex, dot ? dot : "");
    return DS_OK;
}

static int compress_gzip(const unsigned char *in, size_t len, ws_static_rep *out)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    /* 15 + 16: a gzip wrapper (no name, no time: the same bytes every start) */
    if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    size_t cap = deflateBound(&zs, (uLong)len);
    unsigned char *buf = ds_malloc(cap);
    int ok = buf != NULL;
    if (ok) {
        zs.next_in = (unsigned char *)in;
        zs.avail_in = (uInt)len;
        zs.next_out = buf;
        zs.avail_out = (uInt)cap;
        ok = deflate(&zs, Z_FINISH) == Z_STREAM_END;
    }
    size_t n = zs.total_out;
    deflateEnd(&zs);
    if (!ok || n >= len) {
        ds_free(buf);
        return ok ? 0 : -1;
    }
    out->data = buf;
    out->len = n;
    return 0;
}

static int compress_br(const unsigned char *in, size_t len, ws_static_rep *out)
{
#if DESTEK_BROTLI
    size_t cap = BrotliEncoderMaxCompressedSize(len), n = cap;
    unsigned char *buf = cap ? ds_malloc(cap) : NULL;
    if (!buf)
        return cap ? -1 : 0;
    /* the best quality costs ~1 ms per KB at start: spent on what shoppers load; a
     * large file (the agent console's script) gets 9, 7 % larger for a sixth of it */
    int quality = len <= WS_STATIC_BEST_LEN ? BROTLI_MAX_QUALITY : 9;
    if (!BrotliEncoderCompress(quality, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT, len, in, &n,
                               buf) ||
        n >= len) {
        ds_free(buf);
        return 0;
    }
    out->data = buf;
    out->len = n;
#else
    (void)in;
    (void)len;
    (void)out;
#endif
    return 0;
}

static ws_static_file *find(const ws_static *st, const char *name, size_t len, int versioned)
{
    for (size_t i = 0; i < st->count; i++) {
        const char *n = versioned ? st->files[i].versioned : st->files[i].name;
        if (n && strlen(n) == len && memcmp(n, name, len) == 0)
            return &st->files[i];
    }
    return NULL;
}

/* {{v:NAME}} becomes NAME's versioned name (NAME itself when it is not a
 * file here, or holds marks of its own: one level, no chains). */
static ds_status rewrite_marks(const ws_static *st, ws_static_file *f)
{
    const char *s = (const char *)f->rep[REP_IDENTITY].data, *end = s + f->rep[REP_IDENTITY].len;
    size_t ml = strlen(WS_STATIC_MARK);
    ds_buf out;
    ds_buf_init(&out);
    while (s < end) {
        const char *m = strstr(s, WS_STATIC_MARK);
        const char *close = m ? strstr(m + ml, "}}") : NULL;
        if (!m || !close) {
            ds_buf_append(&out, s, (size_t)(end - s));
            break;
        }
        ds_buf_append(&out, s, (size_t)(m - s));
        const char *name = m + ml;
        size_t nl = (size_t)(close - name);
        ws_static_file *to = find(st, name, nl, 0);
        if (to && !to->marked)
            ds_buf_puts(&out, to->versioned);
        else
            ds_buf_append(&out, name, nl);
        s = close + 2;
    }
    size_t len = out.len;
    char *data = ds_buf_take(&out);
    if (!data)
        return DS_ENOMEM;
    ds_free(f->rep[REP_IDENTITY].data);
    f->rep[REP_IDENTITY].data = (unsigned char *)data;
    f->rep[REP_IDENTITY].len = len;
    return DS_OK;
}

static ds_status add_file(ws_static *st, const char *dir, const char *real_dir, const char *name,
                          ds_error *err)
{
    char path[PATH_MAX], real[PATH_MAX];
    struct stat sb;
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
        return DS_OK;
    /* a symlink that leads out of the directory is never served (and is
     * answered 403 before it gets here, ws_server.c's file_inside) */
    size_t rl = strlen(real_dir);
    if (!realpath(path, real) || strncmp(real, real_dir, rl) != 0 || real[rl] != '/' ||
        stat(real, &sb) != 0 || !S_ISREG(sb.st_mode))
        return DS_OK;
    if (st->count >= WS_STATIC_MAX_FILES)
        return ds_fail(err, DS_ETOOBIG, "%s holds more than %d files", dir, WS_STATIC_MAX_FILES);
    ws_static_file *f = &st->files[st->count];
    memset(f, 0, sizeof *f);
    int text = 0;
    f->type = type_of(name, &text);
    f->cache = cache_of(name);
    if (!(f->name = ds_strdup(name)))
        return ds_fail(err, DS_ENOMEM, "out of memory");
    st->count++;
    ds_status s = read_file(path, &f->rep[REP_IDENTITY].data, &f->rep[REP_IDENTITY].len, err);
    if (s != DS_OK)
        return s;
    f->rep[REP_IDENTITY].data[f->rep[REP_IDENTITY].len] = '\0'; /* for strstr */
    f->marked = text && strstr((const char *)f->rep[REP_IDENTITY].data, WS_STATIC_MARK) != NULL;
    return DS_OK;
}

/* Versions, rewrites and compresses every file once all are read: a mark
 * names another file's version. */
static ds_status prepare(ws_static *st, ds_error *err)
{
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < st->count; i++) {
            ws_static_file *f = &st->files[i];
            if (f->marked != pass)
                continue;
            if ((pass && rewrite_marks(st, f) != DS_OK) || name_version(f) != DS_OK)
                return ds_fail(err, DS_ENOMEM, "out of memory");
        }
    for (size_t i = 0; i < st->count; i++) {
        ws_static_file *f = &st->files[i];
        int text = 0;
        type_of(f->name, &text);
        const ws_static_rep *id = &f->rep[REP_IDENTITY];
        if (text && (compress_gzip(id->data, id->len, &f->rep[REP_GZIP]) != 0 ||
                     compress_br(id->data, id->len, &f->rep[REP_BR]) != 0))
            return ds_fail(err, DS_ENOMEM, "cannot compress %s", f->name);
    }
    return DS_OK;
}

ds_status ws__static_open(const char *dir, ws_static **out, ds_error *err)
{
    ws_static *st = ds_calloc(1, sizeof *st);
    if (!st || !(st->files = ds_calloc(WS_STATIC_MAX_FILES, sizeof *st->files))) {
        ds_free(st);
        return ds_fail(err, DS_ENOMEM, "out of memory");
    }
    char real_dir[PATH_MAX];
    DIR *d = realpath(dir, real_dir) ? opendir(real_dir) : NULL;
    if (!d) {
        ws__static_free(st);
        return ds_fail(err, DS_ENOTFOUND, "cannot read the web directory %s: %s", dir,
                       strerror(errno));
    }
    ds_status s = DS_OK;
    struct dirent *de;
    while (s == DS_OK && (de = readdir(d)))
        if (de->d_name[0] != '.')
            s = add_file(st, dir, real_dir, de->d_name, err);
    closedir(d);
    if (s == DS_OK)
        s = prepare(st, err);
    if (s != DS_OK) {
        ws__static_free(st);
        return s;
    }
    *out = st;
    return DS_OK;
}

void ws__static_free(ws_static *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < st->count; i++) {
        ds_free(st->files[i].name);
        ds_free(st->files[i].versioned);
        for (int r = 0; r < REP_COUNT; r++)
            ds_free(st->files[i].rep[r].data);
    }
    ds_free(st->files);
    ds_free(st);
}

/* ---- answering ------------------------------------------------------------ */

/* The q-value the client gives an encoding in Accept-Encoding: 1000 for
 * q=1, 0 for refused; identity is acceptable unless refused outright. */
static int q_of(const char *accept, const char *token)
{
    int star = -1, q = -1;
    size_t tl = strlen(token);
    for (const char *p = accept; *p;) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        size_t n = strcspn(p, ";, \t");
        const char *params = p + n, *next = params + strcspn(params, ",");
        int v = 1000;
        const char *qp = strstr(params, "q=");
        if (qp && qp < next) {
            double d = strtod(qp + 2, NULL);
            v = d <= 0 ? 0 : d >= 1 ? 1000 : (int)(d * 1000 + 0.5);
        }
        if (n == tl && strncasecmp(p, token, tl) == 0)
            q = v;
        else if (n == 1 && *p == '*')
            star = v;
        p = next;
    }
    if (q >= 0)
        return q;
    if (star >= 0)
        return star;
    return strcmp(token, "identity") == 0 ? 1 : 0;
}

static int choose(const ws_static_file *f, struct lws *wsi)
{
    char accept[512];
    int n = lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_ACCEPT_ENCODING);
    if (n <= 0 || n >= (int)sizeof accept ||
        lws_hdr_copy(wsi, accept, sizeof accept, WSI_TOKEN_HTTP_ACCEPT_ENCODING) != n)
        return REP_IDENTITY;
    int best = REP_IDENTITY, best_q = 0;
    for (int i = 0; i < REP_COUNT; i++) {
        int r = preference[i], q = q_of(accept, encodings[r].token);
        if (f->rep[r].data && q > best_q) {
            best = r;
            best_q = q;
        }
    }
    return best; /* identity even when refused: better than nothing */
}

/* If-None-Match holds this representation's ETag (or *). Weak comparison,
 * as RFC 9110 says for this header. */
static int not_modified(struct lws *wsi, const char *etag)
{
    char inm[512];
    int n = lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_IF_NONE_MATCH);
    if (n <= 0 || n >= (int)sizeof inm ||
        lws_hdr_copy(wsi, inm, sizeof inm, WSI_TOKEN_HTTP_IF_NONE_MATCH) != n)
        return 0;
    size_t el = strlen(etag);
    for (char *p = inm; *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        if (*p == '*')
            return 1;
        if (strncmp(p, "W/", 2) == 0)
            p += 2;
        if (strncmp(p, etag, el) == 0 && (p[el] == '\0' || p[el] == ',' || p[el] == ' '))
            return 1;
        p += strcspn(p, ",");
    }
    return 0;
}

static int add(struct lws *wsi, enum lws_token_indexes t, const char *v, unsigned char **p,
               unsigned char *end)
{
    return lws_add_http_header_by_token(wsi, t, (const unsigned char *)v, (int)strlen(v), p, end);
}

/* A short text answer (301, 403, 404; 405 with no body: the request's own
 * body is not read, so the connection closes after it). lws's own pages
 * carry a body on HEAD too. */
static int answer_status(struct lws *wsi, ws_conn *c, unsigned status, const char *location,
                         int head)
{
    static const struct {
        unsigned status;
        const char *body;
    } bodies[] = {
        {HTTP_STATUS_MOVED_PERMANENTLY, "moved\n"},
        {HTTP_STATUS_FORBIDDEN, "forbidden\n"},
        {HTTP_STATUS_NOT_FOUND, "not found\n"},
    };
    const char *body = "";
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++)
        if (bodies[i].status == status)
            body = bodies[i].body;
    unsigned char buf[LWS_PRE + 2048], *start = buf + LWS_PRE, *p = start,
                                       *end = buf + sizeof buf - 1;
    if (lws_add_http_common_headers(wsi, status, "text/plain; charset=utf-8", strlen(body), &p,
                                    end) ||
        add(wsi, WSI_TOKEN_HTTP_CACHE_CONTROL, "no-store", &p, end) ||
        (location && add(wsi, WSI_TOKEN_HTTP_LOCATION, location, &p, end)) ||
        (status == HTTP_STATUS_METHOD_NOT_ALLOWED &&
         lws_add_http_header_by_name(wsi, (const unsigned char *)"allow:",
                                     (const unsigned char *)"GET, HEAD", 9, &p, end)) ||
        lws_finalize_write_http_header(wsi, start, &p, end))
        return -1;
    if (head || !body[0])
        return lws_http_transaction_completed(wsi) ? -1 : 0;
    c->http_static = (const unsigned char *)body;
    c->http_static_len = strlen(body);
    c->http_static_sent = 0;
    lws_callback_on_writable(wsi);
    return 0;
}

/* The file a path names, and whether by its versioned name. "/" is
 * index.html, "/agent/" agent.html (the console's own directory, the same
 * files); NAME.<hash>.EXT of an older release gets today's NAME.EXT, not
 * for a year. */
static ws_static_file *resolve(const ws_static *st, const char *path, int *versioned)
{
    const char *rel = path + (path[0] == '/'), *def = "index.html";
    if (strncmp(rel, "agent/", 6) == 0) {
        rel += 6;
        def = "agent.html";
    }
    if (!rel[0])
        rel = def;
    if (strchr(rel, '/'))
        return NULL;
    ws_static_file *f = find(st, rel, strlen(rel), 0);
    *versioned = 0;
    if (f)
        return f;
    if ((f = find(st, rel, strlen(rel), 1))) {
        *versioned = 1;
        return f;
    }
    /* stem.<hex>.ext of another release */
    const char *ext = strrchr(rel, '.'), *h = NULL;
    for (const char *q = rel; ext && q < ext; q++)
        if (*q == '.')
            h = q;
    if (!h || ext - h - 1 != WS_STATIC_HASH_LEN ||
        strspn(h + 1, "0123456789abcdef") < WS_STATIC_HASH_LEN)
        return NULL;
    char plain[256];
    if (snprintf(plain, sizeof plain, "%.*s%s", (int)(h - rel), rel, ext) >= (int)sizeof plain)
        return NULL;
    return find(st, plain, strlen(plain), 0);
}

int ws__static_request(const ws_static *st, struct lws *wsi, ws_conn *c)
{
    char path[256];
    int head = lws_hdr_total_length(wsi, WSI_TOKEN_HEAD_URI) > 0;
    enum lws_token_indexes t = head ? WSI_TOKEN_HEAD_URI : WSI_TOKEN_GET_URI;
    c->http_static = NULL;
    if (!head && lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) <= 0)
        return answer_status(wsi, c, HTTP_STATUS_METHOD_NOT_ALLOWED, NULL, 0);
    int n = lws_hdr_total_length(wsi, t);
    if (n <= 0 || n >= (int)sizeof path || lws_hdr_copy(wsi, path, sizeof path, t) != n)
        return answer_status(wsi, c, HTTP_STATUS_NOT_FOUND, NULL, head);
    path[strcspn(path, "?")] = '\0';
    if (strcmp(path, "/agent") == 0) /* the console's relative links need the slash */
        return answer_status(wsi, c, HTTP_STATUS_MOVED_PERMANENTLY, "/agent/", head);
    int versioned = 0;
    const ws_static_file *f = st ? resolve(st, path, &versioned) : NULL;
    if (!f)
        return answer_status(wsi, c, HTTP_STATUS_NOT_FOUND, NULL, head);
    int r = choose(f, wsi);
    const ws_static_rep *rep = &f->rep[r];
    int varies = f->rep[REP_GZIP].data || f->rep[REP_BR].data;
    int unchanged = not_modified(wsi, rep->etag);
    unsigned char buf[LWS_PRE + 2048], *start = buf + LWS_PRE, *p = start,
                                       *end = buf + sizeof buf - 1;
    if (unchanged ? lws_add_http_header_status(wsi, HTTP_STATUS_NOT_MODIFIED, &p, end)
                  : lws_add_http_common_headers(wsi, HTTP_STATUS_OK, f->type, rep->len, &p, end))
        return -1;
    if (add(wsi, WSI_TOKEN_HTTP_ETAG, rep->etag, &p, end) ||
        add(wsi, WSI_TOKEN_HTTP_CACHE_CONTROL, versioned ? CACHE_VERSIONED : f->cache, &p, end) ||
        (varies &&
         lws_add_http_header_by_name(wsi, (const unsigned char *)"vary:",
                                     (const unsigned char *)"Accept-Encoding", 15, &p, end)) ||
        (r != REP_IDENTITY && !unchanged &&
         add(wsi, WSI_TOKEN_HTTP_CONTENT_ENCODING, encodings[r].token, &p, end)) ||
        lws_finalize_write_http_header(wsi, start, &p, end))
        return -1;
    if (unchanged || head || !rep->len)
        return lws_http_transaction_completed(wsi) ? -1 : 0;
    c->http_static = rep->data;
    c->http_static_len = rep->len;
    c->http_static_sent = 0;
    lws_callback_on_writable(wsi);
    return 0;
}

int ws__static_writeable(struct lws *wsi, ws_conn *c)
{
    unsigned char buf[LWS_PRE + WS_STATIC_CHUNK_LEN];
    size_t left = c->http_static_len - c->http_static_sent;
    size_t n = left < WS_STATIC_CHUNK_LEN ? left : WS_STATIC_CHUNK_LEN;
    int last = n == left;
    /* lws may write in front of what it is given: a copy with room for it,
     * never the shared bytes */
    memcpy(buf + LWS_PRE, c->http_static + c->http_static_sent, n);
    if (lws_write(wsi, buf + LWS_PRE, n, last ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) != (int)n)
        return -1;
    c->http_static_sent += n;
    if (!last) {
        lws_callback_on_writable(wsi);
        return 0;
    }
    c->http_static = NULL;
    return lws_http_transaction_completed(wsi) ? -1 : 0;
}
