/*
 * ngx_http_flask_session_module: Flask's signed session cookie, checked in nginx with the
 * flask-cookie C library (include/flask_cookie.h, linked statically).
 *
 * What it does, per request, lazily (only when a directive or a variable needs it):
 *   - finds the session cookie in the Cookie header(s) and opens it as Flask's open_session
 *     would (same keys, fallbacks, lifetime: the same new-session / 500 / opened decisions);
 *   - flask_session_require: denies the request (401, or a 302 to a URL) unless the session
 *     opened (and holds flask_session_require_key, when set); a validly signed cookie whose
 *     payload Flask cannot decode is a 500, as in Flask;
 *   - $flask_session_state, $flask_session_permanent and $flask_session_<key>: the decision and
 *     top-level session values, for proxy_set_header, log_format, map, ...;
 *   - flask_session_refresh: adds the Set-Cookie (and Vary: Cookie) that Flask's save_session
 *     would send for this request (a permanent session with SESSION_REFRESH_EACH_REQUEST),
 *     unless the upstream response already sets the session cookie.
 *
 * Thread and process safety: the library configurations are built once while nginx reads its
 * configuration (in the master process, before the workers fork) and are only read afterwards;
 * the library documents them as immutable and shareable between threads. Each request's
 * session handle belongs to that request (one worker, one thread) and is freed by a cleanup of
 * the request pool. The library keeps its last error per thread. Nothing here blocks.
 *
 * Secrets: the key files are read at configuration time (so they may be readable by root
 * only), copied into the library configuration, and the module's copies are wiped when the
 * configuration is complete. No key, cookie or session value is ever logged.
 *
 * Memory: the session values and the Set-Cookie header are written by the library into
 * buffers from the request pool (the `_into` functions); the library allocates only the
 * session itself.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <flask_cookie.h>


#define NGX_FLASK_PREFIX        "flask_session_"
#define NGX_FLASK_FIRST_BUF     256

/* The per-request decision, exposed as $flask_session_state. */
typedef enum {
    NGX_FLASK_STATE_NO_COOKIE = 0,
    NGX_FLASK_STATE_BAD_SIGNATURE,
    NGX_FLASK_STATE_EXPIRED,
    NGX_FLASK_STATE_MALFORMED_TIMESTAMP,
    NGX_FLASK_STATE_OPENED,
    NGX_FLASK_STATE_BAD_PAYLOAD,
    NGX_FLASK_STATE_ERROR
} ngx_http_flask_state_e;

static ngx_str_t ngx_http_flask_state_names[] = {
    ngx_string("no_cookie"),
    ngx_string("bad_signature"),
    ngx_string("expired"),
    ngx_string("malformed_timestamp"),
    ngx_string("opened"),
    ngx_string("bad_payload"),
    ngx_string("error")
};


typedef struct {
    ngx_array_t                *key_buffers;   /* ngx_str_t: wiped in postconfiguration */
} ngx_http_flask_main_conf_t;


typedef struct {
    ngx_str_t                   secret_key;     /* file contents; wiped after configuration */
    ngx_array_t                *fallback_keys;  /* ngx_str_t, oldest first */
    ngx_str_t                   cookie_name;
    ngx_str_t                   cookie_domain;  /* empty: none */
    ngx_str_t                   cookie_path;
    ngx_str_t                   cookie_samesite; /* empty: none */
    ngx_flag_t                  cookie_secure;
    ngx_flag_t                  cookie_httponly;
    ngx_flag_t                  cookie_partitioned;
    time_t                      lifetime;
    ngx_uint_t                  require;       /* NGX_FLASK_REQUIRE_* */
    ngx_str_t                   require_key;
    ngx_http_complex_value_t   *require_redirect;
    ngx_flag_t                  refresh;
    ngx_uint_t                  set_here;      /* any cookie or key directive in this block */

    flask_cookie_codec         *codec;         /* signature checks */
#if (NGX_FLASK_SESSION_API)
    flask_cookie_session_config *sconf;
#endif
} ngx_http_flask_loc_conf_t;


#define NGX_FLASK_REQUIRE_OFF        0
#define NGX_FLASK_REQUIRE_ON         1
#define NGX_FLASK_REQUIRE_SIGNATURE  2

static ngx_conf_enum_t  ngx_http_flask_require_modes[] = {
    { ngx_string("off"), NGX_FLASK_REQUIRE_OFF },
    { ngx_string("on"), NGX_FLASK_REQUIRE_ON },
    { ngx_string("signature"), NGX_FLASK_REQUIRE_SIGNATURE },
    { ngx_null_string, 0 }
};


typedef struct {
    ngx_http_flask_state_e      state;
#if (NGX_FLASK_SESSION_API)
    flask_cookie_session       *session;
#endif
} ngx_http_flask_ctx_t;


static ngx_http_flask_state_e ngx_http_flask_state_of(flask_cookie_result rc);
static ngx_int_t ngx_http_flask_add_variables(ngx_conf_t *cf);
static ngx_int_t ngx_http_flask_init(ngx_conf_t *cf);
static void *ngx_http_flask_create_main_conf(ngx_conf_t *cf);
static void *ngx_http_flask_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_flask_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);
static char *ngx_http_flask_key_file(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_flask_domain(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_flask_samesite(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_flask_set_flag(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_flask_set_str(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_flask_set_sec(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);


static ngx_command_t  ngx_http_flask_commands[] = {

    { ngx_string("flask_session_secret_key_file"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_flask_key_file,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("flask_session_fallback_key_file"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_flask_key_file,
      NGX_HTTP_LOC_CONF_OFFSET,
      1,
      NULL },

    { ngx_string("flask_session_cookie_name"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_flask_set_str,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_flask_loc_conf_t, cookie_name),
      NULL },

    { ngx_string("flask_session_cookie_domain"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_flask_domain,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("flask_session_cookie_path"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_flask_set_str,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_flask_loc_conf_t, cookie_path),
      NULL },

    { ngx_string("flask_session_cookie_secure"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_http_flask_set_flag,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_flask_loc_conf_t, cookie_secure),
      NULL },

    { ngx_string("flask_session_cookie_httponly"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_http_flask_set_flag,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_flask_loc_conf_t, cookie_httponly),
      NULL },

    { ngx_string("flask_session_cookie_partitioned"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_http_flask_set_flag,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_flask_loc_conf_t, cookie_partitioned),
      NULL },

    { ngx_string("flask_session_cookie_samesite"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_flask_samesite,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("flask_session_lifetime"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_flask_set_sec,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_flask_loc_conf_t, lifetime),
      NULL },

    { ngx_string("flask_session_require"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_enum_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_flask_loc_conf_t, require),
      &ngx_http_flask_require_modes },

    { ngx_string("flask_session_require_key"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_flask_loc_conf_t, require_key),
      NULL },

    { ngx_string("flask_session_require_redirect"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_set_complex_value_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_flask_loc_conf_t, require_redirect),
      NULL },

    { ngx_string("flask_session_refresh"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_flask_loc_conf_t, refresh),
      NULL },

      ngx_null_command
};


static ngx_http_module_t  ngx_http_flask_session_module_ctx = {
    ngx_http_flask_add_variables,          /* preconfiguration */
    ngx_http_flask_init,                   /* postconfiguration */

    ngx_http_flask_create_main_conf,       /* create main configuration */
    NULL,                                  /* init main configuration */

    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */

    ngx_http_flask_create_loc_conf,        /* create location configuration */
    ngx_http_flask_merge_loc_conf          /* merge location configuration */
};


ngx_module_t  ngx_http_flask_session_module = {
    NGX_MODULE_V1,
    &ngx_http_flask_session_module_ctx,    /* module context */
    ngx_http_flask_commands,               /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    NULL,                                  /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    NULL,                                  /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


static ngx_http_output_header_filter_pt  ngx_http_next_header_filter;


/* ---- configuration --------------------------------------------------------------------- */

static void *
ngx_http_flask_create_main_conf(ngx_conf_t *cf)
{
    ngx_http_flask_main_conf_t  *mcf;

    mcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_flask_main_conf_t));
    if (mcf == NULL) {
        return NULL;
    }

    mcf->key_buffers = ngx_array_create(cf->pool, 4, sizeof(ngx_str_t));
    if (mcf->key_buffers == NULL) {
        return NULL;
    }

    return mcf;
}


static void *
ngx_http_flask_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_flask_loc_conf_t  *conf;

    conf = ngx_pcalloc(cf->pool, sizeof(ngx_http_flask_loc_conf_t));
    if (conf == NULL) {
        return NULL;
    }

    /* set by ngx_pcalloc: secret_key, cookie_*, require_key = { 0, NULL }; sconf = NULL;
     * set_here = 0 */
    conf->fallback_keys = NGX_CONF_UNSET_PTR;
    conf->cookie_secure = NGX_CONF_UNSET;
    conf->cookie_httponly = NGX_CONF_UNSET;
    conf->cookie_partitioned = NGX_CONF_UNSET;
    conf->lifetime = NGX_CONF_UNSET;
    conf->require = NGX_CONF_UNSET_UINT;
    conf->require_redirect = NGX_CONF_UNSET_PTR;
    conf->refresh = NGX_CONF_UNSET;

    return conf;
}


/* Marks that a key or cookie option was set in this block, so that its library configuration
 * is built here rather than inherited. */
static char *
ngx_http_flask_set_flag(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ((ngx_http_flask_loc_conf_t *) conf)->set_here = 1;
    return ngx_conf_set_flag_slot(cf, cmd, conf);
}


static char *
ngx_http_flask_set_str(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_str_t  *value;

    value = cf->args->elts;
    if (value[1].len == 0) {
        return "must not be empty";
    }

    ((ngx_http_flask_loc_conf_t *) conf)->set_here = 1;
    return ngx_conf_set_str_slot(cf, cmd, conf);
}


static char *
ngx_http_flask_set_sec(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ((ngx_http_flask_loc_conf_t *) conf)->set_here = 1;
    return ngx_conf_set_sec_slot(cf, cmd, conf);
}


static char *
ngx_http_flask_domain(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_flask_loc_conf_t *flcf = conf;
    ngx_str_t                 *value;

    if (flcf->cookie_domain.data != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;
    flcf->set_here = 1;

    if (ngx_strcmp(value[1].data, "off") == 0) {
        ngx_str_set(&flcf->cookie_domain, "");
        return NGX_CONF_OK;
    }

    flcf->cookie_domain = value[1];
    return NGX_CONF_OK;
}


static char *
ngx_http_flask_samesite(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_flask_loc_conf_t *flcf = conf;
    ngx_str_t                 *value;

    if (flcf->cookie_samesite.data != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;
    flcf->set_here = 1;

    if (ngx_strcmp(value[1].data, "off") == 0) {
        ngx_str_set(&flcf->cookie_samesite, "");
        return NGX_CONF_OK;
    }

    /* Flask writes SESSION_COOKIE_SAMESITE as given; Werkzeug accepts Strict, Lax and None
     * in any case and writes them capitalised. */
    if (ngx_strcasecmp(value[1].data, (u_char *) "Strict") != 0
        && ngx_strcasecmp(value[1].data, (u_char *) "Lax") != 0
        && ngx_strcasecmp(value[1].data, (u_char *) "None") != 0)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid value \"%V\": Strict, Lax, None or off",
                           &value[1]);
        return NGX_CONF_ERROR;
    }

    flcf->cookie_samesite = value[1];
    return NGX_CONF_OK;
}


/* flask_session_secret_key_file / flask_session_fallback_key_file: reads the file now (as
 * the master, before privileges are dropped). One trailing "\n" or "\r\n" is removed, as a
 * file written by `echo` or `print` ends with one; the rest is the key's bytes, as Flask
 * encodes a str SECRET_KEY (UTF-8). */
static char *
ngx_http_flask_key_file(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_flask_loc_conf_t   *flcf = conf;
    ngx_http_flask_main_conf_t  *mcf;
    ngx_str_t                   *value, name, *key, *kept;
    ngx_file_t                   file;
    ngx_file_info_t              fi;
    ssize_t                      n;
    size_t                       size;
    u_char                      *buf;
    char                        *rv;

    value = cf->args->elts;
    name = value[1];

    if (cmd->offset == 0 && flcf->secret_key.data != NULL) {
        return "is duplicate";
    }

    if (ngx_conf_full_name(cf->cycle, &name, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(&file, sizeof(ngx_file_t));
    file.name = name;
    file.log = cf->log;
    file.fd = ngx_open_file(name.data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);

    if (file.fd == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           ngx_open_file_n " \"%V\" failed", &name);
        return NGX_CONF_ERROR;
    }

    rv = NGX_CONF_ERROR;
    buf = NULL;
    size = 0;

    if (ngx_fd_info(file.fd, &fi) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           ngx_fd_info_n " \"%V\" failed", &name);
        goto done;
    }

    size = (size_t) ngx_file_size(&fi);
    if (size == 0 || size > 65536) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "key file \"%V\" must hold 1 to 65536 bytes", &name);
        goto done;
    }

    buf = ngx_pnalloc(cf->pool, size);
    if (buf == NULL) {
        goto done;
    }

    n = ngx_read_file(&file, buf, size, 0);
    if (n == NGX_ERROR) {
        goto done;
    }

    if ((size_t) n != size) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "key file \"%V\": read %z of %uz bytes", &name, n, size);
        goto done;
    }

    mcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_flask_session_module);
    kept = ngx_array_push(mcf->key_buffers);
    if (kept == NULL) {
        goto done;
    }
    kept->data = buf;
    kept->len = size;

    if (size > 0 && buf[size - 1] == '\n') {
        size--;
        if (size > 0 && buf[size - 1] == '\r') {
            size--;
        }
    }

    if (size == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "key file \"%V\" holds an empty key", &name);
        goto done;
    }

    if (cmd->offset == 0) {
        key = &flcf->secret_key;

    } else {
        if (flcf->fallback_keys == NGX_CONF_UNSET_PTR) {
            flcf->fallback_keys = ngx_array_create(cf->pool, 2, sizeof(ngx_str_t));
            if (flcf->fallback_keys == NULL) {
                goto done;
            }
        }

        key = ngx_array_push(flcf->fallback_keys);
        if (key == NULL) {
            goto done;
        }
    }

    key->data = buf;
    key->len = size;
    flcf->set_here = 1;
    buf = NULL;
    rv = NGX_CONF_OK;

done:

    if (buf != NULL) {
        ngx_explicit_memzero(buf, size);
    }

    if (ngx_close_file(file.fd) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_ALERT, cf, ngx_errno,
                           ngx_close_file_n " \"%V\" failed", &name);
    }

    return rv;
}


static void
ngx_http_flask_log_result(ngx_conf_t *cf, const char *what, flask_cookie_result rc)
{
    u_char  msg[256];
    size_t  len;

    len = flask_cookie_last_error(msg, sizeof(msg));
    if (len > sizeof(msg)) {
        len = sizeof(msg);
    }

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "flask_session: %s: %s (%*s)", what,
                       flask_cookie_result_message(rc), len, msg);
}


#if (NGX_FLASK_SESSION_API)

static void
ngx_http_flask_free_sconf(void *data)
{
    flask_cookie_session_config_free(data);
}

#endif


static void
ngx_http_flask_free_codec(void *data)
{
    flask_cookie_codec_free(data);
}


/* Builds the library configuration of one block. */
static ngx_int_t
ngx_http_flask_build(ngx_conf_t *cf, ngx_http_flask_loc_conf_t *conf)
{
    flask_cookie_config   *config;
    flask_cookie_slice    *keys;
    ngx_str_t             *fb;
    ngx_uint_t             i, n;
    flask_cookie_result    rc;
    ngx_pool_cleanup_t    *cln;
    flask_cookie_codec            *codec;
#if (NGX_FLASK_SESSION_API)
    flask_cookie_session_builder  *b;
    flask_cookie_session_config   *sconf;
#endif

    n = 1 + (conf->fallback_keys == NULL ? 0 : conf->fallback_keys->nelts);
    keys = ngx_pcalloc(cf->pool, n * sizeof(flask_cookie_slice));
    if (keys == NULL) {
        return NGX_ERROR;
    }

    /* Oldest first, as [*SECRET_KEY_FALLBACKS, SECRET_KEY]. */
    i = 0;
    if (conf->fallback_keys != NULL) {
        fb = conf->fallback_keys->elts;
        for ( /* void */ ; i < conf->fallback_keys->nelts; i++) {
            keys[i].data = fb[i].data;
            keys[i].len = fb[i].len;
        }
    }
    keys[i].data = conf->secret_key.data;
    keys[i].len = conf->secret_key.len;

    config = NULL;
    rc = flask_cookie_config_new(FLASK_COOKIE_PRESET_FLASK, &config);
    if (rc == FLASK_COOKIE_RESULT_OK) {
        rc = flask_cookie_config_set_keys(config, keys, n);
    }
    if (rc == FLASK_COOKIE_RESULT_OK) {
        rc = flask_cookie_config_set_max_age(config, (uint64_t) conf->lifetime);
    }

    ngx_explicit_memzero(keys, n * sizeof(flask_cookie_slice));

    if (rc != FLASK_COOKIE_RESULT_OK) {
        ngx_http_flask_log_result(cf, "configuration", rc);
        flask_cookie_config_free(config);
        return NGX_ERROR;
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        flask_cookie_config_free(config);
        return NGX_ERROR;
    }

    codec = NULL;
    rc = flask_cookie_codec_new(config, &codec);
    if (rc != FLASK_COOKIE_RESULT_OK) {
        ngx_http_flask_log_result(cf, "codec", rc);
        flask_cookie_config_free(config);
        return NGX_ERROR;
    }

    cln->handler = ngx_http_flask_free_codec;
    cln->data = codec;
    conf->codec = codec;

#if (NGX_FLASK_SESSION_API)

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        flask_cookie_config_free(config);
        return NGX_ERROR;
    }

    b = NULL;
    rc = flask_cookie_session_builder_new(config, &b);
    flask_cookie_config_free(config);

#define NGX_FLASK_TRY(call)  if (rc == FLASK_COOKIE_RESULT_OK) { rc = (call); }

    NGX_FLASK_TRY(flask_cookie_session_builder_set_cookie_name(b,
                      conf->cookie_name.data, conf->cookie_name.len));
    if (conf->cookie_domain.len) {
        NGX_FLASK_TRY(flask_cookie_session_builder_set_domain(b,
                          conf->cookie_domain.data, conf->cookie_domain.len));
    }
    NGX_FLASK_TRY(flask_cookie_session_builder_set_path(b,
                      conf->cookie_path.data, conf->cookie_path.len));
    NGX_FLASK_TRY(flask_cookie_session_builder_set_httponly(b,
                      conf->cookie_httponly ? true : false));
    NGX_FLASK_TRY(flask_cookie_session_builder_set_secure(b,
                      conf->cookie_secure ? true : false));
    if (conf->cookie_samesite.len) {
        NGX_FLASK_TRY(flask_cookie_session_builder_set_samesite(b,
                          conf->cookie_samesite.data, conf->cookie_samesite.len));
    }
    NGX_FLASK_TRY(flask_cookie_session_builder_set_partitioned(b,
                      conf->cookie_partitioned ? true : false));
    NGX_FLASK_TRY(flask_cookie_session_builder_set_lifetime(b,
                      (uint64_t) conf->lifetime));
    NGX_FLASK_TRY(flask_cookie_session_builder_set_refresh_each_request(b, true));

    sconf = NULL;
    NGX_FLASK_TRY(flask_cookie_session_builder_build(b, &sconf));

#undef NGX_FLASK_TRY

    flask_cookie_session_builder_free(b);

    if (rc != FLASK_COOKIE_RESULT_OK) {
        ngx_http_flask_log_result(cf, "session configuration", rc);
        cln->handler = NULL;
        return NGX_ERROR;
    }

    cln->handler = ngx_http_flask_free_sconf;
    cln->data = sconf;
    conf->sconf = sconf;

#else

    flask_cookie_config_free(config);

#endif

    return NGX_OK;
}


static char *
ngx_http_flask_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_flask_loc_conf_t *prev = parent;
    ngx_http_flask_loc_conf_t *conf = child;

    ngx_conf_merge_str_value(conf->secret_key, prev->secret_key, "");
    ngx_conf_merge_ptr_value(conf->fallback_keys, prev->fallback_keys, NULL);
    ngx_conf_merge_str_value(conf->cookie_name, prev->cookie_name, "session");
    ngx_conf_merge_str_value(conf->cookie_domain, prev->cookie_domain, "");
    ngx_conf_merge_str_value(conf->cookie_path, prev->cookie_path, "/");
    ngx_conf_merge_str_value(conf->cookie_samesite, prev->cookie_samesite, "");
    ngx_conf_merge_value(conf->cookie_secure, prev->cookie_secure, 0);
    ngx_conf_merge_value(conf->cookie_httponly, prev->cookie_httponly, 1);
    ngx_conf_merge_value(conf->cookie_partitioned, prev->cookie_partitioned, 0);
    /* Flask's PERMANENT_SESSION_LIFETIME: 31 days. */
    ngx_conf_merge_sec_value(conf->lifetime, prev->lifetime, 2678400);
    ngx_conf_merge_uint_value(conf->require, prev->require, NGX_FLASK_REQUIRE_OFF);
    ngx_conf_merge_str_value(conf->require_key, prev->require_key, "");
    ngx_conf_merge_ptr_value(conf->require_redirect, prev->require_redirect, NULL);
    ngx_conf_merge_value(conf->refresh, prev->refresh, 0);

    if (conf->fallback_keys != NULL && conf->secret_key.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "flask_session_fallback_key_file needs "
                           "flask_session_secret_key_file");
        return NGX_CONF_ERROR;
    }

    if ((conf->require || conf->refresh) && conf->secret_key.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "flask_session_require and flask_session_refresh need "
                           "flask_session_secret_key_file");
        return NGX_CONF_ERROR;
    }

#if !(NGX_FLASK_SESSION_API)
    if (conf->refresh || conf->require_key.len) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "flask_session_refresh and flask_session_require_key need a "
                           "libflask_cookie with the session API");
        return NGX_CONF_ERROR;
    }
#endif

    if (conf->secret_key.len == 0) {
        return NGX_CONF_OK;
    }

    if (!conf->set_here && prev->codec != NULL) {
        conf->codec = prev->codec;
#if (NGX_FLASK_SESSION_API)
        conf->sconf = prev->sconf;
#endif
        return NGX_CONF_OK;
    }

    if (ngx_http_flask_build(cf, conf) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    /* The parent's own merge happens after its children's only for the http block's
     * children; the built configuration is kept for blocks below that set nothing new. */
    return NGX_CONF_OK;
}


/* ---- per request ------------------------------------------------------------------------ */

#if (NGX_FLASK_SESSION_API)

static void
ngx_http_flask_free_session(void *data)
{
    flask_cookie_session_free(data);
}

#endif


static ngx_int_t
ngx_http_flask_collect_cookies(ngx_http_request_t *r, flask_cookie_slice **out,
    size_t *n_out)
{
    flask_cookie_slice  *s;
    size_t               n;
#if defined(nginx_version) && nginx_version >= 1023000
    ngx_table_elt_t     *h;

    n = 0;
    for (h = r->headers_in.cookie; h; h = h->next) {
        n++;
    }

    s = n ? ngx_palloc(r->pool, n * sizeof(flask_cookie_slice)) : NULL;
    if (n && s == NULL) {
        return NGX_ERROR;
    }

    n = 0;
    for (h = r->headers_in.cookie; h; h = h->next) {
        s[n].data = h->value.data;
        s[n].len = h->value.len;
        n++;
    }
#else
    ngx_table_elt_t    **h;
    ngx_uint_t           i;

    h = r->headers_in.cookies.elts;
    n = r->headers_in.cookies.nelts;

    s = n ? ngx_palloc(r->pool, n * sizeof(flask_cookie_slice)) : NULL;
    if (n && s == NULL) {
        return NGX_ERROR;
    }

    for (i = 0; i < n; i++) {
        s[i].data = h[i]->value.data;
        s[i].len = h[i]->value.len;
    }
#endif

    *out = s;
    *n_out = n;
    return NGX_OK;
}


#if !(NGX_FLASK_SESSION_API)

/* Codec-only subset: the first `name=value` pair of the Cookie headers, split on ';' with
 * surrounding spaces removed and a double-quoted value unquoted without escapes. An
 * approximation of Werkzeug's parse_cookie, replaced by flask_cookie_session_find_cookie. */
static ngx_int_t
ngx_http_flask_find_cookie(ngx_str_t *name, flask_cookie_slice *h, size_t n,
    ngx_str_t *value)
{
    size_t   i;
    u_char  *p, *end, *k, *ke, *v, *ve;

    for (i = 0; i < n; i++) {
        p = (u_char *) h[i].data;
        end = p + h[i].len;

        while (p < end) {
            while (p < end && (*p == ' ' || *p == '\t' || *p == ';')) {
                p++;
            }
            k = p;
            while (p < end && *p != '=' && *p != ';') {
                p++;
            }
            ke = p;
            while (ke > k && (ke[-1] == ' ' || ke[-1] == '\t')) {
                ke--;
            }
            v = ve = p;
            if (p < end && *p == '=') {
                p++;
                while (p < end && (*p == ' ' || *p == '\t')) {
                    p++;
                }
                v = p;
                while (p < end && *p != ';') {
                    p++;
                }
                ve = p;
                while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t')) {
                    ve--;
                }
                if (ve - v >= 2 && *v == '"' && ve[-1] == '"') {
                    v++;
                    ve--;
                }
            }

            if ((size_t) (ke - k) == name->len
                && ngx_strncmp(k, name->data, name->len) == 0)
            {
                value->data = v;
                value->len = ve - v;
                return NGX_OK;
            }
        }
    }

    return NGX_DECLINED;
}

#endif


/* Opens the session of the main request once; the later calls return the same context. */
static ngx_http_flask_ctx_t *
ngx_http_flask_get_ctx(ngx_http_request_t *r, ngx_http_flask_loc_conf_t *flcf)
{
    ngx_http_request_t    *mr;
    ngx_http_flask_ctx_t  *ctx;
    flask_cookie_slice    *headers;
    size_t                 n;
    flask_cookie_result    rc;
#if (NGX_FLASK_SESSION_API)
    uint32_t               state;
    flask_cookie_session  *session;
    ngx_pool_cleanup_t    *cln;
#else
    ngx_str_t              value;
    flask_cookie_buf       json;
#endif

    mr = r->main;
    ctx = ngx_http_get_module_ctx(mr, ngx_http_flask_session_module);
    if (ctx != NULL) {
        return ctx;
    }

    ctx = ngx_pcalloc(mr->pool, sizeof(ngx_http_flask_ctx_t));
    if (ctx == NULL) {
        return NULL;
    }

    ctx->state = NGX_FLASK_STATE_ERROR;

    if (ngx_http_flask_collect_cookies(mr, &headers, &n) != NGX_OK) {
        return NULL;
    }

#if (NGX_FLASK_SESSION_API)

    cln = ngx_pool_cleanup_add(mr->pool, 0);
    if (cln == NULL) {
        return NULL;
    }

    state = 0;
    session = NULL;
    rc = flask_cookie_session_open(flcf->sconf, headers, n, (uint64_t) ngx_time(),
                                   &state, &session, NULL);

    if (rc == FLASK_COOKIE_RESULT_OK) {
        cln->handler = ngx_http_flask_free_session;
        cln->data = session;
        ctx->session = session;

        switch (state) {
        case FLASK_COOKIE_SESSION_STATE_NO_COOKIE:
            ctx->state = NGX_FLASK_STATE_NO_COOKIE;
            break;
        case FLASK_COOKIE_SESSION_STATE_NEW_BAD_SIGNATURE:
            ctx->state = NGX_FLASK_STATE_BAD_SIGNATURE;
            break;
        case FLASK_COOKIE_SESSION_STATE_NEW_EXPIRED:
            ctx->state = NGX_FLASK_STATE_EXPIRED;
            break;
        case FLASK_COOKIE_SESSION_STATE_NEW_MALFORMED_TIMESTAMP:
            ctx->state = NGX_FLASK_STATE_MALFORMED_TIMESTAMP;
            break;
        case FLASK_COOKIE_SESSION_STATE_OPENED:
            ctx->state = NGX_FLASK_STATE_OPENED;
            break;
        default:
            ctx->state = NGX_FLASK_STATE_ERROR;
        }

    } else if (ngx_http_flask_state_of(rc) == NGX_FLASK_STATE_BAD_PAYLOAD) {
        ctx->state = NGX_FLASK_STATE_BAD_PAYLOAD;

    } else {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "flask_session: open: %s", flask_cookie_result_message(rc));
    }

#else

    if (ngx_http_flask_find_cookie(&flcf->cookie_name, headers, n, &value)
        != NGX_OK)
    {
        ctx->state = NGX_FLASK_STATE_NO_COOKIE;

    } else {
        json.data = NULL;
        json.len = 0;
        rc = flask_cookie_open(flcf->codec, value.data, value.len,
                               (uint64_t) ngx_time(), &json, NULL);
        flask_cookie_buf_free(&json);

        ctx->state = ngx_http_flask_state_of(rc);
        if (ctx->state == NGX_FLASK_STATE_ERROR) {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "flask_session: open: %s", flask_cookie_result_message(rc));
        }
    }

#endif

    ngx_http_set_ctx(mr, ctx, ngx_http_flask_session_module);
    return ctx;
}


#if (NGX_FLASK_SESSION_API)

/* A top-level value into request-pool memory: a string as its UTF-8 bytes (refused when it
 * holds a control character, which a header cannot carry), anything else as its tagged JSON
 * text (ASCII: Flask's ensure_ascii). */
static ngx_int_t
ngx_http_flask_value(ngx_http_request_t *r, flask_cookie_session *s, ngx_str_t *key,
    ngx_str_t *out)
{
    u_char               *buf;
    size_t                len, i;
    flask_cookie_result   rc;
    ngx_uint_t            is_str;

    is_str = 1;
    len = 0;
    buf = ngx_pnalloc(r->pool, NGX_FLASK_FIRST_BUF);
    if (buf == NULL) {
        return NGX_ERROR;
    }

    rc = flask_cookie_session_get_str_into(s, key->data, key->len, buf,
                                           NGX_FLASK_FIRST_BUF, &len);
    if (rc == FLASK_COOKIE_RESULT_WRONG_TYPE || rc == FLASK_COOKIE_RESULT_STR_NOT_UTF8) {
        is_str = 0;
        rc = flask_cookie_session_get_json_into(s, key->data, key->len, buf,
                                                NGX_FLASK_FIRST_BUF, &len);
    }

    if (rc == FLASK_COOKIE_RESULT_BUFFER_TOO_SMALL) {
        buf = ngx_pnalloc(r->pool, len);
        if (buf == NULL) {
            return NGX_ERROR;
        }
        if (is_str) {
            rc = flask_cookie_session_get_str_into(s, key->data, key->len, buf, len, &len);
        } else {
            rc = flask_cookie_session_get_json_into(s, key->data, key->len, buf, len, &len);
        }
    }

    if (rc == FLASK_COOKIE_RESULT_KEY_NOT_FOUND) {
        return NGX_DECLINED;
    }

    if (rc != FLASK_COOKIE_RESULT_OK) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "flask_session: reading key \"%V\": %s", key,
                      flask_cookie_result_message(rc));
        return NGX_DECLINED;
    }

    if (is_str) {
        for (i = 0; i < len; i++) {
            if (buf[i] < 0x20 || buf[i] == 0x7f) {
                ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                              "flask_session: key \"%V\" holds a control character: "
                              "its variable is left empty", key);
                return NGX_DECLINED;
            }
        }
    }

    out->data = buf;
    out->len = len;
    return NGX_OK;
}

#endif


/* The state for a codec result (flask_cookie_open / flask_cookie_verify). */
static ngx_http_flask_state_e
ngx_http_flask_state_of(flask_cookie_result rc)
{
    switch (rc) {
    case FLASK_COOKIE_RESULT_OK:
        return NGX_FLASK_STATE_OPENED;
    case FLASK_COOKIE_RESULT_EXPIRED:
        return NGX_FLASK_STATE_EXPIRED;
    case FLASK_COOKIE_RESULT_MALFORMED_TIMESTAMP:
        return NGX_FLASK_STATE_MALFORMED_TIMESTAMP;
    default:
        if (flask_cookie_result_is_bad_signature(rc)) {
            return NGX_FLASK_STATE_BAD_SIGNATURE;
        }
        /* Validly signed, but Flask answers 500: BAD_PAYLOAD_* (400-499),
         * TIMESTAMP_OUT_OF_RANGE (600), SESSION_NOT_A_DICT (800), SESSION_NON_TEXT_KEY
         * (801). */
        if ((rc >= 400 && rc < 500) || rc == 600 || rc == 800 || rc == 801) {
            return NGX_FLASK_STATE_BAD_PAYLOAD;
        }
        return NGX_FLASK_STATE_ERROR;
    }
}


/* flask_session_require signature: the signature and age only (flask_cookie_verify: one
 * HMAC, no decoding, no allocation on the codec-only path). A session already opened for this
 * request gives its exact state. */
static ngx_http_flask_state_e
ngx_http_flask_verify_state(ngx_http_request_t *r, ngx_http_flask_loc_conf_t *flcf)
{
    ngx_http_flask_ctx_t  *ctx;
    flask_cookie_slice    *headers;
    size_t                 n;
    flask_cookie_result    rc;
    ngx_str_t              value;
#if (NGX_FLASK_SESSION_API)
    bool                   found;
    size_t                 i;
#endif

    ctx = ngx_http_get_module_ctx(r->main, ngx_http_flask_session_module);
    if (ctx != NULL) {
        return ctx->state;
    }

    if (ngx_http_flask_collect_cookies(r->main, &headers, &n) != NGX_OK) {
        return NGX_FLASK_STATE_ERROR;
    }

#if (NGX_FLASK_SESSION_API)
    /* The value is never longer than the headers it comes from. */
    value.len = 0;
    for (i = 0; i < n; i++) {
        value.len += headers[i].len + 2;
    }
    value.data = ngx_pnalloc(r->pool, value.len);
    if (value.data == NULL) {
        return NGX_FLASK_STATE_ERROR;
    }
    found = false;
    rc = flask_cookie_session_find_cookie_into(flcf->sconf, headers, n, value.data,
                                               value.len, &value.len, &found);
    if (rc != FLASK_COOKIE_RESULT_OK) {
        return NGX_FLASK_STATE_ERROR;
    }
    if (value.len == 0) {
        return NGX_FLASK_STATE_NO_COOKIE;
    }
    rc = flask_cookie_verify(flcf->codec, value.data, value.len, (uint64_t) ngx_time(),
                             NULL);
#else
    if (ngx_http_flask_find_cookie(&flcf->cookie_name, headers, n, &value) != NGX_OK
        || value.len == 0)
    {
        return NGX_FLASK_STATE_NO_COOKIE;
    }
    rc = flask_cookie_verify(flcf->codec, value.data, value.len, (uint64_t) ngx_time(),
                             NULL);
#endif

    return ngx_http_flask_state_of(rc);
}


/* ---- access phase: flask_session_require ------------------------------------------------ */

static ngx_int_t
ngx_http_flask_access_handler(ngx_http_request_t *r)
{
    ngx_http_flask_loc_conf_t  *flcf;
    ngx_http_flask_ctx_t       *ctx;
    ngx_http_flask_state_e      state;
    ngx_str_t                   url;
    ngx_table_elt_t            *location;
#if (NGX_FLASK_SESSION_API)
    bool                        found;
#endif

    flcf = ngx_http_get_module_loc_conf(r, ngx_http_flask_session_module);

    if (flcf->require == NGX_FLASK_REQUIRE_OFF || r != r->main) {
        return NGX_DECLINED;
    }

    if (flcf->require == NGX_FLASK_REQUIRE_SIGNATURE && flcf->require_key.len == 0) {
        state = ngx_http_flask_verify_state(r, flcf);
        ctx = NULL;

    } else {
        ctx = ngx_http_flask_get_ctx(r, flcf);
        if (ctx == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
        state = ctx->state;
    }

    if (state == NGX_FLASK_STATE_BAD_PAYLOAD || state == NGX_FLASK_STATE_ERROR) {
        /* Flask answers a validly signed cookie it cannot decode with a 500. */
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (state == NGX_FLASK_STATE_OPENED && ctx == NULL) {
        return NGX_OK;
    }

    if (state == NGX_FLASK_STATE_OPENED) {
#if (NGX_FLASK_SESSION_API)
        if (flcf->require_key.len == 0) {
            return NGX_OK;
        }

        /* `key in session` (sets `accessed`, as Flask's session.get would). */
        found = false;
        if (flask_cookie_session_contains(ctx->session, flcf->require_key.data,
                                          flcf->require_key.len, &found)
            != FLASK_COOKIE_RESULT_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
        if (found) {
            return NGX_OK;
        }
#else
        return NGX_OK;
#endif
    }

    if (flcf->require_redirect == NULL) {
        return NGX_HTTP_UNAUTHORIZED;
    }

    if (ngx_http_complex_value(r, flcf->require_redirect, &url) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_http_clear_location(r);

    location = ngx_list_push(&r->headers_out.headers);
    if (location == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    location->hash = 1;
#if defined(nginx_version) && nginx_version >= 1023000
    location->next = NULL;
#endif
    ngx_str_set(&location->key, "Location");
    location->value = url;
    r->headers_out.location = location;

    return NGX_HTTP_MOVED_TEMPORARILY;
}


/* ---- header filter: flask_session_refresh ----------------------------------------------- */

#if (NGX_FLASK_SESSION_API)

static ngx_int_t
ngx_http_flask_response_sets_cookie(ngx_http_request_t *r, ngx_str_t *name)
{
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;
    ngx_uint_t        i;

    part = &r->headers_out.headers.part;
    h = part->elts;

    for (i = 0; /* void */ ; i++) {
        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }
            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (h[i].hash == 0) {
            continue;
        }

        if (h[i].key.len == sizeof("Set-Cookie") - 1
            && ngx_strncasecmp(h[i].key.data, (u_char *) "Set-Cookie",
                               sizeof("Set-Cookie") - 1) == 0
            && h[i].value.len > name->len
            && ngx_strncmp(h[i].value.data, name->data, name->len) == 0
            && h[i].value.data[name->len] == '=')
        {
            return 1;
        }
    }

    return 0;
}


static ngx_int_t
ngx_http_flask_response_varies_on_cookie(ngx_http_request_t *r)
{
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;
    ngx_uint_t        i;

    part = &r->headers_out.headers.part;
    h = part->elts;

    for (i = 0; /* void */ ; i++) {
        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }
            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (h[i].hash == 0) {
            continue;
        }

        if (h[i].key.len == sizeof("Vary") - 1
            && ngx_strncasecmp(h[i].key.data, (u_char *) "Vary", sizeof("Vary") - 1) == 0
            && ngx_strlcasestrn(h[i].value.data, h[i].value.data + h[i].value.len,
                                (u_char *) "cookie", sizeof("cookie") - 2) != NULL)
        {
            return 1;
        }
    }

    return 0;
}


static ngx_int_t
ngx_http_flask_header_filter(ngx_http_request_t *r)
{
    ngx_http_flask_loc_conf_t  *flcf;
    ngx_http_flask_ctx_t       *ctx;
    ngx_table_elt_t            *h;
    flask_cookie_result         rc;
    uint32_t                    action;
    bool                        vary;
    u_char                     *buf;
    size_t                      len;

    flcf = ngx_http_get_module_loc_conf(r, ngx_http_flask_session_module);

    if (!flcf->refresh || r != r->main || flcf->sconf == NULL) {
        return ngx_http_next_header_filter(r);
    }

    if (ngx_http_flask_response_sets_cookie(r, &flcf->cookie_name)) {
        /* The upstream (Flask itself) decided. */
        return ngx_http_next_header_filter(r);
    }

    ctx = ngx_http_flask_get_ctx(r, flcf);
    if (ctx == NULL || ctx->session == NULL) {
        return ngx_http_next_header_filter(r);
    }

    action = 0;
    vary = false;
    len = 0;
    buf = ngx_pnalloc(r->pool, NGX_FLASK_FIRST_BUF * 4);
    if (buf == NULL) {
        return NGX_ERROR;
    }

    rc = flask_cookie_session_save_into(flcf->sconf, ctx->session, (uint64_t) ngx_time(),
                                        &action, buf, NGX_FLASK_FIRST_BUF * 4, &len, &vary);
    if (rc == FLASK_COOKIE_RESULT_BUFFER_TOO_SMALL) {
        buf = ngx_pnalloc(r->pool, len);
        if (buf == NULL) {
            return NGX_ERROR;
        }
        rc = flask_cookie_session_save_into(flcf->sconf, ctx->session,
                                            (uint64_t) ngx_time(), &action, buf, len,
                                            &len, &vary);
    }

    if (rc != FLASK_COOKIE_RESULT_OK) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "flask_session: save: %s", flask_cookie_result_message(rc));
        return ngx_http_next_header_filter(r);
    }

    if (action == FLASK_COOKIE_SAVE_ACTION_SET || action == FLASK_COOKIE_SAVE_ACTION_DELETE) {
        h = ngx_list_push(&r->headers_out.headers);
        if (h == NULL) {
            return NGX_ERROR;
        }
        h->hash = 1;
#if defined(nginx_version) && nginx_version >= 1023000
        h->next = NULL;
#endif
        ngx_str_set(&h->key, "Set-Cookie");
        h->value.data = buf;
        h->value.len = len;
    }

    if (vary && !ngx_http_flask_response_varies_on_cookie(r)) {
        h = ngx_list_push(&r->headers_out.headers);
        if (h == NULL) {
            return NGX_ERROR;
        }
        h->hash = 1;
#if defined(nginx_version) && nginx_version >= 1023000
        h->next = NULL;
#endif
        ngx_str_set(&h->key, "Vary");
        ngx_str_set(&h->value, "Cookie");
    }

    return ngx_http_next_header_filter(r);
}

#endif


/* ---- variables -------------------------------------------------------------------------- */

static ngx_int_t
ngx_http_flask_state_variable(ngx_http_request_t *r, ngx_http_variable_value_t *v,
    uintptr_t data)
{
    ngx_http_flask_loc_conf_t  *flcf;
    ngx_http_flask_ctx_t       *ctx;

    flcf = ngx_http_get_module_loc_conf(r, ngx_http_flask_session_module);
    if (flcf->secret_key.len == 0) {
        v->not_found = 1;
        return NGX_OK;
    }

    ctx = ngx_http_flask_get_ctx(r, flcf);
    if (ctx == NULL) {
        return NGX_ERROR;
    }

    v->data = ngx_http_flask_state_names[ctx->state].data;
    v->len = ngx_http_flask_state_names[ctx->state].len;
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;
    return NGX_OK;
}


#if (NGX_FLASK_SESSION_API)

static ngx_int_t
ngx_http_flask_permanent_variable(ngx_http_request_t *r, ngx_http_variable_value_t *v,
    uintptr_t data)
{
    ngx_http_flask_loc_conf_t  *flcf;
    ngx_http_flask_ctx_t       *ctx;

    flcf = ngx_http_get_module_loc_conf(r, ngx_http_flask_session_module);
    if (flcf->secret_key.len == 0) {
        v->not_found = 1;
        return NGX_OK;
    }

    ctx = ngx_http_flask_get_ctx(r, flcf);
    if (ctx == NULL) {
        return NGX_ERROR;
    }
    if (ctx->session == NULL) {
        v->not_found = 1;
        return NGX_OK;
    }

    if (flask_cookie_session_permanent(ctx->session)) {
        v->data = (u_char *) "1";
    } else {
        v->data = (u_char *) "0";
    }
    v->len = 1;
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;
    return NGX_OK;
}


/* $flask_session_<key>: data is the variable's whole name. */
static ngx_int_t
ngx_http_flask_key_variable(ngx_http_request_t *r, ngx_http_variable_value_t *v,
    uintptr_t data)
{
    ngx_str_t                  *name = (ngx_str_t *) data;
    ngx_http_flask_loc_conf_t  *flcf;
    ngx_http_flask_ctx_t       *ctx;
    ngx_str_t                   key, value;
    ngx_int_t                   rc;

    flcf = ngx_http_get_module_loc_conf(r, ngx_http_flask_session_module);
    if (flcf->secret_key.len == 0) {
        v->not_found = 1;
        return NGX_OK;
    }

    ctx = ngx_http_flask_get_ctx(r, flcf);
    if (ctx == NULL) {
        return NGX_ERROR;
    }
    if (ctx->session == NULL) {
        v->not_found = 1;
        return NGX_OK;
    }

    key.data = name->data + sizeof(NGX_FLASK_PREFIX) - 1;
    key.len = name->len - (sizeof(NGX_FLASK_PREFIX) - 1);

    rc = ngx_http_flask_value(r, ctx->session, &key, &value);
    if (rc == NGX_ERROR) {
        return NGX_ERROR;
    }
    if (rc != NGX_OK) {
        v->not_found = 1;
        return NGX_OK;
    }

    v->data = value.data;
    v->len = value.len;
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;
    return NGX_OK;
}

#endif


static ngx_int_t
ngx_http_flask_add_variables(ngx_conf_t *cf)
{
    ngx_http_variable_t  *var;
    ngx_str_t             name;

    ngx_str_set(&name, "flask_session_state");
    var = ngx_http_add_variable(cf, &name, 0);
    if (var == NULL) {
        return NGX_ERROR;
    }
    var->get_handler = ngx_http_flask_state_variable;

#if (NGX_FLASK_SESSION_API)
    ngx_str_set(&name, "flask_session_permanent");
    var = ngx_http_add_variable(cf, &name, 0);
    if (var == NULL) {
        return NGX_ERROR;
    }
    var->get_handler = ngx_http_flask_permanent_variable;

    ngx_str_set(&name, NGX_FLASK_PREFIX);
    var = ngx_http_add_variable(cf, &name, NGX_HTTP_VAR_PREFIX);
    if (var == NULL) {
        return NGX_ERROR;
    }
    var->get_handler = ngx_http_flask_key_variable;
#endif

    return NGX_OK;
}


static ngx_int_t
ngx_http_flask_init(ngx_conf_t *cf)
{
    ngx_http_handler_pt         *h;
    ngx_http_core_main_conf_t   *cmcf;
    ngx_http_flask_main_conf_t  *mcf;
    ngx_str_t                   *kb;
    ngx_uint_t                   i;

    /* Every library configuration is built (merges run before postconfiguration): wipe the
     * module's copies of the keys. */
    mcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_flask_session_module);
    kb = mcf->key_buffers->elts;
    for (i = 0; i < mcf->key_buffers->nelts; i++) {
        ngx_explicit_memzero(kb[i].data, kb[i].len);
    }

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_ACCESS_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }
    *h = ngx_http_flask_access_handler;

#if (NGX_FLASK_SESSION_API)
    ngx_http_next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = ngx_http_flask_header_filter;
#else
    (void) ngx_http_next_header_filter;
#endif

    return NGX_OK;
}
