/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * ElTestProxy: a TCP proxy on 127.0.0.1 (port 0) in front of a test server, that a test turns into
 * a bad hospital network at any moment:
 *
 *   g_autoptr (ElTestProxy) proxy = el_test_proxy_new (el_test_server_get_port (server), &error);
 *   g_autofree char *url = el_test_proxy_url (proxy, "/api/health");  // give this to the client
 *   el_test_proxy_set_mode (proxy, EL_TEST_PROXY_DELAY, 500);         // 500 ms before each chunk
 *   el_test_proxy_set_mode (proxy, EL_TEST_PROXY_CUT, 0);             // close at accept
 *   el_test_proxy_set_mode (proxy, EL_TEST_PROXY_RESET, 100);         // RST after 100 response bytes
 *   el_test_proxy_set_mode (proxy, EL_TEST_PROXY_BLACKHOLE, 0);       // accept, never answer
 *   el_test_proxy_set_upstream_port (proxy, new_port);                // the server came back elsewhere
 *
 * Modes (the parameter of el_test_proxy_set_mode()):
 *   PASS       forward both ways (parameter ignored)
 *   DELAY      wait `param` ms before forwarding each chunk read from either side
 *   CUT        close the connection (FIN) once `param` bytes of response have been forwarded: the
 *              chunk that crosses the limit is forwarded up to it; 0 reads the request without
 *              connecting upstream and closes (the client sees EOF before any response)
 *   RESET      the same with SO_LINGER 0, so the client sees a TCP RST (ECONNRESET); 0 resets
 *              right after accept
 *   BLACKHOLE  accept and read, never forward or answer, never close (the client's timeout ends it)
 *
 * A new connection takes the mode when it is accepted (CUT 0, RESET 0, BLACKHOLE act at once; a
 * connection accepted in BLACKHOLE or CUT 0 mode has no upstream and never forwards), and
 * every established connection looks at the current mode again for each chunk it reads from either
 * side, so switching modes also affects keep-alive connections at their next byte. An idle
 * keep-alive connection is untouched until it carries data: el_test_proxy_drop_connections()
 * resets all of them now. If the upstream refuses the connection (server stopped), the client's
 * connection is reset.
 *
 * The proxy runs in its own thread with its own GMainContext, so it keeps working while the test's
 * thread blocks in a synchronous call or its main loop is busy. All functions are thread-safe.
 * el_test_proxy_get_n_connections() counts accepted connections (whatever the mode),
 * el_test_proxy_get_n_open() those open now, el_test_proxy_get_n_response_bytes() the bytes
 * forwarded to clients (status lines and headers included).
 */

typedef enum
{
  EL_TEST_PROXY_PASS,
  EL_TEST_PROXY_DELAY,
  EL_TEST_PROXY_CUT,
  EL_TEST_PROXY_RESET,
  EL_TEST_PROXY_BLACKHOLE,
} ElTestProxyMode;

typedef struct ElTestProxy ElTestProxy;

ElTestProxy *el_test_proxy_new (guint16 upstream_port, GError **error);
void el_test_proxy_free (ElTestProxy *self);

guint16 el_test_proxy_get_port (ElTestProxy *self);
char *el_test_proxy_url (ElTestProxy *self, const char *path);

void el_test_proxy_set_mode (ElTestProxy *self, ElTestProxyMode mode, guint param);
ElTestProxyMode el_test_proxy_get_mode (ElTestProxy *self, guint *param);
void el_test_proxy_set_upstream_port (ElTestProxy *self, guint16 upstream_port);
guint el_test_proxy_get_n_connections (ElTestProxy *self);
guint el_test_proxy_get_n_open (ElTestProxy *self);
guint64 el_test_proxy_get_n_response_bytes (ElTestProxy *self);
void el_test_proxy_drop_connections (ElTestProxy *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElTestProxy, el_test_proxy_free)

G_END_DECLS
