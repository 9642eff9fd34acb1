package admin

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"

	"github.com/baton-hq/baton/internal/httpx"
)

// Scopes an admin token can hold.
const (
	ScopeRead  = "read"  // look people, reports and dead letters up
	ScopeWrite = "write" // mint links and tokens, import, rescore, replay
	ScopeErase = "erase" // forget people
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
		case ScopeRead, ScopeWrite, ScopeErase:
			c.Scopes[s] = true
		default:
			return Credential{}, fmt.Errorf("admin token %q: unknown scope %q (read, write, erase)", name, s)
		}
	}
	if len(c.Scopes) == 0 {
		return Credential{}, fmt.Errorf("admin token %q: no scopes", name)
	}
	return c, nil
}

// FullAccess is a credential with every scope, from a plain token (the
// BATON_ADMIN_TOKEN of the environment); only its hash is kept.
func FullAccess(tok string) Credential {
	return Credential{Name: "BATON_ADMIN_TOKEN", Hash: sha256.Sum256([]byte(tok)), Scopes: map[string]bool{ScopeRead: true, ScopeWrite: true, ScopeErase: true}}
}

// authorize finds the credential presented, comparing hashes in constant
// time against every credential (no early exit that would time the match).
func (h *Handler) authorize(r *http.Request) (Credential, bool) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		// A browser opening the dashboard: the token as the Basic password.
		_, tok, ok = r.BasicAuth()
	}
	if !ok || tok == "" {
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

// Require wraps a handler with the bearer-token check for a scope; other
// packages use it for their admin routes.
func (h *Handler) Require(scope string, next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, ok := h.authorize(r)
		if !ok {
			w.Header().Add("WWW-Authenticate", `Bearer realm="baton-admin"`)
			w.Header().Add("WWW-Authenticate", `Basic realm="Baton admin (password: an admin token)", charset="UTF-8"`)
			httpx.Error(w, http.StatusUnauthorized, "missing or wrong bearer token")
			return
		}
		if !c.Scopes[scope] {
			httpx.Error(w, http.StatusForbidden, "this token lacks the "+scope+" scope")
			return
		}
		next(w, r)
	})
}
