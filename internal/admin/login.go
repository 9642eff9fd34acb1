package admin

import (
	"html/template"
	"mime"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/audit"
	"github.com/baton-hq/baton/internal/httpx"
)

// SessionCookie holds a signed-in browser's session id: HttpOnly,
// SameSite=Strict, Secure on https, path /admin.
const SessionCookie = "baton_admin"

// pageCSP is the policy of every admin HTML page: no scripts, nothing
// loaded, forms posted only to Baton, never framed.
const pageCSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

func htmlHeaders(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", pageCSP)
	w.Header().Set("Cache-Control", "no-store")
	// A page's URL may name a person or carry a token: no other site
	// learns it, nor Baton's address (the global policy sends the
	// origin), from a link followed; Baton's own forms still send their
	// Origin (sameOrigin), which no-referrer would make "null".
	w.Header().Set("Referrer-Policy", "same-origin")
}

func (h *Handler) sessionRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /admin/login", h.loginPage)
	mux.HandleFunc("POST /admin/login", h.login)
	mux.HandleFunc("POST /admin/logout", h.logout)
}

var loginTmpl = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="{{.L}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{if .Error}}{{.T "Error"}}{{.T ": "}}{{end}}Baton — {{.T "sign in"}}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;color:#1d2733;background:#f5f7fa;margin:0}
main{max-width:26em;margin:12vh auto;padding:2em;background:#fff;border:1px solid #dde;border-radius:8px}
h1{margin:0 0 .2em;font-size:1.5em}p{margin:.4em 0 1em}.muted{color:#667;font-size:.9em}
label{display:block;font-weight:600;margin:1em 0 .3em}input[type=password]{box-sizing:border-box;width:100%;font:inherit;padding:.5em;border:1px solid #767f8c;border-radius:4px}
a{color:#0b5394}a:focus,button:focus,input:focus,p:focus{outline:2px solid #c77d1a;outline-offset:1px}input[aria-invalid=true]{border:2px solid #8a1c1c}
button{margin-top:1.2em;font:inherit;font-weight:600;padding:.5em 1.4em;color:#fff;background:#0f3d5e;border:0;border-radius:4px;cursor:pointer}
.error{color:#8a1c1c;background:#fdecec;border:1px solid #e9b4b4;border-radius:4px;padding:.6em .8em}
.note{background:#eef5ee;border:1px solid #b9d6b9;border-radius:4px;padding:.6em .8em}</style></head><body>
<main><h1>Baton</h1><p class="muted">{{.T "The workspace of marketing and sales: people, MQLs, campaigns and reports."}}</p>
<p class="muted lang"><a href="?lang=en" lang="en">English</a> · <a href="?lang=ja" lang="ja">日本語</a></p>
{{if .Error}}<p class="error" role="alert" id="login-error"{{if not .BadToken}} tabindex="-1" autofocus{{end}}>{{.T .Error}}</p>{{end}}{{if .Note}}<p class="note" role="status" id="login-note" tabindex="-1"{{if not .Error}} autofocus{{end}}>{{.T .Note}}</p>{{end}}
<form method="post" action="login">
<label for="token">{{.T "Admin token"}}</label>
<input id="token" name="token" type="password" autocomplete="current-password" required{{if .TokenFocus}} autofocus{{end}} aria-describedby="{{if .Error}}login-error {{end}}token-help"{{if .BadToken}} aria-invalid="true"{{end}}>
<p id="token-help" class="muted">{{.T "BATON_ADMIN_TOKEN, or a token from admin_tokens; what you can do is that token's scopes."}}</p>
{{if .Next}}<input type="hidden" name="next" value="{{.Next}}">{{end}}
<button type="submit">{{.T "Sign in"}}</button>
</form></main>
</body></html>`))

type loginView struct {
	Error, Note, Next string
	BadToken          bool   // Error is about the token typed (the field is marked invalid)
	L                 string // en, ja
}

// TokenFocus: the token field takes the focus as the page loads, unless
// the page says something not about the field (signed out, the session
// ended): a note or an error already there as the page loads is no change
// a live region announces, so a screen reader starting on the field never
// read it; that text takes the focus instead, and Tab goes on to the field.
func (v loginView) TokenFocus() bool { return v.Note == "" && (v.Error == "" || v.BadToken) }

// T translates the sign-in page's texts.
func (v loginView) T(s string) string { return page{L: v.L}.T(s) }

func (h *Handler) renderLogin(w http.ResponseWriter, r *http.Request, status int, v loginView) {
	v.L = h.lang(w, r)
	htmlHeaders(w)
	w.WriteHeader(status)
	_ = loginTmpl.Execute(w, v)
}

func (h *Handler) loginPage(w http.ResponseWriter, r *http.Request) {
	v := loginView{Next: cleanNext(r.URL.Query().Get("next"))}
	switch r.URL.Query().Get("m") {
	case "out":
		v.Note = "You are signed out."
	case "ended":
		v.Error = "Your session has ended. Sign in again."
	}
	h.renderLogin(w, r, http.StatusOK, v)
}

// login checks the token like a bearer token and opens a session.
func (h *Handler) login(w http.ResponseWriter, r *http.Request) {
	if err := h.sameOrigin(r); err != nil {
		h.refuse(r, "", "session", http.StatusForbidden, audit.ReasonCrossSite)
		h.renderLogin(w, r, http.StatusForbidden, loginView{Error: "Sign-in refused: the form was not sent from this site."})
		return
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		h.renderLogin(w, r, http.StatusUnsupportedMediaType, loginView{Error: "Sign in with the form on this page."})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		status, _ := formError(err)
		msg := "The form could not be read; try again."
		if status == http.StatusRequestEntityTooLarge {
			msg = "The form is too large: paste the token alone."
		}
		h.renderLogin(w, r, status, loginView{Error: msg})
		return
	}
	next := cleanNext(r.PostForm.Get("next"))
	tok := strings.TrimSpace(r.PostForm.Get("token"))
	if tok == "" {
		h.renderLogin(w, r, http.StatusBadRequest, loginView{Error: "Enter an admin token.", Next: next, BadToken: true})
		return
	}
	c, ok := h.match(tok)
	if !ok {
		h.log().Info("admin sign-in refused: wrong token")
		h.refuse(r, "", "session", http.StatusUnauthorized, audit.ReasonUnknownToken)
		h.renderLogin(w, r, http.StatusUnauthorized, loginView{Error: "That token is not valid. Check it and try again.", Next: next, BadToken: true})
		return
	}
	id, s, err := h.Sessions.Create(r.Context(), c.fingerprint(), c.Name)
	if err != nil {
		h.log().Error("admin session", "err", err)
		h.renderLogin(w, r, http.StatusServiceUnavailable, loginView{Error: "Baton could not start your session (storage unavailable); try again shortly.", Next: next})
		return
	}
	// The session this browser had (another person's on a shared
	// computer, or one an attacker set in it) ends: signing in again left
	// it valid until it expired, for whoever kept its cookie.
	if old, err := r.Cookie(SessionCookie); err == nil && old.Value != "" && old.Value != id {
		if err := h.Sessions.End(r.Context(), old.Value); err != nil {
			h.log().Warn("admin session: the previous one was not ended", "err", err)
		}
	}
	h.log().Info("admin signed in", "credential", c.Name)
	h.recordAs(r, c.Name, "session", http.StatusSeeOther, "", "", time.Time{}, "")
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: id, Path: h.cookiePath(r), MaxAge: int(s.Expires.Sub(s.Created).Seconds()),
		HttpOnly: true, Secure: h.secure(r), SameSite: http.SameSiteStrictMode,
	})
	seeOther(w, "./"+next)
}

// logout ends the session (it needs the session's CSRF token, as every
// state-changing request does) and forgets the cookie.
func (h *Handler) logout(w http.ResponseWriter, r *http.Request) {
	if err := h.sameOrigin(r); err != nil {
		httpx.Error(w, http.StatusForbidden, err.Error())
		return
	}
	c, _, err := h.authenticate(r)
	if err == nil && c.Session != nil {
		if tok, _ := csrfToken(w, r, h.maxUpload()); !c.Session.ValidCSRF(tok) {
			httpx.Error(w, http.StatusForbidden, "missing or wrong CSRF token (X-CSRF-Token header or csrf form field)")
			return
		}
		if err := h.Sessions.End(r.Context(), c.SessionID); err != nil {
			h.fail(w, r, err)
			return
		}
		h.log().Info("admin signed out", "credential", c.Cred.Name)
		h.recordAs(r, c.Session.Name, "session", http.StatusSeeOther, "", "", time.Time{}, "")
	}
	h.clearCookie(w, r)
	seeOther(w, "login?m=out")
}

// seeOther redirects with a relative Location as given (http.Redirect would
// make it absolute from the request path, which is wrong behind a path
// prefix).
func seeOther(w http.ResponseWriter, loc string) {
	w.Header().Set("Location", loc)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusSeeOther)
}

// toLogin sends a browser without a session to the sign-in page, relative
// to where it is (so that a path prefix in front of Baton is kept), with
// the page it asked for to come back to.
func (h *Handler) toLogin(w http.ResponseWriter, r *http.Request) {
	rest, _ := adminRest(r)
	loc := strings.Repeat("../", strings.Count(rest, "/")) + "login"
	next := rest
	if r.URL.RawQuery != "" {
		next += "?" + r.URL.RawQuery
	}
	if next = cleanNext(next); next != "" {
		loc += "?next=" + url.QueryEscape(next)
	}
	seeOther(w, loc)
}

// cleanNext keeps a page to return to after sign-in only when it is a path
// under /admin/, relative to it (no scheme, host, "..", or sign-in pages):
// never an open redirect. A browser reads "%2e" in a path as "." (so
// "%2e%2e/%2e%2e/x" leaves /admin/): no escaped dot in the path either.
func cleanNext(next string) string {
	path, _, _ := strings.Cut(next, "?")
	if next == "" || len(next) > 512 || strings.HasPrefix(next, "/") || strings.Contains(next, "..") || strings.Contains(next, "//") ||
		strings.Contains(strings.ToLower(path), "%2e") || strings.HasPrefix(next, "login") || strings.HasPrefix(next, "logout") {
		return ""
	}
	for _, c := range next {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-._~/?=&%+,", c)) {
			return ""
		}
	}
	if downloadsAll(path) {
		return ""
	}
	return next
}

// downloadsAll reports whether a page to come back to after sign-in is a
// download of everything, of all (the backup) or of a person (their
// disclosure, its parts), as the router reads the path (escapes decoded,
// "." segments gone). Those are held to a request from Baton's own pages
// (require), and the sign-in's redirect is one: a link to
// /admin/login?next=backup, sent by anyone, had the store downloaded to
// the admin's computer as they signed in, in their name in the audit
// trail. Signed in, they land on the dashboard.
func downloadsAll(p string) bool {
	p, err := url.PathUnescape(p)
	if err != nil {
		return true
	}
	p = path.Clean(p)
	return p == "backup" || slices.Contains(strings.Split(p, "/"), "disclosure")
}

// cookiePath is /admin below the public URL's path (a prefix in front of
// Baton) and the base path Baton serves under (BATON_BASE_PATH), else /admin.
func (h *Handler) cookiePath(r *http.Request) string {
	if h.PublicURL != "" {
		if u, err := url.Parse(h.PublicURL); err == nil {
			return strings.TrimSuffix(u.Path, "/") + httpx.BasePath(r) + "/admin"
		}
	}
	return httpx.BasePath(r) + "/admin"
}

// secure: the cookie is sent only over https when Baton is reached by it.
func (h *Handler) secure(r *http.Request) bool {
	return strings.HasPrefix(httpx.BaseURL(h.PublicURL, r, h.Proxies), "https://")
}

func (h *Handler) clearCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: h.cookiePath(r), MaxAge: -1, HttpOnly: true, Secure: h.secure(r), SameSite: http.SameSiteStrictMode})
}

// navView is the sign-out form on the admin pages of a signed-in browser.
type navView struct {
	Name, CSRF string
}

// nav returns the page's sign-out form data; nil for a bearer-token client.
func nav(r *http.Request) *navView {
	if c, ok := callerOf(r); ok && c.Session != nil {
		return &navView{Name: c.Session.Name, CSRF: c.Session.CSRF}
	}
	return nil
}
