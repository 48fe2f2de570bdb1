/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-test-proxy.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#define CHUNK_BYTES 16384

typedef struct Conn Conn;

typedef enum
{
  AFTER_NOTHING,
  AFTER_CLOSE,
  AFTER_RESET,
} AfterWrite;

/* One direction of a connection. At most one source is active: waiting to read, waiting out a
 * delay, or waiting to write. */
typedef struct
{
  Conn *conn;
  GSocket *from, *to; /* borrowed from conn; to is NULL for a black hole */
  gboolean is_response;
  gboolean eof;
  GSource *source;
  AfterWrite after_write;
  gsize len, off;
  guint8 buf[CHUNK_BYTES];
} Pipe;

struct Conn
{
  ElTestProxy *proxy;
  GSocket *client, *upstream;
  Pipe request;  /* client -> upstream */
  Pipe response; /* upstream -> client */
  guint64 response_bytes;
};

struct ElTestProxy
{
  GMutex mutex; /* mode, param, upstream_port; the call handshake */
  GCond cond;
  ElTestProxyMode mode;
  guint param;
  guint16 upstream_port;

  guint16 port;
  gint n_connections;     /* atomic */
  gint n_open;            /* atomic */
  guint64 response_bytes; /* under mutex */

  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;
  GSocket *listener;
  GSource *listen_source;
  GList *conns; /* Conn, proxy thread only */
};

static void pipe_wait_read (Pipe *pipe);
static void pipe_write (Pipe *pipe);

static void
snapshot (ElTestProxy *self, ElTestProxyMode *mode, guint *param, guint16 *upstream_port)
{
  g_mutex_lock (&self->mutex);
  *mode = self->mode;
  *param = self->param;
  if (upstream_port != NULL)
    *upstream_port = self->upstream_port;
  g_mutex_unlock (&self->mutex);
}

static void
set_linger_zero (GSocket *socket)
{
  struct linger linger = { .l_onoff = 1, .l_linger = 0 };

  /* Closing with SO_LINGER {1, 0} sends an RST instead of a FIN. */
  if (setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER, &linger, sizeof linger) != 0)
    g_warning ("el-test-proxy: SO_LINGER failed: %s", g_strerror (errno));
}

static void
close_socket (GSocket *socket, gboolean reset)
{
  if (socket == NULL)
    return;
  if (reset)
    set_linger_zero (socket);
  else
    {
      char buf[4096];

      /* Read what is waiting (a close with unread data sends an RST instead of a FIN). */
      while (g_socket_receive_with_blocking (socket, buf, sizeof buf, FALSE, NULL, NULL) > 0)
        ;
    }
  g_socket_close (socket, NULL);
  g_object_unref (socket);
}

static void
pipe_set_source (Pipe *pipe, GSource *source, GSourceFunc func)
{
  if (pipe->source != NULL)
    {
      g_source_destroy (pipe->source);
      g_source_unref (pipe->source);
    }
  pipe->source = source;
  if (source != NULL)
    {
      g_source_set_callback (source, func, pipe, NULL);
      g_source_attach (source, pipe->conn->proxy->context);
    }
}

static void
conn_close (Conn *conn, gboolean reset)
{
  ElTestProxy *self = conn->proxy;

  /* Counted as closed before the client can see it closed. */
  g_atomic_int_add (&self->n_open, -1);
  self->conns = g_list_remove (self->conns, conn);
  pipe_set_source (&conn->request, NULL, NULL);
  pipe_set_source (&conn->response, NULL, NULL);
  close_socket (conn->client, reset);
  close_socket (conn->upstream, FALSE);
  g_free (conn);
}

static gboolean
pipe_writable_cb (GSocket *socket, GIOCondition condition, gpointer user_data)
{
  pipe_write (user_data);
  return G_SOURCE_REMOVE; /* pipe_write () replaced or destroyed this source */
}

static void
pipe_write (Pipe *pipe)
{
  while (pipe->off < pipe->len)
    {
      g_autoptr (GError) error = NULL;
      gssize n =
          g_socket_send (pipe->to, (const char *) pipe->buf + pipe->off, pipe->len - pipe->off, NULL, &error);

      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          pipe_set_source (pipe, g_socket_create_source (pipe->to, G_IO_OUT | G_IO_HUP | G_IO_ERR, NULL),
                           (GSourceFunc) (void (*) (void)) pipe_writable_cb);
          return;
        }
      if (n < 0)
        {
          conn_close (pipe->conn, TRUE);
          return;
        }
      pipe->off += (gsize) n;
    }
  if (pipe->after_write != AFTER_NOTHING)
    {
      conn_close (pipe->conn, pipe->after_write == AFTER_RESET);
      return;
    }
  pipe_wait_read (pipe);
}

static gboolean
pipe_delay_done_cb (gpointer user_data)
{
  pipe_write (user_data);
  return G_SOURCE_REMOVE;
}

static gboolean
pipe_readable_cb (GSocket *socket, GIOCondition condition, gpointer user_data)
{
  Pipe *pipe = user_data;
  Conn *conn = pipe->conn;
  g_autoptr (GError) error = NULL;
  ElTestProxyMode mode;
  guint param;
  gssize n;

  n = g_socket_receive (pipe->from, (char *) pipe->buf, sizeof pipe->buf, NULL, &error);
  if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    return G_SOURCE_CONTINUE;
  if (n < 0)
    {
      conn_close (conn, TRUE);
      return G_SOURCE_REMOVE;
    }
  if (n == 0)
    {
      Pipe *other = pipe->is_response ? &conn->request : &conn->response;

      pipe->eof = TRUE;
      pipe_set_source (pipe, NULL, NULL);
      if (pipe->to == NULL || other->eof)
        conn_close (conn, FALSE);
      else
        g_socket_shutdown (pipe->to, FALSE, TRUE, NULL);
      return G_SOURCE_REMOVE;
    }

  snapshot (conn->proxy, &mode, &param, NULL);
  if ((mode == EL_TEST_PROXY_CUT || mode == EL_TEST_PROXY_RESET) && conn->response_bytes >= param)
    {
      conn_close (conn, mode == EL_TEST_PROXY_RESET);
      return G_SOURCE_REMOVE;
    }
  if (mode == EL_TEST_PROXY_BLACKHOLE || pipe->to == NULL)
    return G_SOURCE_CONTINUE; /* read and drop */
  pipe->len = (gsize) n;
  pipe->off = 0;
  pipe->after_write = AFTER_NOTHING;
  if ((mode == EL_TEST_PROXY_CUT || mode == EL_TEST_PROXY_RESET) && pipe->is_response &&
      conn->response_bytes + pipe->len >= param)
    {
      pipe->len = (gsize) (param - conn->response_bytes);
      pipe->after_write = mode == EL_TEST_PROXY_RESET ? AFTER_RESET : AFTER_CLOSE;
    }
  if (pipe->is_response)
    {
      conn->response_bytes += pipe->len;
      g_mutex_lock (&conn->proxy->mutex);
      conn->proxy->response_bytes += pipe->len;
      g_mutex_unlock (&conn->proxy->mutex);
    }

  if (mode == EL_TEST_PROXY_DELAY && param > 0)
    pipe_set_source (pipe, g_timeout_source_new (param), pipe_delay_done_cb);
  else
    {
      pipe_set_source (pipe, NULL, NULL);
      pipe_write (pipe);
    }
  return G_SOURCE_REMOVE;
}

static void
pipe_wait_read (Pipe *pipe)
{
  pipe_set_source (pipe, g_socket_create_source (pipe->from, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL),
                   (GSourceFunc) (void (*) (void)) pipe_readable_cb);
}

static GSocket *
connect_upstream (guint16 port)
{
  g_autoptr (GSocket) socket =
      g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, port);

  /* A blocking connect to 127.0.0.1 completes or is refused at once. */
  if (socket == NULL || !g_socket_connect (socket, address, NULL, NULL))
    return NULL;
  g_socket_set_blocking (socket, FALSE);
  return g_steal_pointer (&socket);
}

static void
conn_start (ElTestProxy *self, GSocket *client)
{
  ElTestProxyMode mode;
  guint param;
  guint16 upstream_port;
  Conn *conn;

  g_atomic_int_inc (&self->n_connections);
  snapshot (self, &mode, &param, &upstream_port);
  if (mode == EL_TEST_PROXY_RESET && param == 0)
    {
      close_socket (client, TRUE);
      return;
    }

  conn = g_new0 (Conn, 1);
  conn->proxy = self;
  conn->client = client;
  g_socket_set_blocking (client, FALSE);
  /* CUT 0 waits for the request and closes once it has read it: closing a socket with unread
   * data would send an RST, not the FIN this mode promises. */
  if (mode != EL_TEST_PROXY_BLACKHOLE && !(mode == EL_TEST_PROXY_CUT && param == 0))
    {
      conn->upstream = connect_upstream (upstream_port);
      if (conn->upstream == NULL)
        {
          /* Nothing listens upstream: the client sees its connection reset. */
          close_socket (client, TRUE);
          g_free (conn);
          return;
        }
    }
  conn->request = (Pipe){ .conn = conn, .from = conn->client, .to = conn->upstream };
  conn->response = (Pipe){ .conn = conn, .from = conn->upstream, .to = conn->client, .is_response = TRUE };
  self->conns = g_list_prepend (self->conns, conn);
  g_atomic_int_inc (&self->n_open);
  pipe_wait_read (&conn->request);
  if (conn->upstream != NULL)
    pipe_wait_read (&conn->response);
}

static gboolean
listener_readable_cb (GSocket *listener, GIOCondition condition, gpointer user_data)
{
  ElTestProxy *self = user_data;

  for (;;)
    {
      g_autoptr (GError) error = NULL;
      GSocket *client = g_socket_accept (listener, NULL, &error);

      if (client == NULL)
        {
          if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            g_warning ("el-test-proxy: accept failed: %s", error->message);
          return G_SOURCE_CONTINUE;
        }
      conn_start (self, client);
    }
}

static gpointer
proxy_thread (gpointer user_data)
{
  ElTestProxy *self = user_data;

  g_main_context_push_thread_default (self->context);
  g_main_loop_run (self->loop);
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

typedef struct
{
  ElTestProxy *self;
  void (*func) (ElTestProxy *self);
  gboolean done;
} Call;

static gboolean
call_cb (gpointer user_data)
{
  Call *call = user_data;

  call->func (call->self);
  g_mutex_lock (&call->self->mutex);
  call->done = TRUE;
  g_cond_broadcast (&call->self->cond);
  g_mutex_unlock (&call->self->mutex);
  return G_SOURCE_REMOVE;
}

/* Runs @func in the proxy's thread and waits for it. */
static void
run_in_proxy (ElTestProxy *self, void (*func) (ElTestProxy *self))
{
  Call call = { self, func, FALSE };
  GSource *source;

  if (g_thread_self () == self->thread)
    {
      func (self);
      return;
    }
  source = g_idle_source_new ();
  g_source_set_callback (source, call_cb, &call, NULL);
  g_source_attach (source, self->context);
  g_source_unref (source);
  g_mutex_lock (&self->mutex);
  while (!call.done)
    g_cond_wait (&self->cond, &self->mutex);
  g_mutex_unlock (&self->mutex);
}

static void
drop_all (ElTestProxy *self)
{
  while (self->conns != NULL)
    conn_close (self->conns->data, TRUE);
}

static void
shut_down (ElTestProxy *self)
{
  drop_all (self);
  if (self->listen_source != NULL)
    {
      g_source_destroy (self->listen_source);
      g_clear_pointer (&self->listen_source, g_source_unref);
    }
  g_main_loop_quit (self->loop);
}

/**
 * el_test_proxy_new:
 * @upstream_port: the port on 127.0.0.1 to forward to
 * @error: why the listening socket could not be made
 *
 * Returns: (transfer full) (nullable): a proxy in %EL_TEST_PROXY_PASS mode, listening
 */
ElTestProxy *
el_test_proxy_new (guint16 upstream_port, GError **error)
{
  g_autoptr (GSocket) listener = NULL;
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;
  ElTestProxy *self;

  listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (listener == NULL || !g_socket_bind (listener, address, FALSE, error) ||
      !g_socket_listen (listener, error))
    return NULL;
  bound = g_socket_get_local_address (listener, error);
  if (bound == NULL)
    return NULL;
  g_socket_set_blocking (listener, FALSE);

  self = g_new0 (ElTestProxy, 1);
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  self->mode = EL_TEST_PROXY_PASS;
  self->upstream_port = upstream_port;
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  self->listener = g_steal_pointer (&listener);
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->listen_source = g_socket_create_source (self->listener, G_IO_IN, NULL);
  g_source_set_callback (self->listen_source, (GSourceFunc) (void (*) (void)) listener_readable_cb, self,
                         NULL);
  g_source_attach (self->listen_source, self->context);
  self->thread = g_thread_new ("el-test-proxy", proxy_thread, self);
  return self;
}

/**
 * el_test_proxy_free:
 * @self: a proxy
 *
 * Closes every connection (FIN), stops listening and joins the proxy's thread.
 */
void
el_test_proxy_free (ElTestProxy *self)
{
  if (self == NULL)
    return;
  run_in_proxy (self, shut_down);
  g_thread_join (self->thread);
  g_socket_close (self->listener, NULL);
  g_object_unref (self->listener);
  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_cond_clear (&self->cond);
  g_mutex_clear (&self->mutex);
  g_free (self);
}

guint16
el_test_proxy_get_port (ElTestProxy *self)
{
  return self->port;
}

/**
 * el_test_proxy_url:
 * @self: a proxy
 * @path: (nullable): "/api/health", or %NULL for the base URL "http://127.0.0.1:PORT"
 *
 * Returns: (transfer full): the URL of @path through the proxy
 */
char *
el_test_proxy_url (ElTestProxy *self, const char *path)
{
  return g_strdup_printf ("http://127.0.0.1:%u%s", self->port, path != NULL ? path : "");
}

/**
 * el_test_proxy_set_mode:
 * @self: a proxy
 * @mode: how to treat connections from now on
 * @param: milliseconds for %EL_TEST_PROXY_DELAY, response bytes before closing for
 *   %EL_TEST_PROXY_CUT and %EL_TEST_PROXY_RESET, ignored otherwise
 */
void
el_test_proxy_set_mode (ElTestProxy *self, ElTestProxyMode mode, guint param)
{
  g_mutex_lock (&self->mutex);
  self->mode = mode;
  self->param = param;
  g_mutex_unlock (&self->mutex);
}

ElTestProxyMode
el_test_proxy_get_mode (ElTestProxy *self, guint *param)
{
  ElTestProxyMode mode;
  guint p;

  snapshot (self, &mode, &p, NULL);
  if (param != NULL)
    *param = p;
  return mode;
}

/**
 * el_test_proxy_set_upstream_port:
 * @self: a proxy
 * @upstream_port: where new connections go (a restarted test server listens on a new port)
 */
void
el_test_proxy_set_upstream_port (ElTestProxy *self, guint16 upstream_port)
{
  g_mutex_lock (&self->mutex);
  self->upstream_port = upstream_port;
  g_mutex_unlock (&self->mutex);
}

/* Connections accepted since the proxy started, whatever happened to them. */
guint
el_test_proxy_get_n_connections (ElTestProxy *self)
{
  return (guint) g_atomic_int_get (&self->n_connections);
}

/* Bytes forwarded from the upstream to clients since the proxy started (headers included). */
guint64
el_test_proxy_get_n_response_bytes (ElTestProxy *self)
{
  guint64 n;

  g_mutex_lock (&self->mutex);
  n = self->response_bytes;
  g_mutex_unlock (&self->mutex);
  return n;
}

/* Connections open now (black holes included). */
guint
el_test_proxy_get_n_open (ElTestProxy *self)
{
  return (guint) g_atomic_int_get (&self->n_open);
}

/**
 * el_test_proxy_drop_connections:
 * @self: a proxy
 *
 * Resets (RST) every open connection, idle keep-alive ones included, and returns once they are
 * closed. New connections are accepted as usual.
 */
void
el_test_proxy_drop_connections (ElTestProxy *self)
{
  run_in_proxy (self, drop_all);
}
