package admin

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"math"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/audit"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/offline"
	"github.com/baton-hq/baton/internal/recipientcsv"
	"github.com/baton-hq/baton/internal/session"
)

// Scopes an admin token can hold.
const (
	ScopeRead   = "read"   // look people, reports and dead letters up
	ScopeWrite  = "write"  // mint links and tokens, import, rescore, replay
	ScopeErase  = "erase"  // forget people
	ScopeBackup = "backup" // download a copy of the whole embedded store
)

// Credential is one accepted bearer token, stored only as its SHA-256 hash:
// a leaked configuration does not leak tokens.
type Credential struct {
	Name   string
	Hash   [32]byte
	Scopes map[string]bool
}

// HashToken returns the hex SHA-256 of a token, the form kept in config.
func HashToken(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

// NewCredential builds a credential from a hex SHA-256 hash and scopes.
func NewCredential(name, hexHash string, scopes []string) (Credential, error) {
	b, err := hex.DecodeString(hexHash)
	if err != nil || len(b) != 32 {
		return Credential{}, fmt.Errorf("admin token %q: sha256 must be 64 hex characters", name)
	}
	c := Credential{Name: name, Scopes: map[string]bool{}}
	copy(c.Hash[:], b)
	for _, s := range scopes {
		switch s {
		case ScopeRead, ScopeWrite, ScopeErase, ScopeBackup:
			c.Scopes[s] = true
		default:
			return Credential{}, fmt.Errorf("admin token %q: unknown scope %q (read, write, erase, backup)", name, s)
		}
	}
	if len(c.Scopes) == 0 {
		return Credential{}, fmt.Errorf("admin token %q: no scopes", name)
	}
	return c, nil
}

// adminTokenName names the environment's admin token in the audit trail
// and as the owner of the verdicts given with it; the pages say
// "Administrator" (page.Who).
const adminTokenName = "BATON_ADMIN_TOKEN"

// FullAccess is a credential with every scope, from a plain token (the
// BATON_ADMIN_TOKEN of the environment); only its hash is kept.
func FullAccess(tok string) Credential {
	return Credential{Name: adminTokenName, Hash: sha256.Sum256([]byte(tok)), Scopes: map[string]bool{ScopeRead: true, ScopeWrite: true, ScopeErase: true, ScopeBackup: true}}
}

// fingerprint is what a session keeps of its credential: a hash of the
// token's hash, so the table holds nothing the configuration does not.
func (c Credential) fingerprint() string {
	sum := sha256.Sum256(append([]byte("baton-session-credential:"), c.Hash[:]...))
	return hex.EncodeToString(sum[:])
}

// match finds the credential of a token, comparing hashes in constant time
// against every credential (no early exit that would time the match).
func (h *Handler) match(tok string) (Credential, bool) {
	if tok == "" {
		return Credential{}, false
	}
	sum := sha256.Sum256([]byte(tok))
	var found Credential
	match := 0
	for _, c := range h.Credentials {
		if subtle.ConstantTimeCompare(sum[:], c.Hash[:]) == 1 {
			found, match = c, 1
		}
	}
	return found, match == 1
}

// byFingerprint finds the credential a session was opened with; a token
// removed from the configuration since then matches nothing.
func (h *Handler) byFingerprint(fp string) (Credential, bool) {
	var found Credential
	match := 0
	for _, c := range h.Credentials {
		if subtle.ConstantTimeCompare([]byte(fp), []byte(c.fingerprint())) == 1 {
			found, match = c, 1
		}
	}
	return found, match == 1
}

// caller is who made an authenticated request, and how.
type caller struct {
	Cred      Credential
	Session   *session.Session // nil: a bearer token (an API client)
	SessionID string
}

// via says how the caller authenticated, as the audit trail names it.
func (c caller) via() string {
	if c.Session != nil {
		return "session"
	}
	return "token"
}

type callerKey struct{}

// callerOf returns the caller Require put on the request's context.
func callerOf(r *http.Request) (caller, bool) {
	c, ok := r.Context().Value(callerKey{}).(caller)
	return c, ok
}

// canWrite reports whether the request's caller has the write scope: a
// page shows a read-only caller no form whose post would answer 403.
func canWrite(r *http.Request) bool {
	c, ok := callerOf(r)
	return ok && c.Cred.Scopes[ScopeWrite]
}

// errNoCredentials: the request carries no credentials at all, or ones
// that are not (or no longer) valid.
var errNoCredentials = errors.New("no credentials")

// denial says why authenticate found no caller: the answer's message, and
// what the audit trail keeps of a refused credential (reason "": none was
// presented, nothing to record).
type denial struct {
	msg, reason, who, via string
}

// bearerToken is the token of a Bearer credential. The scheme is matched
// without regard to case (RFC 9110 11.1): "bearer <token>" from a client
// library was refused with a message about HTTP Basic.
func bearerToken(authz string) (string, bool) {
	scheme, tok, ok := strings.Cut(authz, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return tok, true
}

// authenticate finds the caller: a bearer token (API clients) or the
// session cookie (browsers signed in at /admin/login). HTTP Basic is not
// accepted: a browser would send it by itself with any cross-site request.
func (h *Handler) authenticate(r *http.Request) (caller, denial, error) {
	authz := r.Header.Get("Authorization")
	if tok, ok := bearerToken(authz); ok {
		c, ok := h.match(strings.TrimSpace(tok))
		if !ok {
			return caller{}, denial{"missing or wrong bearer token", audit.ReasonUnknownToken, "", "token"}, errNoCredentials
		}
		return caller{Cred: c}, denial{}, nil
	}
	// Any other Authorization (Basic credentials a browser still caches from
	// before sign-in pages) is ignored: the session cookie decides.
	if h.Sessions != nil {
		if ck, err := r.Cookie(SessionCookie); err == nil && ck.Value != "" {
			s, err := h.Sessions.Get(r.Context(), ck.Value)
			if errors.Is(err, session.ErrNotFound) {
				return caller{}, denial{"your session has ended: sign in again at /admin/login", audit.ReasonSessionEnded, "", "session"}, errNoCredentials
			}
			if err != nil {
				return caller{}, denial{}, err
			}
			c, ok := h.byFingerprint(s.Credential)
			if !ok {
				return caller{}, denial{"the token this session was opened with is no longer accepted: sign in again", audit.ReasonTokenRevoked, s.Name, "session"}, errNoCredentials
			}
			return caller{Cred: c, Session: &s, SessionID: ck.Value}, denial{}, nil
		}
	}
	if authz != "" {
		return caller{}, denial{msg: "send Authorization: Bearer <admin token> (HTTP Basic is not accepted; browsers sign in at /admin/login)"}, errNoCredentials
	}
	return caller{}, denial{msg: "missing or wrong bearer token"}, errNoCredentials
}

// safe methods change nothing; every other one is state-changing.
func safe(method string) bool {
	return method == http.MethodGet || method == http.MethodHead || method == http.MethodOptions
}

// Body types a state-changing API request may declare.
var (
	jsonBody = []string{"application/json"}
	csvBody  = []string{"text/csv"}
)

// Require wraps a handler with the admin check for a scope: a bearer token
// or a browser session. A state-changing request, and any of the erase or
// backup scope, must come from Baton's own origin (or from no browser page
// at all); with a session it must carry
// the session's CSRF token, with a bearer token a JSON body. Once the
// caller is known, a state-changing request and any request of the backup
// scope (an export of everything) or of the erase scope (a person's
// erasure, or everything of them disclosed) goes to the audit trail with its answer,
// refusals included (see audit.go).
func (h *Handler) Require(scope string, next http.HandlerFunc) http.Handler {
	return h.require(scope, jsonBody, next)
}

// require is Require with the body types the route takes.
func (h *Handler) require(scope string, bodies []string, next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Every answer here is private (people, tokens, the trail): no cache
		// keeps it, the CSV downloads included (JSON and pages set it too).
		w.Header().Set("Cache-Control", "no-store")
		// A download of everything (of a person: the disclosure; of all:
		// the backup) is held to Baton's origin as a change is: the
		// session cookie's SameSite=Strict keeps other sites out, not a
		// page of another origin on the same site (www. beside baton.),
		// whose <img> would have the admin's browser download it, in the
		// admin's name in the trail.
		if !safe(r.Method) || scope == ScopeErase || scope == ScopeBackup {
			if err := h.sameOrigin(r); err != nil {
				h.refuse(r, "", "", http.StatusForbidden, audit.ReasonCrossSite)
				h.deny(w, r, http.StatusForbidden, err.Error())
				return
			}
		}
		c, d, err := h.authenticate(r)
		if err != nil && !errors.Is(err, errNoCredentials) {
			h.log().Error("admin session", "err", err)
			httpx.Unavailable(w, 5*time.Second)
			return
		}
		if err != nil {
			refused := func(status int) {
				if d.reason != "" { // a credential was presented and refused
					h.refuse(r, d.who, d.via, status, d.reason)
				}
			}
			if h.Sessions != nil {
				if _, cerr := r.Cookie(SessionCookie); cerr == nil {
					h.clearCookie(w, r) // ended or expired: the browser forgets it
				}
				if safe(r.Method) && wantsHTML(r) {
					refused(http.StatusSeeOther)
					h.toLogin(w, r)
					return
				}
			}
			refused(http.StatusUnauthorized)
			w.Header().Set("WWW-Authenticate", `Bearer realm="baton-admin"`)
			h.deny(w, r, http.StatusUnauthorized, d.msg)
			return
		}
		var sw *statusWriter // the answer, when the request is recorded
		if h.Audit != nil && (!safe(r.Method) || scope == ScopeBackup || scope == ScopeErase) {
			sw = &statusWriter{ResponseWriter: w}
			w = sw
			defer func(at time.Time) { h.record(r, c, sw, at) }(clock.Or(h.Audit.Now)())
		}
		// Known from here on: a refusal's page has the caller's navigation
		// and sign-out (a session whose token lacks a scope must be able
		// to sign out and in with another).
		r = r.WithContext(context.WithValue(r.Context(), callerKey{}, c))
		if !c.Cred.Scopes[scope] {
			if sw != nil {
				sw.reason = audit.ReasonMissingScope
			} else if h.Audit != nil { // a read refused: counted like a refused token
				h.refuse(r, c.Cred.Name, c.via(), http.StatusForbidden, audit.ReasonMissingScope)
			}
			h.denyScope(w, r, scope)
			return
		}
		if !safe(r.Method) {
			// A compressed body would be read as its bytes: a gzipped CSV
			// refused as "neither UTF-8, Shift_JIS nor EUC-JP". Say so.
			if enc := strings.TrimSpace(r.Header.Get("Content-Encoding")); enc != "" && !strings.EqualFold(enc, "identity") {
				h.deny(w, r, http.StatusUnsupportedMediaType, fmt.Sprintf("Content-Encoding %q: send the body uncompressed", enc))
				return
			}
			if c.Session != nil {
				// An upload parsed here (over 8 MB: in temporary files) is
				// this request copy's: net/http removes only the original
				// request's, so the files stayed in the temp directory.
				defer func() {
					if r.MultipartForm != nil {
						r.MultipartForm.RemoveAll()
					}
				}()
				tok, ferr := csrfToken(w, r, h.maxUpload())
				if ferr != nil { // no token can be read: say why, not that it is missing
					status, msg := formError(ferr)
					h.deny(w, r, status, msg)
					return
				}
				if !c.Session.ValidCSRF(tok) {
					if sw != nil {
						sw.reason = audit.ReasonCSRF
					}
					h.deny(w, r, http.StatusForbidden, "missing or wrong CSRF token (X-CSRF-Token header or csrf form field)")
					return
				}
			} else if status, msg := apiBody(r, bodies); status != 0 {
				httpx.Error(w, status, msg)
				return
			}
		}
		// r.URL.Query drops a pair it cannot unescape (cursor=%%%), and
		// the route would answer as if the parameter were not there.
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			h.deny(w, r, http.StatusBadRequest, "the query string cannot be read: "+err.Error())
			return
		}
		refuseParam := func(bad *badParam, once []link) {
			if wantsHTML(r) && h.Sessions != nil {
				// The language links keep the query as is (the same
				// error, in the other language).
				v := peopleView{Error: bad.Msg, Once: once}
				h.render(w, r, http.StatusBadRequest, "people", "Error", baseOf(r), "", v)
			} else {
				bad.refuse(w) // naming the field
			}
		}
		// Not UTF-8 (?q=%ff), a parameter or a form's field would be
		// shown again on the page as bytes no page may hold. Before once:
		// its links show the values.
		if bad := notText(q); bad != nil {
			refuseParam(bad, nil)
			return
		}
		if bad := notText(r.PostForm); bad != nil { // the form require read for its CSRF token
			refuseParam(bad, nil)
			return
		}
		// No route reads a parameter twice (?limit=5&limit=500000): the
		// route would take the first, and a client or proxy the last.
		if bad := once(q, slices.Sorted(maps.Keys(q))...); bad != nil {
			// A browser is shown the page with each value given once, to
			// pick from.
			refuseParam(bad, onceLinks(r.URL.EscapedPath(), q, bad.Field))
			return
		}
		next(w, r)
	})
}

// apiBody holds a bearer request that changes state to the body types of
// its route: a cross-site form can only send form encodings and
// text/plain. A request without a body (DELETE, POST .../replay) may omit
// the Content-Type.
func apiBody(r *http.Request, bodies []string) (int, string) {
	ct := r.Header.Get("Content-Type")
	if ct == "" && r.ContentLength == 0 {
		return 0, ""
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil {
		for _, b := range bodies {
			if mt == b {
				return 0, ""
			}
		}
	}
	return http.StatusUnsupportedMediaType, "Content-Type must be " + strings.Join(bodies, " or ")
}

// maxFormBody bounds a page's form (not a file upload): the largest is the
// lab's, a rules file of up to maxRulesBody, which percent-encoding makes
// up to three times longer (nine bytes a Japanese character).
const maxFormBody = 3*maxRulesBody + 64<<10

// csrfToken is the CSRF token a session request carries: the X-CSRF-Token
// header, or the csrf field of a form. err: the form could not be read
// (too large, malformed), so no token can be told from none.
func csrfToken(w http.ResponseWriter, r *http.Request, uploadLimit int64) (string, error) {
	if tok := r.Header.Get("X-CSRF-Token"); tok != "" {
		return tok, nil
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "multipart/form-data" { // a page's file upload (the recipient list)
		if err := parseUpload(w, r, uploadLimit); err != nil {
			return "", err
		}
		return r.PostFormValue("csrf"), nil
	}
	if mt != "application/x-www-form-urlencoded" {
		return "", nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		return "", err
	}
	return r.PostForm.Get("csrf"), nil
}

// formError is the answer to a form that could not be read: 413 naming the
// bound, else 400. (It was a 403 "missing or wrong CSRF token", which sent
// the user to sign in again for a form that was merely long.)
func formError(err error) (int, string) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		if mbe.Limit >= 1<<20 { // a file's upload: its own bound, as the page says it
			return http.StatusRequestEntityTooLarge, fileTooLarge(mbe.Limit - uploadSlack)
		}
		return http.StatusRequestEntityTooLarge, fmt.Sprintf("the form is larger than %d bytes", mbe.Limit)
	}
	return http.StatusBadRequest, "the form could not be read: " + err.Error()
}

// uploadSlack is the room an upload's form has beside its file (the CSRF
// token, the multipart headers).
const uploadSlack = 64 << 10

// maxUpload is the bound of an uploaded file: MaxUpload, at most the
// packages' own.
func (h *Handler) maxUpload() int64 {
	if h.MaxUpload > 0 {
		return min(h.MaxUpload, recipientcsv.MaxBytes, offline.MaxBytes)
	}
	return min(recipientcsv.MaxBytes, offline.MaxBytes)
}

// fileTooLarge says an uploaded file is past its bound.
func fileTooLarge(limit int64) string {
	return "the file is larger than " + megabytes(limit) + " MB: split it and upload each part"
}

// megabytes says a bound in MB as a page or an error does: "20", "4.2".
func megabytes(n int64) string {
	return strconv.FormatFloat(math.Floor(float64(n)/(1<<20)*10)/10, 'f', -1, 64)
}

// parseUpload reads a multipart upload (the recipient list page's) into
// r.MultipartForm, once, within the list's size bound.
func parseUpload(w http.ResponseWriter, r *http.Request, limit int64) error {
	if r.MultipartForm != nil {
		return nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit+uploadSlack)
	return r.ParseMultipartForm(8 << 20)
}

// The ways uploadedFile refuses an upload's file, each page saying them its
// own way (and with its own status).
var (
	errNotOneFile   = errors.New("not one file")
	errFileTooLarge = errors.New("file too large")
)

// uploadedFile opens the one file of field in r's parsed upload
// (parseUpload): errNotOneFile for none or several, errFileTooLarge past
// maxUpload (the form may be larger by uploadSlack), else Open's error.
// The caller closes it; the form's temporary files go with the request.
func (h *Handler) uploadedFile(r *http.Request, field string) (multipart.File, error) {
	var files []*multipart.FileHeader
	if r.MultipartForm != nil {
		files = r.MultipartForm.File[field]
	}
	if len(files) != 1 {
		return nil, errNotOneFile
	}
	if files[0].Size > h.maxUpload() {
		return nil, errFileTooLarge
	}
	return files[0].Open()
}

// sameOrigin refuses a state-changing request a browser sent from another
// site: Sec-Fetch-Site other than same-origin (or none: typed by the user),
// or an Origin (else a Referer) that is not Baton's own. Requests without
// these headers are not from a browser page (curl, scripts) and pass; a
// browser's session request still needs its CSRF token.
func (h *Handler) sameOrigin(r *http.Request) error {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default:
		return errors.New("cross-origin request refused")
	}
	if o := r.Header.Get("Origin"); o != "" {
		if !h.ownOrigin(r, o) {
			return errors.New("cross-origin request refused (Origin " + o + ")")
		}
		return nil
	}
	if ref := r.Header.Get("Referer"); ref != "" && !h.ownOrigin(r, ref) {
		return errors.New("cross-origin request refused (Referer)")
	}
	return nil
}

// ownOrigin reports whether a URL (an Origin or a Referer) is Baton's: the
// scheme and host of the public URL, or the host the request was sent to
// (as net/http.CrossOriginProtection compares it). "null" is nobody's.
func (h *Handler) ownOrigin(r *http.Request, raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	if h.PublicURL != "" {
		if p, err := url.Parse(h.PublicURL); err == nil && strings.EqualFold(p.Scheme, u.Scheme) && strings.EqualFold(p.Host, u.Host) {
			return true
		}
	}
	return strings.EqualFold(u.Host, r.Host)
}
