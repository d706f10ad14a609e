#!/usr/bin/env node
// Starts MockPass (the `@opengovsg/mockpass` npm package: Singpass and
// Corppass for tests) on 127.0.0.1 only. Its own `npx mockpass` listens on
// every interface and prints nothing useful on stdout; this wrapper binds
// loopback, prints `mockpass ready at http://127.0.0.1:PORT` on stdout once
// listening, and exits with 0 on SIGTERM or SIGINT. Every other setting is
// MockPass's own environment (see README.md beside this file):
//
//   MOCKPASS_PORT        port (default 5156)
//   SP_RP_JWKS_ENDPOINT  Portico's JWKS URL for Singpass (sig + enc keys)
//   CP_RP_JWKS_ENDPOINT  Portico's JWKS URL for Corppass
//   SHOW_LOGIN_PAGE      `true` shows the persona page instead of signing in
//                        the default persona at once
//   MOCKPASS_NRIC        the default persona (default S8979373D)
//
// Note: MockPass loads a `.env` file from the working directory (dotenv);
// start it from a directory without one.

const { app } = require('@opengovsg/mockpass');

// MockPass's route handlers are async functions that Express 4 does not
// await: a rejection (the token endpoint throws on an unknown, expired or
// malformed `code`) is unhandled and ends the whole process. Hand such
// rejections to Express instead, and answer them the way a real provider
// answers a bad code: 400 invalid_grant.
for (const layer of app._router.stack) {
  for (const handler of layer.route?.stack ?? []) {
    const handle = handler.handle;
    handler.handle = function handleRejection(req, res, next) {
      const result = handle.call(this, req, res, next);
      if (result && typeof result.catch === 'function') result.catch(next);
      return result;
    };
  }
}
app.use((error, req, res, next) => {
  console.error(`mockpass: ${req.method} ${req.path} failed: ${error.message}`);
  if (res.headersSent) return next(error);
  if (req.path.endsWith('/token')) {
    return res.status(400).json({ error: 'invalid_grant', error_description: 'unknown or expired code' });
  }
  return res.status(500).json({ error: 'server_error', error_description: error.message });
});

const port = Number(process.env.MOCKPASS_PORT || 5156);
const server = app.listen(port, '127.0.0.1', () => {
  console.log(`mockpass ready at http://127.0.0.1:${port}`);
});

function stop() {
  server.close(() => process.exit(0));
  server.closeAllConnections();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
