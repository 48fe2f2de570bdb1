/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define EL_HTTP_ERROR (el_http_error_quark ())

/**
 * ElHttpError:
 * @EL_HTTP_ERROR_BAD_PATH: the request path is not acceptable (bad percent-encoding, an encoded
 *   `/` or `\`, NUL, a control character, invalid UTF-8, a `.` or `..` segment, too long)
 * @EL_HTTP_ERROR_BAD_QUERY: the query string is not acceptable (same rules, duplicate or too
 *   many parameters)
 * @EL_HTTP_ERROR_BAD_TEMPLATE: a route template given by the program is malformed
 * @EL_HTTP_ERROR_LISTEN: the server could not listen on the requested address
 *
 * Errors of the HTTP framework (src/server/http). Messages never quote the offending path or
 * query: ids in paths may be PHI-adjacent.
 */
typedef enum
{
  EL_HTTP_ERROR_BAD_PATH,
  EL_HTTP_ERROR_BAD_QUERY,
  EL_HTTP_ERROR_BAD_TEMPLATE,
  EL_HTTP_ERROR_LISTEN,
} ElHttpError;

GQuark el_http_error_quark (void);

G_END_DECLS
