-- Web sessions of the gateway's pages (/dashboard, /queues): a login with a token opens one; the
-- signed cookie names it. Logging out ends it here, so a copied cookie opens nothing afterwards.
CREATE TABLE web_sessions (
  session_id text PRIMARY KEY,
  user_id    text NOT NULL REFERENCES users (user_id),
  -- the token typed at login: revoking it (or its expiry) ends the session too
  token_id   text NOT NULL REFERENCES api_tokens (token_id),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  ended_at   timestamptz,
  CHECK (expires_at > created_at)
);
CREATE INDEX web_sessions_expiry ON web_sessions (expires_at);
