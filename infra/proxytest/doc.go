// Package proxytest holds the tests of Baton behind real reverse proxies:
// the local stack under BATON_BASE_PATH=/_bt with BATON_TRUST_PROXY=1, and
// nginx and Apache httpd started on free loopback ports with the snippets of
// docs/proxy (nginx.conf, apache.conf) exactly as documented, only the
// upstream address templated. Through each: the tag (gzip when asked), the
// collector setting bt_vid with Path /_bt, a tracked link's redirect, and
// the client address stored being the one the proxy appended; each again
// terminating TLS (a self-signed certificate), where the X-Forwarded-Proto
// they set makes bt_vid and bt_optout Secure (over plain http a client's
// own does not); and a page served by nginx at / embedding /_bt/t.js, in
// Chromium.
//
// The tests need nginx and apache2 (or httpd) on the machine (apt-get
// install nginx apache2; mod_ssl, in apache2); without them they skip, or fail when CI=true.
// They have no code of their own besides the tests.
package proxytest
